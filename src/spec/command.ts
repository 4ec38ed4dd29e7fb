import { SpecError } from '../util/errors.js';
import type { CommandForm, Heredoc } from './types.js';
import { isGoSpace, trimSpace, trimStart } from './text.js';

/** Everything an instruction parser needs to know about one logical line. */
export interface InstructionContext {
  file: string;
  line: number;
  escape: '\\' | '`';
  /** The keyword in upper case; messages and `kind` use this. */
  keyword: string;
  /** The keyword as written, for the unknown-instruction message. */
  written: string;
  /** Keyword and arguments as written, pieces joined by spaces: the instruction's `text`. */
  text: string;
  /** The logical line as Docker joined it, for ONBUILD triggers. */
  joined: string;
  /** Leading `--name[=value]` words, quotes already removed. */
  flags: string[];
  /** The arguments after the flags, trimmed. */
  args: string;
  heredocs: Heredoc[];
}

export function fail(context: InstructionContext, message: string): never {
  throw new SpecError(context.file, context.line, message);
}

// Docker splits the keyword and plain word lists on ASCII blanks only.
const BLANKS = /[\t\v\f\r ]+/;

/** Splits a logical line into keyword, leading flags and the remaining arguments. */
export function splitInstruction(joined: string): {
  keyword: string;
  flags: string[];
  args: string;
} {
  const trimmed = trimSpace(joined);
  const blank = BLANKS.exec(trimmed);
  if (blank === null) return { keyword: trimmed, flags: [], args: '' };

  const { flags, rest } = extractFlags(trimmed.slice(blank.index + blank[0].length));
  return { keyword: trimmed.slice(0, blank.index), flags, args: trimSpace(rest) };
}

/** Splits on ASCII blanks, keeping quotes (Docker's rule for FROM, EXPOSE and COPY words). */
export function splitBlanks(args: string): string[] {
  return args === '' ? [] : args.split(BLANKS);
}

/**
 * Takes the `--flag` words off the front of the arguments. Quotes and backslashes inside
 * a flag word are removed; a bare `--` ends the flags; the first other word ends them too.
 */
function extractFlags(line: string): { flags: string[]; rest: string } {
  const flags: string[] = [];
  let position = 0;

  for (;;) {
    while (position < line.length && isGoSpace(line[position] as string)) position++;
    if (!line.startsWith('--', position)) return { flags, rest: line.slice(position) };

    let word = '';
    let quoted = false;
    let quote = '';
    for (; position < line.length; position++) {
      const char = line[position] as string;
      if (quote === '' && isGoSpace(char)) break;

      if (quote === '' && (char === '"' || char === "'")) {
        quote = char;
        quoted = true;
      } else if (char === quote) {
        quote = '';
      } else if (char === '\\' && position + 1 === line.length) {
        quote = '';
      } else if (char === '\\') {
        position++;
        word += line[position];
      } else {
        word += char;
      }
    }

    if (word === '--') return { flags, rest: line.slice(position) };
    if (quoted || word !== '') flags.push(word);
  }
}

export type FlagKind = 'string' | 'bool' | 'list';

/**
 * Checks the flags against what the instruction accepts and returns their values by name.
 * Only a 'list' flag may repeat; a bool flag alone means true.
 */
export function parseFlags(
  context: InstructionContext,
  accepted: ReadonlyMap<string, FlagKind>,
): Map<string, string[]> {
  const values = new Map<string, string[]>();

  for (const flag of context.flags) {
    const body = flag.slice(2);
    const equals = body.indexOf('=');
    const name = equals === -1 ? body : body.slice(0, equals);
    const value = equals === -1 ? undefined : body.slice(equals + 1);
    const kind = accepted.get(name);
    if (kind === undefined) fail(context, `unknown flag '--${name}' for ${context.keyword}`);

    const previous = values.get(name) ?? [];
    if (previous.length > 0 && kind !== 'list') {
      fail(context, `flag '--${name}' given more than once for ${context.keyword}`);
    }
    values.set(name, [...previous, flagValue(context, name, kind, value)]);
  }

  return values;
}

function flagValue(
  context: InstructionContext,
  name: string,
  kind: FlagKind,
  value: string | undefined,
): string {
  const where = `flag '--${name}' for ${context.keyword}`;
  if (kind !== 'bool') {
    if (value === undefined) fail(context, `${where} needs a value (--${name}=...)`);
    return value;
  }

  if (value === undefined) return 'true';
  const lower = value.toLowerCase();
  if (lower !== 'true' && lower !== 'false') {
    fail(context, `${where} expects true or false, not '${value}'`);
  }
  return lower;
}

export type JsonArguments =
  { kind: 'json'; values: string[] } | { kind: 'text' } | { kind: 'not-strings' };

/**
 * Docker's exec-form test: arguments that parse as a JSON array of strings are the exec
 * form; anything else that starts with `[` is plain text, except a valid JSON array holding
 * something other than strings, which Docker rejects.
 */
export function jsonArguments(args: string): JsonArguments {
  const text = trimStart(args);
  if (!text.startsWith('[')) return { kind: 'text' };

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { kind: 'text' };
  }
  if (!Array.isArray(parsed)) return { kind: 'text' };

  const values: string[] = [];
  for (const value of parsed) {
    if (typeof value !== 'string') return { kind: 'not-strings' };
    values.push(value);
  }
  return { kind: 'json', values };
}

/** Shell or exec form; a JSON array of non-strings is an error. */
export function commandForm(context: InstructionContext, args: string): CommandForm {
  const json = jsonArguments(args);
  if (json.kind === 'json') return { form: 'exec', argv: json.values };
  if (json.kind === 'not-strings') notStrings(context);

  return { form: 'shell', command: args };
}

export function notStrings(context: InstructionContext): never {
  fail(context, `${context.keyword} JSON arrays must contain strings only`);
}
