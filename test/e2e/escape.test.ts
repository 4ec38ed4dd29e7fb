import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';

import { cliAsync } from '../helpers/cli.js';
import { busyboxRootfs, probeBinary } from '../helpers/fixtures.js';
import { importBusybox } from '../helpers/images.js';
import { requireRoot } from '../helpers/root.js';
import { withStore, type TestStore } from '../helpers/store.js';

/** cc-start's arguments for a probe, as root in a container of the busybox image. */
function probeArgs(args: string[], options: string[] = []): string[] {
  return ['--rm', '-v', `${probeBinary()}:/probe:ro`, ...options, 'busybox', '/probe', ...args];
}

/** Runs a probe in a container; returns its one line. */
function inContainer(s: TestStore, args: string[], options: string[] = []): string {
  const result = s.run('cc-start', probeArgs(args, options));
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.trim();
}

/** A plain root file system of our own for the controls: busybox and the probe. */
function chrootTree(s: TestStore): string {
  const root = path.join(s.scratch('.'), 'chroot');
  spawnSync('cp', ['-a', busyboxRootfs(), root]);
  fs.copyFileSync(probeBinary(), path.join(root, 'probe'));
  fs.chmodSync(path.join(root, 'probe'), 0o755);
  return root;
}

/** The control: the same probe under a plain chroot, as root, from the test itself. */
function inChroot(root: string, args: string[], withHostProc = false): string {
  const argv = withHostProc
    ? [
        'unshare',
        '--mount',
        '--propagation',
        'private',
        '--',
        'sh',
        '-c',
        'mount -t proc proc "$0/proc" && exec chroot "$0" /probe "$@"',
        root,
        ...args,
      ]
    : ['chroot', root, '/probe', ...args];
  const result = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.trim();
}

/** A file only the host can see, and its path inside the file system that holds it. */
function hostMarker(s: TestStore) {
  const file = path.join(s.scratch('.'), `marker-${process.pid}`);
  fs.writeFileSync(file, 'host only\n');
  const mountPoint = spawnSync('findmnt', ['-n', '-o', 'TARGET', '--target', file], {
    encoding: 'utf8',
  }).stdout.trim();
  return { file, inFileSystem: `/${path.relative(mountPoint, file)}` };
}

/** major and minor of the device holding the host's root. */
function rootDevice(): [number, number] {
  const line = fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .find((entry) => entry.split(' ')[4] === '/')!;
  const [major, minor] = line.split(' ')[2]!.split(':').map(Number) as [number, number];
  return [major, minor];
}

describe('escapes, blocked by default and shown to work elsewhere', () => {
  test('a double chroot finds nothing of the host', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      const marker = hostMarker(s).file;
      assert.equal(inContainer(s, ['double-chroot', marker]), 'blocked: ENOENT');
      assert.equal(inChroot(chrootTree(s), ['double-chroot', marker]), `escaped: ${marker}`);
    });
  });

  test("a node for the host's root disk cannot be made, nor used when made", async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      const [major, minor] = rootDevice().map(String) as [string, string];
      assert.equal(inContainer(s, ['host-disk', '/dev/disk', major, minor]), 'blocked: EPERM');

      // A host disk to show the probe can read one: a loop device over a file of ours.
      // (The root disk itself cannot serve: on some VMs not even the host's root may read it.)
      const image = path.join(s.scratch('.'), 'disk.img');
      fs.writeFileSync(image, Buffer.concat([Buffer.from('HOSTDISK'), Buffer.alloc(65536)]));
      const loop = spawnSync('losetup', ['--find', '--show', image], {
        encoding: 'utf8',
      }).stdout.trim();
      try {
        const { rdev } = fs.statSync(loop);
        const numbers = [String(Math.floor(rdev / 256) & 0xfff), String(rdev & 0xff)];
        assert.equal(inContainer(s, ['host-disk', '/dev/disk', ...numbers]), 'blocked: EPERM');
        // With CAP_MKNOD added the node can be made, but nodev leaves it unusable.
        const added = inContainer(
          s,
          ['host-disk', '/tmp/disk', ...numbers],
          ['--cap-add', 'MKNOD'],
        );
        assert.equal(added, 'blocked: EACCES');
        const privileged = inContainer(s, ['host-disk', '/dev/disk', ...numbers], ['--privileged']);
        assert.equal(privileged, "escaped: read the first sector of the host's disk");
        const control = inChroot(chrootTree(s), ['host-disk', '/tmp/disk', ...numbers]);
        assert.equal(control, "escaped: read the first sector of the host's disk");
      } finally {
        spawnSync('losetup', ['--detach', loop]);
      }
    });
  });

  test('no file system can be mounted', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      assert.equal(inContainer(s, ['mount']), 'blocked: EPERM');
      assert.equal(
        inContainer(
          s,
          ['mount'],
          ['--cap-add', 'SYS_ADMIN', '--security-opt', 'seccomp=unconfined'],
        ),
        'escaped: mounted a tmpfs',
      );
      assert.equal(inContainer(s, ['mount'], ['--privileged']), 'escaped: mounted a tmpfs');
    });
  });

  test("no process's /proc/PID/root leads to the host", async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      const marker = hostMarker(s).file;
      assert.equal(inContainer(s, ['proc-root', marker]), 'blocked: ENOENT');
      assert.equal(inContainer(s, ['proc-root', marker], ['--privileged']), 'blocked: ENOENT');
      assert.match(
        inChroot(chrootTree(s), ['proc-root', marker], true),
        /^escaped: \/proc\/\d+\/root\//,
      );
    });
  });

  test('open_by_handle_at cannot open the host file system through a bound file', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      const marker = hostMarker(s).inFileSystem;
      assert.equal(inContainer(s, ['open-by-handle', '/etc/hosts', marker]), 'blocked: EPERM');
      const control = inChroot(chrootTree(s), ['open-by-handle', '/etc/passwd', marker]);
      assert.equal(control, "escaped: opened the host's file system root by handle");
    });
  });

  test('a host process cannot be signalled or traced', async (t) => {
    if (!requireRoot(t)) return;
    const host = spawn('sleep', ['600']);
    try {
      await withStore((s) => {
        importBusybox(s);
        const pid = String(host.pid);
        assert.equal(inContainer(s, ['kill', pid]), 'blocked: ESRCH');
        assert.equal(inContainer(s, ['ptrace', pid]), 'blocked: ESRCH');
        const root = chrootTree(s);
        assert.equal(inChroot(root, ['kill', pid]), 'escaped: can signal the host process');
        assert.equal(inChroot(root, ['ptrace', pid]), 'escaped: attached to the host process');
      });
    } finally {
      host.kill('SIGKILL');
    }
  });

  test('kernel settings in /proc/sys and /proc/sysrq-trigger cannot be written', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      const setting = '/proc/sys/kernel/printk';
      assert.equal(inContainer(s, ['sysctl', setting]), 'blocked: EROFS');
      assert.equal(inContainer(s, ['sysctl', setting], ['--privileged']), `escaped: ${setting}`);

      // Where the kernel has no SysRq, there is nothing to write anywhere: shown, not assumed.
      const hostHas = fs.existsSync('/proc/sysrq-trigger');
      const inside = inContainer(s, ['sysrq']);
      assert.ok(
        ['blocked: EROFS', 'blocked: EACCES', 'absent: /proc/sysrq-trigger'].includes(inside),
        inside,
      );
      const control = inChroot(chrootTree(s), ['sysrq'], true);
      assert.equal(
        control,
        hostHas ? 'escaped: wrote /proc/sysrq-trigger' : 'absent: /proc/sysrq-trigger',
      );
      if (!hostHas) t.diagnostic('this kernel has no /proc/sysrq-trigger');
    });
  });

  test('a kernel module cannot be loaded', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      assert.equal(inContainer(s, ['module']), 'blocked: EPERM');
      // Outside, the kernel itself answers: the call got through to the module loader.
      assert.match(
        inChroot(chrootTree(s), ['module']),
        /^escaped: the kernel's module loader answered E/,
      );
    });
  });

  test('files describing the host kernel read as empty', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      const root = chrootTree(s);
      assert.equal(inContainer(s, ['read', '/proc/timer_list']), 'blocked: ENODATA');
      assert.equal(inChroot(root, ['read', '/proc/timer_list'], true), 'escaped: /proc/timer_list');
      const kcore = inContainer(s, ['read', '/proc/kcore']);
      assert.ok(['blocked: ENODATA', 'absent: /proc/kcore'].includes(kcore), kcore);
      if (!fs.existsSync('/proc/kcore')) t.diagnostic('this kernel has no /proc/kcore');
    });
  });

  test("the host's hostname cannot be changed", async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      const before = os.hostname();
      assert.equal(inContainer(s, ['hostname', 'cc-probe-changed']), 'blocked: EPERM');
      // Allowed with --privileged, it changes the container's own UTS namespace only.
      assert.equal(
        inContainer(s, ['hostname', 'cc-probe-changed'], ['--privileged']),
        'escaped: set the hostname',
      );
      assert.equal(os.hostname(), before);
      // In a plain chroot the same call reaches the host (it sets the name it already has).
      assert.equal(inChroot(chrootTree(s), ['hostname']), 'escaped: set the hostname');
    });
  });

  test('--network none cannot reach a port the host listens on at 127.0.0.1', async (t) => {
    if (!requireRoot(t)) return;
    const server = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = String((server.address() as net.AddressInfo).port);
    try {
      await withStore(async (s) => {
        importBusybox(s);
        // The host's server answers from this process: the probe must not block it.
        const probe = async (options: string[]) =>
          (
            await cliAsync('cc-start', probeArgs(['connect', port], options), { root: s.root }).done
          ).stdout.trim();
        assert.equal(await probe(['--network', 'none']), 'blocked: ECONNREFUSED');
        assert.equal(await probe([]), 'escaped: connected to the port');
      });
    } finally {
      server.close();
    }
  });
});

describe('the other confinement options', () => {
  test('--read-only keeps the root unwritable, with --tmpfs for scratch space', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      const script =
        'touch /file 2>&1; touch /scratch/file && echo scratch ok; ' +
        'grep " /scratch " /proc/mounts | cut -d" " -f3';
      const result = s.run('cc-start', [
        '--rm',
        '--read-only',
        '--tmpfs',
        '/scratch',
        'busybox',
        'sh',
        '-c',
        script,
      ]);
      assert.equal(result.stdout, 'touch: /file: Read-only file system\nscratch ok\ntmpfs\n');
    });
  });

  test('no-new-privileges, an unconfined seccomp and added capabilities show inside', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      const status = (options: string[]) =>
        s.run('cc-start', [
          '--rm',
          ...options,
          'busybox',
          'grep',
          '-E',
          '^(NoNewPrivs|Seccomp|CapBnd):',
          '/proc/self/status',
        ]).stdout;
      assert.match(status([]), /CapBnd:\s+00000000a00405fb\nNoNewPrivs:\s+0\nSeccomp:\s+2\n/);
      assert.match(status(['--security-opt', 'no-new-privileges']), /NoNewPrivs:\s+1\n/);
      assert.match(status(['--security-opt', 'seccomp=unconfined']), /Seccomp:\s+0\n/);
      assert.match(
        status(['--cap-add', 'NET_RAW', '--cap-drop', 'CHOWN']),
        /CapBnd:\s+00000000a00425fa\n/,
      );
      const privileged = s.run('cc-start', ['--rm', '--privileged', 'busybox', 'true']);
      assert.equal(
        privileged.stderr,
        'cc-start: warning: --privileged: the container runs with all capabilities\n',
      );
    });
  });
});
