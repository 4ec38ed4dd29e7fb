import * as path from 'node:path';

import { containerStatus, type RunState } from '../store/containers.js';
import type { ContainerPaths } from '../store/paths.js';
import { readJson } from '../util/fsx.js';
import { isAlive } from '../util/proc.js';

/** The live inits of a container: its main run and a cc-run session on its file system. */
export function liveInits(paths: ContainerPaths): RunState[] {
  const runs = [
    readJson<RunState>(paths.state),
    readJson<RunState>(path.join(paths.session, 'state.json')),
  ];
  return runs.filter((run): run is RunState => run !== undefined && isAlive(run));
}

/**
 * Kills every process of the container: SIGKILL to its init ends its PID namespace, and
 * the kernel kills the rest. Returns once they are all gone.
 */
export async function killContainer(paths: ContainerPaths, timeoutMs = 10_000): Promise<void> {
  const inits = liveInits(paths);
  for (const init of inits) signalInit(init, 'SIGKILL');
  await waitUntilGone(inits, timeoutMs);
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

export function isRunning(paths: ContainerPaths): boolean {
  return containerStatus(paths).state === 'running';
}
