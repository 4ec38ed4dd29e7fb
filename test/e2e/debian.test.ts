import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test, type TestContext } from 'node:test';

import { importBusybox, importDebian, writeContext } from '../helpers/images.js';
import { requireRoot } from '../helpers/root.js';
import { withStore, type TestStore } from '../helpers/store.js';

/** The Debian fixture is bootstrapped once per run by scripts/test.mjs. */
function needDebian(t: TestContext, s: TestStore): boolean {
  if (importDebian(s)) return true;
  if (process.env.CC_MUST_WORK === '1') throw new Error('no Debian fixture in this run');
  t.skip('no Debian fixture (run the suite with npm test)');
  return false;
}

describe('a real Debian image', () => {
  test('builds and runs the Quick Start app: apt-get install, COPY, USER', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      if (!needDebian(t, s)) return;
      const context = writeContext(s, 'my-app', {
        'my-app.ccspec': [
          'FROM debian',
          'RUN apt-get update',
          'RUN apt-get install -y hello',
          'COPY . /srv/my-app',
          'RUN useradd --create-home app',
          'USER app',
          'CMD ["sh", "-c", "hello && cat /srv/my-app/message.txt && id -un"]',
        ].join('\n'),
        'message.txt': 'from the context\n',
      });
      const built = s.run('cc-build', [
        '--progress=plain',
        'my-app',
        path.join(context, 'my-app.ccspec'),
        context,
      ]);
      assert.equal(built.status, 0, built.stderr);
      assert.match(
        built.stderr,
        /Step 3\/7: RUN apt-get install -y hello\n(.*\n)* {4}Setting up hello/,
      );

      const ran = s.run('cc-start', ['--rm', 'my-app']);
      assert.equal(ran.stdout, 'Hello, world!\nfrom the context\napp\n');
      assert.equal(ran.status, 0);
    });
  });

  test('lets runuser, su, useradd and apt-get work inside, as under Docker', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      if (!needDebian(t, s)) return;
      const script = [
        'useradd -m alice',
        'runuser -u alice -- id -un',
        'su -s /bin/sh alice -c "id -un; echo \\$HOME"',
        'apt-get -qq update >/dev/null && echo apt ok',
        'getent hosts $(hostname) | cut -d" " -f1',
      ].join(' && ');
      const result = s.run('cc-start', ['box', 'debian', 'sh', '-c', script]);
      assert.equal(result.stdout, 'alice\nalice\n/home/alice\napt ok\n127.0.1.1\n', result.stderr);
      assert.equal(
        s.run('cc-run', ['-u', 'alice', 'box', 'sh', '-c', 'id -un; pwd']).stdout,
        'alice\n/\n',
      );
      assert.equal(s.run('cc-rm', ['box']).status, 0);
    });
  });

  test('compiles a C program in one stage and ships only the binary on busybox', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      if (!needDebian(t, s)) return;
      importBusybox(s);
      const context = writeContext(s, 'gcc', {
        Dockerfile: [
          'FROM debian AS build',
          'RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev',
          'WORKDIR /src',
          'COPY hello.c .',
          'RUN mkdir /out && gcc -static -O2 -o /out/hello hello.c',
          '',
          'FROM busybox',
          'COPY --from=build /out/hello /usr/local/bin/hello',
          'CMD ["hello", "from the compiled stage"]',
        ].join('\n'),
        'hello.c':
          '#include <stdio.h>\n' +
          'int main(int c, char **v) { printf("%s\\n", c > 1 ? v[1] : "?"); }\n',
      });
      const built = s.run('cc-build', ['--progress=plain', 'hello', 'Dockerfile'], {
        cwd: context,
      });
      assert.equal(built.status, 0, built.stderr);
      assert.equal(s.run('cc-start', ['--rm', 'hello']).stdout, 'from the compiled stage\n');
      const found = s.run('cc-start', [
        '--rm',
        'hello',
        'sh',
        '-c',
        'ls /usr/bin/gcc /src 2>&1; true',
      ]);
      assert.match(found.stdout, /No such file or directory/);
    });
  });
});
