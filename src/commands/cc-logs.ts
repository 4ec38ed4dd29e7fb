#!/usr/bin/env node
import { flagOption, stringOption, type ParsedArgs } from '../cli/args.js';
import { runCommand, type Command } from '../cli/main.js';
import { CcError } from '../util/errors.js';

const command: Command = {
  name: 'cc-logs',
  usage: ['cc-logs [-f] [--tail N] [--timestamps] NAME'],
  summary:
    "Print a detached container's output, each line to the stream it was written to.\n" +
    "(A container in the foreground writes to the caller's terminal instead.)",
  options: {
    follow: {
      type: 'boolean',
      short: 'f',
      description: 'Keep printing new output until the container stops',
    },
    tail: { type: 'string', short: 'n', value: 'N', description: 'Only the last N lines' },
    timestamps: { type: 'boolean', short: 't', description: 'Start each line with its time' },
  },
  positionals: { min: 1, max: 1 },
  needsRoot: true,
  run,
};

async function run(args: ParsedArgs): Promise<void> {
  const { Store } = await import('../store/store.js');
  const { checkName } = await import('../store/names.js');
  const { showLogs } = await import('../runtime/logs.js');
  const tail = stringOption(args.options, 'tail');
  if (tail !== undefined && !/^\d+$/.test(tail)) throw new CcError(`invalid --tail '${tail}'`);

  await showLogs(
    Store.open(),
    checkName('container', args.positionals[0]!),
    {
      follow: flagOption(args.options, 'follow'),
      tail: tail === undefined ? undefined : Number(tail),
      timestamps: flagOption(args.options, 'timestamps'),
    },
    { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) },
  );
}

runCommand(command);
