import * as fs from 'node:fs';
import * as path from 'node:path';

import { writeFileAtomic } from '../util/fsx.js';

export interface EtcFiles {
  hosts: string;
  hostname: string;
  resolvConf: string;
}

/** /etc/hosts for a container: its own name resolves, as `hostname -f` and sudo expect. */
export function hostsContent(hostname: string): string {
  return [
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    `127.0.1.1\t${hostname}`,
    '',
  ].join('\n');
}

/**
 * The host's resolver configuration, copied rather than bound so that a container can edit
 * its own; on the host's network the host's resolvers are reachable as they are.
 */
export function hostResolvConf(): string {
  try {
    return fs.readFileSync('/etc/resolv.conf', 'utf8');
  } catch {
    return '';
  }
}

/** Writes the three files bound over the container's /etc ones, refreshed at each start. */
export function writeEtcFiles(dir: string, hostname: string): EtcFiles {
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  const files = {
    hosts: path.join(dir, 'hosts'),
    hostname: path.join(dir, 'hostname'),
    resolvConf: path.join(dir, 'resolv.conf'),
  };
  writeFileAtomic(files.hosts, hostsContent(hostname));
  writeFileAtomic(files.hostname, `${hostname}\n`);
  writeFileAtomic(files.resolvConf, hostResolvConf());
  return files;
}
