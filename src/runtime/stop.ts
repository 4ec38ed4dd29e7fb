import * as path from 'node:path';

import { cgroupLayout } from '../host/cgroups.js';
import { loadContainer, type RunState } from '../store/containers.js';
import type { ContainerPaths } from '../store/paths.js';
import type { Store } from '../store/store.js';
import { readJson } from '../util/fsx.js';
import { isAlive } from '../util/proc.js';
import { cgroupPids, containerCgroup, removeCgroup } from './cgroups.js';

/** The live inits of a container: its main run and a cc-run session on its file system. */
export function liveInits(paths: ContainerPaths): RunState[] {
  const runs = [
    readJson<RunState>(paths.state),
    readJson<RunState>(path.join(paths.session, 'state.json')),
  ];
  return runs.filter((run): run is RunState => run !== undefined && isAlive(run));
}

/**
 * cc-stop: the image's STOPSIGNAL to the command (through its init, which forwards it and
 * then will not restart it), then after `timeoutMs` SIGKILL to the init, which ends the PID
 * namespace and every process in it. Returns once they are all gone, mounts with them.
 */
export async function stopContainer(store: Store, name: string, timeoutMs: number): Promise<void> {
  const record = loadContainer(store, name);
  const paths = store.paths.containerPaths(name);
  const inits = liveInits(paths);
  const mainRun = readJson<RunState>(paths.state)?.runId;

  // A cc-run session's command is whatever the user ran: it gets SIGTERM, as usual.
  for (const init of inits) {
    const isMain = init.runId === mainRun;
    signalInit(init, isMain ? (record.stopSignal as NodeJS.Signals) : 'SIGTERM');
  }
  if (!(await waitUntilGone(inits, timeoutMs))) {
    for (const init of inits) signalInit(init, 'SIGKILL');
    await waitUntilGone(inits, 30_000);
  }
  await cleanUpCgroup(store, name);
}

/** cc-rm -f: SIGKILL to the inits, without a grace period. */
export async function killContainer(store: Store, name: string): Promise<void> {
  const inits = liveInits(store.paths.containerPaths(name));
  for (const init of inits) signalInit(init, 'SIGKILL');
  await waitUntilGone(inits, 30_000);
  await cleanUpCgroup(store, name);
}

/**
 * Removes a stopped container's cgroup. A process that left the PID namespace cannot
 * exist, but a cgroup with members cannot be removed: any are killed first.
 */
export async function cleanUpCgroup(store: Store, name: string): Promise<void> {
  const set = containerCgroup(cgroupLayout(), store.paths.root, name);
  for (let attempt = 0; attempt < 50; attempt++) {
    const members = cgroupPids(set);
    if (members.length === 0) break;
    for (const pid of members) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  removeCgroup(set);
}

export function signalInit(init: RunState, signal: NodeJS.Signals): void {
  if (!isAlive(init)) return;
  try {
    process.kill(init.pid, signal);
  } catch {
    // Gone between the check and the signal.
  }
}

/** Polls until none of the inits is alive; false if the time ran out first. */
export async function waitUntilGone(inits: RunState[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let delay = 5;
  while (inits.some(isAlive)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 100);
  }
  return true;
}
