import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { busyboxRootfs, debianRootfs } from './fixtures.js';
import type { TestStore } from './store.js';

/** Imports the busybox root file system as an image (hard-linked: instant). */
export function importBusybox(store: TestStore, name = 'busybox'): void {
  const result = store.run('cc-import', ['--link', name, busyboxRootfs()]);
  assert.equal(result.status, 0, result.stderr);
}

/** Imports the run's Debian root file system, or returns false when the run has none. */
export function importDebian(store: TestStore, name = 'debian'): boolean {
  const rootfs = debianRootfs();
  if (rootfs === undefined) return false;
  const result = store.run('cc-import', ['--link', name, rootfs]);
  assert.equal(result.status, 0, result.stderr);
  return true;
}

/** Writes a build context from a table of file names and contents; returns its path. */
export function writeContext(
  store: TestStore,
  name: string,
  files: Record<string, string>,
): string {
  const dir = store.scratch(name);
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

/** What a directory of the store holds, for "nothing was created" checks. */
export function listing(store: TestStore, dir: string): string[] {
  try {
    return fs.readdirSync(path.join(store.root, dir)).filter((entry) => !entry.startsWith('.'));
  } catch {
    return [];
  }
}
