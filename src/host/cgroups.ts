import * as fs from 'node:fs';

/**
 * How this host mounts cgroups. Pure cgroup v2 hosts (current Debian and Ubuntu) have one
 * tree with the controllers enabled in it; older or hybrid hosts mount each v1 controller
 * on its own, possibly beside a v2 tree that holds none of the controllers we use.
 */
export interface CgroupLayout {
  version: 'v2' | 'v1' | 'none';
  /** The cgroup2 mount, when there is one. */
  unified?: string;
  /** v1 controller name -> its mount point (cpu and cpuacct may share one). */
  v1: Record<string, string>;
  /** Controllers of the version in use. */
  controllers: string[];
}

const WANTED = ['memory', 'cpu', 'pids'];

/** Reads the layout from /proc/self/mountinfo and, for v2, its cgroup.controllers. */
export function parseCgroupLayout(
  mountinfo: string,
  readControllers: (mount: string) => string,
): CgroupLayout {
  let unified: string | undefined;
  const v1: Record<string, string> = {};

  for (const line of mountinfo.split('\n')) {
    const [mountPart, fsPart] = line.split(' - ');
    if (mountPart === undefined || fsPart === undefined) continue;
    const mountPoint = mountPart.split(' ')[4]!;
    const [fstype, , superOptions = ''] = fsPart.split(' ');

    if (fstype === 'cgroup2') unified ??= mountPoint;
    if (fstype !== 'cgroup') continue;
    for (const option of superOptions.split(',')) {
      if (['memory', 'cpu', 'cpuacct', 'pids', 'freezer', 'cpuset'].includes(option)) {
        v1[option] ??= mountPoint;
      }
    }
  }

  const v2Controllers = unified === undefined ? [] : readControllers(unified).trim().split(/\s+/);
  if (unified !== undefined && WANTED.every((name) => v2Controllers.includes(name))) {
    return { version: 'v2', unified, v1, controllers: v2Controllers.filter(Boolean) };
  }
  if (Object.keys(v1).length > 0) {
    return { version: 'v1', unified, v1, controllers: Object.keys(v1) };
  }
  if (unified !== undefined) {
    return { version: 'v2', unified, v1, controllers: v2Controllers.filter(Boolean) };
  }
  return { version: 'none', v1, controllers: [] };
}

let cached: CgroupLayout | undefined;

export function cgroupLayout(): CgroupLayout {
  cached ??= parseCgroupLayout(fs.readFileSync('/proc/self/mountinfo', 'utf8'), (mount) => {
    try {
      return fs.readFileSync(`${mount}/cgroup.controllers`, 'utf8');
    } catch {
      return '';
    }
  });
  return cached;
}
