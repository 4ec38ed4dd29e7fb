import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { formatHelp, parseCommandLine, type OptionSpecs } from '../../../src/cli/args.js';
import { CcError } from '../../../src/util/errors.js';

const OPTIONS: OptionSpecs = {
  rm: { type: 'boolean', description: 'remove' },
  env: { type: 'string', short: 'e', multiple: true, description: 'env' },
  workdir: { type: 'string', short: 'w', description: 'dir' },
};
const shape = {
  options: OPTIONS,
  fixedPositionals: (o: Record<string, unknown>) => (o.rm ? 1 : 2),
};

describe('parseCommandLine', () => {
  test('stops at the container command, leaving its options to it', () => {
    const parsed = parseCommandLine(['-e', 'A=1', 'web', 'img', 'ls', '-la', '--rm'], shape);
    assert.deepEqual(parsed.positionals, ['web', 'img']);
    assert.deepEqual(parsed.rest, ['ls', '-la', '--rm']);
    assert.deepEqual(parsed.options.env, ['A=1']);
    assert.equal(parsed.options.rm, undefined);
  });

  test('counts positionals by the options seen before them', () => {
    const parsed = parseCommandLine(['--rm', 'img', 'echo', 'x'], shape);
    assert.deepEqual(parsed.positionals, ['img']);
    assert.deepEqual(parsed.rest, ['echo', 'x']);
  });

  test('takes a value in the next word or after =', () => {
    const parsed = parseCommandLine(['-w', '/a', '--env=B=2', 'n', 'i'], shape);
    assert.equal(parsed.options.workdir, '/a');
    assert.deepEqual(parsed.options.env, ['B=2']);
  });

  test('names an unknown option in one line', () => {
    assert.throws(
      () => parseCommandLine(['--bogus', 'n', 'i'], shape),
      (error: unknown) => error instanceof CcError && error.message === "unknown option '--bogus'",
    );
  });

  test('names an option missing its value', () => {
    assert.throws(() => parseCommandLine(['-w'], shape), /needs a value/);
  });
});

test('formatHelp lists usage, summary and options', () => {
  const help = formatHelp(['cc-x NAME'], 'Does x.', OPTIONS);
  assert.match(help, /^Usage: cc-x NAME\n\nDoes x\.\n/);
  assert.match(help, /-e, --env/);
  assert.match(help, /--help/);
});
