#!/usr/bin/env node
// Measures what stays resident for running containers: starts N detached containers with
// cc-start -d and with podman (runc, as it runs here), each running `sleep`, then sums the
// resident memory of each manager's own processes per container: our container init, and
// podman's conmon. VmRSS counts shared pages in every process; Pss shares them out, which
// is what N containers really cost together. Run by hand, as root, after `npm run build`:
//
//   node bench/footprint.mjs --rootfs DIR [--count N] [--no-podman] [--docker]
//
// --docker measures Docker's containerd-shim too; it needs a dockerd already running
// (docker.io's dockerd runs on these machines when started by hand).
import * as childProcess from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { option, run } from './lib.mjs';

const args = process.argv.slice(2);
const rootfs = option('--rootfs', undefined);
const count = Number(option('--count', '50'));
if (rootfs === undefined) {
  console.error('usage: node bench/footprint.mjs --rootfs DIR [--count N] [--no-podman]');
  process.exit(2);
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-bench-footprint-'));
const env = { ...process.env, CC_ROOT: path.join(root, 'store') };
const podmanImage = `localhost/cc-footprint-${process.pid}`;
const dockerImage = `cc-footprint-${process.pid}`;
const rows = [];
try {
  run(['cc-setup'], env);
  run(['cc-import', '--link', 'base', rootfs], env);
  for (let i = 0; i < count; i++) run(['cc-start', '-d', `c${i}`, 'base', 'sleep', '3600'], env);
  const inits = JSON.parse(run(['cc-ls', '--json'], env)).map((container) => container.pid);
  rows.push(['Cookie-Cutter: container init (cc-init)', measure(inits)]);
  rows.push(['Node.js, for scale: `node -e "setTimeout(()=>{},1e9)"`', measureNode()]);

  if (!args.includes('--no-podman')) {
    const tarball = path.join(root, 'rootfs.tar');
    run(['tar', '-C', rootfs, '-cf', tarball, '.']);
    run(['podman', 'import', tarball, podmanImage]);
    const flags = [
      '--runtime',
      'runc',
      '--ulimit',
      'nofile=20000:20000',
      '--ulimit',
      'nproc=32768:32768',
      '--network',
      'none',
    ];
    for (let i = 0; i < count; i++) {
      run([
        'podman',
        'run',
        '-d',
        '--name',
        `cc-footprint-${i}`,
        ...flags,
        podmanImage,
        'sleep',
        '3600',
      ]);
    }
    rows.push(['podman 4.3: conmon', measure(pidsOf('conmon'))]);
  }

  if (args.includes('--docker')) {
    const tarball = path.join(root, 'rootfs.tar');
    if (!fs.existsSync(tarball)) run(['tar', '-C', rootfs, '-cf', tarball, '.']);
    run(['docker', 'import', tarball, dockerImage]);
    for (let i = 0; i < count; i++) {
      run([
        'docker',
        'run',
        '-d',
        '--name',
        `cc-footprint-${i}`,
        '--network',
        'none',
        dockerImage,
        'sleep',
        '3600',
      ]);
    }
    rows.push(['Docker 20.10: containerd-shim-runc-v2', measure(pidsOf('containerd-shim'))]);
  }

  console.log(`\n${count} containers running sleep; per container (kB):\n`);
  console.log('| process | processes | VmRSS | Pss | Pss, all together |');
  console.log('|---|---|---|---|---|');
  for (const [name, m] of rows) {
    console.log(`| ${name} | ${m.count} | ${m.rss} | ${m.pss} | ${m.totalPss} |`);
  }
} finally {
  for (let i = 0; i < count; i++) quietly(['cc-rm', '-f', `c${i}`], env);
  for (let i = 0; i < count; i++) quietly(['podman', 'rm', '-f', '-t', '0', `cc-footprint-${i}`]);
  quietly(['podman', 'rmi', '-f', podmanImage]);
  if (args.includes('--docker')) {
    for (let i = 0; i < count; i++) quietly(['docker', 'rm', '-f', `cc-footprint-${i}`]);
    quietly(['docker', 'rmi', '-f', dockerImage]);
  }
  fs.rmSync(root, { recursive: true, force: true });
}

/** Average VmRSS and Pss of processes, in kB, and their Pss added up. */
function measure(pids) {
  const values = pids.map((pid) => ({
    rss: field(fs.readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmRSS'),
    pss: field(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'), 'Pss'),
  }));
  const average = (key) =>
    Math.round(values.reduce((sum, value) => sum + value[key], 0) / values.length);
  return {
    count: values.length,
    rss: average('rss'),
    pss: average('pss'),
    totalPss: values.reduce((sum, value) => sum + value.pss, 0),
  };
}

function measureNode() {
  const child = spawnNode();
  try {
    return measure([child.pid]);
  } finally {
    child.kill();
  }
}

function spawnNode() {
  const child = childProcess.spawn(process.execPath, ['-e', 'setTimeout(()=>{},1e9)']);
  const deadline = Date.now() + 2000;
  while (Date.now() < deadline && !fs.existsSync(`/proc/${child.pid}/status`));
  run(['sleep', '0.5']);
  return child;
}

function field(text, name) {
  return Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
}

function pidsOf(command) {
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === command;
      } catch {
        return false;
      }
    })
    .map(Number);
}

function quietly(argv, runEnv) {
  try {
    run(argv, runEnv);
  } catch {
    // Already gone.
  }
}
