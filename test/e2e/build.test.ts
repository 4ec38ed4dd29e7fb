import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';

import { importBusybox, listing, writeContext } from '../helpers/images.js';
import { requireRoot } from '../helpers/root.js';
import { withStore, type TestStore } from '../helpers/store.js';

function build(
  s: TestStore,
  name: string,
  context: string,
  spec = 'app.ccspec',
  extra: string[] = [],
) {
  return s.run('cc-build', ['--progress=plain', ...extra, name, path.join(context, spec), context]);
}

describe('cc-build on busybox', () => {
  test('builds a spec and runs its CMD as its USER', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      const context = writeContext(s, 'app', {
        'app.ccspec': [
          '# The app',
          'FROM busybox',
          'env GREETING="hello world" \\',
          '    DIR=/srv/app',
          'WORKDIR $DIR',
          'COPY greet.sh ./',
          'RUN ["sh", "-c", "chmod 755 greet.sh && echo built > stamp"]',
          'USER user',
          'ENTRYPOINT ["/srv/app/greet.sh"]',
          'CMD ["from CMD"]',
          '',
        ].join('\n'),
        'greet.sh': '#!/bin/sh\necho "$GREETING, $1, as $(id -un) in $(pwd) ($(cat stamp))"\n',
      });
      const built = build(s, 'app', context);
      assert.equal(built.status, 0, built.stderr);
      assert.equal(built.stdout, 'app@1\n');
      assert.match(built.stderr, /^Step 1\/8: FROM busybox\n/);
      assert.match(built.stderr, /\nStep 3\/8: WORKDIR \$DIR\n/);

      const ran = s.run('cc-start', ['--rm', 'app']);
      assert.equal(ran.stdout, 'hello world, from CMD, as user in /srv/app (built)\n');
      assert.equal(s.run('cc-start', ['--rm', 'app', 'again']).stdout.split(',')[1], ' again');
    });
  });

  test("copies with Docker's rules: several sources, directory contents, WORKDIR", async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      const context = writeContext(s, 'copy', {
        'app.ccspec': [
          'FROM busybox',
          'WORKDIR /srv',
          'COPY a.txt b.txt dest/',
          'COPY dir /flat',
          'COPY dir/ /nested/dir/',
          'COPY a.txt renamed.txt',
          'COPY *.md /docs/',
          'COPY --chown=user:staff --chmod=640 a.txt /owned',
          'COPY a.txt /srv/dest',
        ].join('\n'),
        'a.txt': 'a\n',
        'b.txt': 'b\n',
        'one.md': '1\n',
        'two.md': '2\n',
        'dir/inner/x.txt': 'x\n',
      });
      assert.equal(build(s, 'copy', context).status, 0);
      const listed = s.run('cc-start', [
        '--rm',
        'copy',
        'sh',
        '-c',
        'cd / && find srv flat nested docs -type f | sort; stat -c "%U:%G %a" /owned',
      ]);
      assert.deepEqual(
        listed.stdout.trim().split('\n'),
        [
          'srv/dest/a.txt',
          'srv/dest/b.txt',
          'srv/renamed.txt',
          'flat/inner/x.txt',
          'nested/dir/inner/x.txt',
          'docs/one.md',
          'docs/two.md',
          'user:staff 640',
        ].sort((a, b) => (a.includes(':') ? 1 : b.includes(':') ? -1 : a.localeCompare(b))),
      );
    });
  });

  test('leaves ignored files out, by .ccignore or else .dockerignore', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      const context = writeContext(s, 'ignore', {
        'app.ccspec': 'FROM busybox\nCOPY . /app\n',
        '.dockerignore': '*.log\nsecret\n',
        'keep.txt': 'k',
        'debug.log': 'd',
        'secret/key': 's',
      });
      assert.equal(build(s, 'ignore', context).status, 0);
      const found = s
        .run('cc-start', ['--rm', 'ignore', 'ls', '-A', '/app'])
        .stdout.trim()
        .split('\n');
      assert.deepEqual(found.sort(), ['.dockerignore', 'app.ccspec', 'keep.txt']);
    });
  });

  const escapes: Array<[string, string]> = [
    ['a parent directory', 'COPY ../outside.txt /x'],
    ['a path through ..', 'COPY sub/../../outside.txt /x'],
    ['an absolute path, read inside the context', 'COPY /etc/passwd /x'],
    ['a link to a host file', 'COPY link-out /x'],
    ['a link to a host directory', 'COPY dir-out/ /x/'],
  ];
  for (const [what, copyLine] of escapes) {
    for (const line of [copyLine, copyLine.replace(/^COPY/, 'ADD')]) {
      test(`refuses ${line.split(' ')[0]} of ${what} and makes no image`, async (t) => {
        if (!requireRoot(t)) return;
        await withStore((s) => {
          importBusybox(s);
          fs.writeFileSync(path.join(s.scratch('.'), 'outside.txt'), 'host secret');
          const context = writeContext(s, 'ctx', {
            'app.ccspec': `FROM busybox\n${line}\n`,
            'sub/f': '',
          });
          fs.symlinkSync('/etc/passwd', path.join(context, 'link-out'));
          fs.symlinkSync('/etc', path.join(context, 'dir-out'));
          const layersBefore = listing(s, 'layers');

          const result = build(s, 'bad', context);
          assert.equal(result.status, 125);
          assert.match(result.stderr, /cc-build: .*app\.ccspec:2: .*(outside|not found)/);
          assert.deepEqual(listing(s, 'images'), ['busybox']);
          assert.deepEqual(listing(s, 'layers'), layersBefore);
          assert.deepEqual(listing(s, 'tmp'), []);
        });
      });
    }
  }

  test('rejects names with a slash, .., a NUL, a newline or 300 characters', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      const context = writeContext(s, 'n', { 'app.ccspec': 'FROM busybox\n' });
      for (const name of ['a/b', '..', '.x', 'a\nb', 'i'.repeat(300)]) {
        const built = s.run('cc-build', [name, 'app.ccspec'], { cwd: context });
        assert.equal(built.status, 125);
        assert.match(built.stderr, /^cc-build: invalid image name '.*': /);
        assert.equal(built.stderr.trim().split('\n').length, 1);
      }
      const stages = writeContext(s, 'st', {
        'slash.ccspec': 'FROM busybox AS a/b\n',
        'nul.ccspec': 'FROM busybox\nCOPY a\0b /x\n',
      });
      assert.match(
        s.run('cc-build', ['x', 'slash.ccspec'], { cwd: stages }).stderr,
        /slash\.ccspec:1: /,
      );
      assert.equal(
        s.run('cc-build', ['x', 'nul.ccspec'], { cwd: stages }).stderr,
        'cc-build: nul.ccspec:2: the line holds a NUL character\n',
      );
      assert.deepEqual(listing(s, 'images'), ['busybox']);
    });
  });

  test('fails on a failing RUN, naming the line and status, and leaves nothing', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      const context = writeContext(s, 'fail', {
        'app.ccspec': 'FROM busybox\nRUN echo step one > /one\nRUN echo about to fail; exit 7\n',
      });
      const layersBefore = listing(s, 'layers');
      const result = build(s, 'broken', context);
      assert.equal(result.status, 125);
      assert.match(result.stderr, /\n {4}about to fail\n/);
      assert.match(
        result.stderr,
        /\ncc-build: .*app\.ccspec:3: RUN echo about to fail; exit 7: exit status 7\n$/,
      );
      assert.deepEqual(listing(s, 'images'), ['busybox']);
      assert.deepEqual(listing(s, 'tmp'), []);
      assert.deepEqual(listing(s, 'containers'), []);
      // The first RUN's layer is kept as build cache, nothing else.
      assert.equal(listing(s, 'layers').length, layersBefore.length + 1);
    });
  });

  test('names the file and line of an unknown instruction', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      const context = writeContext(s, 'bad', {
        'my-app.ccspec': 'FROM busybox\nINVALID_COMMAND foo\n',
      });
      const result = s.run('cc-build', ['bad', 'my-app.ccspec'], { cwd: context });
      assert.equal(result.status, 125);
      assert.equal(
        result.stderr,
        "cc-build: my-app.ccspec:2: unknown instruction 'INVALID_COMMAND'\n",
      );
      assert.deepEqual(listing(s, 'images'), ['busybox']);
    });
  });

  test('says plainly that FROM names no local image', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      const context = writeContext(s, 'x', { 'app.ccspec': 'FROM debian:bookworm\n' });
      const result = build(s, 'x', context);
      assert.match(result.stderr, /app\.ccspec:1: FROM debian:bookworm: there is no registry/);
      const missing = writeContext(s, 'y', { 'app.ccspec': 'FROM nothing-here\n' });
      assert.match(
        build(s, 'y', missing).stderr,
        /app\.ccspec:1: FROM nothing-here: image 'nothing-here' not found/,
      );
    });
  });

  test('reuses cached steps and reruns from a changed COPY on', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      const context = writeContext(s, 'cache', {
        'app.ccspec': [
          'FROM busybox',
          'RUN cat /proc/sys/kernel/random/uuid > /first',
          'COPY data.txt /data.txt',
          'RUN cat /proc/sys/kernel/random/uuid > /last',
          '',
        ].join('\n'),
        'data.txt': 'one',
      });
      const steps = (stderr: string) =>
        stderr.split('\n').filter((line) => /^ {4}(cached|done)/.test(line));
      assert.deepEqual(
        steps(build(s, 'cache', context).stderr).map((line) => line.trim().split(' ')[0]),
        ['done', 'done', 'done'],
      );
      const first = s.run('cc-start', ['--rm', 'cache', 'cat', '/first', '/last']).stdout;

      assert.deepEqual(steps(build(s, 'cache', context).stderr), [
        '    cached',
        '    cached',
        '    cached',
      ]);
      assert.equal(s.run('cc-start', ['--rm', 'cache', 'cat', '/first', '/last']).stdout, first);

      fs.writeFileSync(path.join(context, 'data.txt'), 'two');
      const rebuilt = steps(build(s, 'cache', context).stderr).map(
        (line) => line.trim().split(' ')[0],
      );
      assert.deepEqual(rebuilt, ['cached', 'done', 'done']);
      const after = s
        .run('cc-start', ['--rm', 'cache', 'cat', '/first', '/last'])
        .stdout.split('\n');
      assert.equal(after[0], first.split('\n')[0]);
      assert.notEqual(after[1], first.split('\n')[1]);
    });
  });

  test('shows only errors with -q', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      const context = writeContext(s, 'quiet', { 'app.ccspec': 'FROM busybox\nRUN echo noisy\n' });
      const result = build(s, 'quiet', context, 'app.ccspec', ['-q']);
      assert.equal(result.stderr, '');
      assert.equal(result.stdout, 'quiet@1\n');
    });
  });
});
