/** Small text helpers that follow Go's rules, since Docker's parser is written in Go. */

const GO_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/;

/** Go's unicode.IsSpace, which Docker's lexers use (JavaScript's \s differs slightly). */
export function isGoSpace(char: string): boolean {
  return GO_SPACE.test(char);
}

/** Removes leading whitespace as Go's unicode.IsSpace defines it. */
export function trimStart(text: string): string {
  let index = 0;
  for (const char of text) {
    if (!isGoSpace(char)) break;
    index += char.length;
  }

  return text.slice(index);
}

/** Removes leading and trailing whitespace as Go's strings.TrimSpace does. */
export function trimSpace(text: string): string {
  const chars = Array.from(trimStart(text));
  while (chars.length > 0 && isGoSpace(chars[chars.length - 1] as string)) chars.pop();
  return chars.join('');
}

/**
 * Upper-cases ASCII letters only. Keywords are case-insensitive in ASCII; toUpperCase would
 * also turn `ſ` into `S` and accept `uſer` as USER, which Docker does not.
 */
export function asciiUpper(text: string): string {
  return text.replace(/[a-z]+/g, (letters) => letters.toUpperCase());
}
