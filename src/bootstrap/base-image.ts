import { commitImage, type ImageVersion } from '../store/images.js';
import { commitLayer, newLayerId } from '../store/layers.js';
import type { Store } from '../store/store.js';
import { DOCKER_PATH } from '../runtime/defaults.js';

/** The architecture names images record, Debian's spelling. */
export function debianArch(nodeArch: string = process.arch): string {
  const names: Record<string, string> = {
    x64: 'amd64',
    ia32: 'i386',
    arm: 'armhf',
    arm64: 'arm64',
    ppc64: 'ppc64el',
    s390x: 's390x',
    riscv64: 'riscv64',
  };
  return names[nodeArch] ?? nodeArch;
}

/**
 * Makes a finished root filesystem tree the single layer of a new image version. The
 * tree is moved, not copied; the name moves to the new version only once all is written.
 */
export async function commitBaseImage(
  store: Store,
  name: string,
  tree: string,
  createdBy: string,
  architecture: string,
): Promise<ImageVersion> {
  const lock = await store.lockLayers('shared');
  try {
    const layer = commitLayer(store, newLayerId(), tree, createdBy);
    return await commitImage(store, name, {
      architecture,
      layers: [layer.id],
      config: { env: [`PATH=${DOCKER_PATH}`], cmd: ['/bin/sh'] },
      history: [{ created: layer.created, createdBy }],
    });
  } finally {
    lock.release();
  }
}
