import * as fs from 'node:fs';
import * as path from 'node:path';

import type { RunConfig } from '../runtime/plan.js';
import { CcError, errnoCode } from '../util/errors.js';
import { listDir, readJson, writeJsonAtomic } from '../util/fsx.js';
import { acquireLock, type Lock } from '../util/lock.js';
import { bootId, isAlive } from '../util/proc.js';
import { checkName } from './names.js';
import { containerPathsIn, type ContainerPaths } from './paths.js';
import type { Store } from './store.js';

/** A container as created: fixed for its whole life, whatever happens to its image. */
export interface ContainerRecord {
  name: string;
  image: { name: string; version: number };
  /** The image version's layers, bottom first, copied so that a rebuild changes nothing. */
  layers: string[];
  created: string;
  run: RunConfig;
  /** Removed as soon as its command ends (cc-start --rm). */
  removeOnExit: boolean;
  stopSignal: string;
  restart?: { policy: 'on-failure' | 'always'; maxRetries: number };
  log: { maxBytes: number; maxFiles: number };
  limits?: ResourceLimits;
}

export interface ResourceLimits {
  /** Bytes. */
  memory?: number;
  /** CPUs, fractional: 0.5 is half of one. */
  cpus?: number;
  pids?: number;
}

/** Written by cc-init as soon as the container's init exists. */
export interface RunState {
  runId: string;
  pid: number;
  startTime: number;
  bootId: string;
  startedAt: string;
  detached: boolean;
}

/** Written by the container's init as it exits. */
export interface ExitRecord {
  runId: string;
  exitCode: number;
  signal: number;
  restarts: number;
  finishedAt: string;
}

export type ContainerStatus =
  | { state: 'created' }
  | { state: 'running'; run: RunState; session: boolean }
  | {
      state: 'stopped';
      run: RunState;
      exitCode: number | undefined;
      finishedAt: string | undefined;
      /** How we know: the init's own record, or its absence after a kill or a reboot. */
      how: 'exited' | 'killed' | 'rebooted';
    };

/**
 * Creates a container's directory in the work area and moves it into place in one rename,
 * so that a container exists whole or not at all, and an existing one is never touched.
 */
export function createContainer(store: Store, record: ContainerRecord): ContainerPaths {
  checkName('container', record.name);
  const target = store.paths.containerDir(record.name);
  if (fs.existsSync(target)) throw alreadyExists(record.name);

  const work = store.makeWorkDir('create');
  const staging = containerPathsIn(work);
  for (const dir of [staging.upper, staging.work, staging.rootfs, staging.etc, staging.logs]) {
    fs.mkdirSync(dir, { mode: 0o700 });
  }
  fs.chmodSync(staging.upper, 0o755);
  fs.chmodSync(staging.rootfs, 0o755);
  writeJsonAtomic(staging.config, record);

  try {
    fs.renameSync(work, target);
  } catch (error) {
    store.discard(work);
    if (errnoCode(error) === 'EEXIST' || errnoCode(error) === 'ENOTEMPTY') {
      throw alreadyExists(record.name);
    }
    throw error;
  }
  return store.paths.containerPaths(record.name);
}

function alreadyExists(name: string): CcError {
  return new CcError(`container '${name}' already exists`, {
    hint: `start it with cc-start ${name}, or remove it with cc-rm ${name}`,
  });
}

export function loadContainer(store: Store, name: string): ContainerRecord {
  checkName('container', name);
  const record = readJson<ContainerRecord>(store.paths.containerPaths(name).config);
  if (record === undefined) {
    throw new CcError(`container '${name}' not found`, { hint: 'cc-ls lists the containers' });
  }
  return record;
}

export function containerExists(store: Store, name: string): boolean {
  return fs.existsSync(store.paths.containerPaths(name).config);
}

export function listContainerNames(store: Store): string[] {
  return listDir(store.paths.containersDir)
    .filter((name) => !name.startsWith('.'))
    .sort();
}

/**
 * Running means the init recorded in state.json is alive: the same pid, start time and
 * boot, so that a stale record after a crash or reboot never passes for a live one.
 */
export function containerStatus(paths: ContainerPaths): ContainerStatus {
  const session = readJson<RunState>(path.join(paths.session, 'state.json'));
  if (session !== undefined && isAlive(session))
    return { state: 'running', run: session, session: true };

  const run = readJson<RunState>(paths.state);
  if (run === undefined) return { state: 'created' };
  if (isAlive(run)) return { state: 'running', run, session: false };

  const exit = readJson<ExitRecord>(paths.exit);
  if (exit !== undefined && exit.runId === run.runId) {
    return {
      state: 'stopped',
      run,
      exitCode: exit.exitCode,
      finishedAt: exit.finishedAt,
      how: 'exited',
    };
  }
  if (run.bootId !== bootId()) {
    return { state: 'stopped', run, exitCode: undefined, finishedAt: undefined, how: 'rebooted' };
  }
  // Only SIGKILL stops the init without its record: the command died with it.
  return { state: 'stopped', run, exitCode: 137, finishedAt: undefined, how: 'killed' };
}

/** Takes the container's run lock, which its init holds while it runs. */
export async function lockContainer(store: Store, name: string): Promise<Lock> {
  const paths = store.paths.containerPaths(name);
  try {
    return await acquireLock(paths.runLock, {
      noWait: true,
      what: `container '${name}'`,
    });
  } catch (error) {
    if (!fs.existsSync(paths.config)) throw new CcError(`container '${name}' not found`);
    if (containerStatus(paths).state === 'running') {
      throw new CcError(`container '${name}' is running`, {
        hint: `stop it with cc-stop ${name}, or use -f`,
      });
    }
    throw error;
  }
}

/** Removes a stopped container's files; the caller holds its lock. */
export function removeContainerFiles(store: Store, name: string): void {
  store.discard(store.paths.containerDir(name));
}

/** A detached container's log files, oldest first: container.log.N ... container.log. */
export function logFiles(paths: ContainerPaths): string[] {
  const names = listDir(paths.logs).filter((file) => /^container\.log(\.\d+)?$/.test(file));
  const order = (file: string) => Number(file.split('.')[2] ?? 0);
  return names.sort((a, b) => order(b) - order(a)).map((file) => path.join(paths.logs, file));
}
