import * as fs from 'node:fs';

import { CcError } from '../util/errors.js';
import { listDir, readJson, writeJsonAtomic } from '../util/fsx.js';
import { withLock } from '../util/lock.js';
import { readLayer } from './layers.js';
import { checkName, formatImageRef, type ImageRef } from './names.js';
import type { Store } from './store.js';

/** What a container of the image runs by default, as Docker's image config has it. */
export interface ImageConfig {
  env: string[];
  cmd?: string[];
  entrypoint?: string[];
  workingDir?: string;
  user?: string;
  shell?: string[];
  labels?: Record<string, string>;
  exposedPorts?: string[];
  volumes?: string[];
  stopSignal?: string;
  healthcheck?: Healthcheck;
  onBuild?: string[];
}

export interface Healthcheck {
  test: string[];
  interval?: string;
  timeout?: string;
  startPeriod?: string;
  startInterval?: string;
  retries?: number;
}

export interface HistoryEntry {
  created: string;
  createdBy: string;
  /** Set when the step changed only the config, not the file system. */
  emptyLayer?: boolean;
}

/** One immutable version of an image: its layers, bottom first, and its config. */
export interface ImageVersion {
  name: string;
  version: number;
  created: string;
  architecture: string;
  layers: string[];
  config: ImageConfig;
  history: HistoryEntry[];
  /** The image version this one was built FROM, if any. */
  base?: { name: string; version: number };
}

interface ImageIndex {
  name: string;
  current: number;
}

export type NewImageVersion = Omit<ImageVersion, 'name' | 'version' | 'created'>;

/** The version a reference names: the current one, or the one given after '@'. */
export function resolveImage(store: Store, ref: ImageRef): ImageVersion {
  const index = readJson<ImageIndex>(store.paths.imageIndex(ref.name));
  if (index === undefined) {
    throw new CcError(`image '${ref.name}' not found`, { hint: 'cc-images lists the images' });
  }

  const version = ref.version ?? index.current;
  const record = readJson<ImageVersion>(store.paths.imageVersion(ref.name, version));
  if (record === undefined) {
    throw new CcError(`image '${formatImageRef(ref)}' not found`, {
      hint: `cc-images --all lists the versions of '${ref.name}'`,
    });
  }
  return record;
}

/** Adds a version to an image and makes it current: the old version stays as it was. */
export async function commitImage(
  store: Store,
  name: string,
  content: NewImageVersion,
): Promise<ImageVersion> {
  checkName('image', name);
  fs.mkdirSync(`${store.paths.imageDir(name)}/versions`, { recursive: true, mode: 0o700 });

  return withLock(store.paths.imageLock(name), { what: `image '${name}'` }, () => {
    const version = Math.max(0, ...listVersions(store, name)) + 1;
    const record: ImageVersion = {
      name,
      version,
      created: new Date().toISOString(),
      ...content,
    };
    writeJsonAtomic(store.paths.imageVersion(name, version), record);
    writeJsonAtomic(store.paths.imageIndex(name), { name, current: version });
    return record;
  });
}

export function listVersions(store: Store, name: string): number[] {
  return listDir(`${store.paths.imageDir(name)}/versions`)
    .filter((file) => /^[0-9]+\.json$/.test(file))
    .map((file) => Number(file.slice(0, -5)))
    .sort((a, b) => a - b);
}

export interface ImageSummary {
  name: string;
  version: number;
  current: boolean;
  created: string;
  /** Bytes on disk of all its layers. */
  size: number;
  layers: number;
}

/** Every image's current version, or with `all` every version. */
export function listImages(store: Store, options: { all?: boolean } = {}): ImageSummary[] {
  const summaries: ImageSummary[] = [];

  for (const name of listDir(store.paths.imagesDir).sort()) {
    if (name.startsWith('.')) continue;
    const index = readJson<ImageIndex>(store.paths.imageIndex(name));
    if (index === undefined) continue;
    const versions = options.all ? listVersions(store, name) : [index.current];

    for (const version of versions) {
      const record = readJson<ImageVersion>(store.paths.imageVersion(name, version));
      if (record === undefined) continue;
      summaries.push({
        name,
        version,
        current: version === index.current,
        created: record.created,
        size: record.layers.reduce((sum, id) => sum + (readLayer(store, id)?.size ?? 0), 0),
        layers: record.layers.length,
      });
    }
  }
  return summaries;
}

/** Every image version record in the store, for garbage collection. */
export function allImageVersions(store: Store): ImageVersion[] {
  const records: ImageVersion[] = [];
  for (const name of listDir(store.paths.imagesDir)) {
    if (name.startsWith('.')) continue;
    for (const version of listVersions(store, name)) {
      const record = readJson<ImageVersion>(store.paths.imageVersion(name, version));
      if (record !== undefined) records.push(record);
    }
  }
  return records;
}

/**
 * Removes an image name with all its versions, or one version (`name@N`) that is not the
 * current one. Layers are left to the sweep that follows, as containers and other images
 * may still use them.
 */
export async function removeImage(store: Store, ref: ImageRef): Promise<void> {
  const index = readJson<ImageIndex>(store.paths.imageIndex(ref.name));
  if (index === undefined) throw new CcError(`image '${ref.name}' not found`);

  await withLock(store.paths.imageLock(ref.name), { what: `image '${ref.name}'` }, () => {
    if (ref.version === undefined) {
      store.discard(store.paths.imageDir(ref.name));
      return;
    }
    if (ref.version === index.current) {
      throw new CcError(`'${formatImageRef(ref)}' is the current version of '${ref.name}'`, {
        hint: `remove '${ref.name}' itself, or build a newer version first`,
      });
    }
    try {
      fs.unlinkSync(store.paths.imageVersion(ref.name, ref.version));
    } catch {
      throw new CcError(`image '${formatImageRef(ref)}' not found`);
    }
  });
}
