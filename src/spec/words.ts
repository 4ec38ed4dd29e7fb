import { SpecError } from '../util/errors.js';
import { ExpansionProblem, lex, type LexOptions, type LexResult } from './lexer.js';

/** Where a word comes from, for error messages, and the escape character in force there. */
export interface WordSource {
  file: string;
  line: number;
  escape?: '\\' | '`';
}

/** Removes quotes and expands variables as Docker does for ADD, COPY, ENV, WORKDIR and the like. */
export function expandWord(
  raw: string,
  vars: ReadonlyMap<string, string>,
  where: WordSource,
): string {
  return lexShell(raw, vars, where, wordOptions(where)).text;
}

/** Like expandWord, then splits on whitespace that was neither quoted nor escaped. */
export function expandWords(
  raw: string,
  vars: ReadonlyMap<string, string>,
  where: WordSource,
): string[] {
  return lexShell(raw, vars, where, wordOptions(where)).words;
}

/**
 * Expands variables in a here-document body whose delimiter was not quoted. Quotes stay as
 * they are, since the body is a file or a script; BuildKit still treats a backslash as an
 * escape there (whatever `# escape=` says), so `\$HOME` gives a literal `$HOME`.
 */
export function expandHeredoc(
  body: string,
  vars: ReadonlyMap<string, string>,
  where: WordSource,
): string {
  const options = { ...wordOptions(where), escape: '\\', literalQuotes: true };
  return lexShell(body, vars, where, options).text;
}

function wordOptions(where: WordSource): LexOptions {
  return {
    escape: where.escape ?? '\\',
    rawQuotes: false,
    rawEscapes: false,
    literalQuotes: false,
    keepUnset: false,
  };
}

/** Runs the shell lexer; any problem becomes a SpecError at the given line. */
export function lexShell(
  source: string,
  vars: ReadonlyMap<string, string>,
  where: WordSource,
  options: LexOptions,
): LexResult {
  try {
    return lex(source, vars, options);
  } catch (error) {
    if (!(error instanceof ExpansionProblem)) throw error;
    throw new SpecError(where.file, where.line, `cannot expand '${source}': ${error.message}`);
  }
}
