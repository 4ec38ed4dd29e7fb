import * as fs from 'node:fs';
import * as path from 'node:path';

import { CcError } from '../util/errors.js';
import { exists, listDir, randomHex, readJson, removeTree, writeJsonAtomic } from '../util/fsx.js';
import { acquireLock, type Lock } from '../util/lock.js';
import { bootId, identify, isAlive } from '../util/proc.js';
import { StorePaths } from './paths.js';

const FORMAT = 1;

interface StoreMarker {
  format: number;
  created: string;
}

/** The on-disk store: images, layers, containers and work in progress under one root. */
export class Store {
  readonly paths: StorePaths;

  private constructor(paths: StorePaths) {
    this.paths = paths;
  }

  /** Opens an existing store, cleaning up what a killed command left in the work area. */
  static open(paths: StorePaths = StorePaths.fromEnvironment()): Store {
    const marker = readJson<StoreMarker>(paths.marker);
    if (marker === undefined) {
      throw new CcError(`no store at ${paths.root}`, { hint: 'run cc-setup to create it' });
    }
    if (marker.format !== FORMAT) {
      throw new CcError(`store at ${paths.root} has format ${marker.format}, expected ${FORMAT}`);
    }

    const store = new Store(paths);
    store.removeAbandonedWork();
    return store;
  }

  /** Creates the store's directories; running it again changes nothing. */
  static create(paths: StorePaths = StorePaths.fromEnvironment()): Store {
    for (const dir of [
      paths.root,
      paths.imagesDir,
      paths.layersDir,
      paths.containersDir,
      paths.cacheDir,
      paths.tmpDir,
      paths.emptyLayer,
    ]) {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    }
    if (!exists(paths.marker)) {
      writeJsonAtomic(paths.marker, { format: FORMAT, created: new Date().toISOString() });
    }
    return Store.open(paths);
  }

  /**
   * A directory for work in progress, named after its owner so that a later command can
   * tell whether the owner is gone and remove what it left.
   */
  makeWorkDir(kind: string): string {
    const self = identify(process.pid)!;
    const name = `${kind}.${bootId().slice(0, 8)}.${self.pid}.${self.startTime}.${randomHex(4)}`;
    const dir = path.join(this.paths.tmpDir, name);
    fs.mkdirSync(dir, { mode: 0o700 });
    return dir;
  }

  /** Moves a directory out of sight in one rename, then deletes it. */
  discard(dir: string): void {
    const trash = path.join(this.paths.tmpDir, `trash.${path.basename(dir)}.${randomHex(4)}`);
    try {
      fs.renameSync(dir, trash);
    } catch {
      removeTree(dir);
      return;
    }
    removeTree(trash);
  }

  /** Shared while a command adds references to layers; exclusive while layers are deleted. */
  lockLayers(mode: 'shared' | 'exclusive'): Promise<Lock> {
    return acquireLock(this.paths.storeLock, { shared: mode === 'shared', what: 'the store' });
  }

  private removeAbandonedWork(): void {
    const currentBoot = bootId().slice(0, 8);

    for (const entry of listDir(this.paths.tmpDir)) {
      const [kind, boot, pid, startTime] = entry.split('.');
      if (kind === 'trash') {
        removeTree(path.join(this.paths.tmpDir, entry));
        continue;
      }
      const owner = { pid: Number(pid), startTime: Number(startTime), bootId: bootId() };
      if (boot === currentBoot && isAlive(owner)) continue;
      removeTree(path.join(this.paths.tmpDir, entry));
    }
  }
}
