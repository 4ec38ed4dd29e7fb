#!/usr/bin/env node
// Builds the launcher from native/*.c into dist/, next to the compiled JavaScript that
// runs it. The C compiler comes from the distribution (install.sh installs gcc and
// libc6-dev). Linked statically where the C library allows it: a detached container keeps
// its init resident, and a static one maps half the memory of a dynamic one (see
// docs/performance.md); where there is no static libc it links dynamically.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';

const compiler = process.env.CC || 'cc';
const sources = readdirSync('native')
  .filter((file) => file.endsWith('.c'))
  .map((file) => `native/${file}`);
const argv = ['-O2', '-Wall', '-Wextra', '-o', 'dist/cc-init', ...sources];

mkdirSync('dist', { recursive: true });
let result = spawnSync(compiler, ['-static', ...argv], { stdio: ['ignore', 'ignore', 'pipe'] });
if (result.status === 0) process.stderr.write(result.stderr);
else if (!result.error) result = spawnSync(compiler, argv, { stdio: 'inherit' });
if (result.error) {
  console.error(`build-native: cannot run ${compiler}: ${result.error.message}`);
  console.error('hint: install a C compiler (apt-get install gcc libc6-dev)');
  process.exit(1);
}
process.exit(result.status ?? 1);
