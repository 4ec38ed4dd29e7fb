#!/usr/bin/env node
// Runs the whole test suite: prepares the fixtures shared by the test files (a Debian root
// file system bootstrapped once per run with our own cc-build-debian-image), runs every
// test file from build/test, then checks that the run left no mount and no container
// process behind. `npm test` builds and type-checks before this.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const fixtures = path.join(repo, 'build', 'fixtures');
const env = { ...process.env, CC_TEST_FIXTURES: fixtures };
if (process.getuid() === 0) env.CC_MUST_WORK ??= '1';

fs.rmSync(fixtures, { recursive: true, force: true });
fs.mkdirSync(fixtures, { recursive: true });
if (process.getuid() === 0 && process.env.CC_TEST_NO_DEBIAN !== '1') bootstrapDebian();

// Detached containers outlive the command that started them; where PID 1 does not reap
// orphans (as on the CI machines), tini -s adopts and reaps them for the test run.
const runner = [
  process.execPath,
  '--test',
  '--test-concurrency=2',
  path.join(repo, 'build', 'test'),
];
const argv = hasTini() ? ['tini', '-s', '-g', '--', ...runner] : runner;
const result = spawnSync(argv[0], argv.slice(1), { stdio: 'inherit', env, cwd: repo });

const leaks = leftovers();
for (const leak of leaks) console.error(`test.mjs: left behind: ${leak}`);
process.exit(result.status === 0 && leaks.length === 0 ? 0 : 1);

function bootstrapDebian() {
  const store = path.join(fixtures, 'debian-store');
  const suite = hostDebianSuite();
  console.error(`test.mjs: bootstrapping Debian ${suite} for the end-to-end tests`);
  const storeEnv = { ...env, CC_ROOT: store };
  run(['dist/commands/cc-setup.js'], storeEnv);
  run(['dist/commands/cc-build-debian-image.js', '--name', 'debian', suite], storeEnv);

  const image = JSON.parse(fs.readFileSync(path.join(store, 'images/debian/image.json'), 'utf8'));
  const version = JSON.parse(
    fs.readFileSync(path.join(store, `images/debian/versions/${image.current}.json`), 'utf8'),
  );
  fs.writeFileSync(
    path.join(fixtures, 'debian-rootfs'),
    path.join(store, 'layers', version.layers[0], 'fs'),
  );
}

function hostDebianSuite() {
  const text = fs.readFileSync('/etc/os-release', 'utf8');
  const id = /^ID=(.*)$/m.exec(text)?.[1];
  const codename = /^VERSION_CODENAME=(.*)$/m.exec(text)?.[1];
  return id === 'debian' && codename ? codename : 'stable';
}

function run(args, runEnv) {
  const result = spawnSync(process.execPath, args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: runEnv,
    cwd: repo,
  });
  if (result.status !== 0) {
    console.error(`test.mjs: ${args.join(' ')} failed`);
    process.exit(1);
  }
}

function hasTini() {
  return spawnSync('tini', ['--version'], { stdio: 'ignore' }).status === 0;
}

function leftovers() {
  const found = [];
  const mounts = fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n');
  for (const line of mounts)
    if (line.includes('/cc-test-')) found.push(`mount ${line.split(' ')[4]}`);
  for (const pid of fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    let cmdline;
    try {
      cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (cmdline.startsWith(path.join(repo, 'dist', 'cc-init')))
      found.push(`process ${pid} cc-init`);
  }
  return found;
}
