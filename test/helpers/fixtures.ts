import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { REPO } from './cli.js';

/** Where fixtures shared by the test files of one run live: built once, by scripts/test.mjs. */
export const FIXTURES = process.env.CC_TEST_FIXTURES ?? path.join(REPO, 'build', 'fixtures');

/**
 * A tiny root file system: busybox-static with its applets, a passwd and group with root,
 * nobody and an unprivileged user, and the usual top-level directories.
 */
export function busyboxRootfs(): string {
  const root = path.join(FIXTURES, 'busybox');
  if (fs.existsSync(path.join(root, '.complete'))) return root;

  const staging = `${root}.${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  for (const dir of ['bin', 'etc', 'tmp', 'root', 'home/user', 'proc', 'dev', 'sys']) {
    fs.mkdirSync(path.join(staging, dir), { recursive: true });
  }
  fs.chmodSync(path.join(staging, 'tmp'), 0o1777);
  fs.copyFileSync(busyboxBinary(), path.join(staging, 'bin', 'busybox'));
  fs.chmodSync(path.join(staging, 'bin', 'busybox'), 0o755);
  const install = spawnSync('chroot', [staging, '/bin/busybox', '--install', '-s', '/bin']);
  if (install.status !== 0) throw new Error(`busybox --install failed: ${install.stderr}`);

  fs.writeFileSync(
    path.join(staging, 'etc', 'passwd'),
    'root:x:0:0:root:/root:/bin/sh\n' +
      'user:x:1000:1000:a user:/home/user:/bin/sh\n' +
      'nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n',
  );
  fs.writeFileSync(
    path.join(staging, 'etc', 'group'),
    'root:x:0:\nstaff:x:50:user\nuser:x:1000:\nnogroup:x:65534:\n',
  );
  fs.chownSync(path.join(staging, 'home', 'user'), 1000, 1000);
  fs.writeFileSync(path.join(staging, '.complete'), '');

  try {
    fs.renameSync(staging, root);
  } catch {
    // Another test file made it first.
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return root;
}

function busyboxBinary(): string {
  for (const candidate of ['/bin/busybox', '/usr/bin/busybox']) {
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error('busybox-static is not installed (install.sh installs it)');
}

/**
 * The Debian root file system bootstrapped once per test run by scripts/test.mjs with
 * cc-build-debian-image; undefined when the run did not make one.
 */
export function debianRootfs(): string | undefined {
  const file = path.join(FIXTURES, 'debian-rootfs');
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : undefined;
}

/** The escape probes (test/probes/escape.c), built static once per run. */
export function probeBinary(): string {
  const binary = path.join(FIXTURES, 'probe');
  if (fs.existsSync(binary)) return binary;

  const staging = `${binary}.${process.pid}`;
  const source = path.join(REPO, 'test', 'probes', 'escape.c');
  const built = spawnSync('cc', ['-static', '-O2', '-o', staging, source], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`cannot build the probes: ${built.stderr}`);
  fs.renameSync(staging, binary);
  return binary;
}
