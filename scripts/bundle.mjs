#!/usr/bin/env node
// Bundles each cc-* command from src/commands into one file in dist/commands. Every cc-*
// call pays Node's start-up; loading thirty small ES modules one by one added a third to
// it, one file does not. Dynamic imports stay lazy: esbuild runs a bundled module's body
// only when it is first imported. tsc still checks the types (npm run build runs it first)
// and builds the tests.
import { readdirSync } from 'node:fs';

import { build } from 'esbuild';

const commands = readdirSync('src/commands')
  .filter((file) => file.endsWith('.ts'))
  .map((file) => `src/commands/${file}`);

await build({
  entryPoints: commands,
  outdir: 'dist/commands',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node18',
  // Bundled CommonJS dependencies (@balena/dockerignore) call require() for Node built-ins.
  banner: {
    js:
      "import { createRequire as ccCreateRequire } from 'node:module';\n" +
      'const require = ccCreateRequire(import.meta.url);',
  },
  logLevel: 'warning',
});
