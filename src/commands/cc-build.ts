#!/usr/bin/env node
import { flagOption, listOption, stringOption, type ParsedArgs } from '../cli/args.js';
import { runCommand, type Command } from '../cli/main.js';
import { CcError } from '../util/errors.js';

const PROGRESS = ['plain', 'tty', 'json'] as const;

const command: Command = {
  name: 'cc-build',
  usage: ['cc-build [OPTIONS] IMAGE SPEC [CONTEXT]', 'cc-build [OPTIONS] -f SPEC IMAGE [CONTEXT]'],
  summary:
    'Build image IMAGE from a spec (a Dockerfile) with CONTEXT (default: the current directory)\n' +
    'as the source of COPY and ADD. Each build makes a new version of IMAGE.',
  options: {
    file: { type: 'string', short: 'f', value: 'SPEC', description: 'The spec file' },
    'build-arg': {
      type: 'string',
      multiple: true,
      value: 'KEY=VALUE',
      description: 'Set an ARG (KEY alone takes the value from the environment)',
    },
    target: { type: 'string', value: 'STAGE', description: 'Build this stage, not the last one' },
    'no-cache': { type: 'boolean', description: 'Run every step, ignoring the build cache' },
    quiet: { type: 'boolean', short: 'q', description: 'Show errors only' },
    progress: {
      type: 'string',
      value: 'MODE',
      description: 'plain, tty or json (default: tty on a terminal, else plain)',
    },
    'debug-shell': {
      type: 'boolean',
      short: 'd',
      description: "Open a shell in a failed RUN step's file system before cleaning up",
    },
  },
  positionals: { min: 1, max: 3 },
  needsRoot: true,
  run,
};

async function run(args: ParsedArgs): Promise<number> {
  const { Store } = await import('../store/store.js');
  const { buildImage } = await import('../build/builder.js');
  const file = stringOption(args.options, 'file');
  const [name, ...rest] = args.positionals as [string, ...string[]];
  const [specFile, contextDir] = file === undefined ? rest : [file, ...rest];
  if (specFile === undefined) throw new CcError('no spec given', { hint: command.usage[0] });
  if (rest.length > (file === undefined ? 2 : 1)) throw new CcError('too many arguments');

  const image = await buildImage(Store.open(), {
    name,
    specFile,
    contextDir: contextDir ?? '.',
    buildArgs: parseBuildArgs(listOption(args.options, 'build-arg')),
    target: stringOption(args.options, 'target'),
    noCache: flagOption(args.options, 'no-cache'),
    progress: progressMode(args),
    debugShell: flagOption(args.options, 'debug-shell'),
  });
  process.stdout.write(`${image.name}@${image.version}\n`);
  return 0;
}

function parseBuildArgs(entries: string[]): Map<string, string> {
  const args = new Map<string, string>();
  for (const entry of entries) {
    const equals = entry.indexOf('=');
    const key = equals === -1 ? entry : entry.slice(0, equals);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new CcError(`invalid --build-arg '${entry}'`);
    const value = equals === -1 ? process.env[key] : entry.slice(equals + 1);
    if (value !== undefined) args.set(key, value);
  }
  return args;
}

function progressMode(args: ParsedArgs) {
  if (flagOption(args.options, 'quiet')) return 'quiet' as const;
  const given = stringOption(args.options, 'progress');
  if (given === undefined) return process.stderr.isTTY ? ('tty' as const) : ('plain' as const);
  if (!(PROGRESS as readonly string[]).includes(given)) {
    throw new CcError(`invalid --progress '${given}': use plain, tty or json`);
  }
  return given as (typeof PROGRESS)[number];
}

runCommand(command);
