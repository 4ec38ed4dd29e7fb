import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export function isUrl(text: string): boolean {
  return /^https?:\/\//i.test(text);
}

/**
 * Magic numbers of the archives ADD unpacks: tar, and tar compressed with gzip, bzip2, xz
 * or zstd. A file is recognised by its content, as Docker does, never by its name.
 */
export function isArchive(file: string): boolean {
  const head = Buffer.alloc(512);
  const fd = fs.openSync(file, 'r');
  let length: number;
  try {
    length = fs.readSync(fd, head, 0, head.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  const starts = (bytes: number[]) => bytes.every((byte, index) => head[index] === byte);

  if (starts([0x1f, 0x8b]) || starts([0x42, 0x5a, 0x68])) return true;
  if (starts([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]) || starts([0x28, 0xb5, 0x2f, 0xfd])) return true;
  return length >= 262 && head.toString('latin1', 257, 262) === 'ustar';
}

export interface Fetched {
  path: string;
  name: string;
}

/**
 * ADD URL: the file as the server sends it, with mode 0600 and the Last-Modified time, as
 * Docker does; `--checksum=sha256:HEX` makes a mismatch an error.
 */
export async function fetchUrl(
  url: string,
  dir: string,
  checksum: string | undefined,
  fail: (message: string) => never,
): Promise<Fetched> {
  let response: Response;
  try {
    response = await fetch(url, { redirect: 'follow' });
  } catch (error) {
    fail(
      `ADD cannot fetch ${url}: ${error instanceof Error ? (error.cause ?? error.message) : error}`,
    );
  }
  if (!response.ok) fail(`ADD cannot fetch ${url}: HTTP ${response.status}`);

  const body = Buffer.from(await response.arrayBuffer());
  if (checksum !== undefined) {
    const [algorithm, expected] = checksum.split(':');
    if (algorithm !== 'sha256' || expected === undefined) fail(`--checksum must be sha256:HEX`);
    const actual = createHash('sha256').update(body).digest('hex');
    if (actual !== expected) fail(`ADD ${url}: checksum mismatch (got sha256:${actual})`);
  }

  const name = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '') || 'index.html';
  const file = path.join(dir, `download-${createHash('sha1').update(url).digest('hex')}`);
  fs.writeFileSync(file, body, { mode: 0o600 });
  const modified = response.headers.get('last-modified');
  if (modified !== null && !Number.isNaN(Date.parse(modified))) {
    const time = new Date(modified);
    fs.utimesSync(file, time, time);
  }
  return { path: file, name };
}
