import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';

import { waitFor } from '../helpers/cli.js';
import { importBusybox, listing, writeContext } from '../helpers/images.js';
import { requireRoot } from '../helpers/root.js';
import { withStore, type TestStore } from '../helpers/store.js';
import { onTerminal } from '../helpers/terminal.js';

/** A 10-step spec whose RUN steps record that they ran in a file of the context. */
const TEN_STEPS = [
  'FROM busybox',
  'ARG FLAVOUR=plain',
  'ENV APP=/srv/app',
  'WORKDIR /srv/app',
  'RUN echo one > step1',
  'COPY config.txt ./',
  'RUN echo "$FLAVOUR" > flavour',
  'COPY data/ ./data/',
  'RUN ls -R > listing',
  'CMD ["cat", "flavour"]',
].join('\n');

/** A context with the 10-step spec and the files it copies. */
function tenSteps(s: TestStore): string {
  return writeContext(s, 'c', { 'app.ccspec': TEN_STEPS, 'config.txt': 'c', 'data/x': 'x' });
}

function steps(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((line) => /^ {4}(cached|done)/.test(line))
    .map((line) => line.trim().split(' ')[0]!);
}

function build(s: TestStore, context: string, extra: string[] = []) {
  return s.run('cc-build', ['--progress=plain', ...extra, 'app', 'app.ccspec'], { cwd: context });
}

function layersOf(s: TestStore, image: string): string[] {
  return (JSON.parse(s.run('cc-inspect', [image]).stdout) as Array<{ layers: string[] }>)[0]!
    .layers;
}

describe('the build cache', () => {
  test('rebuilds an unchanged 10-step spec from the cache alone', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      const context = tenSteps(s);
      assert.deepEqual(steps(build(s, context).stderr), ['done', 'done', 'done', 'done', 'done']);
      const before = layersOf(s, 'app');

      const again = build(s, context);
      assert.deepEqual(steps(again.stderr), ['cached', 'cached', 'cached', 'cached', 'cached']);
      assert.equal(again.stdout, 'app@2\n');
      assert.deepEqual(layersOf(s, 'app'), before);
    });
  });

  test('reruns from a changed file on, and keys on content, not times', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      const context = tenSteps(s);
      build(s, context);
      const later = new Date(Date.now() + 3600_000);
      fs.utimesSync(path.join(context, 'data/x'), later, later);
      assert.deepEqual(steps(build(s, context).stderr), [
        'cached',
        'cached',
        'cached',
        'cached',
        'cached',
      ]);

      fs.writeFileSync(path.join(context, 'data/x'), 'changed');
      assert.deepEqual(steps(build(s, context).stderr), [
        'cached',
        'cached',
        'cached',
        'done',
        'done',
      ]);
      fs.chmodSync(path.join(context, 'config.txt'), 0o600);
      assert.deepEqual(steps(build(s, context).stderr), ['cached', 'done', 'done', 'done', 'done']);
    });
  });

  test('reruns from the first RUN that sees a changed build arg, not before', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      const spec = [
        'FROM busybox',
        'COPY config.txt /config.txt',
        'RUN echo before > /before',
        'ARG FLAVOUR=plain',
        'RUN echo "$FLAVOUR" > /flavour',
        'CMD ["cat", "/flavour"]',
      ].join('\n');
      const context = writeContext(s, 'c', { 'app.ccspec': spec, 'config.txt': 'c' });
      build(s, context);
      const rebuilt = build(s, context, ['--build-arg', 'FLAVOUR=spicy']);
      assert.deepEqual(steps(rebuilt.stderr), ['cached', 'cached', 'done']);
      assert.equal(s.run('cc-start', ['--rm', 'app']).stdout, 'spicy\n');
    });
  });

  test('runs every step again with --no-cache', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      const context = tenSteps(s);
      build(s, context);
      assert.deepEqual(steps(build(s, context, ['--no-cache']).stderr), [
        'done',
        'done',
        'done',
        'done',
        'done',
      ]);
    });
  });

  test('cc-gc frees the layers only the cache keeps, and cc-df shows them first', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      const context = writeContext(s, 'g', {
        'app.ccspec': 'FROM busybox\nRUN head -c 100000 /dev/urandom > /blob\nRUN exit 1\n',
      });
      assert.equal(build(s, context).status, 125);
      const usage = JSON.parse(s.run('cc-df', ['--json']).stdout) as Array<
        Record<string, number | string>
      >;
      const cache = usage.find((row) => row.type === 'build cache')!;
      assert.ok((cache.size as number) >= 100_000, JSON.stringify(cache));

      const collected = s.run('cc-gc', []);
      assert.match(collected.stdout, /^removed 1 cache entries and 1 layer, freed [\d.]+kB\n$/);
      assert.deepEqual(listing(s, 'layers').length, 1);
      const after = JSON.parse(s.run('cc-df', ['--json']).stdout) as Array<
        Record<string, number | string>
      >;
      assert.equal(after.find((row) => row.type === 'build cache')!.size, 0);
      assert.match(s.run('cc-df', []).stdout, /^TYPE +COUNT +SIZE +RECLAIMABLE\nimages +1 /);
    });
  });
});

describe('build output', () => {
  test('writes one JSON object per event with --progress=json', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      const context = writeContext(s, 'j', { 'app.ccspec': 'FROM busybox\nRUN echo out\n' });
      const result = build(s, context, ['--progress=json']);
      const events = result.stderr
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      assert.deepEqual(
        events.map((event) => event.event),
        ['step', 'done', 'step', 'output', 'done', 'finished'],
      );
      assert.deepEqual(events[3], { event: 'output', step: 2, line: 'out' });
      assert.equal(events[4]!.cached, false);
    });
  });

  test('shows a live view on a terminal, one line per finished step', async (t) => {
    if (!requireRoot(t)) return;
    await withStore(async (s) => {
      importBusybox(s);
      const context = writeContext(s, 'tty', {
        'app.ccspec': 'FROM busybox\nRUN sleep 0.5; echo out\n',
      });
      const run = onTerminal(s.root, 'cc-build', ['app', 'app.ccspec'], context);
      assert.equal(await run.done, 0);
      const screen = run.shown();
      assert.match(screen, /✔ \[1\/2\] FROM busybox/);
      assert.match(screen, /✔ \[2\/2\] RUN sleep 0\.5; echo out {2}\d+\.\ds/);
      assert.match(screen, /Built app@1/);
    });
  });

  test("opens a shell in a failed step's file system with -d, then cleans up", async (t) => {
    if (!requireRoot(t)) return;
    await withStore(async (s) => {
      importBusybox(s);
      const context = writeContext(s, 'd', {
        'app.ccspec': 'FROM busybox\nRUN echo left by the step > /evidence; exit 3\n',
      });
      const run = onTerminal(
        s.root,
        'cc-build',
        ['-d', '--progress=plain', 'app', 'app.ccspec'],
        context,
      );
      await waitFor(() => run.shown().includes('exit it to clean up'));
      run.child.stdin.write('cat /evidence; exit\n');
      assert.equal(await run.done, 125);
      assert.match(run.shown(), /left by the step/);
      assert.match(
        run.shown(),
        /app\.ccspec:2: RUN echo left by the step > \/evidence; exit 3: exit status 3/,
      );
      assert.deepEqual(listing(s, 'tmp'), []);
    });
  });

  test('shows the last lines of a failed step when output was held back', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      const context = writeContext(s, 'q', {
        'app.ccspec': 'FROM busybox\nRUN for i in $(seq 1 22); do echo line $i; done; exit 2\n',
      });
      const result = build(s, context, ['-q']);
      const lines = result.stderr.trim().split('\n');
      assert.match(lines[0]!, /^Step 2\/2: RUN for i in/);
      assert.equal(lines[1], '    line 3');
      assert.equal(lines[20], '    line 22');
      assert.match(lines[21]!, /app\.ccspec:2: .*exit status 2$/);
    });
  });
});
