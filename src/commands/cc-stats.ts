#!/usr/bin/env node
import { flagOption, type ParsedArgs } from '../cli/args.js';
import { runCommand, type Command } from '../cli/main.js';
import { JSON_OUTPUT } from '../cli/options.js';

const command: Command = {
  name: 'cc-stats',
  usage: ['cc-stats [--json] [NAME...]'],
  summary:
    'Show CPU, memory and processes of running containers (all of them by default), read\n' +
    'from their cgroups; CPU is measured over half a second.',
  options: JSON_OUTPUT,
  positionals: { min: 0, max: Infinity },
  needsRoot: true,
  run,
};

async function run(args: ParsedArgs): Promise<void> {
  const { Store } = await import('../store/store.js');
  const { checkName } = await import('../store/names.js');
  const { containerStats } = await import('../runtime/stats.js');
  const names = args.positionals.map((name) => checkName('container', name));
  const rows = await containerStats(Store.open(), names);

  if (flagOption(args.options, 'json')) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  const { printTable } = await import('../cli/table.js');
  const { formatSize } = await import('../util/format.js');
  printTable(
    ['NAME', 'CPU %', 'MEM USAGE / LIMIT', 'MEM %', 'PIDS'],
    rows.map((row) => [
      row.name,
      `${row.cpuPercent.toFixed(1)}%`,
      `${formatSize(row.memoryBytes)} / ${row.memoryLimit ? formatSize(row.memoryLimit) : 'none'}`,
      row.memoryLimit === null ? '' : `${((row.memoryBytes / row.memoryLimit) * 100).toFixed(1)}%`,
      String(row.pids),
    ]),
  );
}

runCommand(command);
