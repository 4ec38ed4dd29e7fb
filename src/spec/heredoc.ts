import { jsonArguments, splitInstruction } from './command.js';
import { ExpansionProblem, lex, type LexOptions } from './lexer.js';
import type { HeredocMarker } from './source.js';
import { asciiUpper } from './text.js';

/**
 * Finds here-document openers the way BuildKit does: only RUN, COPY and ADD (also behind
 * ONBUILD) in their non-JSON form take them, and each word of the line that looks like
 * `[n]<<[-]WORD` opens one, in order.
 */

const HEREDOC_KEYWORDS = new Set(['RUN', 'COPY', 'ADD']);
const MARKER = /^([0-9]*)<<(-?)([^<]*)$/;

// BuildKit lexes these words with a backslash escape whatever `# escape=` says.
const RAW_LINE: LexOptions = {
  escape: '\\',
  rawQuotes: true,
  rawEscapes: true,
  literalQuotes: false,
  keepUnset: true,
};
const UNQUOTED: LexOptions = { ...RAW_LINE, rawQuotes: false, rawEscapes: false };
const QUOTES_KEPT: LexOptions = { ...UNQUOTED, rawQuotes: true };

const NO_VARIABLES: ReadonlyMap<string, string> = new Map();

/** The heredoc markers of one logical line, in order; none for other instructions. */
export function findHeredocMarkers(joined: string): HeredocMarker[] {
  if (!canContainHeredoc(joined)) return [];

  const markers: HeredocMarker[] = [];
  for (const word of wordsOrNothing(joined, RAW_LINE)) {
    const marker = parseHeredocMarker(word);
    if (marker !== undefined) markers.push(marker);
  }

  return markers;
}

/**
 * Reads one word as a heredoc marker. The delimiter counts as quoted, so the body is not
 * expanded, when unquoting the word removes any quote character.
 */
export function parseHeredocMarker(word: string): HeredocMarker | undefined {
  const match = MARKER.exec(word);
  const rest = match?.[3] ?? '';
  if (match === null || rest === '') return undefined;

  const unquoted = wordsOrNothing(rest, UNQUOTED);
  if (unquoted.length !== 1) return undefined;
  const quoted = wordsOrNothing(rest, QUOTES_KEPT);
  if (quoted.length !== 1) return undefined;

  const name = unquoted[0] as string;
  const expand = countQuotes(name) === countQuotes(quoted[0] as string);
  return { name, chomp: match[2] === '-', expand };
}

function canContainHeredoc(joined: string): boolean {
  let { keyword, args } = splitInstruction(joined);
  if (asciiUpper(keyword) === 'ONBUILD') ({ keyword, args } = splitInstruction(args));
  if (!HEREDOC_KEYWORDS.has(asciiUpper(keyword))) return false;

  return jsonArguments(args).kind !== 'json';
}

// A line the lexer cannot split (an open quote, say) simply has no heredocs, as in BuildKit.
function wordsOrNothing(text: string, options: LexOptions): string[] {
  try {
    return lex(text, NO_VARIABLES, options).words;
  } catch (error) {
    if (error instanceof ExpansionProblem) return [];
    throw error;
  }
}

function countQuotes(text: string): number {
  let count = 0;
  for (const char of text) if (char === '"' || char === "'") count++;
  return count;
}
