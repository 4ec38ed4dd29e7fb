import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { expandHeredoc, expandWord, expandWords } from '../../../src/spec/words.js';
import { SpecError } from '../../../src/util/errors.js';

const VARS: ReadonlyMap<string, string> = new Map([
  ['HOME', '/root'],
  ['EMPTY', ''],
  ['SPACED', ' a  b '],
  ['PKG', '/usr/local/bin/tool.tar.gz'],
  ['NAME', 'world'],
  ['Ünï', 'unicode'],
]);
const WHERE = { file: 'f.ccspec', line: 7 };
const BACKTICK = { ...WHERE, escape: '`' as const };

describe('expandWord', () => {
  const words: [raw: string, expanded: string][] = [
    ['plain', 'plain'],
    ['$HOME', '/root'],
    ['${HOME}', '/root'],
    ['$HOME/.cache', '/root/.cache'],
    ['x${NAME}y', 'xworldy'],
    ['$NAMEx', ''],
    ['$UNSET', ''],
    ['${UNSET}', ''],
    ['$Ünï', 'unicode'],
    ['$', '$'],
    ['a$', 'a$'],
    ['$/x', '$/x'],
    ['$1x', 'x'],
    ['${UNSET:-default}', 'default'],
    ['${EMPTY:-default}', 'default'],
    ['${HOME:-default}', '/root'],
    ['${UNSET-default}', 'default'],
    ['${EMPTY-default}', ''],
    ['${HOME:+alt}', 'alt'],
    ['${EMPTY:+alt}', ''],
    ['${EMPTY+alt}', 'alt'],
    ['${UNSET+alt}', ''],
    ['${EMPTY?}', ''],
    ['${HOME:?}', '/root'],
    ['${UNSET:-${HOME}/x}', '/root/x'],
    ['${UNSET:-${ALSO:-deep}}', 'deep'],
    ['${UNSET:-"a }"}', 'a }'],
    ['${UNSET:-\\}}', '}'],
    ["'$HOME'", '$HOME'],
    ['"$HOME"', '/root'],
    ['"${NAME}s"', 'worlds'],
    ['\'a b\'"c d"', 'a bc d'],
    ["'it'\\''s'", "it's"],
    ['\\$HOME', '$HOME'],
    ['"\\$HOME"', '$HOME'],
    ['\\\\', '\\'],
    ['"\\""', '"'],
    ['"a\\nb"', 'a\\nb'],
    ['"it\'s"', "it's"],
    ['a\\ b', 'a b'],
    ['trailing\\', 'trailing'],
    ['${PKG##*/}', 'tool.tar.gz'],
    ['${PKG#*/}', 'usr/local/bin/tool.tar.gz'],
    ['${PKG%.*}', '/usr/local/bin/tool.tar'],
    ['${PKG%%.*}', '/usr/local/bin/tool'],
    ['${PKG#/usr}', '/local/bin/tool.tar.gz'],
    ['${PKG#nothing}', '/usr/local/bin/tool.tar.gz'],
    ['${NAME/o/0}', 'w0rld'],
    ['${PKG//o/0}', '/usr/l0cal/bin/t00l.tar.gz'],
    ['${NAME/?/W}', 'World'],
    ['${NAME//*/X}', 'X'],
    ['${UNSET#x}', ''],
  ];
  for (const [raw, expanded] of words) {
    test(`expands ${raw} to ${JSON.stringify(expanded)}`, () => {
      assert.equal(expandWord(raw, VARS, WHERE), expanded);
    });
  }

  test('uses the backtick as the escape character when asked', () => {
    assert.equal(expandWord('`$HOME', VARS, BACKTICK), '$HOME');
    assert.equal(expandWord('c:\\$NAME', VARS, BACKTICK), 'c:\\world');
    assert.equal(expandWord('"`""', VARS, BACKTICK), '"');
  });

  test('keeps the whitespace of an unquoted expansion', () => {
    assert.equal(expandWord('[$SPACED]', VARS, WHERE), '[ a  b ]');
  });
});

describe('expandWords', () => {
  const splits: [raw: string, words: string[]][] = [
    ['', []],
    ['  one   two  ', ['one', 'two']],
    ['$SPACED', ['a', 'b']],
    ['"$SPACED"', [' a  b ']],
    ['x$SPACED', ['x', 'a', 'b']],
    ['x "" y', ['x', 'y']],
    ["'a b' c", ['a b', 'c']],
    ['a\\ b c', ['a b', 'c']],
    ['${UNSET:-x y}', ['x', 'y']],
    ['$EMPTY', []],
  ];
  for (const [raw, expected] of splits) {
    test(`splits ${JSON.stringify(raw)} into ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(expandWords(raw, VARS, WHERE), expected);
    });
  }
});

describe('expandHeredoc', () => {
  const bodies: [body: string, expanded: string][] = [
    ['echo "$HOME" \'$NAME\'\n', 'echo "/root" \'world\'\n'],
    ['cd ${HOME:-/}\n', 'cd /root\n'],
    ['price: \\$5\n', 'price: $5\n'],
    ['a\\\\b\n', 'a\\b\n'],
    // BuildKit drops other backslashes too; a quoted delimiter keeps the body as written.
    ['printf "x\\n"\n', 'printf "xn"\n'],
    ['`$HOME`\n', '`/root`\n'],
  ];
  for (const [body, expanded] of bodies) {
    test(`expands ${JSON.stringify(body)} keeping quotes`, () => {
      assert.equal(expandHeredoc(body, VARS, BACKTICK), expanded);
    });
  }
});

describe('expansion errors', () => {
  const errors: [raw: string, message: string][] = [
    ['${', "syntax error: missing '}'"],
    ['${A', "syntax error: missing '}'"],
    ['${A:-x', "syntax error: missing '}'"],
    ['${A:-"x}', "syntax error: missing '}'"],
    ['${A:x}', 'unsupported modifier (:x) in substitution'],
    ['${A x}', 'unsupported modifier ( ) in substitution'],
    ['${}', 'syntax error: bad substitution'],
    ['${:-x}', 'syntax error: bad substitution'],
    ['${{A}}', 'syntax error: bad substitution'],
    ['${UNSET?}', 'UNSET: is not allowed to be unset'],
    ['${UNSET:?must be set}', 'UNSET: must be set'],
    ['${EMPTY:?}', 'EMPTY: is not allowed to be empty'],
    ['${UNSET:-${HOME:?}x${NOPE?gone}}', 'NOPE: gone'],
    ["'open", 'unexpected end of statement while looking for matching single-quote'],
    ['"open', 'unexpected end of statement while looking for matching double-quote'],
    ['${NAME/x', "syntax error: missing '/' in ${}"],
    ['${NAME/x/y', "syntax error: missing '}'"],
    ['${NAME#\\x}', 'invalid pattern (\\x) in substitution'],
    [`${'${A:-'.repeat(100)}x${'}'.repeat(100)}`, 'expansions nested too deeply'],
  ];
  for (const [raw, message] of errors) {
    test(`rejects ${raw.slice(0, 40)} with a SpecError at the given line`, () => {
      for (const expand of [expandWord, expandWords]) {
        assert.throws(
          () => expand(raw, VARS, WHERE),
          (error: unknown) => {
            assert.ok(error instanceof SpecError);
            assert.equal(error.message, `f.ccspec:7: cannot expand '${raw}': ${message}`);
            return true;
          },
        );
      }
    });
  }

  test('reports a bad expansion in a heredoc body', () => {
    assert.throws(() => expandHeredoc('${oops\n', VARS, WHERE), SpecError);
  });
});
