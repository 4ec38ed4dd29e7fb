import * as fs from 'node:fs';

import { run } from './exec.js';

/**
 * Unpacks a tar archive, plain or compressed (GNU tar tells which), keeping owners, modes
 * and extended attributes as root does. Into a directory of our own only: tar guards
 * against links inside the archive, not against links already in the target.
 */
export async function extractTar(archive: string, target: string): Promise<void> {
  fs.mkdirSync(target, { recursive: true, mode: 0o755 });
  await run([
    'tar',
    '--extract',
    '--file',
    archive,
    '--directory',
    target,
    '--numeric-owner',
    '--same-permissions',
    '--same-owner',
    '--xattrs',
    '--xattrs-include=*',
  ]);
}
