#!/usr/bin/env node
import type { ParsedArgs } from '../cli/args.js';
import { runCommand, type Command } from '../cli/main.js';
import { PROCESS_OPTIONS, processOverrides } from '../cli/run-options.js';
import { CcError } from '../util/errors.js';

const command: Command = {
  name: 'cc-run',
  usage: ['cc-run [OPTIONS] NAME CMD...'],
  summary:
    'Run CMD in the existing container NAME: inside it, joining all its namespaces, when it\n' +
    'runs; on its persisted file system, with its confinement, when it is stopped.',
  options: PROCESS_OPTIONS,
  positionals: { min: 1, max: 1 },
  fixedPositionals: () => 1,
  needsRoot: true,
  run,
};

async function run(args: ParsedArgs): Promise<number> {
  const { Store } = await import('../store/store.js');
  const { checkName } = await import('../store/names.js');
  const { runInContainer } = await import('../runtime/containers.js');
  if (args.rest.length === 0) throw new CcError('no command given', { hint: command.usage[0] });

  const name = checkName('container', args.positionals[0]!);
  const overrides = processOverrides(args.options);
  const result = await runInContainer(Store.open(), name, args.rest, overrides, 'cc-run');
  return result.exitCode;
}

runCommand(command);
