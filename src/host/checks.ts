import * as fs from 'node:fs';

import { CC_INIT } from '../runtime/launch.js';
import { run } from '../util/exec.js';
import { cgroupLayout } from './cgroups.js';
import { seccompFiltersAvailable } from './facts.js';

export interface CheckResult {
  name: string;
  ok: boolean;
  /** What was found, or what is wrong. */
  detail: string;
  /** How to fix it, when it is not ok. */
  fix?: string;
  /** A failed needed check makes cc-setup fail; others only inform. */
  needed: boolean;
  /** Debian/Ubuntu packages that fix it, for --install-deps. */
  packages?: string[];
}

/** Every check cc-setup runs, in the order it prints them. */
export async function checkHost(): Promise<CheckResult[]> {
  return [
    checkRoot(),
    checkOverlay(),
    checkNamespaces(),
    await checkUtilLinux(),
    await checkTool('tar', ['tar', '--version'], ['tar'], true),
    await checkBootstrapper(),
    checkLauncher(),
    checkSeccomp(),
    checkCgroups(),
  ];
}

function checkRoot(): CheckResult {
  const ok = process.getuid?.() === 0;
  return {
    name: 'root',
    ok,
    detail: ok ? 'running as root' : 'not running as root',
    fix: 'run cc-setup as root (sudo cc-setup)',
    needed: true,
  };
}

function checkOverlay(): CheckResult {
  const filesystems = readOr('/proc/filesystems', '');
  const ok = /\toverlay$/m.test(filesystems);
  return {
    name: 'overlayfs',
    ok,
    detail: ok ? 'the kernel has overlayfs' : 'overlay is not in /proc/filesystems',
    fix: 'load it with `modprobe overlay` (CONFIG_OVERLAY_FS)',
    needed: true,
  };
}

function checkNamespaces(): CheckResult {
  const kinds = ['mnt', 'pid', 'uts', 'ipc', 'net'];
  const missing = kinds.filter((kind) => !fs.existsSync(`/proc/self/ns/${kind}`));
  return {
    name: 'namespaces',
    ok: missing.length === 0,
    detail:
      missing.length === 0 ? `${kinds.join(', ')}` : `the kernel lacks: ${missing.join(', ')}`,
    fix: 'use a kernel built with CONFIG_NAMESPACES and its mount, PID, UTS, IPC, net options',
    needed: true,
  };
}

/** flock(1) holds our locks; mount(8) mounts build layers; both come with util-linux. */
async function checkUtilLinux(): Promise<CheckResult> {
  const result = await checkTool('util-linux', ['flock', '--version'], ['util-linux'], true);
  const version = /util-linux (\d+)\.(\d+)/.exec(result.detail);
  if (result.ok && version && Number(version[1]) === 2 && Number(version[2]) < 27) {
    return { ...result, ok: false, detail: `${result.detail}: 2.27 or later is needed` };
  }
  const mountFound =
    (await run(['mount', '--version'], { allowFailure: true }).catch(() => undefined))?.status ===
    0;
  return mountFound ? result : { ...result, ok: false, detail: 'mount(8) is missing' };
}

async function checkBootstrapper(): Promise<CheckResult> {
  const found: string[] = [];
  for (const tool of ['mmdebstrap', 'debootstrap']) {
    const result = await checkTool(tool, [tool, '--version'], [tool], true);
    if (result.ok) found.push(result.detail);
  }
  return {
    name: 'bootstrap',
    ok: found.length > 0,
    detail: found.length > 0 ? found.join(', ') : 'neither debootstrap nor mmdebstrap found',
    fix: 'apt-get install debootstrap mmdebstrap (or cc-setup --install-deps)',
    needed: true,
    packages: ['debootstrap', 'mmdebstrap'],
  };
}

function checkLauncher(): CheckResult {
  const ok = fs.existsSync(CC_INIT);
  return {
    name: 'launcher',
    ok,
    detail: ok ? CC_INIT : `${CC_INIT} is missing`,
    fix: 'build it: npm run build (needs gcc and libc6-dev)',
    needed: true,
    packages: ['gcc', 'libc6-dev'],
  };
}

function checkSeccomp(): CheckResult {
  const ok = seccompFiltersAvailable();
  return {
    name: 'seccomp',
    ok,
    detail: ok
      ? 'filters available'
      : 'this kernel cannot load seccomp filters: containers start with a warning and without one',
    fix: 'use a kernel built with CONFIG_SECCOMP_FILTER',
    needed: false,
  };
}

function checkCgroups(): CheckResult {
  const layout = cgroupLayout();
  const controllers = ['memory', 'cpu', 'pids'];
  const missing = controllers.filter((name) => !layout.controllers.includes(name));
  return {
    name: 'cgroups',
    ok: missing.length === 0,
    detail:
      layout.version === 'none'
        ? 'no cgroup file system mounted: --memory, --cpus and --pids-limit are unavailable'
        : `cgroup ${layout.version}, controllers: ${layout.controllers.join(' ') || 'none'}` +
          (missing.length > 0 ? ` (missing: ${missing.join(' ')})` : ''),
    fix: 'enable the controllers (for cgroup v2: +memory +cpu +pids in cgroup.subtree_control)',
    needed: false,
  };
}

async function checkTool(
  name: string,
  argv: string[],
  packages: string[],
  needed: boolean,
): Promise<CheckResult> {
  const result = await run(argv, { allowFailure: true }).catch(() => undefined);
  const ok = result !== undefined && result.status === 0;
  const firstLine = ok ? (result.stdout || result.stderr).split('\n')[0]!.trim() : '';
  return {
    name,
    ok,
    detail: ok ? firstLine : `${argv[0]} not found`,
    fix: `apt-get install ${packages.join(' ')}`,
    needed,
    packages,
  };
}

function readOr(file: string, fallback: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}
