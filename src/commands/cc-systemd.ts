#!/usr/bin/env node
import { flagOption, stringOption, type ParsedArgs } from '../cli/args.js';
import { runCommand, type Command } from '../cli/main.js';
import { STOP_TIMEOUT, stopTimeoutSeconds } from '../cli/options.js';
import { CcError } from '../util/errors.js';

const command: Command = {
  name: 'cc-systemd',
  usage: ['cc-systemd [--install] [--restart on-failure|always|no] [-t SECONDS] NAME'],
  summary:
    'Write a systemd unit that starts container NAME at boot, stops it cleanly and restarts\n' +
    'it on failure; to stdout, or with --install to /etc/systemd/system.',
  options: {
    install: { type: 'boolean', description: 'Install the unit and reload systemd' },
    restart: {
      type: 'string',
      value: 'POLICY',
      description: 'on-failure (default), always or no',
    },
    ...STOP_TIMEOUT,
  },
  positionals: { min: 1, max: 1 },
  needsRoot: true,
  run,
};

async function run(args: ParsedArgs): Promise<void> {
  const { Store } = await import('../store/store.js');
  const { checkName } = await import('../store/names.js');
  const { writeUnit } = await import('../runtime/systemd-install.js');
  const restart = stringOption(args.options, 'restart') ?? 'on-failure';
  if (restart !== 'on-failure' && restart !== 'always' && restart !== 'no') {
    throw new CcError(`invalid --restart '${restart}': use on-failure, always or no`);
  }
  const stopTimeout = stopTimeoutSeconds(args.options);

  const written = await writeUnit(Store.open(), checkName('container', args.positionals[0]!), {
    restart,
    stopTimeout,
    install: flagOption(args.options, 'install'),
  });
  if (written.file === undefined) process.stdout.write(written.text);
  else process.stderr.write(`${written.message}\n`);
}

runCommand(command);
