import { SpecError } from '../util/errors.js';
import type { Heredoc } from './types.js';
import { trimStart } from './text.js';

/**
 * Turns the text of a spec into logical lines the way BuildKit's parser does: parser
 * directives at the top, comments and blank lines dropped, continuation lines joined, and
 * here-document bodies read after the line that opens them.
 *
 * dockerfile-ast is not used for this: it is an editor's parser and forgives where Docker
 * does not. It honours `# escape=` after an unknown directive, treats a lone \r as a line
 * break, misses `<<"E"OF` and `2<<EOF`, and throws TypeErrors on some malformed text. It
 * serves as a cross-check in the fuzz tests instead.
 */

export interface Directives {
  escape: '\\' | '`';
  syntax?: string;
}

/** A here-document opener found on an instruction line, such as `<<-"EOF"`. */
export interface HeredocMarker {
  name: string;
  chomp: boolean;
  expand: boolean;
}

export interface LogicalLine {
  /** 1-based line of the keyword. */
  line: number;
  /** Continuation lines joined exactly as Docker joins them (no separator added). */
  joined: string;
  /** The same, with each piece trimmed and joined by one space: for history. */
  display: string;
  heredocs: Heredoc[];
}

export type MarkerFinder = (joined: string) => HeredocMarker[];

/** The physical lines, line endings removed; a final newline does not start a new line. */
export function physicalLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines.length > 0) lines[0] = (lines[0] as string).replace(/^\uFEFF/, '');
  return lines.map(trimLineEnd);
}

// Go's \s is ASCII only: [\t\n\f\r ].
const DIRECTIVE =
  /^#[\t\n\f\r ]*([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*$/s;
const KNOWN_DIRECTIVES = new Set(['escape', 'syntax', 'check']);

/**
 * Reads `# escape=` and `# syntax=` from the top of the file. Like Docker, the first line
 * that is not a known directive (a comment, a blank line, an instruction) ends them.
 */
export function readDirectives(lines: readonly string[], file: string): Directives {
  const directives: Directives = { escape: '\\' };
  const seen = new Set<string>();

  for (const [index, line] of lines.entries()) {
    const match = DIRECTIVE.exec(trimStart(line));
    const name = match?.[1]?.toLowerCase();
    const value = match?.[2] ?? '';
    if (name === undefined || !KNOWN_DIRECTIVES.has(name)) break;

    if (seen.has(name)) {
      throw new SpecError(file, index + 1, `only one ${name} parser directive can be used`);
    }
    seen.add(name);

    if (name === 'syntax') directives.syntax = value;
    if (name !== 'escape') continue;
    if (value !== '\\' && value !== '`') {
      throw new SpecError(file, index + 1, `invalid escape character '${value}': use \\ or \``);
    }
    directives.escape = value;
  }

  return directives;
}

/** Yields one logical line per instruction, in order, so the first error in the file wins. */
export function* logicalLines(
  lines: readonly string[],
  file: string,
  escape: '\\' | '`',
  findMarkers: MarkerFinder,
): Generator<LogicalLine> {
  const continuation = continuationPattern(escape);
  let index = 0;

  while (index < lines.length) {
    const start = index;
    const first = trimStart(lines[index] as string);
    index++;

    let [piece, continues] = cutContinuation(first.startsWith('#') ? '' : first, continuation);
    if (!continues && piece === '') continue;

    const pieces = [piece];
    // Docker drops comment lines and blank lines inside a continued instruction.
    while (continues && index < lines.length) {
      const next = lines[index] as string;
      index++;
      const trimmed = trimStart(next);
      if (trimmed.startsWith('#') || trimmed === '') continue;

      [piece, continues] = cutContinuation(next, continuation);
      pieces.push(piece);
    }

    const joined = pieces.join('');
    const heredocs: Heredoc[] = [];
    for (const marker of findMarkers(joined)) {
      const body = readHeredocBody(lines, index, marker);
      if (body === undefined) {
        throw new SpecError(file, start + 1, `unterminated heredoc '${marker.name}'`);
      }
      index += body.length + 1;
      heredocs.push({
        name: marker.name,
        content: heredocContent(body, marker),
        expand: marker.expand,
      });
    }

    const display = pieces
      .map((text) => text.trim())
      .filter((text) => text !== '')
      .join(' ');
    yield { line: start + 1, joined, display, heredocs };
  }
}

/** The body lines up to the delimiter, or undefined when the file ends first. */
function readHeredocBody(
  lines: readonly string[],
  from: number,
  marker: HeredocMarker,
): string[] | undefined {
  const body: string[] = [];

  for (let index = from; index < lines.length; index++) {
    const line = lines[index] as string;
    const candidate = marker.chomp ? line.replace(/^\t+/, '') : line;
    if (candidate === marker.name) return body;
    body.push(line);
  }

  return undefined;
}

function heredocContent(body: readonly string[], marker: HeredocMarker): string {
  const lines = marker.chomp ? body.map((line) => line.replace(/^\t+/, '')) : body;
  return lines.map((line) => line + '\n').join('');
}

// An escape character at the end of a line (trailing blanks allowed) continues it, unless
// the escape character is itself escaped.
function continuationPattern(escape: '\\' | '`'): RegExp {
  const quoted = escape === '\\' ? '\\\\' : '`';
  return new RegExp(`(^|[^${quoted}])${quoted}[ \\t]*$`);
}

function cutContinuation(line: string, continuation: RegExp): [string, boolean] {
  const match = continuation.exec(line);
  if (match === null) return [line, false];
  return [line.slice(0, match.index) + (match[1] ?? ''), true];
}

// CRLF files are accepted: Docker strips every trailing \r and \n from a line. Heredoc
// bodies lose their \r too, where Docker keeps it, so a script from a CRLF file still runs.
function trimLineEnd(line: string): string {
  return line.replace(/[\r\n]+$/, '');
}
