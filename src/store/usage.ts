import { containerStatus, listContainerNames } from './containers.js';
import { referencedLayers } from './gc.js';
import { allImageVersions, listImages } from './images.js';
import { readLayer } from './layers.js';
import type { Store } from './store.js';
import { diskUsage, listDir } from '../util/fsx.js';

export interface UsageRow {
  type: 'images' | 'containers' | 'build cache' | 'work in progress';
  count: number;
  /** Bytes on disk. */
  size: number;
  /** Bytes that cc-gc (build cache) or cc-rm (containers) would free. */
  reclaimable: number;
}

/**
 * How the store's space divides, as docker system df shows it: image layers, containers'
 * own files, layers only the build cache keeps, and work in progress. A layer shared by
 * several images counts once.
 */
export function storeUsage(store: Store): UsageRow[] {
  const imageLayers = new Set(allImageVersions(store).flatMap((image) => image.layers));
  const containerLayers = referencedLayers(store, { cached: false });
  const cached = referencedLayers(store, { cached: true });
  const layerSize = (id: string) => readLayer(store, id)?.size ?? 0;

  const cacheOnly = [...cached].filter((id) => !containerLayers.has(id));
  const onlyContainers = [...containerLayers].filter((id) => !imageLayers.has(id));
  const names = listContainerNames(store);
  const containerFiles = names.reduce(
    (sum, name) => sum + diskUsage(store.paths.containerPaths(name).dir),
    0,
  );

  return [
    {
      type: 'images',
      count: listImages(store).length,
      size: sum([...imageLayers].map(layerSize)),
      reclaimable: 0,
    },
    {
      type: 'containers',
      count: names.length,
      size: containerFiles + sum(onlyContainers.map(layerSize)),
      reclaimable: stoppedSize(store, names),
    },
    {
      type: 'build cache',
      count: listDir(store.paths.cacheDir).length,
      size: sum(cacheOnly.map(layerSize)),
      reclaimable: sum(cacheOnly.map(layerSize)),
    },
    {
      type: 'work in progress',
      count: listDir(store.paths.tmpDir).length,
      size: diskUsage(store.paths.tmpDir),
      reclaimable: 0,
    },
  ];
}

/** What removing the stopped containers would free: their own files. */
function stoppedSize(store: Store, names: string[]): number {
  let total = 0;
  for (const name of names) {
    const paths = store.paths.containerPaths(name);
    if (containerStatus(paths).state !== 'running') total += diskUsage(paths.dir);
  }
  return total;
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
