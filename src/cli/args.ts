import { parseArgs } from 'node:util';

import { CcError } from '../util/errors.js';

export interface OptionSpec {
  type: 'boolean' | 'string';
  short?: string;
  multiple?: boolean;
  /** Shown in --help: `-v, --volume HOST:PATH[:ro]  Bind a host path`. */
  value?: string;
  description: string;
}

export type OptionSpecs = Record<string, OptionSpec>;

export type OptionValues = Record<string, string | boolean | string[] | boolean[] | undefined>;

export interface ParsedArgs {
  options: OptionValues;
  positionals: string[];
  /** What follows the command's last fixed positional: the container command, verbatim. */
  rest: string[];
}

export interface ArgsShape {
  options: OptionSpecs;
  /**
   * How many positionals come before the container command, given the options seen so
   * far (cc-start --rm takes IMAGE, cc-start takes NAME IMAGE); undefined when the
   * command takes no container command and every word is a positional.
   */
  fixedPositionals?: (options: OptionValues) => number;
}

/** Options every command has. */
export const COMMON_OPTIONS: OptionSpecs = {
  help: { type: 'boolean', short: 'h', description: 'Show this help' },
  verbose: { type: 'boolean', description: 'Print the launch plan and each external command' },
  debug: { type: 'boolean', description: 'Also print step timings and the stacks of errors' },
};

/**
 * Parses argv with Node's own parser. Options end at the container command, as in
 * `docker run`: `cc-start web img ls -l` passes `-l` to ls, where parseArgs alone would
 * take it for an option of ours.
 */
export function parseCommandLine(argv: readonly string[], shape: ArgsShape): ParsedArgs {
  const options = { ...COMMON_OPTIONS, ...shape.options };
  const config = Object.fromEntries(
    Object.entries(options).map(([name, spec]) => [
      name,
      {
        type: spec.type,
        multiple: spec.multiple === true,
        ...(spec.short === undefined ? {} : { short: spec.short }),
      },
    ]),
  );

  const cut = shape.fixedPositionals === undefined ? argv.length : findCut(argv, config, shape);
  try {
    const parsed = parseArgs({
      args: argv.slice(0, cut),
      options: config,
      allowPositionals: true,
      strict: true,
    });
    return {
      options: parsed.values as OptionValues,
      positionals: parsed.positionals,
      rest: argv.slice(cut),
    };
  } catch (error) {
    throw new CcError(describeParseError(error), { hint: 'use --help to list the options' });
  }
}

type ParseConfig = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

/** The index in argv where the container command starts. */
function findCut(argv: readonly string[], config: ParseConfig, shape: ArgsShape): number {
  const { tokens, values } = parseArgs({
    args: [...argv],
    options: config,
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const seen: OptionValues = {};
  let positionals = 0;

  for (const token of tokens) {
    if (token.kind === 'option') {
      seen[token.name] = values[token.name] as OptionValues[string];
      continue;
    }
    if (token.kind === 'option-terminator') continue;
    positionals += 1;
    if (positionals === shape.fixedPositionals!(seen)) return token.index + 1;
  }
  return argv.length;
}

function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const unknown = /Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown option '${unknown[1]}'`;
  const missing = /Option '([^']+)' argument missing/.exec(message);
  if (missing) return `option '${missing[1]!.replace(/ <value>$/, '')}' needs a value`;
  return message.split('\n')[0]!.replace(/\.$/, '');
}

/** The --help text: usage lines, a summary, and the options in a column. */
export function formatHelp(usage: string[], summary: string, options: OptionSpecs): string {
  const all = { ...options, ...COMMON_OPTIONS };
  const rows = Object.entries(all).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : '    '}--${name}`;
    return [spec.value ? `${flag} ${spec.value}` : flag, spec.description] as const;
  });
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;

  return [
    ...usage.map((line, index) => `${index === 0 ? 'Usage:' : '      '} ${line}`),
    '',
    summary,
    '',
    'Options:',
    ...rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`),
    '',
  ].join('\n');
}

export function stringOption(options: OptionValues, name: string): string | undefined {
  const value = options[name];
  return typeof value === 'string' ? value : undefined;
}

export function listOption(options: OptionValues, name: string): string[] {
  const value = options[name];
  return Array.isArray(value) ? (value as string[]) : [];
}

export function flagOption(options: OptionValues, name: string): boolean {
  return options[name] === true;
}
