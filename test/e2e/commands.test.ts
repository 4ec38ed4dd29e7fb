import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';

import { cli } from '../helpers/cli.js';
import { importBusybox, listing, writeContext } from '../helpers/images.js';
import { requireRoot } from '../helpers/root.js';
import { mountsUnder, withStore } from '../helpers/store.js';

const COMMANDS = [
  'cc-setup',
  'cc-build-debian-image',
  'cc-build-ubuntu-image',
  'cc-import',
  'cc-build',
  'cc-start',
  'cc-run',
  'cc-ls',
  'cc-images',
  'cc-rm',
  'cc-rmi',
];

describe('every command', () => {
  for (const command of COMMANDS) {
    test(`${command} --help prints its usage and exits 0`, () => {
      const result = cli(command, ['--help'], { root: '/nonexistent' });
      assert.equal(result.status, 0);
      assert.match(result.stdout, new RegExp(`^Usage: ${command}`));
      assert.match(result.stdout, /--help/);
    });
  }

  test('names an unknown option and exits 125', () => {
    const result = cli('cc-ls', ['--bogus'], { root: '/nonexistent' });
    assert.equal(result.status, 125);
    assert.equal(
      result.stderr,
      "cc-ls: unknown option '--bogus'\nhint: use --help to list the options\n",
    );
  });
});

describe('cc-setup', () => {
  test('checks the host, creates the store, and can run again', async (t) => {
    if (!requireRoot(t)) return;
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-test-setup-'));
    try {
      const first = cli('cc-setup', [], { root: path.join(root, 'store') });
      assert.equal(first.status, 0, first.stdout);
      for (const check of [
        'root',
        'overlayfs',
        'namespaces',
        'util-linux',
        'bootstrap',
        'launcher',
      ]) {
        assert.match(first.stdout, new RegExp(`^ok +${check} `, 'm'));
      }
      assert.match(first.stdout, new RegExp(`^ok +store +${root}/store$`, 'm'));
      const again = cli('cc-setup', [], { root: path.join(root, 'store') });
      assert.equal(again.status, 0);
      assert.deepEqual(fs.readdirSync(path.join(root, 'store')).sort(), [
        'cache',
        'containers',
        'images',
        'layers',
        'store.json',
        'tmp',
      ]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  test('other commands say the store is missing and how to make it', () => {
    const result = cli('cc-ls', [], { root: '/nonexistent/store' });
    if (process.getuid?.() !== 0) return;
    assert.equal(result.status, 125);
    assert.equal(
      result.stderr,
      'cc-ls: no store at /nonexistent/store\nhint: run cc-setup to create it\n',
    );
  });
});

describe('images', () => {
  test('keeps containers and derived images on the version they were made from', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s, 'base');
      const context = writeContext(s, 'v', {
        'app.ccspec': 'FROM base\nRUN echo one > /version\n',
      });
      assert.equal(s.run('cc-build', ['derived', `${context}/app.ccspec`, context]).status, 0);
      s.run('cc-start', ['old', 'derived', 'true']);

      fs.writeFileSync(`${context}/app.ccspec`, 'FROM base\nRUN echo two > /version\n');
      assert.equal(
        s.run('cc-build', ['derived', `${context}/app.ccspec`, context]).stdout,
        'derived@2\n',
      );
      assert.equal(s.run('cc-run', ['old', 'cat', '/version']).stdout, 'one\n');
      assert.equal(s.run('cc-start', ['--rm', 'derived', 'cat', '/version']).stdout, 'two\n');
      assert.equal(s.run('cc-start', ['--rm', 'derived@1', 'cat', '/version']).stdout, 'one\n');

      const images = JSON.parse(s.run('cc-images', ['--json', '--all']).stdout) as Array<{
        name: string;
        version: number;
        current: boolean;
      }>;
      assert.deepEqual(
        images.map((image) => `${image.name}@${image.version}${image.current ? '' : ' old'}`),
        ['base@1', 'derived@1 old', 'derived@2'],
      );
    });
  });

  test('removes images, and the layers no image or container uses', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s, 'base');
      s.run('cc-start', ['keeper', 'base', 'true']);
      assert.equal(s.run('cc-rmi', ['base']).status, 0);
      assert.deepEqual(listing(s, 'images'), []);
      assert.equal(listing(s, 'layers').length, 1, 'the container still uses the layer');
      assert.equal(s.run('cc-run', ['keeper', 'echo', 'still here']).stdout, 'still here\n');

      assert.equal(s.run('cc-rm', ['keeper']).stdout, 'keeper\n');
      importBusybox(s, 'other');
      s.run('cc-rmi', ['other']);
      assert.deepEqual(listing(s, 'layers'), []);
      assert.equal(s.run('cc-rmi', ['nope']).status, 125);
    });
  });

  test('lists containers and images as tables and as JSON', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      importBusybox(s);
      s.run('cc-start', ['web', 'busybox', 'sh', '-c', 'exit 3']);
      const [header, row] = s.run('cc-ls', []).stdout.split('\n');
      assert.match(header!, /^NAME +IMAGE +STATUS +CREATED +COMMAND$/);
      assert.match(row!, /^web +busybox@1 +stopped \(3\) .+ sh -c 'exit 3'$/);
      const [container] = JSON.parse(s.run('cc-ls', ['--json']).stdout) as Array<
        Record<string, unknown>
      >;
      assert.equal(container!.status, 'stopped');
      assert.equal(container!.exitCode, 3);

      const images = s.run('cc-images', []).stdout.split('\n');
      assert.match(images[0]!, /^NAME +VERSION +SIZE +CREATED$/);
      assert.match(images[1]!, /^busybox +1 +[\d.]+[kM]B +.* ago$/);
    });
  });
});

describe('cc-build-ubuntu-image', () => {
  test('needs an Ubuntu keyring and says so', async (t) => {
    if (!requireRoot(t)) return;
    if (fs.existsSync('/usr/share/keyrings/ubuntu-archive-keyring.gpg')) {
      t.skip('this host has the Ubuntu keyring');
      return;
    }
    await withStore((s) => {
      const result = s.run('cc-build-ubuntu-image', ['noble']);
      assert.equal(result.status, 125);
      assert.match(result.stderr, /^cc-build-ubuntu-image: no Ubuntu archive keyring at /);
      assert.deepEqual(listing(s, 'images'), []);
    });
  });

  // The Ubuntu archive is out of reach of the CI machines, or its signature does not match
  // the stand-in keyring: either way the bootstrap gets as far as the download and fails.
  for (const tool of ['debootstrap', 'mmdebstrap']) {
    test(`goes as far as the download with ${tool}, then leaves nothing behind`, async (t) => {
      if (!requireRoot(t)) return;
      await withStore((s) => {
        const keyring = '/usr/share/keyrings/debian-archive-keyring.gpg';
        const result = s.run('cc-build-ubuntu-image', [
          '--tool',
          tool,
          '--keyring',
          keyring,
          'noble',
        ]);
        assert.equal(result.status, 125);
        assert.match(result.stderr, /^Bootstrapping Ubuntu noble \(\w+, minbase\) from/);
        assert.match(
          result.stderr,
          new RegExp(`\\ncc-build-ubuntu-image: ${tool} failed with exit status \\d+: .+\\n$`),
        );
        assert.deepEqual(listing(s, 'images'), []);
        assert.deepEqual(listing(s, 'layers'), []);
        assert.deepEqual(listing(s, 'tmp'), []);
        assert.deepEqual(mountsUnder(s.root), []);
      });
    });
  }

  test('rejects a bad suite or variant before doing anything', async (t) => {
    if (!requireRoot(t)) return;
    await withStore((s) => {
      assert.match(s.run('cc-build-debian-image', ['../etc']).stderr, /invalid suite '..\/etc'/);
      assert.match(
        s.run('cc-build-debian-image', ['--variant', 'huge', 'bookworm']).stderr,
        /invalid --variant/,
      );
      assert.match(
        s.run('cc-build-debian-image', ['--name', 'a/b', 'bookworm']).stderr,
        /invalid image name/,
      );
      assert.deepEqual(listing(s, 'tmp'), []);
    });
  });
});
