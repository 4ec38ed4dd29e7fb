import * as path from 'node:path';

/** Where the store lives unless CC_ROOT says otherwise. */
export const DEFAULT_ROOT = '/var/lib/cookie-cutter';

/**
 * Every location in the store, derived from its root. Names reaching these functions have
 * been checked by names.ts, so each is exactly one path component.
 */
export class StorePaths {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  static fromEnvironment(env: NodeJS.ProcessEnv = process.env): StorePaths {
    return new StorePaths(env.CC_ROOT && env.CC_ROOT.length > 0 ? env.CC_ROOT : DEFAULT_ROOT);
  }

  get marker(): string {
    return path.join(this.root, 'store.json');
  }

  /** Shared by commands that add references to layers; exclusive while layers are deleted. */
  get storeLock(): string {
    return path.join(this.root, 'store.lock');
  }

  get imagesDir(): string {
    return path.join(this.root, 'images');
  }

  get layersDir(): string {
    return path.join(this.root, 'layers');
  }

  get containersDir(): string {
    return path.join(this.root, 'containers');
  }

  get cacheDir(): string {
    return path.join(this.root, 'cache');
  }

  get tmpDir(): string {
    return path.join(this.root, 'tmp');
  }

  imageDir(name: string): string {
    return path.join(this.imagesDir, name);
  }

  imageIndex(name: string): string {
    return path.join(this.imageDir(name), 'image.json');
  }

  imageLock(name: string): string {
    return path.join(this.imagesDir, `.${name}.lock`);
  }

  imageVersion(name: string, version: number): string {
    return path.join(this.imageDir(name), 'versions', `${version}.json`);
  }

  /** An empty directory: the lower layer of a container whose image has none. */
  get emptyLayer(): string {
    return path.join(this.layersDir, '.empty');
  }

  layerDir(id: string): string {
    return path.join(this.layersDir, id);
  }

  /** The tree of a layer: a bootstrapped root filesystem or an overlay upper directory. */
  layerTree(id: string): string {
    return path.join(this.layersDir, id, 'fs');
  }

  layerRecord(id: string): string {
    return path.join(this.layersDir, id, 'layer.json');
  }

  containerDir(name: string): string {
    return path.join(this.containersDir, name);
  }

  containerPaths(name: string): ContainerPaths {
    return containerPathsIn(this.containerDir(name));
  }

  cacheEntry(key: string): string {
    return path.join(this.cacheDir, `${key}.json`);
  }
}

export interface ContainerPaths {
  dir: string;
  config: string;
  /** Held by the container's init while it runs, and by commands that change it. */
  runLock: string;
  /** The last run: written by cc-init as soon as the container's init exists. */
  state: string;
  /** How the last run ended: written by the container's init as it exits. */
  exit: string;
  upper: string;
  work: string;
  /** Mount point of the container's root inside its own mount namespace; empty on the host. */
  rootfs: string;
  /** Files bound over /etc/hosts, /etc/hostname and /etc/resolv.conf. */
  etc: string;
  logs: string;
  /** State of a `cc-run` on a stopped container: a run of its own beside the main one. */
  session: string;
}

/** The layout of a container directory, wherever it sits (store or temporary area). */
export function containerPathsIn(dir: string): ContainerPaths {
  return {
    dir,
    config: path.join(dir, 'container.json'),
    runLock: path.join(dir, 'run.lock'),
    state: path.join(dir, 'state.json'),
    exit: path.join(dir, 'exit.json'),
    upper: path.join(dir, 'upper'),
    work: path.join(dir, 'work'),
    rootfs: path.join(dir, 'rootfs'),
    etc: path.join(dir, 'etc'),
    logs: path.join(dir, 'logs'),
    session: path.join(dir, 'session'),
  };
}
