import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  checkWorkingDir,
  execConfig,
  makeRunConfig,
  mergeEnv,
  NO_OVERRIDES,
  parseVolume,
  resolveEnvOptions,
} from '../../../src/runtime/config.js';
import { CcError } from '../../../src/util/errors.js';

const IMAGE = {
  env: ['PATH=/bin', 'A=1'],
  cmd: ['serve'],
  entrypoint: ['/app'],
  workingDir: '/srv',
};

describe('makeRunConfig', () => {
  const cases = [
    {
      name: 'runs ENTRYPOINT with CMD by default',
      command: [],
      overrides: {},
      argv: ['/app', 'serve'],
    },
    {
      name: 'replaces CMD with the given command',
      command: ['x'],
      overrides: {},
      argv: ['/app', 'x'],
    },
    {
      name: 'drops CMD when --entrypoint is given',
      command: [],
      overrides: { entrypoint: ['/other'] },
      argv: ['/other'],
    },
  ];
  for (const { name, command, overrides, argv } of cases) {
    test(name, () => {
      const config = makeRunConfig(IMAGE, 'c', command, { ...NO_OVERRIDES, ...overrides });
      assert.deepEqual(config.argv, argv);
    });
  }

  test('fails when there is nothing to run', () => {
    assert.throws(() => makeRunConfig({ env: [] }, 'c', [], NO_OVERRIDES), /no command given/);
  });

  test('puts -e values over the image ENV and -w over WORKDIR', () => {
    const config = makeRunConfig(IMAGE, 'c', [], {
      ...NO_OVERRIDES,
      env: ['A=2', 'B=3'],
      workingDir: '/w',
    });
    assert.deepEqual(config.env, ['PATH=/bin', 'A=2', 'B=3']);
    assert.equal(config.workingDir, '/w');
  });
});

describe('execConfig', () => {
  test('keeps the container config and takes -e -w -u on top', () => {
    const base = makeRunConfig(IMAGE, 'c', [], NO_OVERRIDES);
    const exec = execConfig(base, ['ls'], {
      env: ['A=9'],
      workingDir: '/tmp',
      user: 'nobody',
      volumes: [],
      tty: true,
    });
    assert.deepEqual(exec.argv, ['ls']);
    assert.deepEqual(exec.env, ['PATH=/bin', 'A=9']);
    assert.equal(exec.user, 'nobody');
    assert.equal(exec.hostname, 'c');
    assert.equal(exec.tty, true);
  });
});

describe('environment options', () => {
  test("takes the caller's value for a bare KEY and drops an unset one", () => {
    assert.deepEqual(resolveEnvOptions(['HOME', 'UNSET_X', 'K=v'], { HOME: '/root' }), [
      'HOME=/root',
      'K=v',
    ]);
  });

  test('rejects a key with spaces', () => {
    assert.throws(() => resolveEnvOptions(['A B=1'], {}), CcError);
  });

  test('lets later entries win, keeping the first position', () => {
    assert.deepEqual(mergeEnv(['A=1', 'B=2'], ['A=3']), ['A=3', 'B=2']);
  });
});

describe('parseVolume', () => {
  test('reads HOST:PATH and HOST:PATH:ro', () => {
    assert.deepEqual(parseVolume('/data:/srv/data'), {
      source: '/data',
      target: '/srv/data',
      readOnly: false,
    });
    assert.deepEqual(parseVolume('./d:/d:ro', '/home/u'), {
      source: '/home/u/d',
      target: '/d',
      readOnly: true,
    });
  });

  const bad = [
    ['named volumes', 'data:/srv', /named volumes/],
    ['a relative target', '/data:srv', /absolute path/],
    ['the root as target', '/data:/', /absolute path below/],
    ['an unknown mode', '/data:/srv:rx', /'ro' or 'rw'/],
    ['a missing target', '/data', /HOST:PATH/],
  ] as const;
  for (const [what, text, message] of bad) {
    test(`rejects ${what}`, () => assert.throws(() => parseVolume(text), message));
  }
});

test('checkWorkingDir wants an absolute path', () => {
  assert.equal(checkWorkingDir('/a/../b'), '/b');
  assert.throws(() => checkWorkingDir('rel'), /absolute/);
});
