import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { CcError } from '../util/errors.js';
import type { SourceEntry } from './context.js';
import { resolveInRoot } from './fsroot.js';

/** Who owns what COPY writes: Docker's default is root, --chown names someone else. */
export type Ownership = { uid: number; gid: number } | 'preserve';

export interface CopyItem {
  /** The entries of one source, the source itself first (relative ''). */
  entries: SourceEntry[];
  /** Where that source lands in the image, absolute, links not yet resolved. */
  target: string;
  /** The name a single file takes inside a directory that turns out to exist. */
  name?: string;
}

export interface CopyOptions {
  owner: Ownership;
  /** --chmod: the mode for every file and directory copied. */
  mode?: number;
}

const IN_IMAGE = { escape: 'clamp', rootName: 'the image' } as const;

/**
 * Writes sources into an image's root (mounted on the host). Every target path is resolved
 * inside that root first, so an image link such as /lib -> /usr/lib is followed the way
 * the container will see it, and never onto the host.
 */
export function copyIntoImage(imageRoot: string, items: CopyItem[], options: CopyOptions): void {
  const directories: Array<{ host: string; stat: fs.Stats }> = [];

  for (const item of items) {
    for (const entry of item.entries) {
      const target = entry.relative.length === 0 ? item.target : `${item.target}/${entry.relative}`;
      const host = writeEntry(imageRoot, target, entry, options);
      if (entry.stat.isDirectory() && host !== undefined)
        directories.push({ host, stat: entry.stat });
    }
  }

  // Directory times last, once nothing more is written into them.
  for (const { host, stat } of directories.reverse()) fs.utimesSync(host, stat.atime, stat.mtime);
}

function writeEntry(
  imageRoot: string,
  target: string,
  entry: SourceEntry,
  options: CopyOptions,
): string | undefined {
  const parent = resolveInRoot(imageRoot, path.posix.dirname(target), IN_IMAGE);
  makeDirectories(imageRoot, parent, options);
  const host = path.join(parent, path.posix.basename(target));
  const existing = fs.lstatSync(host, { throwIfNoEntry: false });
  const { stat } = entry;

  if (stat.isDirectory()) {
    if (existing?.isDirectory()) return host;
    if (existing?.isSymbolicLink()) {
      const followed = resolveInRoot(imageRoot, path.relative(imageRoot, host), IN_IMAGE);
      if (fs.statSync(followed, { throwIfNoEntry: false })?.isDirectory()) return followed;
    }
    if (existing !== undefined) fs.rmSync(host, { force: true });
    fs.mkdirSync(host);
    setAttributes(host, stat, options, false);
    return host;
  }

  if (existing?.isDirectory()) {
    throw new CcError(
      `cannot copy '${entry.relative || path.basename(entry.host)}' over the directory ${target}`,
    );
  }
  if (existing !== undefined) fs.unlinkSync(host);

  if (stat.isSymbolicLink()) {
    fs.symlinkSync(fs.readlinkSync(entry.host), host);
    setAttributes(host, stat, options, true);
  } else if (stat.isFile()) {
    fs.copyFileSync(entry.host, host);
    setAttributes(host, stat, options, false);
    fs.utimesSync(host, stat.atime, stat.mtime);
  }
  // Sockets, FIFOs and device nodes in a context are left out, as a tar of it would.
  return undefined;
}

/** mkdir -p inside the image: root-owned 0755, or the COPY's owner, as Docker does. */
function makeDirectories(imageRoot: string, dir: string, options: CopyOptions): void {
  if (fs.existsSync(dir)) return;
  const missing: string[] = [];
  for (let current = dir; !fs.existsSync(current) && current !== imageRoot;) {
    missing.unshift(current);
    current = path.dirname(current);
  }
  for (const created of missing) {
    fs.mkdirSync(created, { mode: 0o755 });
    if (options.owner !== 'preserve') fs.chownSync(created, options.owner.uid, options.owner.gid);
  }
}

function setAttributes(host: string, stat: fs.Stats, options: CopyOptions, link: boolean): void {
  const owner = options.owner === 'preserve' ? { uid: stat.uid, gid: stat.gid } : options.owner;
  if (link) {
    fs.lchownSync(host, owner.uid, owner.gid);
    fs.lutimesSync(host, stat.atime, stat.mtime);
    return;
  }
  // chown first: it clears set-user-ID and set-group-ID bits that chmod must then set.
  fs.chownSync(host, owner.uid, owner.gid);
  fs.chmodSync(host, options.mode ?? stat.mode & 0o7777);
}

/**
 * A digest of what a COPY reads: paths, types, modes, owners, link targets and contents,
 * not times, so that a fresh checkout hits the same cache entries.
 */
export function digestEntries(items: ReadonlyArray<{ entries: SourceEntry[]; target: string }>) {
  const hash = createHash('sha256');
  const buffer = Buffer.alloc(1 << 20);

  for (const item of items) {
    hash.update(`target ${item.target}\0`);
    for (const { host, relative, stat } of item.entries) {
      const mode = (stat.mode & 0o7777).toString(8);
      hash.update(`${relative}\0${stat.mode & 0o170000}\0${mode}\0${stat.uid}:${stat.gid}\0`);
      if (stat.isSymbolicLink()) hash.update(`link ${fs.readlinkSync(host)}\0`);
      if (stat.isFile()) hashFile(hash, host, buffer);
    }
  }
  return hash.digest('hex');
}

function hashFile(hash: ReturnType<typeof createHash>, file: string, buffer: Buffer): void {
  const fd = fs.openSync(file, 'r');
  try {
    for (let read; (read = fs.readSync(fd, buffer, 0, buffer.length, null)) > 0;) {
      hash.update(buffer.subarray(0, read));
    }
  } finally {
    fs.closeSync(fd);
  }
}
