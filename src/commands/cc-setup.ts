#!/usr/bin/env node
import { flagOption, type ParsedArgs } from '../cli/args.js';
import { runCommand, type Command } from '../cli/main.js';

const command: Command = {
  name: 'cc-setup',
  usage: ['cc-setup [--install-deps]'],
  summary:
    'Check that this host can run Cookie-Cutter and create the store under $CC_ROOT\n' +
    '(default /var/lib/cookie-cutter). Safe to run again.',
  options: {
    'install-deps': {
      type: 'boolean',
      description: 'Install missing Debian/Ubuntu packages with apt-get',
    },
  },
  positionals: { min: 0, max: 0 },
  needsRoot: false,
  run,
};

async function run(args: ParsedArgs): Promise<number> {
  const { setUp } = await import('../host/setup.js');
  const report = await setUp({ installDeps: flagOption(args.options, 'install-deps') });

  for (const check of report.checks) {
    const mark = check.ok ? 'ok  ' : check.needed ? 'FAIL' : 'warn';
    const fix = check.ok || check.fix === undefined ? '' : ` (fix: ${check.fix})`;
    process.stdout.write(`${mark}  ${check.name.padEnd(11)} ${check.detail}${fix}\n`);
  }
  if (report.store !== undefined)
    process.stdout.write(`ok    ${'store'.padEnd(11)} ${report.store}\n`);
  return report.ok ? 0 : 1;
}

runCommand(command);
