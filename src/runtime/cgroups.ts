import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { CgroupLayout } from '../host/cgroups.js';
import type { ResourceLimits } from '../store/containers.js';
import { CcError, errnoCode } from '../util/errors.js';

/** The parent of every container's cgroup, in each hierarchy. */
const PARENT = 'cookie-cutter';

/** A container's cgroup: one directory on v2, one per controller on v1. */
export interface CgroupSet {
  version: 'v1' | 'v2';
  /** controller -> directory (on v2 every controller maps to the same one). */
  dirs: Record<string, string>;
}

/** A control file to write. An optional one may be missing (swap without accounting). */
export interface CgroupWrite {
  file: string;
  value: string;
  optional?: boolean;
}

/**
 * The container's cgroup directories. The leaf is named after the store as well as the
 * container, so that two stores on one host (tests, users) never share a cgroup.
 */
export function containerCgroup(
  layout: CgroupLayout,
  storeRoot: string,
  name: string,
): CgroupSet | undefined {
  const leaf = `${createHash('sha256').update(storeRoot).digest('hex').slice(0, 8)}-${name}`;
  if (layout.version === 'v2') {
    const dir = path.join(layout.unified!, PARENT, leaf);
    return { version: 'v2', dirs: { memory: dir, cpu: dir, pids: dir } };
  }
  if (layout.version === 'v1') {
    const dirs: Record<string, string> = {};
    for (const controller of ['memory', 'cpu', 'cpuacct', 'pids']) {
      const mount = layout.v1[controller];
      if (mount !== undefined) dirs[controller] = path.join(mount, PARENT, leaf);
    }
    return { version: 'v1', dirs };
  }
  return undefined;
}

/**
 * The writes that impose the limits, on v1 or v2, or an error naming a limit whose
 * controller this host lacks: a limit is never silently dropped.
 */
export function limitWrites(set: CgroupSet | undefined, limits: ResourceLimits): CgroupWrite[] {
  const wanted: Array<[keyof ResourceLimits, string, string]> = [
    ['memory', 'memory', '--memory'],
    ['cpus', 'cpu', '--cpus'],
    ['pids', 'pids', '--pids-limit'],
  ];
  for (const [limit, controller, option] of wanted) {
    if (limits[limit] !== undefined && set?.dirs[controller] === undefined) {
      throw new CcError(`${option}: this host has no ${controller} cgroup controller`, {
        hint: 'cc-setup shows the cgroup controllers it found',
      });
    }
  }
  if (set === undefined) return [];
  return set.version === 'v2' ? v2Writes(set, limits) : v1Writes(set, limits);
}

// CFS bandwidth: a quota of CPU time per period; 100 ms is the kernel's default period.
const PERIOD_US = 100_000;

function v2Writes(set: CgroupSet, limits: ResourceLimits): CgroupWrite[] {
  const dir = set.dirs.memory!;
  const writes: CgroupWrite[] = [];
  if (limits.memory !== undefined) {
    writes.push({ file: `${dir}/memory.max`, value: String(limits.memory) });
    // Docker's default: as much swap again as memory.
    writes.push({ file: `${dir}/memory.swap.max`, value: String(limits.memory), optional: true });
  }
  if (limits.cpus !== undefined) {
    const quota = Math.max(1000, Math.round(limits.cpus * PERIOD_US));
    writes.push({ file: `${dir}/cpu.max`, value: `${quota} ${PERIOD_US}` });
  }
  if (limits.pids !== undefined)
    writes.push({ file: `${dir}/pids.max`, value: String(limits.pids) });
  return writes;
}

function v1Writes(set: CgroupSet, limits: ResourceLimits): CgroupWrite[] {
  const writes: CgroupWrite[] = [];
  if (limits.memory !== undefined) {
    const dir = set.dirs.memory!;
    writes.push({ file: `${dir}/memory.limit_in_bytes`, value: String(limits.memory) });
    writes.push({
      file: `${dir}/memory.memsw.limit_in_bytes`,
      value: String(limits.memory * 2),
      optional: true,
    });
  }
  if (limits.cpus !== undefined) {
    const dir = set.dirs.cpu!;
    const quota = Math.max(1000, Math.round(limits.cpus * PERIOD_US));
    writes.push({ file: `${dir}/cpu.cfs_period_us`, value: String(PERIOD_US) });
    writes.push({ file: `${dir}/cpu.cfs_quota_us`, value: String(quota) });
  }
  if (limits.pids !== undefined) {
    writes.push({ file: `${set.dirs.pids!}/pids.max`, value: String(limits.pids) });
  }
  return writes;
}

/** The cgroup.procs files a container's processes join, one per directory. */
export function procsFiles(set: CgroupSet | undefined): string[] {
  if (set === undefined) return [];
  return [...new Set(Object.values(set.dirs))].map((dir) => `${dir}/cgroup.procs`);
}

/** What cc-init does with a container's cgroup, under the container's run lock. */
export interface CgroupPlan {
  /** Made in order when missing: parents first. */
  dirs: string[];
  /** Written in order: v2 parents' subtree_control, then the limits. */
  writes: CgroupWrite[];
  /** The cgroup.procs files the init joins. */
  join: string[];
}

/**
 * The plan for a container's cgroup and limits. On v2 the controllers must be enabled in
 * every parent's subtree_control first; the leaf holds the processes.
 */
export function cgroupPlan(
  layout: CgroupLayout,
  storeRoot: string,
  name: string,
  limits: ResourceLimits = {},
): CgroupPlan | undefined {
  const set = containerCgroup(layout, storeRoot, name);
  const writes = limitWrites(set, limits);
  if (set === undefined) return undefined;

  const leaves = [...new Set(Object.values(set.dirs))];
  const dirs = [...new Set(leaves.map((leaf) => path.dirname(leaf)))].concat(leaves);
  if (set.version === 'v2') {
    const enable = ['memory', 'cpu', 'pids']
      .filter((controller) => layout.controllers.includes(controller))
      .map((controller) => `+${controller}`)
      .join(' ');
    writes.unshift(
      { file: `${layout.unified}/cgroup.subtree_control`, value: enable },
      { file: `${path.dirname(leaves[0]!)}/cgroup.subtree_control`, value: enable },
    );
  }
  return { dirs, writes, join: procsFiles(set) };
}

/**
 * Removes a stopped container's cgroup; a missing one is fine, and a busy one belongs to
 * a run that started meanwhile.
 */
export function removeCgroup(set: CgroupSet | undefined): void {
  for (const dir of new Set(Object.values(set?.dirs ?? {}))) {
    try {
      fs.rmdirSync(dir);
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT' && errnoCode(error) !== 'EBUSY') throw error;
    }
  }
}

export interface CgroupStats {
  /** CPU time used, in nanoseconds. */
  cpuNanoseconds: number;
  memoryBytes: number;
  /** undefined when unlimited. */
  memoryLimit?: number;
  pids: number;
}

/** Reads what the container uses now. */
export function readStats(set: CgroupSet): CgroupStats {
  if (set.version === 'v2') {
    const dir = set.dirs.memory!;
    const usage = /usage_usec (\d+)/.exec(readOr(`${dir}/cpu.stat`));
    const limit = readOr(`${dir}/memory.max`).trim();
    return {
      cpuNanoseconds: Number(usage?.[1] ?? 0) * 1000,
      memoryBytes: Number(readOr(`${dir}/memory.current`).trim() || 0),
      memoryLimit: limit === 'max' || limit === '' ? undefined : Number(limit),
      pids: Number(readOr(`${dir}/pids.current`).trim() || 0),
    };
  }
  const limit = Number(readOr(`${set.dirs.memory}/memory.limit_in_bytes`).trim() || 0);
  return {
    cpuNanoseconds: Number(readOr(`${set.dirs.cpuacct}/cpuacct.usage`).trim() || 0),
    memoryBytes: Number(readOr(`${set.dirs.memory}/memory.usage_in_bytes`).trim() || 0),
    // v1 says "unlimited" with the largest page-aligned value a long can hold.
    memoryLimit: limit > 0 && limit < 2 ** 62 ? limit : undefined,
    pids: Number(readOr(`${set.dirs.pids}/pids.current`).trim() || 0),
  };
}

/** The pids in the container's cgroup, for killing what its PID namespace does not hold. */
export function cgroupPids(set: CgroupSet | undefined): number[] {
  const files = procsFiles(set);
  const pids = files.flatMap((file) => readOr(file).split('\n').filter(Boolean).map(Number));
  return [...new Set(pids)];
}

function readOr(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
