#!/usr/bin/env node
import { stringOption, type ParsedArgs } from '../cli/args.js';
import { runCommand, type Command } from '../cli/main.js';
import { CcError, describeError, EXIT_OWN_FAILURE } from '../util/errors.js';
import { log } from '../util/log.js';

const command: Command = {
  name: 'cc-stop',
  usage: ['cc-stop [-t SECONDS] NAME...'],
  summary:
    "Stop containers: the image's STOPSIGNAL (default SIGTERM) to the command, then after\n" +
    'the timeout SIGKILL to every process of the container. Returns when they are all gone.',
  options: {
    time: {
      type: 'string',
      short: 't',
      value: 'SECONDS',
      description: 'How long to wait before killing (default 10)',
    },
  },
  positionals: { min: 1, max: Infinity },
  needsRoot: true,
  run,
};

async function run(args: ParsedArgs): Promise<number> {
  const { Store } = await import('../store/store.js');
  const { checkName } = await import('../store/names.js');
  const { stopContainer } = await import('../runtime/stop.js');
  const seconds = stringOption(args.options, 'time') ?? '10';
  if (!/^\d+$/.test(seconds)) throw new CcError(`invalid -t '${seconds}': a number of seconds`);

  const store = Store.open();
  let failed = false;
  for (const name of args.positionals) {
    try {
      await stopContainer(store, checkName('container', name), Number(seconds) * 1000);
      process.stdout.write(`${name}\n`);
    } catch (error) {
      log.error(describeError(error));
      failed = true;
    }
  }
  return failed ? EXIT_OWN_FAILURE : 0;
}

runCommand(command);
