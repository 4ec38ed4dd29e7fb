#!/usr/bin/env node
import { flagOption, type ParsedArgs } from '../cli/args.js';
import { runCommand, type Command } from '../cli/main.js';
import { JSON_OUTPUT } from '../cli/options.js';

const command: Command = {
  name: 'cc-images',
  usage: ['cc-images [--all] [--json]'],
  summary: 'List images: name, version, size, created.',
  options: {
    all: { type: 'boolean', short: 'a', description: 'List every version, not just the current' },
    ...JSON_OUTPUT,
  },
  positionals: { min: 0, max: 0 },
  needsRoot: true,
  run,
};

async function run(args: ParsedArgs): Promise<void> {
  const { Store } = await import('../store/store.js');
  const { listImages } = await import('../store/images.js');
  const images = listImages(Store.open(), { all: flagOption(args.options, 'all') });

  if (flagOption(args.options, 'json')) {
    process.stdout.write(`${JSON.stringify(images, null, 2)}\n`);
    return;
  }
  const { printTable } = await import('../cli/table.js');
  const { ago, formatSize } = await import('../util/format.js');
  printTable(
    ['NAME', 'VERSION', 'SIZE', 'CREATED'],
    images.map((image) => [
      image.name,
      `${image.version}${image.current ? '' : ' (old)'}`,
      formatSize(image.size),
      ago(image.created),
    ]),
  );
}

runCommand(command);
