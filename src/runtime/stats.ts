import * as fs from 'node:fs';

import { cgroupLayout } from '../host/cgroups.js';
import { containerStatus, listContainerNames, loadContainer } from '../store/containers.js';
import type { Store } from '../store/store.js';
import { CcError } from '../util/errors.js';
import { containerCgroup, readStats } from './cgroups.js';

export interface StatsRow {
  name: string;
  /** CPU time over the sampling interval, as a share of one CPU (200 = two CPUs busy). */
  cpuPercent: number;
  memoryBytes: number;
  memoryLimit: number | null;
  pids: number;
}

/**
 * cc-stats: what running containers use, read from their cgroups. CPU is the time used
 * between two readings `intervalMs` apart; memory and pids are read at the second.
 */
export async function containerStats(store: Store, names: string[], intervalMs = 500) {
  const chosen = names.length > 0 ? names : listContainerNames(store);
  const running = chosen.filter((name) => {
    const exists = loadContainer(store, name);
    const state = containerStatus(store.paths.containerPaths(exists.name)).state;
    if (state !== 'running' && names.length > 0) {
      throw new CcError(`container '${name}' is not running`);
    }
    return state === 'running';
  });

  const layout = cgroupLayout();
  const sets = running.map((name) => ({
    name,
    set: containerCgroup(layout, store.paths.root, name),
  }));
  const first = sets.map(({ set }) => (set === undefined ? undefined : readStats(set)));
  const started = process.hrtime.bigint();
  await new Promise((resolve) => setTimeout(resolve, intervalMs));
  const elapsed = Number(process.hrtime.bigint() - started);

  for (const { name, set } of sets) {
    if (names.length > 0 && (set === undefined || !fs.existsSync(Object.values(set.dirs)[0]!))) {
      throw new CcError(`container '${name}' has no cgroup of its own`, {
        hint: 'containers get one when they run detached (-d) or with limits',
      });
    }
  }
  return sets.map(({ name, set }, index): StatsRow => {
    const now = set === undefined ? undefined : readStats(set);
    const used = (now?.cpuNanoseconds ?? 0) - (first[index]?.cpuNanoseconds ?? 0);
    return {
      name,
      cpuPercent: Math.round((used / elapsed) * 1000) / 10,
      memoryBytes: now?.memoryBytes ?? 0,
      memoryLimit: now?.memoryLimit ?? null,
      pids: now?.pids ?? 0,
    };
  });
}
