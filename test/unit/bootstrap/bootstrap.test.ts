import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { mainArchive, parseDeb822, parseOneLine } from '../../../src/bootstrap/apt-sources.js';
import { DEBIAN, UBUNTU } from '../../../src/bootstrap/distributions.js';
import { bootstrapArgv } from '../../../src/bootstrap/tools.js';
import { parseOsRelease } from '../../../src/host/os-release.js';

const DEB822 = `Types: deb
# a snapshot comment
URIs: http://mirror.example/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://mirror.example/debian-security
Suites: bookworm-security
Components: main

Types: deb-src
URIs: http://mirror.example/src
Suites: bookworm
Components: main

Enabled: no
Types: deb
URIs: http://disabled.example/debian
Suites: bookworm
Components: main
`;

describe('apt sources', () => {
  test('reads deb822 paragraphs, skipping deb-src and disabled ones', () => {
    const sources = parseDeb822(DEB822, 'debian.sources');
    assert.deepEqual(
      sources.map((source) => source.uri),
      ['http://mirror.example/debian', 'http://mirror.example/debian-security'],
    );
    assert.deepEqual(sources[0]!.suites, ['bookworm', 'bookworm-updates']);
  });

  test('reads one-line sources with options and comments', () => {
    const text =
      '# comment\ndeb [arch=amd64 signed-by=/k.gpg] http://m.example/ubuntu noble main universe\n';
    assert.deepEqual(parseOneLine(text, 'sources.list'), [
      {
        uri: 'http://m.example/ubuntu',
        suites: ['noble'],
        components: ['main', 'universe'],
        file: 'sources.list',
      },
    ]);
  });

  test("takes the source serving the host's own release as its main archive", () => {
    assert.equal(mainArchive(parseDeb822(DEB822, 'x'), 'bookworm'), 'http://mirror.example/debian');
    assert.equal(mainArchive(parseDeb822(DEB822, 'x'), 'trixie'), undefined);
  });
});

describe('distributions', () => {
  const debianHost = parseOsRelease('ID=debian\nVERSION_CODENAME=bookworm\n');
  const ubuntuHost = parseOsRelease('ID=ubuntu\nID_LIKE=debian\nVERSION_CODENAME="noble"\n');
  const sources = parseDeb822(DEB822, 'x');

  test("uses the host's mirror for its own distribution", () => {
    assert.equal(DEBIAN.defaultMirror(debianHost, sources), 'http://mirror.example/debian');
  });

  test("leaves the mirror to the tool's default for another distribution", () => {
    assert.equal(UBUNTU.defaultMirror(debianHost, sources), undefined);
    assert.equal(DEBIAN.defaultMirror(ubuntuHost, sources), undefined);
  });
});

describe('bootstrap tools', () => {
  const args = {
    suite: 'bookworm',
    target: '/t',
    mirror: 'http://m/debian',
    arch: 'amd64',
    variant: 'minbase',
    include: ['ca-certificates', 'curl'],
    components: ['main'],
    keyring: '/k.gpg',
  };

  test('runs debootstrap in a private mount namespace of its own', () => {
    assert.deepEqual(bootstrapArgv('debootstrap', args), [
      'unshare',
      '--mount',
      '--propagation',
      'private',
      '--',
      'setpriv',
      '--pdeathsig',
      'SIGKILL',
      '--',
      'debootstrap',
      '--variant=minbase',
      '--arch=amd64',
      '--components=main',
      '--include=ca-certificates,curl',
      '--keyring=/k.gpg',
      '--force-check-gpg',
      'bookworm',
      '/t',
      'http://m/debian',
    ]);
  });

  test('gives mmdebstrap root mode and leaves the mirror out when there is none', () => {
    const argv = bootstrapArgv('mmdebstrap', { ...args, mirror: undefined, include: [] });
    assert.deepEqual(argv.slice(9), [
      'mmdebstrap',
      '--mode=root',
      '--variant=minbase',
      '--architectures=amd64',
      '--components=main',
      '--keyring=/k.gpg',
      '--aptopt=APT::Sandbox::User "root"',
      'bookworm',
      '/t',
    ]);
  });
});
