import assert from 'node:assert/strict';
import { test } from 'node:test';

import { planRun } from '../../../src/runtime/plan.js';
import { encodePlan } from '../../../src/runtime/wire.js';
import { CcError } from '../../../src/util/errors.js';

function samplePlan(argv: string[]) {
  return planRun({
    program: 'cc-start',
    runId: 'abc',
    config: {
      hostname: 'web',
      argv,
      env: [],
      workingDir: '/',
      user: '',
      volumes: [],
      tmpfs: [],
      readOnly: true,
      network: 'none',
      capAdd: [],
      capDrop: ['ALL'],
      privileged: false,
      seccomp: 'unconfined',
      noNewPrivileges: true,
      tty: false,
    },
    files: {
      layersDir: '/l',
      layers: ['a'],
      emptyLayer: '.empty',
      upper: '/u',
      work: '/w',
      rootfs: '/r',
      stateDir: '/s',
      runLock: '/s/run.lock',
      etc: { hosts: '/h', hostname: '/n', resolvConf: '/c' },
    },
    host: { seccompArch: 'x86_64', seccompAvailable: true, cgroupNamespace: false },
    detached: false,
  });
}

function words(buffer: Buffer): string[] {
  return buffer.toString().split('\0').slice(0, -1);
}

test('encodes the plan as NUL-terminated words cc-init reads', () => {
  const encoded = words(encodePlan(samplePlan(['echo', 'a b', "it's"])));
  assert.deepEqual(encoded.slice(0, 5), ['cc-plan/1', 'prog', 'cc-start', 'run-id', 'abc']);
  const argv = encoded.indexOf('argv');
  assert.deepEqual(encoded.slice(argv, argv + 5), ['argv', '3', 'echo', 'a b', "it's"]);
  assert.ok(encoded.includes('read-only-root'));
  assert.ok(encoded.includes('loopback'));
  assert.ok(encoded.includes('no-new-privileges'));
  assert.equal(encoded.includes('seccomp'), false);
  assert.equal(encoded[encoded.indexOf('caps') + 1], '0');
});

test('encodes the namespaces as CLONE_NEW flags', () => {
  const encoded = words(encodePlan(samplePlan(['true'])));
  const flags = Number(encoded[encoded.indexOf('namespaces') + 1]);
  // mount, pid, uts, ipc, net
  assert.equal(flags, 0x00020000 | 0x20000000 | 0x04000000 | 0x08000000 | 0x40000000);
});

test('refuses a NUL inside a word rather than shifting every word after it', () => {
  assert.throws(() => encodePlan(samplePlan(['echo', 'a\0b'])), CcError);
});
