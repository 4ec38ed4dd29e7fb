import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { parseSpec } from '../../../src/spec/parse.js';
import type { Instruction, Spec } from '../../../src/spec/types.js';
import { SpecError } from '../../../src/util/errors.js';

const FILE = 'my-app.ccspec';

function parse(text: string): Spec {
  return parseSpec(text, FILE);
}

/** The instructions of the only stage of `FROM base` followed by the given lines. */
function body(...lines: string[]): Instruction[] {
  return parse(['FROM base', ...lines].join('\n')).stages[0]?.instructions ?? [];
}

function first(...lines: string[]): Instruction {
  const instruction = body(...lines)[0];
  assert.ok(instruction, 'expected an instruction');
  return instruction;
}

function assertSpecError(text: string, line: number, message: string): void {
  assert.throws(
    () => parse(text),
    (error: unknown) => {
      assert.ok(error instanceof SpecError, `expected a SpecError, got ${String(error)}`);
      assert.equal(error.message, `${FILE}:${line}: ${message}`);
      assert.equal(error.line, line);
      return true;
    },
  );
}

describe('parseSpec: lines', () => {
  test('reads a one-line spec as one stage with no instructions', () => {
    assert.deepEqual(parse('FROM debian:bookworm\n'), {
      file: FILE,
      escape: '\\',
      globalArgs: [],
      stages: [
        {
          index: 0,
          from: { kind: 'FROM', line: 1, text: 'FROM debian:bookworm', image: 'debian:bookworm' },
          instructions: [],
        },
      ],
    });
  });

  test('accepts keywords in any case and keeps them as written in the text', () => {
    const [run, workdir] = body('run echo hi', 'WorkDir /srv');
    assert.equal(run?.kind, 'RUN');
    assert.equal(run?.text, 'run echo hi');
    assert.equal(workdir?.kind, 'WORKDIR');
  });

  test('skips comments and blank lines and counts lines from 1', () => {
    const text = '# build it\n\nFROM base\n   # indented comment\n\nRUN true\n';
    const spec = parse(text);
    assert.equal(spec.stages[0]?.from.line, 3);
    assert.equal(spec.stages[0]?.instructions[0]?.line, 6);
  });

  test('joins continuation lines and drops comment and blank lines inside them', () => {
    const run = first(
      'RUN apt-get update && \\',
      '    # refresh the index first',
      '',
      '    apt-get install -y gcc',
      'USER app',
    );
    assert.equal(run.line, 2);
    assert.equal(run.text, 'RUN apt-get update && apt-get install -y gcc');
    assert.deepEqual(run.kind === 'RUN' && run.command, {
      form: 'shell',
      command: 'apt-get update &&     apt-get install -y gcc',
    });
    assert.equal(body('RUN a \\', '  # c', 'b', 'USER app')[1]?.line, 5);
  });

  test('joins continuation pieces without adding a space, as Docker does', () => {
    const run = first('RUN echo abc\\', 'def');
    assert.deepEqual(run.kind === 'RUN' && run.command, { form: 'shell', command: 'echo abcdef' });
  });

  test('allows blanks after the continuation character but not an escaped one', () => {
    assert.equal(body('RUN a \\  \t', 'b', 'USER x').length, 2);
    const run = first('RUN echo a\\\\', 'USER x');
    assert.deepEqual(run.kind === 'RUN' && run.command, { form: 'shell', command: 'echo a\\\\' });
  });

  test('reads a file with CRLF line endings like one with LF', () => {
    const lf = 'FROM base\nRUN a \\\n  b\nENV A=1\n';
    const crlf = lf.replace(/\n/g, '\r\n');
    assert.deepEqual(parse(crlf), parse(lf));
  });

  test('ignores a byte order mark at the start', () => {
    assert.deepEqual(parse('\uFEFFFROM base\n'), parse('FROM base\n'));
  });

  test('ends a continuation at the end of the file', () => {
    const run = first('RUN echo \\');
    assert.deepEqual(run.kind === 'RUN' && run.command, { form: 'shell', command: 'echo' });
  });
});

describe('parseSpec: parser directives', () => {
  test('uses the backtick escape from the escape directive', () => {
    const spec = parse('# escape=`\nFROM base\nRUN dir c:\\ `\n  /s\nWORKDIR c:\\app\n');
    assert.equal(spec.escape, '`');
    const [run, workdir] = spec.stages[0]?.instructions ?? [];
    assert.deepEqual(run?.kind === 'RUN' && run.command, {
      form: 'shell',
      command: 'dir c:\\   /s',
    });
    assert.equal(run?.line, 3);
    assert.deepEqual(workdir?.kind === 'WORKDIR' && workdir.value, 'c:\\app');
  });

  test('records the syntax directive and accepts directives in any case and spacing', () => {
    const spec = parse('#  SYNTAX = docker/dockerfile:1 \n# Escape=`\nFROM base\n');
    assert.equal(spec.syntax, 'docker/dockerfile:1');
    assert.equal(spec.escape, '`');
  });

  const plainComments = [
    { name: 'after a blank line', text: '\n# escape=`\nFROM base\nRUN a `\n' },
    { name: 'after a comment', text: '# hello\n# escape=`\nFROM base\nRUN a `\n' },
    { name: 'after an unknown directive', text: '# foo=bar\n# escape=`\nFROM base\nRUN a `\n' },
    { name: 'after an instruction', text: 'FROM base\n# escape=`\nRUN a `\n' },
  ];
  for (const { name, text } of plainComments) {
    test(`treats an escape directive ${name} as a plain comment`, () => {
      const spec = parse(text);
      assert.equal(spec.escape, '\\');
      assert.deepEqual(spec.stages[0]?.instructions[0]?.text, 'RUN a `');
    });
  }
});

describe('parseSpec: stages', () => {
  test('keeps ARG lines before the first FROM as global args', () => {
    const spec = parse('ARG BASE=debian\nARG TAG\nFROM ${BASE}:${TAG}\n');
    assert.deepEqual(
      spec.globalArgs.map((arg) => arg.args),
      [[{ name: 'BASE', defaultValue: 'debian' }], [{ name: 'TAG' }]],
    );
    assert.equal(spec.stages[0]?.from.image, '${BASE}:${TAG}');
  });

  test('reads the platform flag and lower-cases the stage name', () => {
    const spec = parse('FROM --platform=linux/amd64 debian AS Build-1.x\n');
    const stage = spec.stages[0];
    assert.equal(stage?.name, 'build-1.x');
    assert.equal(stage?.from.platform, 'linux/amd64');
    assert.equal(stage?.from.image, 'debian');
  });

  test('accepts AS in any case', () => {
    assert.equal(parse('FROM a as b\n').stages[0]?.name, 'b');
  });

  test('gives each stage its index and the instructions up to the next FROM', () => {
    const spec = parse('FROM a AS one\nRUN x\nFROM b\nRUN y\nRUN z\n');
    assert.deepEqual(
      spec.stages.map((stage) => [stage.index, stage.name, stage.instructions.length]),
      [
        [0, 'one', 1],
        [1, undefined, 2],
      ],
    );
  });
});

describe('parseSpec: RUN', () => {
  const forms = [
    { args: 'echo hello', command: { form: 'shell', command: 'echo hello' } },
    { args: '["echo", "hello"]', command: { form: 'exec', argv: ['echo', 'hello'] } },
    { args: '[ "a b" ]', command: { form: 'exec', argv: ['a b'] } },
    { args: '[echo, hello]', command: { form: 'shell', command: '[echo, hello]' } },
    { args: '["echo" "x"]', command: { form: 'shell', command: '["echo" "x"]' } },
    { args: '["echo"] extra', command: { form: 'shell', command: '["echo"] extra' } },
    { args: '[ -f /x ] && echo', command: { form: 'shell', command: '[ -f /x ] && echo' } },
  ];
  for (const { args, command } of forms) {
    test(`reads RUN ${args} as the ${command.form} form`, () => {
      const run = first(`RUN ${args}`);
      assert.deepEqual(run.kind === 'RUN' && run.command, command);
    });
  }

  test('keeps --mount, --network and --security, several mounts on separate lines', () => {
    const run = first(
      'RUN --mount=type=cache,target=/var/cache/apt --mount="type=tmpfs,target=/tmp" \\',
      '    --network=none --security=insecure apt-get update',
    );
    assert.ok(run.kind === 'RUN');
    assert.deepEqual(run.flags, {
      mount: 'type=cache,target=/var/cache/apt\ntype=tmpfs,target=/tmp',
      network: 'none',
      security: 'insecure',
    });
    assert.deepEqual(run.command, { form: 'shell', command: 'apt-get update' });
  });

  test('stops reading flags at a bare --', () => {
    const run = first('RUN -- --not-a-flag');
    assert.ok(run.kind === 'RUN');
    assert.deepEqual(run.flags, {});
    assert.deepEqual(run.command, { form: 'shell', command: '--not-a-flag' });
  });
});

describe('parseSpec: here-documents', () => {
  test('reads a RUN heredoc and keeps the first line as the command', () => {
    const [run, user] = body(
      'RUN <<EOF',
      'apt-get update',
      'apt-get install -y gcc',
      'EOF',
      'USER a',
    );
    assert.ok(run?.kind === 'RUN');
    assert.deepEqual(run.command, { form: 'shell', command: '<<EOF' });
    assert.deepEqual(run.heredocs, [
      { name: 'EOF', content: 'apt-get update\napt-get install -y gcc\n', expand: true },
    ]);
    assert.equal(run.text, 'RUN <<EOF');
    assert.equal(user?.line, 6);
  });

  test('feeds a heredoc to a command such as python3', () => {
    const run = first('RUN python3 <<EOF', 'print("hi")', 'EOF');
    assert.ok(run.kind === 'RUN');
    assert.deepEqual(run.command, { form: 'shell', command: 'python3 <<EOF' });
    assert.equal(run.heredocs[0]?.content, 'print("hi")\n');
  });

  const delimiters = [
    { marker: '<<EOF', name: 'EOF', expand: true },
    { marker: '<<"EOF"', name: 'EOF', expand: false },
    { marker: "<<'EOF'", name: 'EOF', expand: false },
    { marker: '<<E"O"F', name: 'EOF', expand: false },
    { marker: '<<-EOF', name: 'EOF', expand: true },
    { marker: '<<-"EOF"', name: 'EOF', expand: false },
    { marker: '2<<EOF', name: 'EOF', expand: true },
  ];
  for (const { marker, name, expand } of delimiters) {
    test(`reads the delimiter ${marker} as ${name} with expand ${expand}`, () => {
      const run = first(`RUN cat ${marker}`, 'hello', name, 'USER a');
      assert.ok(run.kind === 'RUN');
      assert.deepEqual(run.heredocs, [{ name, content: 'hello\n', expand }]);
    });
  }

  test('strips leading tabs from the body and the delimiter for <<-', () => {
    const run = first('RUN <<-EOT', '\tif true; then', '\t\techo yes', '\tfi', '\tEOT');
    assert.ok(run.kind === 'RUN');
    assert.equal(run.heredocs[0]?.content, 'if true; then\necho yes\nfi\n');
  });

  test('does not take a tab-indented delimiter as the end without <<-', () => {
    const run = first('RUN <<EOT', '\tEOT', 'EOT');
    assert.ok(run.kind === 'RUN');
    assert.equal(run.heredocs[0]?.content, '\tEOT\n');
  });

  test('reads several heredocs of one line in order and keeps later line numbers right', () => {
    const [run, env] = body('RUN <<A cat - <<-B', 'one', 'A', 'two', '\tB', 'ENV X=1');
    assert.ok(run?.kind === 'RUN');
    assert.deepEqual(
      run.heredocs.map((heredoc) => [heredoc.name, heredoc.content]),
      [
        ['A', 'one\n'],
        ['B', 'two\n'],
      ],
    );
    assert.equal(env?.line, 7);
  });

  test('keeps comments, blank lines and backslashes inside a body as they are', () => {
    const run = first('RUN <<EOF', '# not a comment', '', 'echo a \\', 'EOF', 'USER a');
    assert.ok(run.kind === 'RUN');
    assert.equal(run.heredocs[0]?.content, '# not a comment\n\necho a \\\n');
  });

  test('finds a heredoc on a continued line and reads the body after it', () => {
    const [run, user] = body('RUN <<EOF bash \\', '  -x', 'echo hi', 'EOF', 'USER a');
    assert.ok(run?.kind === 'RUN');
    assert.deepEqual(run.command, { form: 'shell', command: '<<EOF bash   -x' });
    assert.equal(run.heredocs[0]?.content, 'echo hi\n');
    assert.equal(user?.line, 6);
  });

  test('reads an empty body', () => {
    const run = first('RUN <<EOF', 'EOF');
    assert.ok(run.kind === 'RUN');
    assert.equal(run.heredocs[0]?.content, '');
  });

  const notHeredocs = [
    { name: 'a quoted marker', line: 'RUN echo "<<EOF"' },
    { name: 'a marker glued to a word', line: 'RUN cat<<EOF' },
    { name: 'the exec form', line: 'RUN ["cat", "<<EOF"]' },
    { name: 'a here-string', line: 'RUN cat <<<EOF' },
  ];
  for (const { name, line } of notHeredocs) {
    test(`does not start a heredoc for ${name}`, () => {
      const run = first(line, 'USER a');
      assert.ok(run.kind === 'RUN');
      assert.deepEqual(run.heredocs, []);
    });
  }

  test('takes COPY heredocs as inline sources', () => {
    const [copy, user] = body('COPY <<A <<"B" /etc/', 'one', 'A', 'two $X', 'B', 'USER a');
    assert.ok(copy?.kind === 'COPY');
    assert.deepEqual(copy.sources, []);
    assert.equal(copy.destination, '/etc/');
    assert.deepEqual(copy.heredocs, [
      { name: 'A', content: 'one\n', expand: true },
      { name: 'B', content: 'two $X\n', expand: false },
    ]);
    assert.equal(user?.line, 7);
  });

  test('mixes heredoc and file sources in ADD', () => {
    const add = first('ADD --chmod=755 <<run.sh file.txt /app/', '#!/bin/sh', 'run.sh');
    assert.ok(add.kind === 'ADD');
    assert.deepEqual(add.sources, ['file.txt']);
    assert.equal(add.heredocs[0]?.name, 'run.sh');
    assert.equal(add.chmod, '755');
  });
});

describe('parseSpec: COPY and ADD', () => {
  test('reads sources, destination and every COPY flag', () => {
    const copy = first('COPY --from=build --chown=app:app --chmod=644 --link a b* /dst/');
    assert.deepEqual(copy, {
      kind: 'COPY',
      line: 2,
      text: 'COPY --from=build --chown=app:app --chmod=644 --link a b* /dst/',
      sources: ['a', 'b*'],
      destination: '/dst/',
      heredocs: [],
      from: 'build',
      chown: 'app:app',
      chmod: '644',
      link: true,
    });
  });

  const links = [
    { flag: '--link', link: true },
    { flag: '--link=true', link: true },
    { flag: '--link=FALSE', link: false },
  ];
  for (const { flag, link } of links) {
    test(`reads ${flag} as link ${link}`, () => {
      const copy = first(`COPY ${flag} a /b`);
      assert.equal(copy.kind === 'COPY' && copy.link, link);
    });
  }

  test('reads the JSON form with spaces in names', () => {
    const copy = first('COPY ["my file", "other file", "/dst dir/"]');
    assert.ok(copy.kind === 'COPY');
    assert.deepEqual(copy.sources, ['my file', 'other file']);
    assert.equal(copy.destination, '/dst dir/');
  });

  test('keeps variables and quotes in words as written', () => {
    const copy = first('COPY ${SRC} "$DST"');
    assert.ok(copy.kind === 'COPY');
    assert.deepEqual([copy.sources, copy.destination], [['${SRC}'], '"$DST"']);
  });

  test('reads the ADD flags --checksum and --keep-git-dir', () => {
    const add = first(
      'ADD --checksum=sha256:abc --keep-git-dir=true https://example.com/a.tgz /a.tgz',
    );
    assert.ok(add.kind === 'ADD');
    assert.equal(add.checksum, 'sha256:abc');
    assert.deepEqual(add.sources, ['https://example.com/a.tgz']);
  });
});

describe('parseSpec: ENV, LABEL and ARG', () => {
  const pairs = [
    { line: 'ENV A=1', pairs: [['A', '1']] },
    {
      line: 'ENV A="x y" B=z',
      pairs: [
        ['A', '"x y"'],
        ['B', 'z'],
      ],
    },
    { line: "ENV A='it is' ", pairs: [['A', "'it is'"]] },
    { line: 'ENV A=x\\ y', pairs: [['A', 'x\\ y']] },
    { line: 'ENV A=', pairs: [['A', '']] },
    { line: 'ENV A=a=b', pairs: [['A', 'a=b']] },
    { line: 'ENV PATH=/opt/bin:$PATH', pairs: [['PATH', '/opt/bin:$PATH']] },
    { line: 'ENV KEY the rest  of the line', pairs: [['KEY', 'the rest  of the line']] },
    { line: 'ENV KEY "quoted value"', pairs: [['KEY', '"quoted value"']] },
    {
      line: 'LABEL a=1 "b c"="d e"',
      pairs: [
        ['a', '1'],
        ['"b c"', '"d e"'],
      ],
    },
    { line: 'LABEL description some text', pairs: [['description', 'some text']] },
  ];
  for (const { line, pairs: expected } of pairs) {
    test(`reads ${line.trim()} with raw values`, () => {
      const instruction = first(line);
      assert.ok(instruction.kind === 'ENV' || instruction.kind === 'LABEL');
      assert.deepEqual(
        instruction.pairs.map((pair) => [pair.key, pair.value]),
        expected,
      );
    });
  }

  test('joins a continued ENV into one instruction', () => {
    const env = first('ENV A=1 \\', '    B="2 3"');
    assert.ok(env.kind === 'ENV');
    assert.deepEqual(env.pairs, [
      { key: 'A', value: '1' },
      { key: 'B', value: '"2 3"' },
    ]);
  });

  test('reads several ARGs on one line with raw defaults', () => {
    const arg = first('ARG A B=2 C="x y"');
    assert.ok(arg.kind === 'ARG');
    assert.deepEqual(arg.args, [
      { name: 'A' },
      { name: 'B', defaultValue: '2' },
      { name: 'C', defaultValue: '"x y"' },
    ]);
  });
});

describe('parseSpec: single words and lists', () => {
  const words = [
    { line: 'WORKDIR /srv/my app ', kind: 'WORKDIR', value: '/srv/my app' },
    { line: 'WORKDIR $HOME/app', kind: 'WORKDIR', value: '$HOME/app' },
    { line: 'USER app:app', kind: 'USER', value: 'app:app' },
    { line: 'STOPSIGNAL SIGTERM', kind: 'STOPSIGNAL', value: 'SIGTERM' },
    { line: 'MAINTAINER Jo <jo@example.com>', kind: 'MAINTAINER', value: 'Jo <jo@example.com>' },
  ];
  for (const { line, kind, value } of words) {
    test(`reads ${line.trim()} as one value`, () => {
      assert.deepEqual(first(line), { kind, line: 2, text: line.trim(), value });
    });
  }

  const lists = [
    { line: 'EXPOSE 80 443/tcp  53/udp', values: ['80', '443/tcp', '53/udp'] },
    { line: 'VOLUME /data /logs', values: ['/data', '/logs'] },
    { line: 'VOLUME ["/data", " /my logs "]', values: ['/data', '/my logs'] },
  ];
  for (const { line, values } of lists) {
    test(`reads ${line} as a list`, () => {
      const list = first(line);
      assert.deepEqual(list.kind === 'EXPOSE' || list.kind === 'VOLUME' ? list.values : [], values);
    });
  }
});

describe('parseSpec: CMD, ENTRYPOINT and SHELL', () => {
  const commands = [
    {
      line: 'CMD ["nginx", "-g", "daemon off;"]',
      form: { form: 'exec', argv: ['nginx', '-g', 'daemon off;'] },
    },
    {
      line: 'CMD nginx -g "daemon off;"',
      form: { form: 'shell', command: 'nginx -g "daemon off;"' },
    },
    { line: 'CMD []', form: { form: 'exec', argv: [] } },
    { line: 'CMD', form: { form: 'shell', command: '' } },
    { line: 'ENTRYPOINT ["/init"]', form: { form: 'exec', argv: ['/init'] } },
    { line: 'ENTRYPOINT exec /init', form: { form: 'shell', command: 'exec /init' } },
    { line: 'ENTRYPOINT', form: { form: 'exec', argv: [] } },
  ];
  for (const { line, form } of commands) {
    test(`reads ${line} in the ${form.form} form`, () => {
      const command = first(line);
      assert.deepEqual(
        command.kind === 'CMD' || command.kind === 'ENTRYPOINT' ? command.command : {},
        form,
      );
    });
  }

  test('reads SHELL as an argv', () => {
    assert.deepEqual(first('SHELL ["/bin/bash", "-eu", "-c"]'), {
      kind: 'SHELL',
      line: 2,
      text: 'SHELL ["/bin/bash", "-eu", "-c"]',
      argv: ['/bin/bash', '-eu', '-c'],
    });
  });
});

describe('parseSpec: HEALTHCHECK', () => {
  test('reads HEALTHCHECK NONE', () => {
    assert.deepEqual(first('HEALTHCHECK none'), {
      kind: 'HEALTHCHECK',
      line: 2,
      text: 'HEALTHCHECK none',
      none: true,
    });
  });

  test('reads every flag and a shell command', () => {
    const line =
      'HEALTHCHECK --interval=1m30s --timeout=5s --start-period=500ms --start-interval=2s ' +
      '--retries=3 CMD curl -f http://localhost/ || exit 1';
    assert.deepEqual(first(line), {
      kind: 'HEALTHCHECK',
      line: 2,
      text: line,
      none: false,
      command: { form: 'shell', command: 'curl -f http://localhost/ || exit 1' },
      interval: '1m30s',
      timeout: '5s',
      startPeriod: '500ms',
      startInterval: '2s',
      retries: 3,
    });
  });

  test('reads an exec-form command and leaves unset flags out', () => {
    const check = first('HEALTHCHECK cmd ["/check", "--quick"]');
    assert.deepEqual(check.kind === 'HEALTHCHECK' && check, {
      kind: 'HEALTHCHECK',
      line: 2,
      text: 'HEALTHCHECK cmd ["/check", "--quick"]',
      none: false,
      command: { form: 'exec', argv: ['/check', '--quick'] },
    });
  });

  const durations = ['0', '1ms', '30s', '1.5h', '.5s', '1h2m3s', '2000us', '+10s', '1000000ns'];
  for (const duration of durations) {
    test(`accepts the duration ${duration}`, () => {
      const check = first(`HEALTHCHECK --interval=${duration} CMD true`);
      assert.equal(check.kind === 'HEALTHCHECK' && check.interval, duration);
    });
  }
});

describe('parseSpec: ONBUILD', () => {
  test('keeps the trigger text and checks it', () => {
    assert.deepEqual(first('ONBUILD  RUN   make install'), {
      kind: 'ONBUILD',
      line: 2,
      text: 'ONBUILD  RUN   make install',
      trigger: 'RUN   make install',
    });
  });

  test('appends heredoc bodies to the trigger so it parses again', () => {
    const [onbuild, user] = body('ONBUILD RUN <<EOF', 'make', 'EOF', 'USER a');
    assert.equal(onbuild?.kind === 'ONBUILD' && onbuild.trigger, 'RUN <<EOF\nmake\nEOF');
    assert.equal(user?.line, 5);
    const trigger = onbuild?.kind === 'ONBUILD' ? onbuild.trigger : '';
    const again = first(trigger);
    assert.equal(again.kind === 'RUN' && again.heredocs[0]?.content, 'make\n');
  });
});

describe('parseSpec: a real multi-stage spec', () => {
  const text = [
    '# syntax=docker/dockerfile:1',
    'ARG GCC_VERSION=13',
    '',
    'FROM gcc:${GCC_VERSION} AS build',
    'WORKDIR /src',
    'COPY hello.c .',
    '# Link statically so the binary runs on busybox.',
    'RUN gcc -static -O2 -o hello hello.c \\',
    '    && strip hello',
    '',
    'FROM busybox:1.36',
    'COPY --from=build /src/hello /usr/local/bin/hello',
    'USER 65534',
    'ENTRYPOINT ["/usr/local/bin/hello"]',
    '',
  ].join('\n');

  test('reads both stages with their instructions and lines', () => {
    const spec = parse(text);
    assert.equal(spec.syntax, 'docker/dockerfile:1');
    assert.deepEqual(spec.globalArgs[0]?.args, [{ name: 'GCC_VERSION', defaultValue: '13' }]);
    assert.deepEqual(
      spec.stages.map((stage) => [stage.name, stage.from.image, stage.from.line]),
      [
        ['build', 'gcc:${GCC_VERSION}', 4],
        [undefined, 'busybox:1.36', 11],
      ],
    );
    assert.deepEqual(
      spec.stages.flatMap((stage) => stage.instructions.map((i) => [i.line, i.text])),
      [
        [5, 'WORKDIR /src'],
        [6, 'COPY hello.c .'],
        [8, 'RUN gcc -static -O2 -o hello hello.c && strip hello'],
        [12, 'COPY --from=build /src/hello /usr/local/bin/hello'],
        [13, 'USER 65534'],
        [14, 'ENTRYPOINT ["/usr/local/bin/hello"]'],
      ],
    );
    const copy = spec.stages[1]?.instructions[0];
    assert.equal(copy?.kind === 'COPY' && copy.from, 'build');
  });
});

describe('parseSpec: errors', () => {
  const errors: { name: string; text: string; line: number; message: string }[] = [
    {
      name: 'an unknown instruction, named as written',
      text: 'FROM base\nINVALID_COMMAND foo\n',
      line: 2,
      message: "unknown instruction 'INVALID_COMMAND'",
    },
    { name: 'an empty file', text: '', line: 1, message: 'the file is empty' },
    { name: 'a file of comments', text: '# a\n# b\n', line: 2, message: 'no FROM instruction' },
    { name: 'only ARGs', text: 'ARG A\nARG B\n\n', line: 3, message: 'no FROM instruction' },
    {
      name: 'an instruction before FROM',
      text: 'ARG A\nrun true\nFROM base\n',
      line: 2,
      message: 'RUN comes before the first FROM; only ARG may',
    },
    {
      name: 'a repeated escape directive',
      text: '# escape=`\n# escape=\\\nFROM base\n',
      line: 2,
      message: 'only one escape parser directive can be used',
    },
    {
      name: 'a bad escape character',
      text: '# escape=x\nFROM base\n',
      line: 1,
      message: "invalid escape character 'x': use \\ or `",
    },
    {
      name: 'FROM without an image',
      text: 'FROM\n',
      line: 1,
      message: 'FROM requires either one or three arguments: FROM image [AS name]',
    },
    {
      name: 'FROM with two words',
      text: 'FROM a b\n',
      line: 1,
      message: 'FROM requires either one or three arguments: FROM image [AS name]',
    },
    {
      name: 'FROM with AS and no name',
      text: 'FROM a AS\n',
      line: 1,
      message: 'FROM requires either one or three arguments: FROM image [AS name]',
    },
    {
      name: 'FROM with something other than AS',
      text: 'FROM a TO b\n',
      line: 1,
      message: 'FROM requires either one or three arguments: FROM image [AS name]',
    },
    {
      name: 'a stage name starting with a digit',
      text: 'FROM a AS 1st\n',
      line: 1,
      message:
        "invalid stage name '1st': use letters, digits, '_', '-' and '.', starting with a letter",
    },
    {
      name: 'a stage name with a slash',
      text: 'FROM a AS b/c\n',
      line: 1,
      message:
        "invalid stage name 'b/c': use letters, digits, '_', '-' and '.', starting with a letter",
    },
    {
      name: 'a duplicate stage name in another case',
      text: 'FROM a AS build\nFROM b AS BUILD\n',
      line: 2,
      message: "duplicate stage name 'build' (already used on line 1)",
    },
    {
      name: 'an unknown FROM flag',
      text: 'FROM --arch=x a\n',
      line: 1,
      message: "unknown flag '--arch' for FROM",
    },
    {
      name: 'an unknown RUN flag',
      text: 'FROM a\nRUN --x echo\n',
      line: 2,
      message: "unknown flag '--x' for RUN",
    },
    {
      name: 'a RUN flag given twice',
      text: 'FROM a\nRUN --network=none --network=host x\n',
      line: 2,
      message: "flag '--network' given more than once for RUN",
    },
    {
      name: 'a RUN flag without a value',
      text: 'FROM a\nRUN --mount x\n',
      line: 2,
      message: "flag '--mount' for RUN needs a value (--mount=...)",
    },
    {
      name: 'RUN with nothing to run',
      text: 'FROM a\nRUN\n',
      line: 2,
      message: 'RUN requires a command',
    },
    {
      name: 'RUN with an empty argv',
      text: 'FROM a\nRUN []\n',
      line: 2,
      message: 'RUN requires a command',
    },
    {
      name: 'a JSON array of numbers',
      text: 'FROM a\nCMD [1, 2]\n',
      line: 2,
      message: 'CMD JSON arrays must contain strings only',
    },
    {
      name: 'an unterminated heredoc, at its instruction',
      text: 'FROM a\nRUN true\nRUN <<EOF\necho\n',
      line: 3,
      message: "unterminated heredoc 'EOF'",
    },
    {
      name: 'a heredoc on an instruction that takes none',
      text: 'FROM a\nCMD <<EOF\necho\nEOF\n',
      line: 3,
      message: "unknown instruction 'echo'",
    },
    {
      name: 'an instruction after a heredoc, at the right line',
      text: 'FROM a\nRUN <<A <<B\n1\nA\n2\nB\nBAD x\n',
      line: 7,
      message: "unknown instruction 'BAD'",
    },
    {
      name: 'an instruction after a continuation, at the right line',
      text: 'FROM a\nRUN a \\\n  # c\n  b\nBAD\n',
      line: 5,
      message: "unknown instruction 'BAD'",
    },
    {
      name: 'COPY with one word',
      text: 'FROM a\nCOPY src\n',
      line: 2,
      message: 'COPY requires at least one source and a destination',
    },
    {
      name: 'COPY with an empty JSON array',
      text: 'FROM a\nCOPY []\n',
      line: 2,
      message: 'COPY requires at least one source and a destination',
    },
    {
      name: 'ADD --from',
      text: 'FROM a\nADD --from=b x y\n',
      line: 2,
      message: "unknown flag '--from' for ADD",
    },
    {
      name: 'COPY --checksum',
      text: 'FROM a\nCOPY --checksum=sha256:0 x y\n',
      line: 2,
      message: "unknown flag '--checksum' for COPY",
    },
    {
      name: 'a non-boolean --link',
      text: 'FROM a\nCOPY --link=yes x y\n',
      line: 2,
      message: "flag '--link' for COPY expects true or false, not 'yes'",
    },
    {
      name: 'an empty --link=',
      text: 'FROM a\nCOPY --link= x y\n',
      line: 2,
      message: "flag '--link' for COPY expects true or false, not ''",
    },
    {
      name: 'a heredoc as the COPY destination',
      text: 'FROM a\nCOPY x <<EOF\nEOF\n',
      line: 2,
      message: 'COPY cannot take a heredoc as its destination',
    },
    {
      name: 'ENV with a key and no value',
      text: 'FROM a\nENV KEY\n',
      line: 2,
      message: 'ENV KEY has no value: write ENV KEY=value',
    },
    {
      name: 'an empty ENV',
      text: 'FROM a\nENV\n',
      line: 2,
      message: 'ENV requires at least one argument',
    },
    {
      name: 'ENV mixing a pair and a bare word',
      text: 'FROM a\nENV A=1 B\n',
      line: 2,
      message: "ENV expects KEY=value pairs; 'B' has no '='",
    },
    {
      name: 'ENV with a blank name',
      text: 'FROM a\nENV =1\n',
      line: 2,
      message: "ENV names can not be blank: '=1'",
    },
    {
      name: 'LABEL with a key and no value',
      text: 'FROM a\nLABEL version\n',
      line: 2,
      message: 'LABEL version has no value: write LABEL version=value',
    },
    {
      name: 'an empty ARG',
      text: 'ARG\nFROM a\n',
      line: 1,
      message: 'ARG requires at least one argument',
    },
    {
      name: 'ARG with a blank name',
      text: 'FROM a\nARG =x\n',
      line: 2,
      message: "ARG names can not be blank: '=x'",
    },
    {
      name: 'WORKDIR without a path',
      text: 'FROM a\nWORKDIR\n',
      line: 2,
      message: 'WORKDIR requires exactly one argument',
    },
    {
      name: 'USER without a name',
      text: 'FROM a\nUSER  \n',
      line: 2,
      message: 'USER requires exactly one argument',
    },
    {
      name: 'STOPSIGNAL without a signal',
      text: 'FROM a\nSTOPSIGNAL\n',
      line: 2,
      message: 'STOPSIGNAL requires exactly one argument',
    },
    {
      name: 'an empty EXPOSE',
      text: 'FROM a\nEXPOSE\n',
      line: 2,
      message: 'EXPOSE requires at least one argument',
    },
    {
      name: 'an empty VOLUME array',
      text: 'FROM a\nVOLUME []\n',
      line: 2,
      message: 'VOLUME requires at least one argument',
    },
    {
      name: 'a blank VOLUME path',
      text: 'FROM a\nVOLUME ["/a", " "]\n',
      line: 2,
      message: 'VOLUME paths can not be empty strings',
    },
    {
      name: 'SHELL in the shell form',
      text: 'FROM a\nSHELL /bin/bash -c\n',
      line: 2,
      message: 'SHELL requires the JSON form, such as SHELL ["/bin/sh", "-c"]',
    },
    {
      name: 'an empty SHELL',
      text: 'FROM a\nSHELL []\n',
      line: 2,
      message: 'SHELL requires at least one argument',
    },
    {
      name: 'a flag on CMD',
      text: 'FROM a\nCMD --help\n',
      line: 2,
      message: "unknown flag '--help' for CMD",
    },
    {
      name: 'an empty HEALTHCHECK',
      text: 'FROM a\nHEALTHCHECK\n',
      line: 2,
      message: 'HEALTHCHECK requires at least one argument',
    },
    {
      name: 'HEALTHCHECK NONE with arguments',
      text: 'FROM a\nHEALTHCHECK NONE x\n',
      line: 2,
      message: 'HEALTHCHECK NONE takes no arguments',
    },
    {
      name: 'HEALTHCHECK NONE with flags',
      text: 'FROM a\nHEALTHCHECK --retries=1 NONE\n',
      line: 2,
      message: 'HEALTHCHECK NONE takes no flags',
    },
    {
      name: 'an unknown HEALTHCHECK type',
      text: 'FROM a\nHEALTHCHECK RUN true\n',
      line: 2,
      message: "unknown HEALTHCHECK type 'RUN': use CMD or NONE",
    },
    {
      name: 'HEALTHCHECK CMD with no command',
      text: 'FROM a\nHEALTHCHECK --interval=5s CMD\n',
      line: 2,
      message: 'HEALTHCHECK CMD needs a command',
    },
    {
      name: 'an unknown HEALTHCHECK flag',
      text: 'FROM a\nHEALTHCHECK --every=5s CMD true\n',
      line: 2,
      message: "unknown flag '--every' for HEALTHCHECK",
    },
    {
      name: 'negative retries',
      text: 'FROM a\nHEALTHCHECK --retries=-1 CMD true\n',
      line: 2,
      message: "HEALTHCHECK --retries cannot be negative, not '-1'",
    },
    {
      name: 'retries that are not a number',
      text: 'FROM a\nHEALTHCHECK --retries=3x CMD true\n',
      line: 2,
      message: "HEALTHCHECK --retries must be a whole number, not '3x'",
    },
    {
      name: 'retries too large for Docker',
      text: 'FROM a\nHEALTHCHECK --retries=2147483648 CMD true\n',
      line: 2,
      message: "HEALTHCHECK --retries must be a whole number, not '2147483648'",
    },
    {
      name: 'an interval under a millisecond',
      text: 'FROM a\nHEALTHCHECK --interval=500us CMD true\n',
      line: 2,
      message: "HEALTHCHECK --interval must be at least 1ms, not '500us'",
    },
    {
      name: 'a negative timeout',
      text: 'FROM a\nHEALTHCHECK --timeout=-5s CMD true\n',
      line: 2,
      message: "HEALTHCHECK --timeout must be at least 1ms, not '-5s'",
    },
  ];
  const badDurations = ['5', '1d', 's', '.s', '1s2', '1..5s', '-', '00', 'ten'];
  for (const duration of badDurations) {
    errors.push({
      name: `the duration '${duration}'`,
      text: `FROM a\nHEALTHCHECK --start-period=${duration} CMD true\n`,
      line: 2,
      message:
        'HEALTHCHECK --start-period must be a duration such as 30s or 1m30s, ' +
        `not '${duration}'`,
    });
  }
  const onbuildErrors = [
    { trigger: 'ONBUILD x', message: "ONBUILD isn't allowed as an ONBUILD trigger" },
    { trigger: 'FROM x', message: "FROM isn't allowed as an ONBUILD trigger" },
    { trigger: 'maintainer x', message: "MAINTAINER isn't allowed as an ONBUILD trigger" },
    { trigger: 'FOO x', message: "unknown instruction 'FOO'" },
    { trigger: 'COPY x', message: 'COPY requires at least one source and a destination' },
    { trigger: '', message: 'ONBUILD requires at least one argument' },
  ];
  for (const { trigger, message } of onbuildErrors) {
    errors.push({
      name: `ONBUILD ${trigger || 'alone'}`,
      text: `FROM a\nONBUILD ${trigger}\n`,
      line: 2,
      message,
    });
  }

  for (const { name, text, line, message } of errors) {
    test(`rejects ${name}`, () => assertSpecError(text, line, message));
  }
});
