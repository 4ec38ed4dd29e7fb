import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { errnoCode } from './errors.js';

/**
 * Writes a file so that readers see the old content or the new, never a mix: write a
 * sibling temporary file, then rename it over the target.
 */
export function writeFileAtomic(file: string, data: string, mode = 0o644): void {
  const temporary = `${file}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`;
  try {
    fs.writeFileSync(temporary, data, { mode });
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
}

export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** Reads a JSON file, or returns undefined when it does not exist. */
export function readJson<T>(file: string): T | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') return undefined;
    throw error;
  }
  return JSON.parse(text) as T;
}

export function exists(file: string): boolean {
  try {
    fs.lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

/** Lists a directory, treating a missing one as empty. */
export function listDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return [];
    throw error;
  }
}

/**
 * Removes a tree. Overlay work directories hold a `work` subdirectory with mode 000, which
 * rm handles as root; the retries cover a directory another process is still emptying.
 */
export function removeTree(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

/** Disk use of a tree in bytes (allocated blocks), counting hard-linked files once. */
export function diskUsage(root: string): number {
  const seen = new Set<string>();
  let total = 0;
  const stack = [root];

  while (stack.length > 0) {
    const current = stack.pop()!;
    let stat: fs.BigIntStats;
    try {
      stat = fs.lstatSync(current, { bigint: true });
    } catch {
      continue;
    }
    if (stat.nlink > 1n && !stat.isDirectory()) {
      const key = `${stat.dev}:${stat.ino}`;
      if (seen.has(key)) continue;
      seen.add(key);
    }
    total += Number(stat.blocks) * 512;
    if (stat.isDirectory()) {
      for (const entry of listDir(current)) stack.push(path.join(current, entry));
    }
  }

  return total;
}

/** A random hex string, for ids and temporary names. */
export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}
