import { replacePattern, trimPrefixPattern, trimSuffixPattern } from './pattern.js';
import { isGoSpace } from './text.js';

/**
 * A port of the behaviour of BuildKit's shell lexer (frontend/dockerfile/shell), which
 * Docker uses to remove quotes and expand variables in instruction words. Written from its
 * documented and tested behaviour; the quirks kept on purpose are commented.
 */

/** How the lexer treats quotes, escapes and unset variables (BuildKit's shell lexer modes). */
export interface LexOptions {
  escape: string;
  /** Keep quote characters in the output instead of removing them. */
  rawQuotes: boolean;
  /** Keep escape characters in the output instead of removing them. */
  rawEscapes: boolean;
  /** Treat quotes as plain characters (heredoc bodies). */
  literalQuotes: boolean;
  /** Leave references to unset variables as written. */
  keepUnset: boolean;
}

export interface LexResult {
  /** The whole input after expansion, spaces kept. */
  text: string;
  /** The input split on unquoted whitespace after expansion. */
  words: string[];
}

/** Lexes one source text; problems are thrown as ExpansionProblem. */
export function lex(
  source: string,
  vars: ReadonlyMap<string, string>,
  options: LexOptions,
): LexResult {
  return new Lexer(source, vars, options).run();
}

/** Thrown inside the lexer only; words.ts turns it into a SpecError. */
export class ExpansionProblem extends Error {}

const END = '';

// Positional and special parameters: never set in a build, but parsed as names like sh does.
const SPECIAL_PARAMETERS = new Set(['@', '*', '#', '?', '-', '$', '!', '0']);

// Deep nesting like ${A:-${A:-...}} recurses; stop before the JavaScript stack does.
const MAX_NESTING = 64;

class Lexer {
  private readonly chars: string[];
  private position = 0;
  private rawEscapes: boolean;
  private depth = 0;

  constructor(
    source: string,
    private readonly vars: ReadonlyMap<string, string>,
    private readonly options: LexOptions,
  ) {
    this.chars = Array.from(source);
    this.rawEscapes = options.rawEscapes;
  }

  run(): LexResult {
    return this.until(END, this.options.rawEscapes);
  }

  private peek(): string {
    return this.chars[this.position] ?? END;
  }

  private next(): string {
    const char = this.peek();
    if (char !== END) this.position++;
    return char;
  }

  /** Reads up to `stop` (consumed) or the end of input when stop is END. */
  private until(stop: string, rawEscapes: boolean): LexResult {
    const saved = this.rawEscapes;
    this.rawEscapes = rawEscapes;
    try {
      return this.readUntil(stop);
    } finally {
      this.rawEscapes = saved;
    }
  }

  private readUntil(stop: string): LexResult {
    const words = new WordSplitter();
    let text = '';

    while (this.peek() !== END) {
      const char = this.peek();
      if (stop !== END && char === stop) {
        this.next();
        return { text, words: words.finish() };
      }

      if (char === '$') {
        const value = this.dollar();
        text += value;
        words.addSplitting(value);
        continue;
      }

      if (!this.options.literalQuotes && (char === "'" || char === '"')) {
        const value = char === "'" ? this.singleQuoted() : this.doubleQuoted();
        text += value;
        words.addWhole(value);
        continue;
      }

      this.next();
      if (char !== this.options.escape) {
        text += char;
        words.addSplitting(char);
        continue;
      }

      if (this.rawEscapes) {
        text += char;
        words.addWhole(char);
      }
      // An escape character at the very end is dropped.
      const escaped = this.next();
      if (escaped === END) break;
      text += escaped;
      words.addWhole(escaped);
    }

    if (stop !== END) {
      throw new ExpansionProblem(`unexpected end of statement while looking for matching ${stop}`);
    }
    return { text, words: words.finish() };
  }

  private singleQuoted(): string {
    const quote = this.next();
    let value = this.options.rawQuotes ? quote : '';

    for (;;) {
      const char = this.next();
      if (char === END) {
        throw new ExpansionProblem(
          'unexpected end of statement while looking for matching single-quote',
        );
      }
      if (char === quote) return this.options.rawQuotes ? value + quote : value;
      value += char;
    }
  }

  // Inside double quotes the escape character only escapes `"`, `$` and itself, as in sh.
  private doubleQuoted(): string {
    const quote = this.next();
    const escape = this.options.escape;
    let value = this.options.rawQuotes ? quote : '';

    for (;;) {
      const char = this.peek();
      if (char === END) {
        throw new ExpansionProblem(
          'unexpected end of statement while looking for matching double-quote',
        );
      }
      if (char === quote) {
        this.next();
        return this.options.rawQuotes ? value + quote : value;
      }
      if (char === '$') {
        value += this.dollar();
        continue;
      }

      this.next();
      if (char === escape) {
        // In raw mode an escape before an ordinary character ends up written twice, as in
        // BuildKit; only heredoc detection and ${...} patterns use raw mode.
        if (this.rawEscapes) value += char;
        const following = this.peek();
        if (following === END) continue;
        if (following === '"' || following === '$' || following === escape) {
          value += this.next();
          continue;
        }
      }
      value += char;
    }
  }

  private dollar(): string {
    this.next();
    if (this.peek() !== '{') return this.plainReference();

    this.next();
    const first = this.peek();
    if (first === END) throw new ExpansionProblem("syntax error: missing '}'");
    if (first === '{' || first === '}' || first === ':') {
      throw new ExpansionProblem('syntax error: bad substitution');
    }

    this.depth++;
    if (this.depth > MAX_NESTING) throw new ExpansionProblem('expansions nested too deeply');
    try {
      return this.braced(this.name());
    } finally {
      this.depth--;
    }
  }

  private plainReference(): string {
    const name = this.name();
    if (name === '') return '$';

    const value = this.vars.get(name);
    if (value === undefined && this.options.keepUnset) return '$' + name;
    return value ?? '';
  }

  private braced(name: string): string {
    const operator = this.next();
    switch (operator) {
      case '}': {
        const value = this.vars.get(name);
        if (value === undefined && this.options.keepUnset) return `\${${name}}`;
        return value ?? '';
      }
      case ':': {
        const modifier = this.next();
        return this.modified(name, modifier, true);
      }
      case '-':
      case '+':
      case '?':
      case '#':
      case '%':
        return this.modified(name, operator, false);
      case '/':
        return this.replaced(name);
      case END:
        throw new ExpansionProblem("syntax error: missing '}'");
      default:
        throw new ExpansionProblem(`unsupported modifier (${operator}) in substitution`);
    }
  }

  /** `${NAME-word}` and friends; with a colon (emptyIsUnset) an empty value counts as unset. */
  private modified(name: string, modifier: string, emptyIsUnset: boolean): string {
    const isPattern = modifier === '#' || modifier === '%';
    const word = this.argument('}', isPattern, "syntax error: missing '}'");
    const value = this.vars.get(name);
    const label = (emptyIsUnset ? ':' : '') + modifier;
    if (value === undefined && this.options.keepUnset) return `\${${name}${label}${word}}`;

    const missing = value === undefined || (emptyIsUnset && value === '');
    switch (modifier) {
      case '-':
        return missing ? word : (value ?? '');
      case '+':
        return missing ? '' : word;
      case '?': {
        const problem =
          value === undefined ? 'is not allowed to be unset' : 'is not allowed to be empty';
        if (missing) throw new ExpansionProblem(`${name}: ${word || problem}`);
        return value ?? '';
      }
      case '#':
      case '%': {
        // A doubled operator (## or %%) removes the longest match instead of the shortest.
        const greedy = word.startsWith(modifier);
        const pattern = greedy ? word.slice(modifier.length) : word;
        const trim = modifier === '#' ? trimPrefixPattern : trimSuffixPattern;
        return checkedPattern(pattern, trim(pattern, value ?? '', greedy));
      }
      default:
        throw new ExpansionProblem(`unsupported modifier (${label}) in substitution`);
    }
  }

  /** `${NAME/pattern/replacement}`, or `${NAME//pattern/replacement}` for every match. */
  private replaced(name: string): string {
    const everyMatch = this.peek() === '/';
    if (everyMatch) this.next();

    const pattern = this.argument('/', true, "syntax error: missing '/' in ${}");
    const replacement = this.argument('}', true, "syntax error: missing '}'");
    const value = this.vars.get(name);
    if (value === undefined && this.options.keepUnset) {
      return `\${${name}/${everyMatch ? '/' : ''}${pattern}/${replacement}}`;
    }

    return checkedPattern(pattern, replacePattern(pattern, value ?? '', replacement, everyMatch));
  }

  // A word inside ${...}: running into the end of input means the brace was never closed.
  private argument(stop: string, rawEscapes: boolean, missingMessage: string): string {
    try {
      return this.until(stop, rawEscapes).text;
    } catch (error) {
      if (error instanceof ExpansionProblem && this.peek() === END) {
        throw new ExpansionProblem(missingMessage);
      }
      throw error;
    }
  }

  private name(): string {
    let name = '';

    for (;;) {
      const char = this.peek();
      if (char === END) return name;
      if (name === '' && isDigit(char)) {
        while (isDigit(this.peek())) name += this.next();
        return name;
      }
      if (name === '' && SPECIAL_PARAMETERS.has(char)) return this.next();
      if (!isLetter(char) && !isDigit(char) && char !== '_') return name;
      name += this.next();
    }
  }
}

/**
 * Splits into words the way BuildKit does: text from variables and plain characters splits on
 * whitespace, quoted or escaped text never does, and an empty quoted word alone vanishes.
 */
class WordSplitter {
  private readonly words: string[] = [];
  private word = '';

  addSplitting(text: string): void {
    for (const char of text) {
      if (!isGoSpace(char)) {
        this.word += char;
      } else if (this.word !== '') {
        this.words.push(this.word);
        this.word = '';
      }
    }
  }

  addWhole(text: string): void {
    this.word += text;
  }

  finish(): string[] {
    if (this.word !== '') this.words.push(this.word);
    this.word = '';
    return this.words;
  }
}

function checkedPattern(pattern: string, result: string | undefined): string {
  if (result === undefined)
    throw new ExpansionProblem(`invalid pattern (${pattern}) in substitution`);
  return result;
}

function isDigit(char: string): boolean {
  return /^\p{Nd}$/u.test(char);
}

function isLetter(char: string): boolean {
  return /^\p{L}$/u.test(char);
}
