#!/usr/bin/env node
import type { ParsedArgs } from '../cli/args.js';
import { runCommand, type Command } from '../cli/main.js';

const command: Command = {
  name: 'cc-rmi',
  usage: ['cc-rmi IMAGE[@VERSION]...'],
  summary:
    'Remove images (every version of a name, or one old version), then the layers that no\n' +
    'image and no container uses. Containers keep running from the layers they use.',
  options: {},
  positionals: { min: 1, max: Infinity },
  needsRoot: true,
  run,
};

async function run(args: ParsedArgs): Promise<void> {
  const { Store } = await import('../store/store.js');
  const { removeImages } = await import('../runtime/remove.js');
  const { formatSize } = await import('../util/format.js');

  const sweep = await removeImages(Store.open(), args.positionals);
  for (const ref of args.positionals) process.stdout.write(`${ref}\n`);
  if (sweep.removed.length > 0) {
    process.stderr.write(`freed ${sweep.removed.length} layers, ${formatSize(sweep.freedBytes)}\n`);
  }
}

runCommand(command);
