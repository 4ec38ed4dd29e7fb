import { fail, parseFlags, type InstructionContext } from './command.js';
import type { ArgInstruction, KeyValueInstruction } from './types.js';
import { isGoSpace } from './text.js';

/** ENV and LABEL: `KEY=value ...`, or the legacy `KEY the rest of the line`. */
export function parseKeyValues(
  context: InstructionContext,
  keyword: KeyValueInstruction['kind'],
): KeyValueInstruction {
  parseFlags(context, new Map());

  const words = splitKeepingQuotes(context.args, context.escape);
  const first = words[0];
  if (first === undefined) fail(context, `${keyword} requires at least one argument`);

  const pairs = first.includes('=') ? assignments(context, words) : [legacyPair(context)];
  return { kind: keyword, line: context.line, text: context.text, pairs };
}

/** ARG name[=default] ..., defaults kept raw for the builder to expand. */
export function parseArg(context: InstructionContext): ArgInstruction {
  parseFlags(context, new Map());

  const words = splitKeepingQuotes(context.args, context.escape);
  if (words.length === 0) fail(context, 'ARG requires at least one argument');

  const args = words.map((word) => {
    const equals = word.indexOf('=');
    if (equals === -1) return { name: word };
    if (equals === 0) fail(context, `ARG names can not be blank: '${word}'`);
    return { name: word.slice(0, equals), defaultValue: word.slice(equals + 1) };
  });
  return { kind: 'ARG', line: context.line, text: context.text, args };
}

function assignments(
  context: InstructionContext,
  words: readonly string[],
): KeyValueInstruction['pairs'] {
  return words.map((word) => {
    const equals = word.indexOf('=');
    if (equals === -1) {
      fail(context, `${context.keyword} expects KEY=value pairs; '${word}' has no '='`);
    }
    if (equals === 0) fail(context, `${context.keyword} names can not be blank: '${word}'`);
    return { key: word.slice(0, equals), value: word.slice(equals + 1) };
  });
}

// In the legacy form everything after the first run of blanks is the value, spaces and all.
function legacyPair(context: InstructionContext): { key: string; value: string } {
  const blank = /[\t\v\f\r ]+/.exec(context.args);
  if (blank === null) {
    const key = context.args;
    fail(context, `${context.keyword} ${key} has no value: write ${context.keyword} ${key}=value`);
  }

  return {
    key: context.args.slice(0, blank.index),
    value: context.args.slice(blank.index + blank[0].length),
  };
}

/**
 * Splits on unquoted whitespace but keeps quotes and escapes in the words, as Docker does for
 * ENV, LABEL and ARG: `A="x y" B=z` gives `A="x y"` and `B=z`. An escape character protects
 * the next character (not inside single quotes); one at the very end is dropped.
 */
export function splitKeepingQuotes(text: string, escape: string): string[] {
  const chars = Array.from(text);
  const words: string[] = [];
  let word = '';
  let quote = '';
  let inWord = false;
  let quoted = false;

  for (let index = 0; index < chars.length; index++) {
    const char = chars[index] as string;
    if (!inWord && isGoSpace(char)) continue;
    inWord = true;

    if (quote === '' && isGoSpace(char)) {
      if (quoted || word !== '') words.push(word);
      word = '';
      inWord = false;
      quoted = false;
      continue;
    }

    if (quote === '' && (char === '"' || char === "'")) {
      quote = char;
      quoted = true;
    } else if (char === quote) {
      quote = '';
    } else if (char === escape && quote !== "'") {
      if (index + 1 === chars.length) {
        quote = '';
        continue;
      }
      index++;
      word += char;
      word += chars[index] as string;
      continue;
    }
    word += char;
  }

  if (inWord && (quoted || word !== '')) words.push(word);
  return words;
}
