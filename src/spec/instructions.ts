import {
  commandForm,
  fail,
  jsonArguments,
  notStrings,
  parseFlags,
  splitBlanks,
  type FlagKind,
  type InstructionContext,
} from './command.js';
import { parseHeredocMarker } from './heredoc.js';
import { trimSpace } from './text.js';
import type {
  CmdInstruction,
  CopyInstruction,
  FromInstruction,
  Heredoc,
  ListInstruction,
  MaintainerInstruction,
  RunInstruction,
  ShellInstruction,
  WordInstruction,
} from './types.js';

const NO_FLAGS = new Map<string, FlagKind>();
const FROM_FLAGS = new Map<string, FlagKind>([['platform', 'string']]);

const RUN_FLAGS = new Map<string, FlagKind>([
  ['mount', 'list'],
  ['network', 'string'],
  ['security', 'string'],
]);

const COPY_FLAGS = new Map<string, FlagKind>([
  ['from', 'string'],
  ['chown', 'string'],
  ['chmod', 'string'],
  ['link', 'bool'],
]);

const ADD_FLAGS = new Map<string, FlagKind>([
  ['chown', 'string'],
  ['chmod', 'string'],
  ['link', 'bool'],
  ['checksum', 'string'],
  ['keep-git-dir', 'bool'],
]);

// Docker's rule: a stage name starts with a letter, so `--from=0` can only mean stage 0.
const STAGE_NAME = /^[a-z][a-z0-9_.-]*$/;

/** FROM image [AS name]; the stage name comes back lower-cased and checked. */
export function parseFrom(context: InstructionContext): {
  from: FromInstruction;
  name?: string;
} {
  const flags = parseFlags(context, FROM_FLAGS);
  const words = splitBlanks(context.args);
  const [image, as, written] = words;
  const named = words.length === 3 && as?.toLowerCase() === 'as';
  if (image === undefined || (words.length !== 1 && !named)) {
    fail(context, 'FROM requires either one or three arguments: FROM image [AS name]');
  }

  const from: FromInstruction = { kind: 'FROM', line: context.line, text: context.text, image };
  const platform = flags.get('platform')?.[0];
  if (platform !== undefined) from.platform = platform;
  if (!named || written === undefined) return { from };

  const name = written.toLowerCase();
  if (!STAGE_NAME.test(name)) {
    fail(
      context,
      `invalid stage name '${written}': use letters, digits, '_', '-' and '.', ` +
        'starting with a letter',
    );
  }
  return { from, name };
}

/**
 * RUN in shell or exec form. A repeated --mount is kept as one value with the mounts on
 * separate lines, since `flags` holds one string per flag.
 */
export function parseRun(context: InstructionContext): RunInstruction {
  const flags: Record<string, string> = {};
  for (const [name, values] of parseFlags(context, RUN_FLAGS)) flags[name] = values.join('\n');

  const command = commandForm(context, context.args);
  if (command.form === 'shell' ? command.command === '' : command.argv.length === 0) {
    fail(context, 'RUN requires a command');
  }

  const base = { kind: 'RUN', line: context.line, text: context.text } as const;
  return { ...base, command, heredocs: context.heredocs, flags };
}

/**
 * CMD and ENTRYPOINT. With no arguments Docker gives CMD an empty shell command and clears
 * the ENTRYPOINT, which is what an empty exec form does.
 */
export function parseCommand(
  context: InstructionContext,
  keyword: CmdInstruction['kind'],
): CmdInstruction {
  parseFlags(context, NO_FLAGS);

  const command =
    keyword === 'ENTRYPOINT' && context.args === ''
      ? { form: 'exec' as const, argv: [] }
      : commandForm(context, context.args);
  return { kind: keyword, line: context.line, text: context.text, command };
}

export function parseShell(context: InstructionContext): ShellInstruction {
  parseFlags(context, NO_FLAGS);

  const json = jsonArguments(context.args);
  if (json.kind === 'not-strings') notStrings(context);
  if (json.kind === 'text' && context.args !== '') {
    fail(context, 'SHELL requires the JSON form, such as SHELL ["/bin/sh", "-c"]');
  }
  if (json.kind !== 'json' || json.values.length === 0) {
    fail(context, 'SHELL requires at least one argument');
  }

  return { kind: 'SHELL', line: context.line, text: context.text, argv: json.values };
}

/** COPY and ADD: sources and a destination, as words or a JSON array, and their flags. */
export function parseCopy(
  context: InstructionContext,
  keyword: CopyInstruction['kind'],
): CopyInstruction {
  const flags = parseFlags(context, keyword === 'ADD' ? ADD_FLAGS : COPY_FLAGS);

  const json = jsonArguments(context.args);
  if (json.kind === 'not-strings') notStrings(context);
  const words = json.kind === 'json' ? json.values : splitBlanks(context.args);
  const destination = words[words.length - 1];
  if (words.length < 2 || destination === undefined) {
    fail(context, `${keyword} requires at least one source and a destination`);
  }
  if (parseHeredocMarker(destination) !== undefined) {
    fail(context, `${keyword} cannot take a heredoc as its destination`);
  }

  const result: CopyInstruction = {
    kind: keyword,
    line: context.line,
    text: context.text,
    sources: [],
    destination,
    heredocs: [],
  };
  for (const word of words.slice(0, -1)) {
    const heredoc = json.kind === 'json' ? undefined : inlineSource(context, word);
    if (heredoc === undefined) result.sources.push(word);
    else result.heredocs.push(heredoc);
  }

  for (const field of ['from', 'chown', 'chmod', 'checksum'] as const) {
    const value = flags.get(field)?.[0];
    if (value !== undefined) result[field] = value;
  }
  const link = flags.get('link')?.[0];
  if (link !== undefined) result.link = link === 'true';
  return result;
}

// A source word like <<EOF names a here-document read after the line; BuildKit looks it up
// by name, so with two of the same name the last one wins.
function inlineSource(context: InstructionContext, word: string): Heredoc | undefined {
  const marker = parseHeredocMarker(word);
  if (marker === undefined) return undefined;

  return [...context.heredocs].reverse().find((heredoc) => heredoc.name === marker.name);
}

/** WORKDIR, USER and STOPSIGNAL: the whole rest of the line is the one argument. */
export function parseWord(
  context: InstructionContext,
  keyword: WordInstruction['kind'],
): WordInstruction {
  parseFlags(context, NO_FLAGS);

  if (context.args === '') fail(context, `${keyword} requires exactly one argument`);
  return { kind: keyword, line: context.line, text: context.text, value: context.args };
}

export function parseMaintainer(context: InstructionContext): MaintainerInstruction {
  parseFlags(context, NO_FLAGS);

  if (context.args === '') fail(context, 'MAINTAINER requires exactly one argument');
  return { kind: 'MAINTAINER', line: context.line, text: context.text, value: context.args };
}

/** EXPOSE words, or VOLUME words or JSON array. */
export function parseList(
  context: InstructionContext,
  keyword: ListInstruction['kind'],
): ListInstruction {
  parseFlags(context, NO_FLAGS);

  const json = keyword === 'VOLUME' ? jsonArguments(context.args) : { kind: 'text' as const };
  if (json.kind === 'not-strings') notStrings(context);
  const values = json.kind === 'json' ? json.values.map(trimSpace) : splitBlanks(context.args);

  if (values.length === 0) fail(context, `${keyword} requires at least one argument`);
  if (values.includes('')) fail(context, `${keyword} paths can not be empty strings`);
  return { kind: keyword, line: context.line, text: context.text, values };
}
