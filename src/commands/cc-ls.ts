#!/usr/bin/env node
import { flagOption, type ParsedArgs } from '../cli/args.js';
import { runCommand, type Command } from '../cli/main.js';
import { JSON_OUTPUT } from '../cli/options.js';

const command: Command = {
  name: 'cc-ls',
  usage: ['cc-ls [--json]'],
  summary: 'List containers: name, image, status, created, command.',
  options: JSON_OUTPUT,
  positionals: { min: 0, max: 0 },
  needsRoot: true,
  run,
};

async function run(args: ParsedArgs): Promise<void> {
  const { Store } = await import('../store/store.js');
  const { listContainers } = await import('../runtime/listing.js');
  const { tidyContainers } = await import('../runtime/containers.js');
  const { printTable } = await import('../cli/table.js');
  const store = Store.open();
  await tidyContainers(store);
  const rows = listContainers(store);

  if (flagOption(args.options, 'json')) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  printTable(
    ['NAME', 'IMAGE', 'STATUS', 'CREATED', 'COMMAND'],
    rows.map((row) => [row.name, row.image, row.statusText, row.created, row.command]),
  );
}

runCommand(command);
