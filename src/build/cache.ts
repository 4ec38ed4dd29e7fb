import { createHash } from 'node:crypto';
import * as fs from 'node:fs';

import { readLayer } from '../store/layers.js';
import type { CacheEntry } from '../store/gc.js';
import type { Store } from '../store/store.js';
import { readJson, writeJsonAtomic } from '../util/fsx.js';

/**
 * The key of a step: its parent's key and what the step does once variables are expanded
 * (plus, for COPY and ADD, a digest of what it reads). Equal keys mean equal results.
 */
export function chainKey(parent: string, ...parts: string[]): string {
  const hash = createHash('sha256').update(parent);
  for (const part of parts) hash.update('\0').update(part);
  return hash.digest('hex').slice(0, 32);
}

/** A step's cached result: its layer, null for a step that changed no file, or a miss. */
export function lookupCache(store: Store, key: string): string | null | undefined {
  const entry = readJson<CacheEntry>(store.paths.cacheEntry(key));
  if (entry === undefined) return undefined;
  if (entry.layer === null) return null;
  return readLayer(store, entry.layer) === undefined ? undefined : entry.layer;
}

export function recordCache(store: Store, key: string, layer: string | null): void {
  fs.mkdirSync(store.paths.cacheDir, { recursive: true });
  writeJsonAtomic(store.paths.cacheEntry(key), { key, layer, created: new Date().toISOString() });
}
