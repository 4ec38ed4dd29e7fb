import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { cliAsync, waitFor } from '../helpers/cli.js';
import { importBusybox, listing, writeContext } from '../helpers/images.js';
import { requireRoot } from '../helpers/root.js';
import { mountsUnder, withStore } from '../helpers/store.js';
import { onTerminal } from '../helpers/terminal.js';

describe('terminals, signals and concurrent commands', () => {
  test('passes a terminal through, and Ctrl-C reaches the command once', async (t) => {
    if (!requireRoot(t)) return;
    await withStore(async (s) => {
      importBusybox(s);
      const script =
        '[ -t 0 ] && [ -t 1 ] && echo "on a terminal, TERM=$TERM"; ' +
        'trap "echo interrupted; exit 5" INT; echo ready; while :; do sleep 0.1; done';
      const run = onTerminal(s.root, 'cc-start', ['--rm', 'busybox', 'sh', '-c', script]);
      await waitFor(() => run.shown().includes('ready'));
      run.child.stdin.write('\x03');
      assert.equal(await run.done, 5);
      assert.match(run.shown(), /on a terminal, TERM=xterm\r\nready\r\n(\^C)?interrupted\r\n$/);
    });
  });

  test("gives -t a terminal of the container's own, with the caller's size", async (t) => {
    if (!requireRoot(t)) return;
    await withStore(async (s) => {
      importBusybox(s);
      s.run('cc-start', ['-d', 'box', 'busybox', 'sleep', '300']);
      const size = { rows: 33, columns: 111 };
      const script = 'tty; stty size; echo "TERM=$TERM"; read line; echo "got $line"';
      const run = onTerminal(s.root, 'cc-run', ['-it', 'box', 'sh', '-c', script], undefined, size);
      await waitFor(() => run.shown().includes('TERM='));
      run.child.stdin.write('typed\r');
      assert.equal(await run.done, 0);
      assert.match(
        run.shown(),
        /\/dev\/pts\/\d+\r\n33 111\r\nTERM=xterm\r\n(typed\r\n)?got typed\r\n/,
      );

      const interrupt = 'trap "echo caught; exit 4" INT; echo ready; while :; do sleep 0.1; done';
      const started = onTerminal(s.root, 'cc-start', [
        '--rm',
        '-t',
        'busybox',
        'sh',
        '-c',
        interrupt,
      ]);
      await waitFor(() => started.shown().includes('ready'));
      started.child.stdin.write('\x03');
      assert.equal(await started.done, 4);
      assert.equal(started.shown().match(/caught/g)?.length, 1);
      s.run('cc-rm', ['-f', 'box']);
    });
  });

  test('lets only one of two starts of the same container run', async (t) => {
    if (!requireRoot(t)) return;
    await withStore(async (s) => {
      importBusybox(s);
      s.run('cc-start', ['web', 'busybox', 'sh', '-c', 'sleep 2']);
      const first = cliAsync('cc-start', ['web'], { root: s.root });
      const second = cliAsync('cc-start', ['web'], { root: s.root });
      const results = await Promise.all([first.done, second.done]);
      const statuses = results.map((result) => result.status).sort();
      assert.deepEqual(statuses, [0, 125]);
      const refused = results.find((result) => result.status === 125)!;
      assert.match(
        refused.stderr,
        /^cc-start: (container 'web' is already running|the container is in use)\n$/,
      );
    });
  });

  test('gives two concurrent builds of one image two versions', async (t) => {
    if (!requireRoot(t)) return;
    await withStore(async (s) => {
      importBusybox(s);
      const context = writeContext(s, 'c', { 'app.ccspec': 'FROM busybox\nRUN sleep 0.5\n' });
      const args = ['--no-cache', '-q', 'app', `${context}/app.ccspec`, context];
      const builds = [
        cliAsync('cc-build', args, { root: s.root }),
        cliAsync('cc-build', args, { root: s.root }),
      ];
      const outputs = (await Promise.all(builds.map((build) => build.done))).map((r) => r.stdout);
      assert.deepEqual(outputs.sort(), ['app@1\n', 'app@2\n']);
    });
  });

  test('leaves nothing when cc-build is killed in the middle of a RUN', async (t) => {
    if (!requireRoot(t)) return;
    await withStore(async (s) => {
      importBusybox(s);
      const context = writeContext(s, 'k', {
        'app.ccspec': 'FROM busybox\nRUN echo working; sleep 300\n',
      });
      const build = cliAsync(
        'cc-build',
        ['--progress=plain', 'app', `${context}/app.ccspec`, context],
        {
          root: s.root,
        },
      );
      await waitFor(() => build.stderr().includes('working'));
      await new Promise((resolve) => setTimeout(resolve, 500));
      build.child.kill('SIGKILL');
      await build.done;

      // The RUN step's processes die with the build; the next command clears its work.
      await waitFor(() => s.run('cc-images', []).status === 0 && listing(s, 'tmp').length === 0);
      assert.deepEqual(listing(s, 'images'), ['busybox']);
      assert.deepEqual(mountsUnder(s.root), []);
    });
  });

  test('leaves no image when a bootstrap is interrupted', async (t) => {
    if (!requireRoot(t)) return;
    await withStore(async (s) => {
      const run = cliAsync('cc-build-debian-image', ['--name', 'cut', 'stable'], { root: s.root });
      await waitFor(() => /Bootstrapping/.test(run.output() + run.stderr()), 60_000);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      run.child.kill('SIGINT');
      const result = await run.done;
      assert.equal(result.status, 130, result.stderr);
      assert.match(result.stderr, /\ncc-build-debian-image: interrupted\n$/);
      assert.deepEqual(listing(s, 'images'), []);
      assert.deepEqual(listing(s, 'layers'), []);
      assert.deepEqual(listing(s, 'tmp'), []);
      assert.deepEqual(mountsUnder(s.root), []);
    });
  });
});
