import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { checkName, isValidName, parseImageRef } from '../../../src/store/names.js';
import { CcError } from '../../../src/util/errors.js';

describe('names', () => {
  const valid = ['web', 'my-app', 'my_app.v2', 'A1', 'bookworm', 'x'.repeat(63)];
  for (const name of valid) {
    test(`accepts '${name.length > 20 ? `${name.slice(0, 10)}...` : name}'`, () => {
      assert.equal(isValidName('container', name), true);
    });
  }

  const invalid: Array<[string, string]> = [
    ['a slash', 'a/b'],
    ['..', '..'],
    ['a leading dot', '.hidden'],
    ['a leading dash', '-x'],
    ['a NUL', 'a\0b'],
    ['a newline', 'a\nb'],
    ['a space', 'a b'],
    ['300 characters', 'a'.repeat(300)],
    ['nothing', ''],
  ];
  for (const [what, name] of invalid) {
    test(`rejects a name with ${what}, in one line`, () => {
      assert.throws(
        () => checkName('container', name),
        (error: unknown) => error instanceof CcError && !error.message.includes('\n'),
      );
    });
  }

  test('allows image names up to 128 characters but container names up to 63', () => {
    assert.equal(isValidName('image', 'i'.repeat(128)), true);
    assert.equal(isValidName('container', 'c'.repeat(64)), false);
  });
});

describe('parseImageRef', () => {
  test('reads a name and an optional version', () => {
    assert.deepEqual(parseImageRef('app'), { name: 'app' });
    assert.deepEqual(parseImageRef('app@3'), { name: 'app', version: 3 });
  });

  test('rejects a version that is not a positive number', () => {
    assert.throws(() => parseImageRef('app@0'), /NAME@NUMBER/);
    assert.throws(() => parseImageRef('app@x'), /NAME@NUMBER/);
  });

  test('rejects registry-style references', () => {
    assert.throws(() => parseImageRef('debian:bookworm'), CcError);
    assert.throws(() => parseImageRef('docker.io/library/debian'), CcError);
  });
});
