#!/usr/bin/env node
import { flagOption, stringOption, type ParsedArgs } from '../cli/args.js';
import { runCommand, type Command } from '../cli/main.js';

const command: Command = {
  name: 'cc-import',
  usage: ['cc-import [--link] IMAGE ROOTFS'],
  summary:
    'Make image IMAGE from a root file system: a directory, or a tar archive (plain, gzip,\n' +
    'bzip2, xz or zstd). Importing under an existing name adds a new version.',
  options: {
    link: {
      type: 'boolean',
      description: 'Hard-link a directory instead of copying it (it must not change later)',
    },
    arch: { type: 'string', value: 'ARCH', description: 'Architecture to record (default: host)' },
  },
  positionals: { min: 2, max: 2 },
  needsRoot: true,
  run,
};

async function run(args: ParsedArgs): Promise<void> {
  const { Store } = await import('../store/store.js');
  const { importRootfs } = await import('../bootstrap/import.js');
  const [name, source] = args.positionals as [string, string];

  const image = await importRootfs(Store.open(), {
    name,
    source,
    link: flagOption(args.options, 'link'),
    architecture: stringOption(args.options, 'arch'),
  });
  process.stdout.write(`${image.name}@${image.version}\n`);
}

runCommand(command);
