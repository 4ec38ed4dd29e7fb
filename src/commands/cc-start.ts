#!/usr/bin/env node
import { flagOption, listOption, stringOption, type ParsedArgs } from '../cli/args.js';
import { runCommand, type Command } from '../cli/main.js';
import {
  CREATE_OPTIONS,
  createOverrides,
  givenOptions,
  parseLimits,
  parseLogOptions,
  parseRestart,
  PROCESS_OPTIONS,
} from '../cli/run-options.js';
import { CcError } from '../util/errors.js';

const command: Command = {
  name: 'cc-start',
  usage: [
    'cc-start [OPTIONS] NAME IMAGE [CMD...]',
    'cc-start --rm [OPTIONS] IMAGE [CMD...]',
    'cc-start [-d] NAME',
  ],
  summary:
    'Create container NAME from IMAGE and run CMD (default: the image ENTRYPOINT and CMD) in\n' +
    'the foreground; with --rm in a throw-away container; with NAME alone, start an existing\n' +
    'container again as it was created.',
  options: {
    rm: { type: 'boolean', description: 'Remove the container when the command ends' },
    detach: {
      type: 'boolean',
      short: 'd',
      description: 'Return once the command has started; its output goes to the log',
    },
    cgroup: {
      type: 'string',
      value: 'own|inherit',
      description: "own: a cgroup of its own when detached or limited; inherit: the caller's",
    },
    ...PROCESS_OPTIONS,
    ...CREATE_OPTIONS,
  },
  positionals: { min: 1, max: 2 },
  fixedPositionals: (options) => (options.rm === true ? 1 : 2),
  needsRoot: true,
  run,
};

async function run(args: ParsedArgs): Promise<number> {
  const { Store } = await import('../store/store.js');
  const { parseImageRef, checkName } = await import('../store/names.js');
  const { createAndStart, startExisting } = await import('../runtime/containers.js');
  const store = Store.open();
  const detached = flagOption(args.options, 'detach');
  const removeOnExit = flagOption(args.options, 'rm');
  const [first, second] = args.positionals as [string, string?];
  const cgroup = stringOption(args.options, 'cgroup') ?? 'own';
  if (cgroup !== 'own' && cgroup !== 'inherit') {
    throw new CcError(`invalid --cgroup '${cgroup}': use own or inherit`);
  }

  let outcome;
  if (!removeOnExit && second === undefined) {
    const extra = givenOptions(args.options, { ...PROCESS_OPTIONS, ...CREATE_OPTIONS });
    if (extra.length > 0) {
      throw new CcError(`--${extra[0]} applies only when a container is created`, {
        hint: 'an existing container starts with the options it was created with',
      });
    }
    outcome = await startExisting(
      store,
      checkName('container', first),
      'cc-start',
      detached,
      cgroup,
    );
  } else {
    const name = removeOnExit ? undefined : checkName('container', first);
    const restart = parseRestart(stringOption(args.options, 'restart'));
    if (restart !== undefined && (!detached || removeOnExit)) {
      throw new CcError('--restart needs -d and cannot be combined with --rm');
    }
    outcome = await createAndStart(store, {
      program: 'cc-start',
      name,
      image: parseImageRef(removeOnExit ? first : second!),
      command: args.rest,
      overrides: createOverrides(args.options),
      removeOnExit,
      detached,
      restart,
      limits: parseLimits(args.options),
      log: parseLogOptions(listOption(args.options, 'log-opt')),
      cgroup,
    });
  }

  if (!detached) return outcome.result.exitCode;
  process.stdout.write(`${outcome.name}\n`);
  return 0;
}

runCommand(command);
