import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';

import { containerStatus } from '../../../src/store/containers.js';
import { containerPathsIn } from '../../../src/store/paths.js';
import { bootId, identify } from '../../../src/util/proc.js';

const base = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-unit-status-'));
after(() => fs.rmSync(base, { recursive: true, force: true }));

function container(name: string, state?: object, exit?: object) {
  const paths = containerPathsIn(path.join(base, name));
  fs.mkdirSync(paths.dir, { recursive: true });
  if (state !== undefined) fs.writeFileSync(paths.state, JSON.stringify(state));
  if (exit !== undefined) fs.writeFileSync(paths.exit, JSON.stringify(exit));
  return paths;
}

const self = identify(process.pid)!;
const run = { runId: 'r1', startedAt: '2026-01-01T00:00:00Z', detached: true };

describe('containerStatus', () => {
  test('is created before the first run', () => {
    assert.equal(containerStatus(container('new')).state, 'created');
  });

  test('is running while the recorded init lives, with the same start time', () => {
    const paths = container('live', { ...run, ...self });
    assert.equal(containerStatus(paths).state, 'running');
  });

  test('is stopped with its exit code once the init recorded one', () => {
    const dead = { ...run, pid: self.pid, startTime: self.startTime + 1, bootId: bootId() };
    const status = containerStatus(container('exited', dead, { runId: 'r1', exitCode: 3 }));
    assert.deepEqual([status.state, status.state === 'stopped' && status.exitCode], ['stopped', 3]);
  });

  test('does not take a reused pid for the init', () => {
    const reused = { ...run, pid: self.pid, startTime: self.startTime - 1, bootId: bootId() };
    assert.equal(containerStatus(container('reused', reused)).state, 'stopped');
  });

  test('reads a missing exit record after a kill -9 as 137', () => {
    const killed = { ...run, pid: 2 ** 22 + 1, startTime: 1, bootId: bootId() };
    const status = containerStatus(container('killed', killed, { runId: 'older', exitCode: 0 }));
    assert.ok(status.state === 'stopped' && status.how === 'killed' && status.exitCode === 137);
  });

  test('says the host restarted when the record is from another boot', () => {
    const before = { ...run, ...self, bootId: '00000000-0000-0000-0000-000000000000' };
    const status = containerStatus(container('rebooted', before));
    assert.ok(status.state === 'stopped' && status.how === 'rebooted');
  });
});
