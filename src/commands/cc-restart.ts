#!/usr/bin/env node
import type { ParsedArgs } from '../cli/args.js';
import { runCommand, type Command } from '../cli/main.js';
import { STOP_TIMEOUT, stopTimeoutSeconds } from '../cli/options.js';

const command: Command = {
  name: 'cc-restart',
  usage: ['cc-restart [-t SECONDS] NAME'],
  summary:
    'Stop a container (as cc-stop) if it runs, then start it again detached, with the\n' +
    'command and options it was created with, on its persisted file system.',
  options: STOP_TIMEOUT,
  positionals: { min: 1, max: 1 },
  needsRoot: true,
  run,
};

async function run(args: ParsedArgs): Promise<void> {
  const { Store } = await import('../store/store.js');
  const { checkName } = await import('../store/names.js');
  const { stopContainer } = await import('../runtime/stop.js');
  const { startExisting } = await import('../runtime/containers.js');
  const timeout = stopTimeoutSeconds(args.options) * 1000;

  const store = Store.open();
  const name = checkName('container', args.positionals[0]!);
  await stopContainer(store, name, timeout);
  await startExisting(store, name, 'cc-restart', true);
  process.stdout.write(`${name}\n`);
}

runCommand(command);
