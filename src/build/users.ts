import * as fs from 'node:fs';

import { CcError } from '../util/errors.js';
import { resolveInRoot } from './fsroot.js';

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
}

/** Parses /etc/passwd or /etc/group text into name, id and (for passwd) group id. */
export function parseIdFile(text: string): PasswdEntry[] {
  const entries: PasswdEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    if (fields.length < 3 || !/^\d+$/.test(fields[2]!)) continue;
    entries.push({ name: fields[0]!, uid: Number(fields[2]), gid: Number(fields[3] ?? fields[2]) });
  }
  return entries;
}

/**
 * `--chown=user:group` as Docker reads it: names are looked up in the image's own files,
 * numbers taken as they are; without a group, a named user's primary group, else gid = uid.
 */
export function resolveOwner(imageRoot: string, spec: string): { uid: number; gid: number } {
  const [user, group] = spec.split(':', 2) as [string, string?];
  const passwd = () => readIdFile(imageRoot, '/etc/passwd');
  const groups = () => readIdFile(imageRoot, '/etc/group');

  const uid = lookup(user, passwd, 'user');
  if (group === undefined || group.length === 0) {
    const byName = /^\d+$/.test(user) ? undefined : passwd().find((entry) => entry.name === user);
    return { uid, gid: byName?.gid ?? uid };
  }
  return { uid, gid: lookup(group, groups, 'group') };
}

function lookup(name: string, entries: () => PasswdEntry[], kind: string): number {
  if (/^\d+$/.test(name)) return Number(name);
  const found = entries().find((entry) => entry.name === name);
  if (found === undefined) throw new CcError(`--chown: ${kind} '${name}' not found in the image`);
  return found.uid;
}

function readIdFile(imageRoot: string, file: string): PasswdEntry[] {
  const host = resolveInRoot(imageRoot, file, { escape: 'clamp', rootName: 'the image' });
  try {
    return parseIdFile(fs.readFileSync(host, 'utf8'));
  } catch {
    return [];
  }
}
