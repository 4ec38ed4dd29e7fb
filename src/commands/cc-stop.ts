#!/usr/bin/env node
import type { ParsedArgs } from '../cli/args.js';
import { runCommand, type Command } from '../cli/main.js';
import { forEachName, STOP_TIMEOUT, stopTimeoutSeconds } from '../cli/options.js';

const command: Command = {
  name: 'cc-stop',
  usage: ['cc-stop [-t SECONDS] NAME...'],
  summary:
    "Stop containers: the image's STOPSIGNAL (default SIGTERM) to the command, then after\n" +
    'the timeout SIGKILL to every process of the container. Returns when they are all gone.',
  options: STOP_TIMEOUT,
  positionals: { min: 1, max: Infinity },
  needsRoot: true,
  run,
};

async function run(args: ParsedArgs): Promise<number> {
  const { Store } = await import('../store/store.js');
  const { checkName } = await import('../store/names.js');
  const { stopContainer } = await import('../runtime/stop.js');
  const timeout = stopTimeoutSeconds(args.options) * 1000;
  const store = Store.open();

  return forEachName(args.positionals, (name) =>
    stopContainer(store, checkName('container', name), timeout),
  );
}

runCommand(command);
