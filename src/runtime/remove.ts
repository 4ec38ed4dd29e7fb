import { lockContainer, loadContainer, removeContainerFiles } from '../store/containers.js';
import { collectGarbage, sweepLayers, type CollectResult, type SweepResult } from '../store/gc.js';
import { removeImage } from '../store/images.js';
import { parseImageRef } from '../store/names.js';
import type { Store } from '../store/store.js';
import { cleanUpCgroup, killContainer, liveInits } from './stop.js';

/** cc-rm: removes a stopped container; with `force`, kills a running one first. */
export async function removeContainer(store: Store, name: string, force: boolean): Promise<void> {
  loadContainer(store, name);
  const paths = store.paths.containerPaths(name);
  if (force && liveInits(paths).length > 0) await killContainer(store, name);

  const lock = await lockContainer(store, name);
  try {
    await cleanUpCgroup(store, name);
    removeContainerFiles(store, name);
  } finally {
    lock.release();
  }
}

/** cc-rmi: removes an image name (or one version), then the layers nothing uses any more. */
export async function removeImages(store: Store, refs: string[]): Promise<SweepResult> {
  const parsed = refs.map(parseImageRef);
  const lock = await store.lockLayers('exclusive');
  try {
    for (const ref of parsed) await removeImage(store, ref);
    return sweepLayers(store, { keepCached: true });
  } finally {
    lock.release();
  }
}

/** cc-gc: the build cache that no image or container uses, and its layers. */
export async function collectStoreGarbage(store: Store): Promise<CollectResult> {
  const lock = await store.lockLayers('exclusive');
  try {
    return collectGarbage(store);
  } finally {
    lock.release();
  }
}
