import * as fs from 'node:fs';
import * as path from 'node:path';

import { cgroupLayout } from '../host/cgroups.js';
import { hostFacts } from '../host/facts.js';
import {
  containerExists,
  containerStatus,
  createContainer,
  listContainerNames,
  loadContainer,
  lockContainer,
  removeContainerFiles,
  type ContainerRecord,
} from '../store/containers.js';
import { resolveImage } from '../store/images.js';
import type { ImageRef } from '../store/names.js';
import type { ContainerPaths } from '../store/paths.js';
import type { Store } from '../store/store.js';
import {
  CcError,
  describeError,
  EXIT_CANNOT_EXECUTE,
  EXIT_NOT_FOUND,
  EXIT_OWN_FAILURE,
} from '../util/errors.js';
import { randomHex, removeTree } from '../util/fsx.js';
import { log } from '../util/log.js';
import {
  cgroupPlan,
  containerCgroup,
  procsFiles,
  removeCgroup,
  type CgroupPlan,
} from './cgroups.js';
import { execConfig, makeRunConfig, type RunOverrides } from './config.js';
import { DEFAULT_STOP_SIGNAL } from './defaults.js';
import { writeEtcFiles } from './etc.js';
import { launch, type LaunchIo, type LaunchResult } from './launch.js';
import { planExec, planRun, seccompWarning, type LaunchPlan, type RunConfig } from './plan.js';
import { SIGNALS } from './wire.js';

export interface CreateOptions {
  program: string;
  /** Omitted for a throw-away container: a name is made up. */
  name?: string;
  image: ImageRef;
  command: string[];
  overrides: RunOverrides;
  removeOnExit: boolean;
  detached: boolean;
  restart?: ContainerRecord['restart'];
  log?: ContainerRecord['log'];
  limits?: ContainerRecord['limits'];
  cgroup?: CgroupMode;
}

/**
 * 'own': a cgroup of the container's, with its limits. 'inherit': stay in the caller's,
 * for a service manager that gives the container one (cc-systemd's units).
 */
export type CgroupMode = 'own' | 'inherit';

export interface Outcome {
  name: string;
  result: LaunchResult;
}

const DEFAULT_LOG = { maxBytes: 10 * 1024 * 1024, maxFiles: 3 };

/** cc-start NAME IMAGE: creates the container, then starts it. */
export async function createAndStart(store: Store, options: CreateOptions): Promise<Outcome> {
  const name = options.name ?? `run-${randomHex(5)}`;
  log.step('creating the container');
  const record = await withLayersPinned(store, () => {
    const image = resolveImage(store, options.image);
    const run = makeRunConfig(image.config, name, options.command, options.overrides);
    checkVolumeSources(run);
    const created: ContainerRecord = {
      name,
      image: { name: image.name, version: image.version },
      layers: image.layers,
      created: new Date().toISOString(),
      run,
      removeOnExit: options.removeOnExit,
      stopSignal: image.config.stopSignal ?? DEFAULT_STOP_SIGNAL,
      restart: options.restart,
      log: options.log ?? DEFAULT_LOG,
      limits: options.limits,
    };
    createContainer(store, created);
    return created;
  });

  // A throw-away container is moved out of sight by cc-init as its run ends, under the
  // run lock; one whose command never started is removed too: nothing is left half-made.
  const throwaway = options.removeOnExit && !options.detached;
  const trash = throwaway
    ? path.join(store.paths.tmpDir, `trash.${name}.${randomHex(4)}`)
    : undefined;
  let started = false;
  try {
    const result = await startRecord(store, record, options.program, options.detached, {
      discardTo: trash,
      cgroup: options.cgroup,
    });
    started = result.started;
    return { name, result };
  } finally {
    if (trash !== undefined && fs.existsSync(trash)) removeTree(trash);
    else if (!started || throwaway) await removeAfterRun(store, name);
  }
}

function checkVolumeSources(run: RunConfig): void {
  for (const volume of run.volumes) {
    if (!fs.existsSync(volume.source)) {
      throw new CcError(`-v: '${volume.source}' does not exist on the host`);
    }
  }
}

/** cc-start NAME: starts an existing container again, as it was created. */
export async function startExisting(
  store: Store,
  name: string,
  program: string,
  detached: boolean,
  cgroup: CgroupMode = 'own',
): Promise<Outcome> {
  const record = loadContainer(store, name);
  const status = containerStatus(store.paths.containerPaths(name));
  if (status.state === 'running') throw new CcError(`container '${name}' is already running`);

  const result = await startRecord(store, record, program, detached, { cgroup });
  return { name, result };
}

async function startRecord(
  store: Store,
  record: ContainerRecord,
  program: string,
  detached: boolean,
  options: { discardTo?: string; cgroup?: CgroupMode } = {},
): Promise<LaunchResult> {
  const { discardTo } = options;
  const paths = store.paths.containerPaths(record.name);
  const cgroup = options.cgroup === 'inherit' ? undefined : prepareCgroup(store, record, detached);
  log.step('planning');
  const plan = planRun({
    program,
    runId: randomHex(8),
    config: record.run,
    files: containerFiles(store, record, paths, paths.dir),
    host: hostFacts(),
    detached,
    cgroup,
    log: detached ? record.log : undefined,
    restart: detached ? record.restart : undefined,
    stopSignal: SIGNALS[record.stopSignal],
    terminal: terminalType(detached),
    discard: discardTo === undefined ? undefined : { from: paths.dir, to: discardTo },
  });

  warnAboutConfinement(record.run);
  log.step('launching');
  // cc-init makes the cgroup under the run lock and, in the foreground, removes it at the
  // end; a detached container's is removed by cc-stop, cc-rm or cc-ls.
  const result = checkLaunch(await launch(plan, { stdio: 'inherit' }));
  log.step('the command has ended');
  return result;
}

/**
 * The container's cgroup with its limits, for cc-init to make, when the run needs one: a
 * detached container (cc-stats, cc-stop) or any with limits. A foreground run without
 * limits stays in the caller's: on cgroup v1 joining a new cgroup waits for an RCU grace
 * period, 10 ms of every throw-away run (docs/performance.md). A limit whose controller
 * this host lacks is an error; without limits a host without cgroups runs it anyway.
 */
function prepareCgroup(
  store: Store,
  record: ContainerRecord,
  detached: boolean,
): CgroupPlan | undefined {
  const limits = record.limits ?? {};
  const limited = Object.values(limits).some((value) => value !== undefined);
  if (!detached && !limited) return undefined;
  return cgroupPlan(cgroupLayout(), store.paths.root, record.name, limits);
}

/** The cgroup.procs files of a running container's cgroup, for a command joining it. */
function runningCgroup(store: Store, name: string): string[] {
  const set = containerCgroup(cgroupLayout(), store.paths.root, name);
  return procsFiles(set).filter((file) => fs.existsSync(file));
}

/**
 * cc-run NAME CMD: joins the container when it runs; otherwise runs CMD on its file system
 * in a session of its own, which a concurrent cc-run then joins.
 */
export async function runInContainer(
  store: Store,
  name: string,
  command: string[],
  overrides: Pick<RunOverrides, 'env' | 'workingDir' | 'user' | 'volumes' | 'tty'>,
  program: string,
): Promise<LaunchResult> {
  const record = loadContainer(store, name);
  const paths = store.paths.containerPaths(name);
  const config = execConfig(record.run, command, overrides);
  const status = containerStatus(paths);
  warnAboutConfinement(config);

  if (status.state === 'running') {
    if (overrides.volumes.length > 0) {
      throw new CcError(`cannot add volumes to running container '${name}'`);
    }
    const plan = planExec({
      program,
      runId: randomHex(8),
      config,
      init: { pid: status.run.pid, startTime: status.run.startTime },
      host: hostFacts(),
      stateDir: paths.dir,
      cgroups: runningCgroup(store, name),
      terminal: terminalType(false),
    });
    return checkLaunch(await launch(plan, { stdio: 'inherit' }));
  }

  fs.mkdirSync(paths.session, { recursive: true, mode: 0o700 });
  const cgroup = prepareCgroup(store, record, false);
  const plan = planRun({
    program,
    runId: randomHex(8),
    config,
    files: containerFiles(store, record, paths, paths.session),
    host: hostFacts(),
    detached: false,
    cgroup,
    terminal: terminalType(false),
  });
  return checkLaunch(await launch(plan, { stdio: 'inherit' }));
}

/** The files a run of this container uses, with /etc files refreshed from the host. */
function containerFiles(
  store: Store,
  record: ContainerRecord,
  paths: ContainerPaths,
  stateDir: string,
) {
  return {
    layersDir: store.paths.layersDir,
    layers: record.layers,
    emptyLayer: '.empty',
    upper: paths.upper,
    work: paths.work,
    rootfs: paths.rootfs,
    stateDir,
    runLock: paths.runLock,
    etc: writeEtcFiles(paths.etc, record.run.hostname),
  };
}

/** Turns the launcher's own failures into errors; the command's status passes as it is. */
export function checkLaunch(result: LaunchResult): LaunchResult {
  if (result.started || result.failure === undefined) return result;

  const { code, message } = result.failure;
  const text = /already running or in use/.test(message) ? 'the container is in use' : message;
  const ours = [EXIT_OWN_FAILURE, EXIT_CANNOT_EXECUTE, EXIT_NOT_FOUND].includes(code);
  throw new CcError(text, { exitCode: ours ? code : EXIT_OWN_FAILURE });
}

function warnAboutConfinement(config: RunConfig): void {
  const warning = seccompWarning(config, hostFacts());
  if (warning !== undefined) log.warn(`${warning} a seccomp filter`);
  if (config.privileged) log.warn('--privileged: the container runs with all capabilities');
}

/** TERM for a command that shares the caller's terminal, as the caller has it. */
function terminalType(detached: boolean): string | undefined {
  if (detached || !process.stdin.isTTY) return undefined;
  return process.env.TERM ?? 'xterm';
}

/** Holds the store's shared lock: no layer can be collected while references are added. */
async function withLayersPinned<T>(store: Store, body: () => T): Promise<T> {
  const lock = await store.lockLayers('shared');
  try {
    return body();
  } finally {
    lock.release();
  }
}

async function removeAfterRun(store: Store, name: string): Promise<void> {
  log.step('removing the container');
  if (!containerExists(store, name)) return;
  try {
    const lock = await lockContainer(store, name);
    removeCgroup(containerCgroup(cgroupLayout(), store.paths.root, name));
    removeContainerFiles(store, name);
    lock.release();
  } catch (error) {
    if (containerExists(store, name))
      log.warn(`could not remove '${name}': ${describeError(error)}`);
  }
}

/**
 * What a container's end leaves for someone else to do when no process of ours waited for
 * it (it ran detached, or its cc-start was killed): a throw-away container is removed, and a
 * stopped container's cgroup goes.
 */
export async function tidyContainers(store: Store): Promise<void> {
  for (const name of listContainerNames(store)) {
    let record: ContainerRecord;
    try {
      record = loadContainer(store, name);
    } catch {
      continue;
    }
    if (containerStatus(store.paths.containerPaths(name)).state === 'running') continue;
    if (record.removeOnExit) await removeAfterRun(store, name);
    else removeCgroup(containerCgroup(cgroupLayout(), store.paths.root, name));
  }
}

export type { LaunchIo, LaunchPlan };
