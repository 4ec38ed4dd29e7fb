import type { OsRelease } from '../host/os-release.js';
import { mainArchive, type AptSource } from './apt-sources.js';

/**
 * What differs between the distributions we bootstrap. The bootstrap tool is called only
 * through tools.ts, so debootstrap can be swapped for mmdebstrap, or for something else.
 */
export interface Distribution {
  id: 'debian' | 'ubuntu';
  label: string;
  components: string[];
  /** The archive keyring on the host, when its package is installed. */
  keyring: string;
  /**
   * The debootstrap script every release of the distribution uses; a debootstrap older
   * than the release lacks the release's own name for it (see tools.ts).
   */
  debootstrapScript: string;
  /**
   * The mirror to use when none is given: the host's own when the host runs this
   * distribution; otherwise undefined, and the bootstrap tool uses its built-in default.
   */
  defaultMirror(host: OsRelease, sources: readonly AptSource[]): string | undefined;
}

export const DEBIAN: Distribution = {
  id: 'debian',
  label: 'Debian',
  components: ['main'],
  keyring: '/usr/share/keyrings/debian-archive-keyring.gpg',
  debootstrapScript: 'sid',
  defaultMirror: (host, sources) => hostMirror('debian', host, sources),
};

export const UBUNTU: Distribution = {
  id: 'ubuntu',
  label: 'Ubuntu',
  components: ['main'],
  keyring: '/usr/share/keyrings/ubuntu-archive-keyring.gpg',
  debootstrapScript: 'gutsy',
  defaultMirror: (host, sources) => hostMirror('ubuntu', host, sources),
};

function hostMirror(
  id: string,
  host: OsRelease,
  sources: readonly AptSource[],
): string | undefined {
  if (host.id !== id || host.versionCodename === undefined) return undefined;
  return mainArchive(sources, host.versionCodename);
}
