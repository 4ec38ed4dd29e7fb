#!/usr/bin/env node
// Times `cc-start --rm IMAGE true` against `node -e 0` and a plain `chroot ROOTFS true` on
// the same Debian root file system, in one hyperfine run, and prints the ratios as a
// Markdown table for docs/performance.md. Run by hand, as root, after `npm run build`:
//
//   node bench/start.mjs [--rootfs DIR] [--runs N]
//
// Without --rootfs it bootstraps Debian into a temporary store first (about a minute).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { commandLine, hyperfine, option, ratioTable, run } from './lib.mjs';

const runs = Number(option('--runs', '30'));

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-bench-'));
const env = { ...process.env, CC_ROOT: root };
try {
  run(['cc-setup'], env);
  let rootfs = option('--rootfs', undefined);
  if (rootfs === undefined) {
    run(['cc-build-debian-image', '--name', 'bench', 'stable'], env);
    const store = JSON.parse(run(['cc-images', '--json'], env));
    const record = JSON.parse(
      fs.readFileSync(path.join(root, `images/bench/versions/${store[0].version}.json`), 'utf8'),
    );
    rootfs = path.join(root, 'layers', record.layers[0], 'fs');
  } else {
    run(['cc-import', '--link', 'bench', rootfs], env);
  }

  const commands = {
    'node -e 0': 'node -e 0',
    'chroot ROOTFS true': `chroot ${rootfs} /bin/true`,
    'unshare + chroot': `unshare --mount --pid --fork --uts --ipc chroot ${rootfs} /bin/true`,
    'cc-start --rm IMAGE true': commandLine(['cc-start', '--rm', 'bench', '/bin/true'], env),
  };
  const results = hyperfine(commands, { runs, warmup: 5 });
  console.log(
    `\n${os.cpus().length} CPUs, ${os.cpus()[0].model}, Linux ${os.release()}, Node ${process.version}\n`,
  );
  console.log(ratioTable(results, 'node -e 0'));
  const disk = spawnSync('du', ['-sk', path.join(root, 'containers')], { encoding: 'utf8' });
  console.log(`\nContainers left on disk after the runs: ${disk.stdout.trim()}`);
} finally {
  fs.rmSync(root, { recursive: true, force: true });
}
