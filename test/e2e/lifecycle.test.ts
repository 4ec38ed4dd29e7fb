import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';

import { cliAsync, waitFor } from '../helpers/cli.js';
import { importBusybox, listing, writeContext } from '../helpers/images.js';
import { requireRoot } from '../helpers/root.js';
import { cgroupsOf, processesHolding, withStore, type TestStore } from '../helpers/store.js';

interface Row {
  name: string;
  status: string;
  statusText: string;
  exitCode: number | null;
  pid: number | null;
}

function containers(s: TestStore): Row[] {
  return JSON.parse(s.run('cc-ls', ['--json']).stdout) as Row[];
}

function row(s: TestStore, name: string): Row {
  return containers(s).find((container) => container.name === name)!;
}

const TICKER = 'i=0; while :; do i=$((i+1)); echo "out $i"; echo "err $i" >&2; sleep 0.05; done';

describe('detached containers', () => {
  test('return once started, with nothing of ours resident but the init', async (t) => {
    if (!requireRoot(t)) return;
    await withStore(async (s) => {
      importBusybox(s);
      const started = s.run('cc-start', ['-d', 'web', 'busybox', 'sh', '-c', TICKER]);
      assert.equal(started.status, 0, started.stderr);
      assert.equal(started.stdout, 'web\n');
      assert.equal(row(s, 'web').status, 'running');

      const holders = processesHolding(s.root);
      assert.equal(holders.length, 1, holders.join('\n'));
      assert.match(holders[0]!, /cc-init run/);
      const init = Number(holders[0]!.split(' ')[0]);
      assert.equal(init, row(s, 'web').pid);
      assert.equal(s.run('cc-stop', ['web']).status, 0);
    });
  });

  test('keep their output in a log, by stream, with --tail and --timestamps', async (t) => {
    if (!requireRoot(t)) return;
    await withStore(async (s) => {
      importBusybox(s);
      s.run('cc-start', ['-d', 'web', 'busybox', 'sh', '-c', TICKER]);
      await waitFor(() => s.run('cc-logs', ['web']).stdout.includes('out 5'));

      const logs = s.run('cc-logs', ['--tail', '4', 'web']);
      assert.match(logs.stdout, /^(out \d+\n){1,4}$/);
      assert.match(logs.stderr, /^(err \d+\n){1,4}$/);
      const stamped = s.run('cc-logs', ['--timestamps', '--tail', '1', 'web']);
      assert.match(
        stamped.stdout + stamped.stderr,
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z (out|err) \d+\n$/,
      );
      assert.equal(s.run('cc-stop', ['web']).status, 0);
    });
  });

  test('cc-logs -f follows until the container stops', async (t) => {
    if (!requireRoot(t)) return;
    await withStore(async (s) => {
      importBusybox(s);
      s.run('cc-start', ['-d', 'web', 'busybox', 'sh', '-c', TICKER]);
      const follow = cliAsync('cc-logs', ['-f', 'web'], { root: s.root });
      await waitFor(() => follow.output().includes('out 20'));
      s.run('cc-stop', ['web']);
      const result = await follow.done;
      assert.equal(result.status, 0);
      const numbers = result.stdout
        .trim()
        .split('\n')
        .map((line) => Number(line.split(' ')[1]));
      assert.deepEqual(
        numbers,
        numbers.map((_, index) => index + 1),
        'no line lost or repeated',
      );
    });
  });

  test('rotate the log at its size cap, keeping the last N files', async (t) => {
    if (!requireRoot(t)) return;
    await withStore(async (s) => {
      importBusybox(s);
      const script = 'for i in $(seq 1 2000); do echo "line $i of the output"; done';
      s.run('cc-start', [
        '-d',
        '--log-opt',
        'max-size=8k',
        '--log-opt',
        'max-file=3',
        'web',
        'busybox',
        'sh',
        '-c',
        script,
      ]);
      await waitFor(() => row(s, 'web').status === 'stopped');
      const logs = path.join(s.root, 'containers/web/logs');
      assert.deepEqual(fs.readdirSync(logs).sort(), [
        'container.log',
        'container.log.1',
        'container.log.2',
      ]);
      for (const file of fs.readdirSync(logs)) {
        assert.ok(fs.statSync(path.join(logs, file)).size < 8192 + 200, file);
      }
      const lines = s.run('cc-logs', ['web']).stdout.trim().split('\n');
      assert.equal(lines[lines.length - 1], 'line 2000 of the output');
      assert.ok(lines.length < 2000 && lines.length > 100);
    });
  });
});

describe('stopping and starting again', () => {
  test('kills a command ignoring SIGTERM after the timeout, and all with it', async (t) => {
    if (!requireRoot(t)) return;
    await withStore(async (s) => {
      importBusybox(s);
      const script = 'trap "" TERM; sleep 300 & sleep 300 & echo ready; wait';
      s.run('cc-start', ['-d', 'stubborn', 'busybox', 'sh', '-c', script]);
      await waitFor(() => s.run('cc-logs', ['stubborn']).stdout.includes('ready'));
      const started = Date.now();
      assert.equal(s.run('cc-stop', ['-t', '1', 'stubborn']).status, 0);
      const took = Date.now() - started;
      assert.ok(took >= 1000 && took < 10_000, `stopped in ${took} ms`);
      assert.equal(row(s, 'stubborn').exitCode, 137);
      assert.deepEqual(processesHolding(s.root), []);
      assert.deepEqual(cgroupsOf(s.root), []);
    });
  });

  test("sends the image's STOPSIGNAL, which the command may handle", async (t) => {
    if (!requireRoot(t)) return;
    await withStore(async (s) => {
      importBusybox(s);
      const context = writeContext(s, 'sig', {
        'app.ccspec':
          'FROM busybox\nSTOPSIGNAL SIGINT\n' +
          'CMD ["sh", "-c", "trap \\"echo bye; exit 0\\" INT; echo ready; ' +
          'while :; do sleep 0.1; done"]\n',
      });
      assert.equal(s.run('cc-build', ['-q', 'sig', 'app.ccspec'], { cwd: context }).status, 0);
      s.run('cc-start', ['-d', 'polite', 'sig']);
      await waitFor(() => s.run('cc-logs', ['polite']).stdout.includes('ready'));
      assert.equal(s.run('cc-stop', ['-t', '30', 'polite']).status, 0);
      assert.equal(row(s, 'polite').exitCode, 0);
      assert.match(s.run('cc-logs', ['polite']).stdout, /bye\n$/);
    });
  });

  test('starts a stopped container again with its files, and restarts a running one', async (t) => {
    if (!requireRoot(t)) return;
    await withStore(async (s) => {
      importBusybox(s);
      const script = 'date +%s%N >> /runs; cat /runs | wc -l; exec sleep 300';
      s.run('cc-start', ['-d', 'keeper', 'busybox', 'sh', '-c', script]);
      s.run('cc-stop', ['-t', '0', 'keeper']);
      assert.equal(s.run('cc-start', ['-d', 'keeper']).status, 0);
      const firstPid = row(s, 'keeper').pid;
      assert.equal(s.run('cc-restart', ['-t', '0', 'keeper']).stdout, 'keeper\n');
      assert.equal(row(s, 'keeper').status, 'running');
      assert.notEqual(row(s, 'keeper').pid, firstPid);
      assert.equal(
        s.run('cc-run', ['keeper', 'wc', '-l', '/runs']).stdout.trim().split(' ')[0],
        '3',
      );
      s.run('cc-stop', ['-t', '0', 'keeper']);
    });
  });

  test('tells the truth after kill -9 of the init, and starts again', async (t) => {
    if (!requireRoot(t)) return;
    await withStore(async (s) => {
      importBusybox(s);
      s.run('cc-start', ['-d', 'victim', 'busybox', 'sleep', '300']);
      process.kill(row(s, 'victim').pid!, 'SIGKILL');
      await waitFor(() => row(s, 'victim').status === 'stopped');
      assert.equal(row(s, 'victim').exitCode, 137);
      assert.equal(s.run('cc-start', ['-d', 'victim']).status, 0);
      assert.equal(row(s, 'victim').status, 'running');
      s.run('cc-rm', ['-f', 'victim']);
      assert.deepEqual(listing(s, 'containers'), []);
    });
  });

  test('records how the command died when only it is killed', async (t) => {
    if (!requireRoot(t)) return;
    await withStore(async (s) => {
      importBusybox(s);
      s.run('cc-start', [
        '-d',
        'victim',
        'busybox',
        'sh',
        '-c',
        'echo $$ > /tmp/pid; exec sleep 300',
      ]);
      await waitFor(() => s.run('cc-run', ['victim', 'cat', '/tmp/pid']).stdout.trim() !== '');
      s.run('cc-run', ['victim', 'sh', '-c', 'kill -9 $(cat /tmp/pid)']);
      await waitFor(() => row(s, 'victim').status === 'stopped');
      assert.equal(row(s, 'victim').exitCode, 137);
      assert.match(row(s, 'victim').statusText, /^stopped \(137\)/);
    });
  });

  test('leaves a running container as it was when its name is taken again', async (t) => {
    if (!requireRoot(t)) return;
    await withStore(async (s) => {
      importBusybox(s);
      s.run('cc-start', ['-d', 'web', 'busybox', 'sleep', '300']);
      const pid = row(s, 'web').pid;
      const again = s.run('cc-start', ['-d', 'web', 'busybox', 'true']);
      assert.equal(again.stderr.split('\n')[0], "cc-start: container 'web' already exists");
      assert.equal(
        s.run('cc-start', ['-d', 'web']).stderr,
        "cc-start: container 'web' is already running\n",
      );
      assert.equal(row(s, 'web').pid, pid);
      s.run('cc-rm', ['-f', 'web']);
    });
  });

  test('restarts a failing command under --restart, as many times as asked', async (t) => {
    if (!requireRoot(t)) return;
    await withStore(async (s) => {
      importBusybox(s);
      s.run('cc-start', [
        '-d',
        '--restart',
        'on-failure:2',
        'flaky',
        'busybox',
        'sh',
        '-c',
        'echo attempt; exit 3',
      ]);
      await waitFor(() => row(s, 'flaky').status === 'stopped');
      assert.equal(s.run('cc-logs', ['flaky']).stdout, 'attempt\nattempt\nattempt\n');
      assert.equal(row(s, 'flaky').exitCode, 3);
      const exit = JSON.parse(
        fs.readFileSync(path.join(s.root, 'containers/flaky/exit.json'), 'utf8'),
      );
      assert.equal(exit.restarts, 2);
    });
  });

  test('does not restart a command cc-stop ended, even under --restart always', async (t) => {
    if (!requireRoot(t)) return;
    await withStore(async (s) => {
      importBusybox(s);
      s.run('cc-start', ['-d', '--restart', 'always', 'forever', 'busybox', 'sleep', '300']);
      assert.equal(s.run('cc-stop', ['forever']).status, 0);
      assert.equal(row(s, 'forever').status, 'stopped');
    });
  });
});

describe('resource limits', () => {
  test('kills a memory hog at its limit and leaves the host alone', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      const hog = 'x=$(head -c 300000000 /dev/zero | tr "\\0" a); echo survived';
      const result = s.run('cc-start', ['--rm', '--memory', '32m', 'busybox', 'sh', '-c', hog]);
      assert.equal(result.status, 137);
      assert.equal(result.stdout, '');
      assert.equal(
        s.run('cc-start', ['--rm', 'busybox', 'echo', 'host fine']).stdout,
        'host fine\n',
      );
    });
  });

  test('stops a fork bomb at its pids limit', async (t) => {
    if (!requireRoot(t)) return;
    await withStore(async (s) => {
      importBusybox(s);
      // The inner shell forks until the kernel refuses; the outer one then reports and
      // stays, by exec, without needing another process.
      const bomb = 'sh -c "while :; do sleep 300 & done" 2>/dev/null; echo stopped; exec sleep 300';
      s.run('cc-start', ['-d', '--pids-limit', '25', 'bomb', 'busybox', 'sh', '-c', bomb]);
      await waitFor(() => s.run('cc-logs', ['bomb']).stdout === 'stopped\n');
      const [stats] = JSON.parse(s.run('cc-stats', ['--json', 'bomb']).stdout) as Array<{
        pids: number;
      }>;
      assert.ok(stats!.pids > 15 && stats!.pids <= 25, `${stats!.pids} processes`);
      assert.equal(
        s.run('cc-start', ['--rm', 'busybox', 'echo', 'host fine']).stdout,
        'host fine\n',
      );
      s.run('cc-rm', ['-f', 'bomb']);
    });
  });

  test('holds a busy loop to its CPU share, as cc-stats shows', async (t) => {
    if (!requireRoot(t)) return;
    await withStore(async (s) => {
      importBusybox(s);
      s.run('cc-start', [
        '-d',
        '--cpus',
        '0.25',
        'busy',
        'busybox',
        'sh',
        '-c',
        'while :; do :; done',
      ]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const [stats] = JSON.parse(s.run('cc-stats', ['--json', 'busy']).stdout) as Array<{
        cpuPercent: number;
        pids: number;
      }>;
      assert.ok(stats!.cpuPercent > 10 && stats!.cpuPercent < 35, `${stats!.cpuPercent}%`);
      assert.equal(stats!.pids, 2);
      s.run('cc-rm', ['-f', 'busy']);
    });
  });

  test('refuses limits it cannot impose, before creating anything', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      assert.match(
        s.run('cc-start', ['-m', 'lots', 'x', 'busybox']).stderr,
        /invalid --memory 'lots'/,
      );
      assert.match(
        s.run('cc-start', ['--pids-limit', '0', 'x', 'busybox']).stderr,
        /invalid --pids-limit/,
      );
      assert.deepEqual(listing(s, 'containers'), []);
    });
  });
});

describe('cc-systemd', () => {
  test('writes a unit that systemd-analyze verify accepts', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      s.run('cc-start', ['-d', '-m', '64m', '--cpus', '0.5', 'web', 'busybox', 'sleep', '300']);
      s.run('cc-stop', ['-t', '0', 'web']);
      const unit = s.run('cc-systemd', ['--restart', 'always', 'web']);
      assert.equal(unit.status, 0, unit.stderr);
      for (const line of [
        'Type=forking',
        `PIDFile=${s.root}/containers/web/init.pid`,
        'Restart=always',
        'MemoryMax=67108864',
        'CPUQuota=50%',
        `Environment=CC_ROOT=${s.root}`,
      ]) {
        assert.ok(unit.stdout.includes(`\n${line}\n`), line);
      }
      assert.match(unit.stdout, /\nExecStart=\/\S+.* -d --cgroup=inherit web\n/);
      assert.match(unit.stdout, /\nExecStop=\/\S+.* -t 10 web\n/);

      const dir = s.scratch('units');
      fs.writeFileSync(path.join(dir, 'cc-web.service'), unit.stdout);
      const verify = spawnSync('systemd-analyze', ['verify', path.join(dir, 'cc-web.service')], {
        encoding: 'utf8',
      });
      assert.equal(verify.status, 0, verify.stderr);
    });
  });
});
