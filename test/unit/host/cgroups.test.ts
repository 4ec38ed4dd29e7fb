import assert from 'node:assert/strict';
import { test } from 'node:test';

import { parseCgroupLayout } from '../../../src/host/cgroups.js';
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
