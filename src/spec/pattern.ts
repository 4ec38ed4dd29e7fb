/**
 * The sh wildcard patterns of `${NAME#pattern}`, `${NAME%pattern}` and
 * `${NAME/pattern/replacement}`: `*`, `?` and backslash escapes, no bracket expressions,
 * which is the subset BuildKit supports. Each function returns undefined for a bad pattern.
 */

/** Removes the shortest (or, when greedy, longest) prefix matching the pattern. */
export function trimPrefixPattern(
  pattern: string,
  value: string,
  greedy: boolean,
): string | undefined {
  const regex = toRegExp(pattern, greedy, true, '');
  if (regex === undefined) return undefined;

  const match = regex.exec(value);
  return match === null ? value : value.slice(match[0].length);
}

/** Removes the shortest (or, when greedy, longest) suffix matching the pattern. */
export function trimSuffixPattern(
  pattern: string,
  value: string,
  greedy: boolean,
): string | undefined {
  // A regex finds the leftmost match only, so search the reversed value with a reversed
  // pattern instead of looking for the rightmost one.
  const trimmed = trimPrefixPattern(reversePattern(pattern), reverse(value), greedy);
  return trimmed === undefined ? undefined : reverse(trimmed);
}

/** Replaces the first match, or every match, with a literal replacement. */
export function replacePattern(
  pattern: string,
  value: string,
  replacement: string,
  everyMatch: boolean,
): string | undefined {
  const regex = toRegExp(pattern, true, false, everyMatch ? 'g' : '');
  if (regex === undefined) return undefined;
  if (!everyMatch) {
    const match = regex.exec(value);
    if (match === null) return value;
    return value.slice(0, match.index) + replacement + value.slice(match.index + match[0].length);
  }

  // Go skips an empty match right after a previous match; String.replace does not.
  let result = '';
  let copiedUpTo = 0;
  let previousEnd = -1;
  for (let match = regex.exec(value); match !== null; match = regex.exec(value)) {
    const start = match.index;
    const end = start + match[0].length;
    if (match[0] === '') regex.lastIndex = stepPast(value, start);
    if (match[0] === '' && start === previousEnd) continue;

    result += value.slice(copiedUpTo, start) + replacement;
    copiedUpTo = end;
    previousEnd = end;
  }

  return result + value.slice(copiedUpTo);
}

const REGEX_SPECIAL = new Set(['[', ']', '{', '}', '.', '+', '(', ')', '|', '^', '$']);

function toRegExp(
  pattern: string,
  greedy: boolean,
  anchored: boolean,
  flags: string,
): RegExp | undefined {
  const chars = Array.from(pattern);
  // Go's `.` stops only at a newline; JavaScript's also stops at \r and U+2028/9.
  const anyChar = '[^\\n]';
  let source = anchored ? '^' : '';

  for (let index = 0; index < chars.length; index++) {
    const char = chars[index] as string;
    if (char === '*') {
      source += anyChar + (greedy ? '*' : '*?');
    } else if (char === '?') {
      source += anyChar;
    } else if (char === '\\') {
      const following = chars[index + 1];
      // `\}` and `\/` only protect the delimiters of ${...}; they are not part of the pattern.
      if (following === '}' || following === '/') continue;
      if (following !== '*' && following !== '?' && following !== '\\') return undefined;
      source += '\\' + following;
      index++;
    } else {
      source += REGEX_SPECIAL.has(char) ? '\\' + char : char;
    }
  }

  try {
    return new RegExp(source, 'u' + flags);
  } catch {
    return undefined;
  }
}

/** Reverses a pattern but keeps each escape in front of the character it escapes. */
function reversePattern(pattern: string): string {
  const chars = Array.from(pattern);
  const tokens: string[] = [];
  for (let index = 0; index < chars.length; index++) {
    const char = chars[index] as string;
    if (char === '\\' && index + 1 < chars.length) {
      tokens.push(char + chars[index + 1]);
      index++;
    } else {
      tokens.push(char);
    }
  }

  return tokens.reverse().join('');
}

function reverse(text: string): string {
  return Array.from(text).reverse().join('');
}

function stepPast(text: string, index: number): number {
  const codePoint = text.codePointAt(index);
  return index + (codePoint !== undefined && codePoint > 0xffff ? 2 : 1);
}
