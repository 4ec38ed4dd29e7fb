#!/usr/bin/env node
import { flagOption, type ParsedArgs } from '../cli/args.js';
import { runCommand, type Command } from '../cli/main.js';
import { describeError, EXIT_OWN_FAILURE } from '../util/errors.js';
import { log } from '../util/log.js';

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
  let failed = false;

  // Like docker rm: each name on its own, an error for one does not stop the others.
  for (const name of args.positionals) {
    try {
      await removeContainer(store, checkName('container', name), flagOption(args.options, 'force'));
      process.stdout.write(`${name}\n`);
    } catch (error) {
      log.error(describeError(error));
      failed = true;
    }
  }
  return failed ? EXIT_OWN_FAILURE : 0;
}

runCommand(command);
