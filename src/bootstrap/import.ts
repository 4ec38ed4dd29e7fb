import * as fs from 'node:fs';
import * as path from 'node:path';

import { checkName } from '../store/names.js';
import type { Store } from '../store/store.js';
import type { ImageVersion } from '../store/images.js';
import { CcError } from '../util/errors.js';
import { extractTar } from '../util/archive.js';
import { run } from '../util/exec.js';
import { commitBaseImage, debianArch } from './base-image.js';

export interface ImportOptions {
  name: string;
  /** A root filesystem: a directory, or a tar archive (plain, gzip, bzip2, xz or zstd). */
  source: string;
  /**
   * Hard-link a directory's files instead of copying them: instant, but the source must
   * never change afterwards, as the image shares its files.
   */
  link?: boolean;
  architecture?: string;
}

/** cc-import: an image from a root filesystem made elsewhere (or by the test suite). */
export async function importRootfs(store: Store, options: ImportOptions): Promise<ImageVersion> {
  checkName('image', options.name);
  const source = path.resolve(options.source);
  const stat = fs.statSync(source, { throwIfNoEntry: false });
  if (stat === undefined) throw new CcError(`'${options.source}' does not exist`);

  const work = store.makeWorkDir('import');
  try {
    const tree = path.join(work, 'fs');
    if (stat.isDirectory()) await copyTree(source, tree, options.link === true);
    else await extractTar(source, tree);

    const createdBy = `import ${path.basename(source)}`;
    const architecture = options.architecture ?? debianArch();
    return await commitBaseImage(store, options.name, tree, createdBy, architecture);
  } finally {
    store.discard(work);
  }
}

async function copyTree(source: string, target: string, link: boolean): Promise<void> {
  // cp keeps owners, modes, times, device nodes, hard links and extended attributes.
  if (link) {
    const linked = await run(['cp', '-al', '--', source, target], { allowFailure: true });
    if (linked.status === 0) return;
    // Hard links cannot cross file systems: copy instead.
    fs.rmSync(target, { recursive: true, force: true });
  }
  await run(['cp', '-a', '--', source, target]);
}
