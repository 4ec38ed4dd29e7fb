import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';

import { cliAsync, waitFor } from '../helpers/cli.js';
import { importBusybox, listing } from '../helpers/images.js';
import { requireRoot } from '../helpers/root.js';
import { withStore } from '../helpers/store.js';

describe('cc-start and cc-run on busybox', () => {
  test('runs a command in a throw-away container and removes it', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      const result = s.run('cc-start', ['--rm', 'busybox', 'echo', 'hello', 'there']);
      assert.equal(result.stdout, 'hello there\n');
      assert.equal(result.status, 0);
      assert.deepEqual(listing(s, 'containers'), []);
    });
  });

  test("passes the command's exit status through, and 125, 126, 127 as Docker", async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      assert.equal(s.run('cc-start', ['--rm', 'busybox', 'sh', '-c', 'exit 42']).status, 42);
      assert.equal(s.run('cc-start', ['--rm', 'busybox', 'sh', '-c', 'kill -9 $$']).status, 137);

      const missing = s.run('cc-start', ['--rm', 'busybox', 'no-such-command']);
      assert.equal(missing.status, 127);
      assert.equal(
        missing.stderr,
        "cc-start: exec 'no-such-command': executable file not found in $PATH\n",
      );
      const notExecutable = s.run('cc-start', ['--rm', 'busybox', '/etc/passwd']);
      assert.equal(notExecutable.status, 126);
      assert.match(notExecutable.stderr, /^cc-start: exec '\/etc\/passwd': Permission denied\n$/);

      const noImage = s.run('cc-start', ['--rm', 'nope', 'true']);
      assert.equal(noImage.status, 125);
      assert.match(noImage.stderr, /^cc-start: image 'nope' not found\n/);
      assert.deepEqual(listing(s, 'containers'), []);
    });
  });

  test('gives the container its own hostname, PID namespace, /proc and minimal /dev', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      const script =
        'hostname; echo $HOSTNAME; ls /proc | grep -c "^[0-9]"; ls /dev; cat /etc/hostname';
      const result = s.run('cc-start', ['--rm', '--', 'busybox', 'sh', '-c', script]);
      const [hostname, variable, processes, ...rest] = result.stdout.trim().split('\n');
      assert.match(hostname!, /^run-[0-9a-f]+$/);
      assert.equal(variable, hostname);
      assert.ok(Number(processes) <= 4, `sees ${processes} processes`);
      const devices = rest.slice(0, -1);
      for (const node of ['null', 'zero', 'full', 'random', 'urandom', 'tty', 'pts', 'shm']) {
        assert.ok(devices.includes(node), `/dev/${node}`);
      }
      assert.equal(
        devices.some((node) => /^(sd|vd|nvme|loop|mem|kmsg)/.test(node)),
        false,
      );
      assert.equal(rest[rest.length - 1], hostname);
    });
  });

  test('applies -e, -w and -u', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      const result = s.run('cc-start', [
        '--rm',
        '-e',
        'GREETING=hi there',
        '-w',
        '/tmp/work',
        '-u',
        'user',
        'busybox',
        'sh',
        '-c',
        'echo "$GREETING"; pwd; id; echo $HOME',
      ]);
      assert.equal(
        result.stdout,
        'hi there\n/tmp/work\nuid=1000(user) gid=1000(user) groups=50(staff)\n/home/user\n',
      );
    });
  });

  test('runs a non-root user with no capabilities at all', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      const script = 'grep -E "^Cap(Inh|Prm|Eff|Amb)" /proc/self/status';
      const result = s.run('cc-start', ['--rm', '-u', '1000:1000', 'busybox', 'sh', '-c', script]);
      for (const line of result.stdout.trim().split('\n')) {
        if (!line.startsWith('CapInh')) assert.match(line, /:\s+0000000000000000$/);
      }
    });
  });

  test('binds host directories and files, read-only when asked', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      const data = s.scratch('data');
      const config = path.join(s.scratch('config'), 'app.conf');
      fs.writeFileSync(config, 'setting=1\n');
      const script =
        'echo written > /data/out; cat /etc/app.conf; echo x > /etc/app.conf || echo refused';
      const result = s.run('cc-start', [
        '--rm',
        '-v',
        `${data}:/data`,
        '-v',
        `${config}:/etc/app.conf:ro`,
        'busybox',
        'sh',
        '-c',
        script,
      ]);
      assert.equal(fs.readFileSync(path.join(data, 'out'), 'utf8'), 'written\n');
      assert.match(result.stdout, /^setting=1\nrefused\n$/);
      assert.match(result.stderr, /Read-only file system/);
      assert.equal(fs.readFileSync(config, 'utf8'), 'setting=1\n');
    });
  });

  test('refuses a volume whose host path does not exist, creating nothing', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      const result = s.run('cc-start', ['-v', '/no/such/dir:/data', 'web', 'busybox', 'true']);
      assert.equal(result.status, 125);
      assert.equal(result.stderr, "cc-start: -v: '/no/such/dir' does not exist on the host\n");
      assert.deepEqual(listing(s, 'containers'), []);
    });
  });

  test("keeps a container's files from run to run, and starts it again as created", async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      const first = s.run('cc-start', ['web', 'busybox', 'sh', '-c', 'echo run >> /log; cat /log']);
      assert.equal(first.stdout, 'run\n');
      assert.equal(s.run('cc-run', ['web', 'cat', '/log']).stdout, 'run\n');
      assert.equal(s.run('cc-start', ['web']).stdout, 'run\nrun\n');
      assert.equal(s.run('cc-run', ['-e', 'X=1', 'web', 'sh', '-c', 'echo $X']).stdout, '1\n');
    });
  });

  test('refuses a second container of the same name and leaves the first as it was', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      s.run('cc-start', ['web', 'busybox', 'sh', '-c', 'echo original > /mark']);
      const again = s.run('cc-start', ['web', 'busybox', 'true']);
      assert.equal(again.status, 125);
      assert.match(again.stderr, /^cc-start: container 'web' already exists\n/);
      assert.equal(s.run('cc-run', ['web', 'cat', '/mark']).stdout, 'original\n');
    });
  });

  test('rejects bad names in one line and creates nothing', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      for (const name of ['a/b', '..', '.hidden', 'a\nb', 'x'.repeat(300)]) {
        const result = s.run('cc-start', [name, 'busybox', 'true']);
        assert.equal(result.status, 125);
        assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
        assert.match(result.stderr, /^cc-start: invalid container name/);
      }
      assert.deepEqual(listing(s, 'containers'), []);
      assert.equal(s.run('cc-import', ['../x', '/tmp']).status, 125);
      assert.deepEqual(listing(s, 'images'), ['busybox']);
    });
  });

  test('passes stdin through', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      const result = s.run('cc-start', ['--rm', 'busybox', 'tr', 'a-z', 'A-Z'], {
        input: 'shout\n',
      });
      assert.equal(result.stdout, 'SHOUT\n');
    });
  });

  test('ends the children a command leaves behind when it exits', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      const started = Date.now();
      const result = s.run('cc-start', ['--rm', 'busybox', 'sh', '-c', 'sleep 300 & echo left']);
      assert.equal(result.stdout, 'left\n');
      assert.ok(Date.now() - started < 10_000);
    });
  });

  test('passes SIGTERM to the command', async (t) => {
    if (!requireRoot(t)) return;
    await withStore(async (s) => {
      importBusybox(s);
      const script = 'trap "echo got TERM; exit 3" TERM; echo ready; while :; do sleep 0.1; done';
      const run = cliAsync('cc-start', ['--rm', 'busybox', 'sh', '-c', script], { root: s.root });
      await waitFor(() => run.output().includes('ready'));
      run.child.kill('SIGTERM');
      const result = await run.done;
      assert.equal(result.stdout, 'ready\ngot TERM\n');
      assert.equal(result.status, 3);
    });
  });

  test('takes the container down with cc-start when it is killed', async (t) => {
    if (!requireRoot(t)) return;
    await withStore(async (s) => {
      importBusybox(s);
      const script = 'echo ready; sleep 300';
      const run = cliAsync('cc-start', ['--rm', 'busybox', 'sh', '-c', script], { root: s.root });
      await waitFor(() => run.output().includes('ready'));
      run.child.kill('SIGKILL');
      await run.done;
      // The next command removes the throw-away container its killed cc-start left.
      await waitFor(() => s.run('cc-ls', ['--json']).stdout.trim() === '[]');
      assert.deepEqual(listing(s, 'containers'), []);
    });
  });

  test('joins a running container, in its PID namespace', async (t) => {
    if (!requireRoot(t)) return;
    await withStore(async (s) => {
      importBusybox(s);
      const script = 'echo ready; echo inside > /tmp/mark; exec sleep 300';
      const run = cliAsync('cc-start', ['web', 'busybox', 'sh', '-c', script], { root: s.root });
      await waitFor(() => run.output().includes('ready'));

      const ps = s.run('cc-run', ['web', 'ps', '-o', 'pid,comm']);
      assert.match(ps.stdout, /\n\s+2 sleep\n/);
      assert.equal(s.run('cc-run', ['web', 'cat', '/tmp/mark']).stdout, 'inside\n');
      assert.equal(s.run('cc-run', ['web', 'hostname']).stdout, 'web\n');
      const listed = JSON.parse(s.run('cc-ls', ['--json']).stdout) as Array<{ status: string }>;
      assert.equal(listed[0]!.status, 'running');

      assert.equal(s.run('cc-rm', ['web']).status, 125);
      assert.equal(s.run('cc-rm', ['-f', 'web']).status, 0);
      await run.done;
      assert.deepEqual(listing(s, 'containers'), []);
    });
  });
});
