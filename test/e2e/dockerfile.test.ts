import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { describe, test } from 'node:test';

import { cliAsync } from '../helpers/cli.js';
import { importBusybox, listing, writeContext } from '../helpers/images.js';
import { requireRoot } from '../helpers/root.js';
import { withStore, type TestStore } from '../helpers/store.js';

function build(s: TestStore, context: string, args: string[]) {
  return s.run('cc-build', ['--progress=plain', ...args], { cwd: context });
}

function inspect(s: TestStore, image: string) {
  const [record] = JSON.parse(s.run('cc-inspect', [image]).stdout) as Array<{
    config: Record<string, unknown>;
    history: Array<{ createdBy: string; emptyLayer?: boolean }>;
    layers: string[];
  }>;
  return record!;
}

const LANGUAGE = `# syntax=docker/dockerfile:1
ARG BASE=busybox
FROM \${BASE} AS build
ARG WHO=world
ARG UNSET
ENV GREETING="hello \${WHO}" DEFAULTED=\${UNSET:-fallback} ALT=\${WHO:+set}
ENV LEGACY the legacy form
RUN <<EOT
echo "script: $GREETING" > /out
echo second line >> /out
EOT
RUN <<'EOT' sh
echo 'no $EXPANSION here' > /quoted
EOT
RUN cat <<EOT > /shell-heredoc
$GREETING from a shell heredoc
EOT
COPY <<EOT /etc/motd
welcome, \${WHO}
EOT
RUN <<EOT
#!/bin/sh
echo "shebang script" > /shebang
EOT
WORKDIR /a
WORKDIR b
RUN pwd > /pwd
SHELL ["/bin/sh", "-ec"]
RUN echo "$0 $-" > /shell
USER 1000:50
RUN id > /home/user/id
USER root
RUN env | sort > /env

FROM scratch AS final
COPY --from=build /bin/busybox /bin/busybox
COPY --from=build /out /shell-heredoc /quoted /shebang /pwd /shell /env /etc/motd /data/
COPY --from=0 /home/user/id /data/id
LABEL org.example.name="demo app" version=1
EXPOSE 8080/tcp 9090
VOLUME ["/data"]
STOPSIGNAL SIGINT
HEALTHCHECK --interval=30s --retries=3 CMD ["/bin/busybox", "true"]
ONBUILD RUN echo triggered > /onbuild
ENTRYPOINT ["/bin/busybox"]
CMD ["cat", "/data/out"]
`;

describe('the Dockerfile language', () => {
  test('builds a multi-stage spec using every instruction, each with its effect', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      const context = writeContext(s, 'lang', { Dockerfile: LANGUAGE });
      const built = build(s, context, ['--build-arg', 'WHO=tester', '-f', 'Dockerfile', 'demo']);
      assert.equal(built.status, 0, built.stderr);

      assert.equal(
        s.run('cc-start', ['--rm', 'demo']).stdout,
        'script: hello tester\nsecond line\n',
      );
      const files = (name: string) =>
        s.run('cc-start', ['--rm', 'demo', 'cat', `/data/${name}`]).stdout;
      assert.equal(files('shell-heredoc'), 'hello tester from a shell heredoc\n');
      assert.equal(files('quoted'), 'no $EXPANSION here\n');
      assert.equal(files('shebang'), 'shebang script\n');
      assert.equal(files('motd'), 'welcome, tester\n');
      assert.equal(files('pwd'), '/a/b\n');
      assert.equal(files('shell'), '/bin/sh ce\n');
      assert.equal(files('id'), 'uid=1000(user) gid=50(staff) groups=50(staff)\n');
      const env = files('env').split('\n');
      for (const entry of [
        'GREETING=hello tester',
        'DEFAULTED=fallback',
        'ALT=set',
        'LEGACY=the legacy form',
        'WHO=tester',
      ]) {
        assert.ok(env.includes(entry), entry);
      }

      const { config, history } = inspect(s, 'demo');
      assert.deepEqual(config.labels, { 'org.example.name': 'demo app', version: '1' });
      assert.deepEqual(config.exposedPorts, ['8080/tcp', '9090']);
      assert.deepEqual(config.volumes, ['/data']);
      assert.equal(config.stopSignal, 'SIGINT');
      assert.deepEqual(config.healthcheck, {
        test: ['CMD', '/bin/busybox', 'true'],
        interval: '30s',
        retries: 3,
      });
      assert.deepEqual(config.onBuild, ['RUN echo triggered > /onbuild']);
      assert.deepEqual(config.entrypoint, ['/bin/busybox']);
      assert.deepEqual(config.cmd, ['cat', '/data/out']);
      assert.equal(history[history.length - 1]!.createdBy, 'CMD ["cat", "/data/out"]');
      assert.equal(history[history.length - 1]!.emptyLayer, true);
    });
  });

  test('builds only the stages --target needs', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      const spec =
        'FROM busybox AS one\nRUN echo one > /one\nFROM busybox AS two\nRUN exit 1\nFROM one\n';
      const context = writeContext(s, 't', { Dockerfile: spec });
      const built = build(s, context, ['--target', 'one', 'only', 'Dockerfile']);
      assert.equal(built.status, 0, built.stderr);
      assert.doesNotMatch(built.stderr, /exit 1/);
      assert.equal(s.run('cc-start', ['--rm', 'only', 'cat', '/one']).stdout, 'one\n');
      assert.match(
        build(s, context, ['--target', 'nope', 'x', 'Dockerfile']).stderr,
        /--target: no stage named 'nope'/,
      );
    });
  });

  test("runs a base image's ONBUILD triggers after FROM", async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      const context = writeContext(s, 'o', {
        'base.ccspec': 'FROM busybox\nONBUILD RUN echo triggered > /onbuild\n',
        'child.ccspec': 'FROM parent\nRUN cat /onbuild\n',
      });
      assert.equal(build(s, context, ['parent', 'base.ccspec']).status, 0);
      const child = build(s, context, ['child', 'child.ccspec']);
      assert.equal(child.status, 0, child.stderr);
      assert.equal(s.run('cc-start', ['--rm', 'child', 'cat', '/onbuild']).stdout, 'triggered\n');
      assert.equal(inspect(s, 'child').config.onBuild, undefined);
    });
  });

  test("combines ENTRYPOINT and CMD by Docker's rules", async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      const context = writeContext(s, 'e', {
        'exec.ccspec': 'FROM busybox\nENTRYPOINT ["echo", "entry"]\nCMD ["default"]\n',
        'shell.ccspec': 'FROM busybox\nCMD ["ignored"]\nENTRYPOINT echo shell form\n',
        'reset.ccspec': 'FROM withcmd\nENTRYPOINT ["echo"]\n',
        'withcmd.ccspec': 'FROM busybox\nCMD ["inherited"]\n',
      });
      for (const name of ['exec', 'shell', 'withcmd', 'reset']) {
        assert.equal(build(s, context, [name, `${name}.ccspec`]).status, 0);
      }
      assert.equal(s.run('cc-start', ['--rm', 'exec']).stdout, 'entry default\n');
      assert.equal(s.run('cc-start', ['--rm', 'exec', 'given']).stdout, 'entry given\n');
      assert.equal(s.run('cc-start', ['--rm', 'shell', 'given']).stdout, 'shell form\n');
      // ENTRYPOINT resets a CMD inherited from the base image.
      assert.equal(s.run('cc-start', ['--rm', 'reset']).stdout, '\n');
      assert.equal(s.run('cc-start', ['--rm', '--entrypoint', 'echo', 'exec', 'x']).stdout, 'x\n');
    });
  });

  test('reads the escape directive and leaves the syntax directive alone', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      const spec =
        '# syntax=docker/dockerfile:1\n# escape=`\nFROM busybox\nRUN echo C:\\path `\n  > /win\n';
      const context = writeContext(s, 'esc', { Dockerfile: spec });
      assert.equal(build(s, context, ['esc', 'Dockerfile']).status, 0);
      assert.equal(s.run('cc-start', ['--rm', 'esc', 'cat', '/win']).stdout, 'C:path\n');
    });
  });

  test('unpacks local tar archives with ADD, compressed or not, copies the rest', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      const context = writeContext(s, 'add', {
        'tree/dir/a.txt': 'inside\n',
        'plain.txt': 'plain\n',
      });
      const kinds: Array<[string, string]> = [
        ['tar', ''],
        ['tar.gz', '--gzip'],
        ['tar.bz2', '--bzip2'],
        ['tar.xz', '--xz'],
        ['tar.zst', '--zstd'],
      ];
      const lines = ['FROM busybox'];
      for (const [suffix, flag] of kinds) {
        const archive = path.join(context, `a.${suffix}`);
        const made = spawnSync('tar', [
          '-c',
          ...(flag ? [flag] : []),
          '-f',
          archive,
          '-C',
          path.join(context, 'tree'),
          '.',
        ]);
        assert.equal(made.status, 0, String(made.stderr));
        lines.push(`ADD a.${suffix} /unpacked/${suffix.replace('.', '-')}/`);
      }
      lines.push('ADD plain.txt /copied/');
      fs.writeFileSync(path.join(context, 'Dockerfile'), `${lines.join('\n')}\n`);

      assert.equal(build(s, context, ['add', 'Dockerfile']).status, 0);
      const found = s.run('cc-start', [
        '--rm',
        'add',
        'sh',
        '-c',
        'cd / && find unpacked copied -type f | sort',
      ]);
      assert.deepEqual(found.stdout.trim().split('\n'), [
        'copied/plain.txt',
        'unpacked/tar-bz2/dir/a.txt',
        'unpacked/tar-gz/dir/a.txt',
        'unpacked/tar-xz/dir/a.txt',
        'unpacked/tar-zst/dir/a.txt',
        'unpacked/tar/dir/a.txt',
      ]);
    });
  });

  test('fetches a URL with ADD, checking --checksum', async (t) => {
    if (!requireRoot(t)) return;
    const server = http.createServer((request, response) => {
      if (request.url === '/files/data.txt') {
        response.writeHead(200, { 'Last-Modified': 'Wed, 21 Oct 2015 07:28:00 GMT' });
        response.end('downloaded\n');
      } else {
        response.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/files/data.txt`;
    try {
      await withStore(async (s) => {
        importBusybox(s);
        const sha = 'sha256:' + sha256Of('downloaded\n');
        const context = writeContext(s, 'url', {
          good: `FROM busybox\nADD --checksum=${sha} ${url} /dl/\n`,
          bad: `FROM busybox\nADD --checksum=sha256:${'0'.repeat(64)} ${url} /dl/\n`,
          missing: `FROM busybox\nADD ${url.replace('data', 'none')} /dl/\n`,
        });
        // The server answers from this process, so the builds must not block it.
        const buildAsync = (args: string[]) =>
          cliAsync('cc-build', ['--progress=plain', ...args], { root: s.root, cwd: context }).done;
        assert.equal((await buildAsync(['url', 'good'])).status, 0);
        const shown = s.run('cc-start', [
          '--rm',
          'url',
          'sh',
          '-c',
          'cat /dl/data.txt; stat -c "%a %Y" /dl/data.txt',
        ]);
        assert.equal(shown.stdout, 'downloaded\n600 1445412480\n');
        assert.match(
          (await buildAsync(['x', 'bad'])).stderr,
          /bad:2: ADD http.*: checksum mismatch/,
        );
        assert.match((await buildAsync(['x', 'missing'])).stderr, /missing:2: ADD .*HTTP 404/);
      });
    } finally {
      server.close();
    }
  });

  const errors: Array<[string, string, RegExp]> = [
    [
      'a missing source',
      'FROM busybox\nCOPY nothing.txt /x\n',
      /:2: COPY source 'nothing.txt' not found/,
    ],
    [
      'several sources into a file',
      'FROM busybox\nCOPY a b /x\n',
      /:2: COPY with more than one .*'\/'/,
    ],
    ['a bad --chmod', 'FROM busybox\nCOPY --chmod=u+x a /x\n', /:2: --chmod needs an octal mode/],
    [
      'RUN --mount',
      'FROM busybox\nRUN --mount=type=cache,target=/c true\n',
      /:2: RUN --mount is not supported/,
    ],
    [
      'an unknown stage',
      'FROM busybox\nCOPY --from=nowhere /x /x\n',
      /:2: COPY --from=nowhere: no stage and no image of that name/,
    ],
    [
      'SHELL in shell form',
      'FROM busybox\nSHELL /bin/bash -c\n',
      /:2: SHELL requires the JSON form/,
    ],
    ['an unknown flag', 'FROM busybox\nCOPY --frm=x a /x\n', /:2: unknown flag '--frm' for COPY/],
    ['a bad variable', 'FROM busybox\nENV A=${B\n', /:2: .*missing '}'/],
  ];
  for (const [what, spec, message] of errors) {
    test(`names file and line for ${what}, and makes no image`, async (t) => {
      if (!requireRoot(t)) return;
      await withStore((s) => {
        importBusybox(s);
        const context = writeContext(s, 'err', { 'spec.ccspec': spec, a: 'a', b: 'b' });
        const result = build(s, context, ['bad', 'spec.ccspec']);
        assert.equal(result.status, 125);
        assert.match(result.stderr, new RegExp(`cc-build: spec\\.ccspec${message.source}`));
        assert.deepEqual(listing(s, 'images'), ['busybox']);
        assert.deepEqual(listing(s, 'tmp'), []);
      });
    });
  }

  test('says when a spec file cannot be read', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      const result = s.run('cc-build', ['x', '/nonexistent/app.ccspec', '/tmp']);
      assert.equal(
        result.stderr,
        "cc-build: cannot read spec '/nonexistent/app.ccspec': no such file or directory\n",
      );
    });
  });
});

function sha256Of(text: string): string {
  return spawnSync('sha256sum', { input: text, encoding: 'utf8' }).stdout.split(' ')[0]!;
}
