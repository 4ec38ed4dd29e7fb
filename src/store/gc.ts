import * as fs from 'node:fs';

import { listDir, readJson } from '../util/fsx.js';
import { allImageVersions } from './images.js';
import { readLayer } from './layers.js';
import { listContainerNames, type ContainerRecord } from './containers.js';
import type { Store } from './store.js';

/** A build cache entry: the layer a step made, under the step's key. */
export interface CacheEntry {
  key: string;
  /** null for a step that changed no file. */
  layer: string | null;
  created: string;
}

export interface SweepResult {
  removed: string[];
  freedBytes: number;
}

/** Layers some image version or container uses, and with `cached`, the build cache's. */
export function referencedLayers(store: Store, options: { cached: boolean }): Set<string> {
  const live = new Set<string>();
  for (const image of allImageVersions(store)) for (const id of image.layers) live.add(id);

  for (const name of listContainerNames(store)) {
    const record = readJson<ContainerRecord>(store.paths.containerPaths(name).config);
    for (const id of record?.layers ?? []) live.add(id);
  }

  if (options.cached) {
    for (const entry of listDir(store.paths.cacheDir)) {
      const cached = readJson<CacheEntry>(`${store.paths.cacheDir}/${entry}`);
      if (cached?.layer) live.add(cached.layer);
    }
  }
  return live;
}

/**
 * Deletes the layers nothing references. The caller holds the store's exclusive lock, so
 * no build or container creation is adding a reference meanwhile.
 */
export function sweepLayers(store: Store, options: { keepCached: boolean }): SweepResult {
  const live = referencedLayers(store, { cached: options.keepCached });
  const result: SweepResult = { removed: [], freedBytes: 0 };

  for (const id of listDir(store.paths.layersDir)) {
    if (id.startsWith('.') || live.has(id)) continue;
    result.freedBytes += readLayer(store, id)?.size ?? 0;
    store.discard(store.paths.layerDir(id));
    result.removed.push(id);
  }
  return result;
}

export interface CollectResult extends SweepResult {
  cacheEntries: number;
}

/**
 * cc-gc: forgets the build cache entries whose layer no image and no container uses, then
 * deletes the layers nothing references any more. The caller holds the store's exclusive
 * lock.
 */
export function collectGarbage(store: Store): CollectResult {
  const used = referencedLayers(store, { cached: false });
  let cacheEntries = 0;

  for (const entry of listDir(store.paths.cacheDir)) {
    const file = `${store.paths.cacheDir}/${entry}`;
    const cached = readJson<CacheEntry>(file);
    if (cached?.layer !== null && cached?.layer !== undefined && used.has(cached.layer)) continue;
    fs.rmSync(file, { force: true });
    cacheEntries += 1;
  }
  return { ...sweepLayers(store, { keepCached: false }), cacheEntries };
}
