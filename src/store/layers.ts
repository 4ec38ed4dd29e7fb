import * as fs from 'node:fs';

import { diskUsage, randomHex, readJson, writeJsonAtomic } from '../util/fsx.js';
import type { Store } from './store.js';

export interface LayerRecord {
  id: string;
  /** Bytes on disk, counted when the layer was made. */
  size: number;
  created: string;
  /** The step that made it, for history: "debootstrap bookworm", "RUN make". */
  createdBy: string;
}

/** A new random layer id; build steps use their cache key instead. */
export function newLayerId(): string {
  return randomHex(16);
}

/**
 * Turns a finished tree into a layer: one rename into place, so a layer either exists
 * whole or not at all. Returns the existing record when the id is taken (a cache race
 * between two builds that made the same step).
 */
export function commitLayer(
  store: Store,
  id: string,
  tree: string,
  createdBy: string,
): LayerRecord {
  const existing = readLayer(store, id);
  if (existing !== undefined) return existing;

  const record: LayerRecord = {
    id,
    size: diskUsage(tree),
    created: new Date().toISOString(),
    createdBy,
  };
  const staging = `${tree}.layer`;
  fs.mkdirSync(staging, { mode: 0o700 });
  fs.renameSync(tree, `${staging}/fs`);
  writeJsonAtomic(`${staging}/layer.json`, record);

  try {
    fs.renameSync(staging, store.paths.layerDir(id));
  } catch (error) {
    if (readLayer(store, id) === undefined) throw error;
    store.discard(staging);
  }
  return readLayer(store, id)!;
}

export function readLayer(store: Store, id: string): LayerRecord | undefined {
  return readJson<LayerRecord>(store.paths.layerRecord(id));
}
