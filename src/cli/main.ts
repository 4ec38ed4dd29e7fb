import { CcError, EXIT_OWN_FAILURE } from '../util/errors.js';
import { log } from '../util/log.js';
import {
  flagOption,
  formatHelp,
  parseCommandLine,
  type OptionSpecs,
  type ParsedArgs,
} from './args.js';

/** One cc-* command: how its arguments look and the one library call it makes. */
export interface Command {
  name: string;
  usage: string[];
  summary: string;
  options: OptionSpecs;
  /** Bounds on the positionals before the container command. */
  positionals: { min: number; max: number };
  /** See ArgsShape.fixedPositionals: set for commands that take a container command. */
  fixedPositionals?: ArgsShapeCut;
  /** Root is needed for the store and for every kernel call; --help works without it. */
  needsRoot: boolean;
  run(args: ParsedArgs): Promise<number | void>;
}

type ArgsShapeCut = (options: ParsedArgs['options']) => number;

/**
 * The CLI edge: parse, run, and turn what went wrong into one line (and a hint) on stderr
 * and an exit status. The status is set, not forced, so output is flushed.
 */
export function runCommand(command: Command, argv: string[] = process.argv.slice(2)): void {
  log.configure({ program: command.name });
  execute(command, argv).then(
    (code) => {
      process.exitCode = code;
    },
    () => {
      process.exitCode = EXIT_OWN_FAILURE;
    },
  );
}

async function execute(command: Command, argv: string[]): Promise<number> {
  let debug = argv.includes('--debug');
  try {
    const args = parseCommandLine(argv, {
      options: command.options,
      fixedPositionals: command.fixedPositionals,
    });
    debug = flagOption(args.options, 'debug');
    if (flagOption(args.options, 'help')) {
      process.stdout.write(formatHelp(command.usage, command.summary, command.options));
      return 0;
    }

    log.configure({ verbosity: verbosityOf(args) });
    checkPositionals(command, args);
    if (command.needsRoot && process.getuid?.() !== 0) {
      throw new CcError('must be run as root', { hint: `try: sudo ${command.name} ...` });
    }
    log.step('arguments parsed');
    const status = (await command.run(args)) ?? 0;
    log.step('done');
    return status;
  } catch (error) {
    return report(error, debug);
  }
}

function verbosityOf(args: ParsedArgs) {
  if (flagOption(args.options, 'debug')) return 'debug' as const;
  if (flagOption(args.options, 'verbose')) return 'verbose' as const;
  if (flagOption(args.options, 'quiet')) return 'quiet' as const;
  return 'normal' as const;
}

function checkPositionals(command: Command, args: ParsedArgs): void {
  const count = args.positionals.length;
  const { min, max } = command.positionals;
  if (count >= min && count <= max) return;

  const what = count < min ? 'too few arguments' : `unexpected argument '${args.positionals[max]}'`;
  throw new CcError(what, { hint: `usage: ${command.usage[0]}` });
}

function report(error: unknown, debug: boolean): number {
  if (error instanceof CcError) {
    log.error(error.message);
    if (error.hint !== undefined) process.stderr.write(`hint: ${error.hint}\n`);
    if (debug && error.stack) process.stderr.write(`${error.stack}\n`);
    return error.exitCode;
  }

  // Anything else is a bug of ours: the stack is what a report needs.
  log.error(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : error}`);
  return EXIT_OWN_FAILURE;
}
