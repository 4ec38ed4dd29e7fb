import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';

import { SourceTree, wildcardToRegExp } from '../../../src/build/context.js';
import { resolveInRoot } from '../../../src/build/fsroot.js';
import { CcError } from '../../../src/util/errors.js';

const base = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-unit-'));
after(() => fs.rmSync(base, { recursive: true, force: true }));

/** A tree from a table: a trailing / makes a directory, `-> x` a link, else a file. */
function makeTree(name: string, entries: string[]): string {
  const root = path.join(base, name);
  for (const entry of entries) {
    const [where, link] = entry.split(' -> ');
    const host = path.join(root, where!);
    fs.mkdirSync(path.dirname(host), { recursive: true });
    if (link !== undefined) fs.symlinkSync(link, host);
    else if (where!.endsWith('/')) fs.mkdirSync(host, { recursive: true });
    else fs.writeFileSync(host, where!);
  }
  return root;
}

describe('resolveInRoot', () => {
  const image = makeTree('image', [
    'usr/lib/',
    'lib -> /usr/lib',
    'rel -> usr/lib',
    'up -> ../../../etc',
    'loop -> loop',
  ]);
  const clamp = { escape: 'clamp', rootName: 'the image' } as const;

  test('follows an absolute link inside the root, never onto the host', () => {
    assert.equal(resolveInRoot(image, '/lib/x.so', clamp), path.join(image, 'usr/lib/x.so'));
  });

  test('follows a relative link', () => {
    assert.equal(resolveInRoot(image, 'rel', clamp), path.join(image, 'usr/lib'));
  });

  test('stops .. at the root, as a chroot does', () => {
    assert.equal(resolveInRoot(image, '/up/passwd', clamp), path.join(image, 'etc/passwd'));
    assert.equal(resolveInRoot(image, '../../x', clamp), path.join(image, 'x'));
  });

  test('keeps the last link when asked', () => {
    assert.equal(
      resolveInRoot(image, '/lib', { ...clamp, followFinal: false }),
      path.join(image, 'lib'),
    );
  });

  test('gives up on a link loop', () => {
    assert.throws(() => resolveInRoot(image, '/loop/x', clamp), /too many levels/);
  });

  test('refuses links out of a build context', () => {
    const reject = { escape: 'reject', rootName: 'the build context' } as const;
    assert.throws(() => resolveInRoot(image, '/lib', reject), /points outside the build context/);
    assert.throws(() => resolveInRoot(image, '/up', reject), /points outside/);
    assert.throws(() => resolveInRoot(image, '../x', reject), /points outside/);
  });
});

describe('SourceTree', () => {
  const context = makeTree('context', [
    'app.js',
    'README.md',
    'debug.log',
    'src/main.js',
    'src/util.js',
    'src/deep/x.txt',
    'node_modules/lib/index.js',
    'keep/secret.txt',
    'keep/wanted.txt',
    'escape -> /etc',
    'escape-dir -> ../../',
    'inner -> src',
    '.ccignore',
  ]);
  fs.writeFileSync(
    path.join(context, '.ccignore'),
    '*.log\nnode_modules\nkeep\n!keep/wanted.txt\n',
  );
  const tree = SourceTree.context(context);

  test('matches wildcards within one path component', () => {
    assert.deepEqual(
      tree.match('src/*.js').map((host) => path.relative(context, host)),
      ['src/main.js', 'src/util.js'],
    );
  });

  test('leaves ignored files out of matches and walks', () => {
    assert.deepEqual(tree.match('*.log'), []);
    const all = tree.walk(context).map((entry) => entry.relative);
    assert.equal(all.includes('debug.log'), false);
    assert.equal(
      all.some((entry) => entry.startsWith('node_modules')),
      false,
    );
  });

  test('brings back what a ! pattern excepts, with its directory', () => {
    const all = tree.walk(context).map((entry) => entry.relative);
    assert.ok(all.includes('keep'));
    assert.ok(all.includes('keep/wanted.txt'));
    assert.equal(all.includes('keep/secret.txt'), false);
  });

  test('reads an absolute source from the context root', () => {
    assert.deepEqual(tree.match('/app.js'), [path.join(context, 'app.js')]);
  });

  test('follows a link that stays inside the context', () => {
    assert.deepEqual(tree.match('inner'), [path.join(context, 'src')]);
  });

  const escapes = [
    '../x',
    '../../etc/passwd',
    'escape',
    'escape/passwd',
    'escape-dir',
    'src/../../x',
  ];
  for (const source of escapes) {
    test(`refuses '${source}', which leads out of the context`, () => {
      assert.throws(
        () => tree.match(source),
        (error: unknown) => error instanceof CcError && /outside/.test(error.message),
      );
    });
  }

  test('copies a nested link as a link, never reading through it', () => {
    const entry = tree.walk(context).find((item) => item.relative === 'escape');
    assert.ok(entry?.stat.isSymbolicLink());
  });
});

test('wildcardToRegExp follows filepath.Match', () => {
  const cases: Array<[string, string, boolean]> = [
    ['*.js', 'a.js', true],
    ['*.js', '.hidden.js', true],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['[a-c]x', 'bx', true],
    ['[!a-c]x', 'bx', false],
    ['[^a-c]x', 'dx', true],
    ['\\*', '*', true],
    ['file.(1)', 'file.(1)', true],
  ];
  for (const [pattern, name, expected] of cases) {
    assert.equal(wildcardToRegExp(pattern).test(name), expected, `${pattern} ~ ${name}`);
  }
});
