#!/usr/bin/env node
import { flagOption, type ParsedArgs } from '../cli/args.js';
import { runCommand, type Command } from '../cli/main.js';
import { JSON_OUTPUT } from '../cli/options.js';

const command: Command = {
  name: 'cc-df',
  usage: ['cc-df [--json]'],
  summary:
    "Show how the store's space divides between images, containers, the build cache and\n" +
    'work in progress, and what cc-gc or cc-rm would free.',
  options: JSON_OUTPUT,
  positionals: { min: 0, max: 0 },
  needsRoot: true,
  run,
};

async function run(args: ParsedArgs): Promise<void> {
  const { Store } = await import('../store/store.js');
  const { storeUsage } = await import('../store/usage.js');
  const rows = storeUsage(Store.open());

  if (flagOption(args.options, 'json')) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  const { printTable } = await import('../cli/table.js');
  const { formatSize } = await import('../util/format.js');
  printTable(
    ['TYPE', 'COUNT', 'SIZE', 'RECLAIMABLE'],
    rows.map((row) => [
      row.type,
      String(row.count),
      formatSize(row.size),
      formatSize(row.reclaimable),
    ]),
  );
}

runCommand(command);
