#!/usr/bin/env node
// Times builds of one spec (RUN, COPY, RUN) with cc-build and with Debian's podman
// (`podman build --isolation chroot`, the base imported from the same root file system):
// a cold build (no cache), an unchanged rebuild, and a rebuild after one copied file
// changed. Prints the medians and the ratios as a Markdown table for docs/performance.md.
// Run by hand, as root, after `npm run build`:
//
//   node bench/build.mjs --rootfs DIR [--runs N]
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { commandLine, hyperfine, option, run } from './lib.mjs';

const rootfs = option('--rootfs', undefined);
const runs = Number(option('--runs', '10'));
if (rootfs === undefined) {
  console.error('usage: node bench/build.mjs --rootfs DIR [--runs N]');
  process.exit(2);
}

const SPEC = `FROM base
RUN mkdir -p /srv/app && seq 1 200000 > /srv/app/numbers
COPY . /srv/app/
RUN wc -l /srv/app/numbers /srv/app/changing.txt > /srv/app/summary
`;

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-bench-build-'));
const env = { ...process.env, CC_ROOT: path.join(root, 'store') };
const context = path.join(root, 'context');
const podmanImage = `localhost/cc-bench-base-${process.pid}`;
try {
  fs.mkdirSync(context);
  fs.writeFileSync(
    path.join(context, 'Dockerfile'),
    SPEC.replace('FROM base', `FROM ${podmanImage}`),
  );
  fs.writeFileSync(path.join(context, 'app.ccspec'), SPEC);
  fs.writeFileSync(path.join(context, '.dockerignore'), 'Dockerfile\napp.ccspec\n');
  fs.writeFileSync(path.join(context, '.ccignore'), 'Dockerfile\napp.ccspec\n');
  for (let i = 0; i < 20; i++)
    fs.writeFileSync(path.join(context, `file${i}.txt`), `${i}\n`.repeat(100));
  fs.writeFileSync(path.join(context, 'changing.txt'), 'first\n');

  run(['cc-setup'], env);
  run(['cc-import', '--link', 'base', rootfs], env);
  const tarball = path.join(root, 'rootfs.tar');
  run(['tar', '-C', rootfs, '-cf', tarball, '.']);
  run(['podman', 'import', tarball, podmanImage]);

  const ours = (extra) =>
    commandLine(['cc-build', '-q', ...extra, 'app', `${context}/app.ccspec`, context], env);
  const podman = (extra) =>
    `podman build -q --isolation chroot ${extra.join(' ')} -t cc-bench-app ${context} > /dev/null`;
  const change = `date +%s%N > ${context}/changing.txt`;

  const scenarios = [
    ['cold build', ours(['--no-cache']), podman(['--no-cache']), undefined],
    ['unchanged rebuild', ours([]), podman([]), undefined],
    ['one copied file changed', ours([]), podman([]), change],
  ];
  const rows = [];
  for (const [name, cc, pm, prepare] of scenarios) {
    const results = hyperfine(
      { 'cc-build': cc, 'podman build': pm, 'node -e 0': 'node -e 0' },
      { runs, warmup: 1, prepare },
    );
    rows.push([
      name,
      results['cc-build'].median,
      results['podman build'].median,
      results['node -e 0'].median,
    ]);
  }

  console.log(
    `\n${os.cpus().length} CPUs, Linux ${os.release()}, ${run(['podman', '--version']).trim()}\n`,
  );
  console.log('| build | cc-build | podman build | cc-build ÷ podman | cc-build ÷ node -e 0 |');
  console.log('|---|---|---|---|---|');
  for (const [name, cc, pm, node] of rows) {
    const ms = (seconds) => `${(seconds * 1000).toFixed(0)} ms`;
    console.log(
      `| ${name} | ${ms(cc)} | ${ms(pm)} | ${(cc / pm).toFixed(2)} | ${(cc / node).toFixed(2)} |`,
    );
  }
} finally {
  spawnQuietly(['podman', 'rmi', '-f', 'cc-bench-app', podmanImage]);
  fs.rmSync(root, { recursive: true, force: true });
}

function spawnQuietly(argv) {
  try {
    run(argv);
  } catch {
    // Nothing to remove.
  }
}
