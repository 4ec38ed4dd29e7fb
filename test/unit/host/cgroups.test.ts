import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { parseCgroupLayout } from '../../../src/host/cgroups.js';
import { cgroupPlan } from '../../../src/runtime/cgroups.js';
import { parseProcStat } from '../../../src/util/proc.js';

const HYBRID = [
  '30 24 0:26 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755',
  '31 30 0:27 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu',
  '32 30 0:28 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory',
  '33 30 0:29 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids',
  '34 30 0:30 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
].join('\n');

test('reads a hybrid host as cgroup v1 with its controllers', () => {
  const layout = parseCgroupLayout(HYBRID, () => 'hugetlb\n');
  assert.equal(layout.version, 'v1');
  assert.deepEqual(layout.v1, {
    cpu: '/sys/fs/cgroup/cpu',
    memory: '/sys/fs/cgroup/memory',
    pids: '/sys/fs/cgroup/pids',
  });
});

test('reads a pure v2 host', () => {
  const mountinfo = '30 24 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate';
  const layout = parseCgroupLayout(mountinfo, () => 'cpuset cpu io memory pids\n');
  assert.equal(layout.version, 'v2');
  assert.equal(layout.unified, '/sys/fs/cgroup');
  assert.ok(layout.controllers.includes('memory'));
});

test('reads no cgroups at all', () => {
  assert.equal(parseCgroupLayout('', () => '').version, 'none');
});

test('parseProcStat survives a command name with spaces and parentheses', () => {
  const stat = parseProcStat(
    '123 (a b) c)) S 1 123 123 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 4567 0',
  );
  assert.deepEqual(stat, { pid: 123, state: 'S', ppid: 1, startTime: 4567 });
});

describe('cgroupPlan', () => {
  const v1 = parseCgroupLayout(HYBRID, () => 'hugetlb\n');
  const v2 = parseCgroupLayout(
    '30 24 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw',
    () => 'cpu io memory pids\n',
  );
  const limits = { memory: 64 * 1024 * 1024, cpus: 0.5, pids: 100 };

  test('on v1, makes one leaf per controller and writes Docker-like limits', () => {
    const plan = cgroupPlan(v1, '/store', 'web', limits)!;
    const leaf = plan.dirs.find((dir) => dir.startsWith('/sys/fs/cgroup/memory/cookie-cutter/'))!;
    assert.match(leaf, /\/cookie-cutter\/[0-9a-f]{8}-web$/);
    assert.deepEqual(
      plan.writes.map((write) => `${write.file.split('/').pop()}=${write.value}`),
      [
        'memory.limit_in_bytes=67108864',
        'memory.memsw.limit_in_bytes=134217728',
        'cpu.cfs_period_us=100000',
        'cpu.cfs_quota_us=50000',
        'pids.max=100',
      ],
    );
    assert.equal(plan.writes[1]!.optional, true);
    assert.equal(plan.join.length, 3);
  });

  test('on v2, enables the controllers in the parents first, then writes one leaf', () => {
    const plan = cgroupPlan(v2, '/store', 'web', limits)!;
    assert.equal(plan.dirs.length, 2);
    assert.deepEqual(
      plan.writes.map(
        (write) => `${write.file.replace(/\/[0-9a-f]{8}-web/, '/LEAF')}=${write.value}`,
      ),
      [
        '/sys/fs/cgroup/cgroup.subtree_control=+memory +cpu +pids',
        '/sys/fs/cgroup/cookie-cutter/cgroup.subtree_control=+memory +cpu +pids',
        '/sys/fs/cgroup/cookie-cutter/LEAF/memory.max=67108864',
        '/sys/fs/cgroup/cookie-cutter/LEAF/memory.swap.max=67108864',
        '/sys/fs/cgroup/cookie-cutter/LEAF/cpu.max=50000 100000',
        '/sys/fs/cgroup/cookie-cutter/LEAF/pids.max=100',
      ],
    );
  });

  test('gives two stores different cgroups for one container name', () => {
    assert.notDeepEqual(cgroupPlan(v2, '/a', 'web')!.dirs, cgroupPlan(v2, '/b', 'web')!.dirs);
  });

  test('refuses a limit whose controller the host lacks, and accepts none without cgroups', () => {
    const noPids = parseCgroupLayout(
      HYBRID.split('\n')
        .filter((l) => !l.includes('pids'))
        .join('\n'),
      () => '',
    );
    assert.throws(
      () => cgroupPlan(noPids, '/s', 'web', { pids: 5 }),
      /--pids-limit: this host has no pids/,
    );
    assert.equal(
      cgroupPlan(
        parseCgroupLayout('', () => ''),
        '/s',
        'web',
      ),
      undefined,
    );
  });
});
