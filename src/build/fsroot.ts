import * as fs from 'node:fs';
import * as path from 'node:path';

import { CcError } from '../util/errors.js';

export interface ResolveOptions {
  /** Follow a symbolic link in the last component too (default true). */
  followFinal?: boolean;
  /**
   * What to do with a link that points out of the root. 'clamp' reads it as a chroot
   * would: an absolute target starts at the root, `..` stops there (an image's own links
   * are meant that way). 'reject' refuses it (a build context's links point at the host).
   */
  escape: 'clamp' | 'reject';
  /** For messages: what the root is, such as "the build context". */
  rootName: string;
}

const MAX_LINKS = 40;

/**
 * Resolves `target` (taken as relative to `root`) the way the kernel would inside a
 * chroot at `root`, returning a host path that is always inside `root`. Missing components
 * are kept as they are, so the result may not exist yet. Writing to host paths under a
 * root mounted on the host is only safe after this: a link such as /lib -> /usr/lib in an
 * image would otherwise lead the write to the host's /usr/lib.
 */
export function resolveInRoot(root: string, target: string, options: ResolveOptions): string {
  const pending = splitPath(target);
  const resolved: string[] = [];
  let links = 0;

  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '.') continue;
    if (part === '..') {
      if (resolved.length === 0) escapeFound(target, options);
      resolved.pop();
      continue;
    }

    resolved.push(part);
    const last = pending.length === 0;
    if (last && options.followFinal === false) break;

    const host = path.join(root, ...resolved);
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(host);
    } catch {
      resolved.push(...pending.filter((rest) => rest !== '.'));
      pending.length = 0;
      break;
    }
    if (!stat.isSymbolicLink()) continue;

    links += 1;
    if (links > MAX_LINKS) {
      throw new CcError(`'${target}' in ${options.rootName}: too many levels of symbolic links`);
    }
    const link = fs.readlinkSync(host);
    resolved.pop();
    if (link.startsWith('/')) {
      if (options.escape === 'reject') escapeFound(target, options);
      resolved.length = 0;
    }
    pending.unshift(...splitPath(link));
  }

  return path.join(root, ...resolved);
}

function escapeFound(target: string, options: ResolveOptions): void {
  if (options.escape === 'clamp') return;
  throw new CcError(`'${target}' points outside ${options.rootName}`);
}

function splitPath(text: string): string[] {
  return text.split('/').filter((part) => part.length > 0);
}
