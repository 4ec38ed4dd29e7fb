import { resolveCapabilities } from '../security/caps.js';
import { buildSeccompProgram, type SeccompArch, type SockFilter } from '../security/seccomp.js';
import type { CgroupPlan } from './cgroups.js';
import { DEVICES, DOCKER_PATH, MASKED_PATHS, READ_ONLY_PATHS } from './defaults.js';
import type { MountFlag } from './mount-flags.js';

/**
 * What a container runs and how it is confined: set when the container is created and
 * saved with it, so that every later start and exec applies the same.
 */
export interface RunConfig extends Confinement {
  hostname: string;
  argv: string[];
  /** KEY=VALUE, image ENV first, then -e, later entries winning. */
  env: string[];
  workingDir: string;
  /** USER as Docker takes it: name or uid, optional :group or :gid; empty for root. */
  user: string;
  volumes: Volume[];
}

/** How a container is confined and what it is given, beyond its command and files. */
export interface Confinement {
  /** --tmpfs: scratch directories, for a --read-only root above all. */
  tmpfs: string[];
  readOnly: boolean;
  network: 'host' | 'none';
  capAdd: string[];
  capDrop: string[];
  privileged: boolean;
  seccomp: 'default' | 'unconfined';
  noNewPrivileges: boolean;
  /** A terminal of the container's own (-t), rather than the caller's stdin and stdout. */
  tty: boolean;
}

/** The defaults: what every container and every build step gets unless told otherwise. */
export const DEFAULT_CONFINEMENT: Confinement = {
  tmpfs: [],
  readOnly: false,
  network: 'host',
  capAdd: [],
  capDrop: [],
  privileged: false,
  seccomp: 'default',
  noNewPrivileges: false,
  tty: false,
};

export interface Volume {
  /** Absolute host path: a directory or a single file. */
  source: string;
  /** Absolute path inside the container. */
  target: string;
  readOnly: boolean;
}

export type Namespace = 'mount' | 'pid' | 'uts' | 'ipc' | 'net' | 'cgroup';

export type MountStep =
  | {
      op: 'mount';
      source: string;
      target: string;
      fstype: string;
      flags: MountFlag[];
      data: string;
      create: 'dir' | 'none';
    }
  | { op: 'bind'; source: string; target: string; flags: MountFlag[]; create: 'auto' | 'file' }
  | { op: 'mknod'; path: string; mode: number; major: number; minor: number }
  | { op: 'symlink'; target: string; path: string }
  | { op: 'mask'; path: string }
  | { op: 'readonly'; path: string };

/** The container's root: an overlay of the image's layers under its own upper directory. */
export interface RootfsPlan {
  mountPoint: string;
  layersDir: string;
  /** Lower directories relative to layersDir, top-most first, as overlayfs wants them. */
  lower: string[];
  upper: string;
  work: string;
  flags: MountFlag[];
}

export interface ProcessPlan {
  argv: string[];
  env: string[];
  cwd: string;
  /** Create the working directory when it is missing, as Docker does for WORKDIR and -w. */
  createCwd: boolean;
  user: string;
  tty: boolean;
}

/**
 * Everything cc-init will do, decided before it runs: testable without root, printed by
 * --verbose, and a plain value that could be saved with the container.
 */
export interface LaunchPlan {
  program: string;
  runId: string;
  mode: 'run' | 'exec';
  namespaces: Namespace[];
  join?: { pid: number; startTime: number };
  /** The container's cgroup: made (run) and joined (run and exec). */
  cgroup?: CgroupPlan;
  hostname?: string;
  /** A new network namespace has only a loopback, and it starts down. */
  loopback: boolean;
  rootfs?: RootfsPlan;
  mounts: MountStep[];
  readOnlyRoot: boolean;
  process: ProcessPlan;
  /** Capability names; omitted means "keep what cc-init has" (never for containers). */
  capabilities: string[];
  seccomp?: SockFilter[];
  noNewPrivileges: boolean;
  detached: boolean;
  dieWithParent: boolean;
  stateDir: string;
  runLock?: string;
  log?: { maxBytes: number; maxFiles: number };
  restart?: { policy: 'on-failure' | 'always'; maxRetries: number };
  stopSignal?: number;
  /** Move this directory (the container's) to `to` after the run, under the run lock. */
  discard?: { from: string; to: string };
}

/** Facts about the host that shape a plan, found once by host/facts.ts. */
export interface HostFacts {
  seccompArch: SeccompArch | undefined;
  /** Whether the kernel can load a seccomp filter at all. */
  seccompAvailable: boolean;
  cgroupNamespace: boolean;
}

export interface ContainerFiles {
  layersDir: string;
  /** Layer ids, bottom first, as images store them. */
  layers: string[];
  /** An empty directory, the lower layer of an image that has none (FROM scratch). */
  emptyLayer: string;
  upper: string;
  work: string;
  rootfs: string;
  stateDir: string;
  runLock: string;
  /** Host files bound over /etc/hosts, /etc/hostname and /etc/resolv.conf. */
  etc: { hosts: string; hostname: string; resolvConf: string };
}

export interface RunPlanOptions {
  program: string;
  runId: string;
  config: RunConfig;
  files: ContainerFiles;
  host: HostFacts;
  detached: boolean;
  cgroup?: CgroupPlan;
  log?: { maxBytes: number; maxFiles: number };
  restart?: LaunchPlan['restart'];
  stopSignal?: number;
  /** The terminal type to pass on when the command gets the caller's terminal. */
  terminal?: string;
  discard?: LaunchPlan['discard'];
}

/** The plan for starting a container: new namespaces, its root, its confinement. */
export function planRun(options: RunPlanOptions): LaunchPlan {
  const { config, files, host } = options;
  const capabilities = [...resolveCapabilities(config.capAdd, config.capDrop, config.privileged)];

  return {
    program: options.program,
    runId: options.runId,
    mode: 'run',
    namespaces: planNamespaces(config, host),
    cgroup: options.cgroup,
    hostname: config.hostname,
    loopback: config.network === 'none',
    rootfs: planRootfs(files, config),
    mounts: planMounts(config, files),
    readOnlyRoot: config.readOnly,
    process: planProcess(config, options.terminal),
    capabilities,
    seccomp: planSeccomp(config, host, capabilities),
    noNewPrivileges: config.noNewPrivileges,
    detached: options.detached,
    dieWithParent: !options.detached,
    stateDir: files.stateDir,
    runLock: files.runLock,
    log: options.log,
    restart: options.restart,
    stopSignal: options.stopSignal,
    discard: options.discard,
  };
}

export interface ExecPlanOptions {
  program: string;
  runId: string;
  config: RunConfig;
  init: { pid: number; startTime: number };
  host: HostFacts;
  stateDir: string;
  /** The cgroup.procs files of the container's cgroup, to join. */
  cgroups?: string[];
  terminal?: string;
}

/** The plan for a command in a running container: join its init's namespaces. */
export function planExec(options: ExecPlanOptions): LaunchPlan {
  const { config, host } = options;
  const capabilities = [...resolveCapabilities(config.capAdd, config.capDrop, config.privileged)];

  return {
    program: options.program,
    runId: options.runId,
    mode: 'exec',
    namespaces: [],
    join: options.init,
    cgroup: { dirs: [], writes: [], join: options.cgroups ?? [] },
    loopback: false,
    mounts: [],
    readOnlyRoot: false,
    process: planProcess(config, options.terminal),
    capabilities,
    seccomp: planSeccomp(config, host, capabilities),
    noNewPrivileges: config.noNewPrivileges,
    detached: false,
    dieWithParent: true,
    stateDir: options.stateDir,
  };
}

function planNamespaces(config: RunConfig, host: HostFacts): Namespace[] {
  const namespaces: Namespace[] = ['mount', 'pid', 'uts', 'ipc'];
  if (host.cgroupNamespace) namespaces.push('cgroup');
  if (config.network === 'none') namespaces.push('net');
  return namespaces;
}

function planRootfs(files: ContainerFiles, config: RunConfig): RootfsPlan {
  const lower = files.layers.map((id) => `${id}/fs`).reverse();
  if (lower.length === 0) lower.push(files.emptyLayer);

  // Device nodes in an image are inert (nodev): a container cannot reach a host device
  // by shipping a node for it, whatever capabilities it holds.
  return {
    mountPoint: files.rootfs,
    layersDir: files.layersDir,
    lower,
    upper: files.upper,
    work: files.work,
    flags: config.privileged ? [] : ['nodev'],
  };
}

/** The mounts inside the new root, in the order cc-init makes them. */
export function planMounts(config: RunConfig, files: ContainerFiles): MountStep[] {
  const steps: MountStep[] = [
    mount('proc', '/proc', 'proc', ['nosuid', 'nodev', 'noexec'], ''),
    mount('tmpfs', '/dev', 'tmpfs', ['nosuid', 'strictatime'], 'mode=755,size=65536k'),
    ...DEVICES.map((device): MountStep => ({
      op: 'mknod',
      path: `/dev/${device.name}`,
      mode: 0o666,
      ...device,
    })),
    { op: 'symlink', target: '/proc/self/fd', path: '/dev/fd' },
    { op: 'symlink', target: '/proc/self/fd/0', path: '/dev/stdin' },
    { op: 'symlink', target: '/proc/self/fd/1', path: '/dev/stdout' },
    { op: 'symlink', target: '/proc/self/fd/2', path: '/dev/stderr' },
    { op: 'symlink', target: 'pts/ptmx', path: '/dev/ptmx' },
    mount('devpts', '/dev/pts', 'devpts', ['nosuid', 'noexec'], DEVPTS_OPTIONS),
    mount('shm', '/dev/shm', 'tmpfs', ['nosuid', 'nodev', 'noexec'], 'mode=1777,size=65536k'),
    mount('mqueue', '/dev/mqueue', 'mqueue', ['nosuid', 'nodev', 'noexec'], ''),
    mount('sysfs', '/sys', 'sysfs', sysfsFlags(config), ''),
  ];

  if (!config.privileged) {
    steps.push(...MASKED_PATHS.map((path): MountStep => ({ op: 'mask', path })));
    steps.push(...READ_ONLY_PATHS.map((path): MountStep => ({ op: 'readonly', path })));
  }

  steps.push(
    bindFile(files.etc.resolvConf, '/etc/resolv.conf'),
    bindFile(files.etc.hostname, '/etc/hostname'),
    bindFile(files.etc.hosts, '/etc/hosts'),
  );

  for (const volume of config.volumes) {
    const flags: MountFlag[] = config.privileged ? [] : ['nodev'];
    if (volume.readOnly) flags.push('ro');
    steps.push({ op: 'bind', source: volume.source, target: volume.target, flags, create: 'auto' });
  }

  for (const entry of config.tmpfs) {
    const { target, flags, data } = parseTmpfs(entry);
    steps.push(mount('tmpfs', target, 'tmpfs', flags, data));
  }

  return steps;
}

// gid 5 is the tty group on Debian and Ubuntu; Docker uses the same fixed number.
const DEVPTS_OPTIONS = 'newinstance,ptmxmode=0666,mode=0620,gid=5';

function sysfsFlags(config: RunConfig): MountFlag[] {
  return config.privileged ? ['nosuid', 'nodev', 'noexec'] : ['ro', 'nosuid', 'nodev', 'noexec'];
}

function mount(
  source: string,
  target: string,
  fstype: string,
  flags: MountFlag[],
  data: string,
): MountStep {
  return { op: 'mount', source, target, fstype, flags, data, create: 'dir' };
}

function bindFile(source: string, target: string): MountStep {
  return { op: 'bind', source, target, flags: [], create: 'file' };
}

/**
 * `--tmpfs /run:exec,size=10m,mode=1777`, as Docker reads it: noexec, nosuid and nodev
 * unless the options say exec, suid or dev; mount flags apart from tmpfs's own options.
 */
export function parseTmpfs(entry: string): { target: string; flags: MountFlag[]; data: string } {
  const colon = entry.indexOf(':');
  const target = colon === -1 ? entry : entry.slice(0, colon);
  const words =
    colon === -1
      ? []
      : entry
          .slice(colon + 1)
          .split(',')
          .filter(Boolean);
  const flags = new Set<MountFlag>(['nosuid', 'nodev', 'noexec']);
  const data: string[] = [];

  for (const word of words) {
    if (word === 'exec' || word === 'suid' || word === 'dev') flags.delete(`no${word}`);
    else if (word === 'noexec' || word === 'nosuid' || word === 'nodev' || word === 'ro') {
      flags.add(word);
    } else if (word !== 'rw') data.push(word);
  }
  return { target, flags: [...flags], data: data.length > 0 ? data.join(',') : 'size=65536k' };
}

function planProcess(config: RunConfig, terminal: string | undefined): ProcessPlan {
  // A terminal of the container's own is an xterm unless the caller's says otherwise.
  const term = terminal ?? (config.tty ? 'xterm' : undefined);
  const env = withDefaults(config.env, [
    `PATH=${DOCKER_PATH}`,
    `HOSTNAME=${config.hostname}`,
    ...(term === undefined ? [] : [`TERM=${term}`]),
  ]);

  return {
    argv: config.argv,
    env,
    cwd: config.workingDir.length > 0 ? config.workingDir : '/',
    createCwd: true,
    user: config.user,
    tty: config.tty,
  };
}

/** Adds each default whose variable the list does not set; later duplicates win. */
export function withDefaults(env: readonly string[], defaults: readonly string[]): string[] {
  const merged = new Map<string, string>();
  for (const entry of [...defaults, ...env]) merged.set(entry.split('=', 1)[0]!, entry);
  return [...merged.values()];
}

function planSeccomp(
  config: RunConfig,
  host: HostFacts,
  capabilities: readonly string[],
): SockFilter[] | undefined {
  if (config.privileged || config.seccomp === 'unconfined') return undefined;
  if (!host.seccompAvailable || host.seccompArch === undefined) return undefined;
  return buildSeccompProgram({ arch: host.seccompArch, capabilities: new Set(capabilities) });
}

/** Why a confined container would start without its seccomp filter, if it would. */
export function seccompWarning(config: RunConfig, host: HostFacts): string | undefined {
  if (config.privileged || config.seccomp === 'unconfined') return undefined;
  if (!host.seccompAvailable) return 'this kernel cannot load seccomp filters: running without';
  if (host.seccompArch === undefined) {
    return `no seccomp filter for architecture '${process.arch}': running without`;
  }
  return undefined;
}
