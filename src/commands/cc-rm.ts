#!/usr/bin/env node
import { flagOption, type ParsedArgs } from '../cli/args.js';
import { runCommand, type Command } from '../cli/main.js';
import { forEachName } from '../cli/options.js';

const command: Command = {
  name: 'cc-rm',
  usage: ['cc-rm [-f] NAME...'],
  summary: 'Remove containers. A running container is refused unless -f, which kills it first.',
  options: {
    force: { type: 'boolean', short: 'f', description: 'Kill a running container, then remove it' },
  },
  positionals: { min: 1, max: Infinity },
  needsRoot: true,
  run,
};

async function run(args: ParsedArgs): Promise<number> {
  const { Store } = await import('../store/store.js');
  const { checkName } = await import('../store/names.js');
  const { removeContainer } = await import('../runtime/remove.js');
  const store = Store.open();
  const force = flagOption(args.options, 'force');

  return forEachName(args.positionals, (name) =>
    removeContainer(store, checkName('container', name), force),
  );
}

runCommand(command);
