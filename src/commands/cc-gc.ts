#!/usr/bin/env node
import type { ParsedArgs } from '../cli/args.js';
import { runCommand, type Command } from '../cli/main.js';

const command: Command = {
  name: 'cc-gc',
  usage: ['cc-gc'],
  summary:
    'Remove the build cache that no image and no container uses, and the layers nothing\n' +
    'references any more; report what was freed.',
  options: {},
  positionals: { min: 0, max: 0 },
  needsRoot: true,
  run,
};

async function run(_args: ParsedArgs): Promise<void> {
  const { Store } = await import('../store/store.js');
  const { collectStoreGarbage } = await import('../runtime/remove.js');
  const { formatSize } = await import('../util/format.js');

  const result = await collectStoreGarbage(Store.open());
  const layers = `${result.removed.length} layer${result.removed.length === 1 ? '' : 's'}`;
  process.stdout.write(
    `removed ${result.cacheEntries} cache entries and ${layers}, ` +
      `freed ${formatSize(result.freedBytes)}\n`,
  );
}

runCommand(command);
