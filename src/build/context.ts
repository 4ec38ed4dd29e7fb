import * as fs from 'node:fs';
import * as path from 'node:path';

import * as dockerignore from '@balena/dockerignore';
import type { Ignore } from '@balena/dockerignore';

import { CcError } from '../util/errors.js';
import { resolveInRoot } from './fsroot.js';

/** One file system entry found under a source, with its path relative to that source. */
export interface SourceEntry {
  /** Host path. */
  host: string;
  /** '' for the source itself, else a relative path with '/' separators. */
  relative: string;
  stat: fs.Stats;
}

type Filter = (relativeToRoot: string) => boolean;

// The package is CommonJS exporting the function itself, which Node and esbuild both give
// as the namespace's default; its types describe an ES default TypeScript cannot call.
const ignore = (dockerignore as unknown as { default: () => Ignore }).default;

/**
 * A tree that COPY reads from: the build context (with .ccignore or .dockerignore
 * applied, links pointing out of it refused) or another stage's root (links read as
 * that root's own, nothing ignored).
 */
export class SourceTree {
  readonly root: string;
  readonly name: string;
  private readonly ignored: Filter;
  private readonly hasExceptions: boolean;
  private readonly escape: 'clamp' | 'reject';

  private constructor(root: string, name: string, patterns: string[], escape: 'clamp' | 'reject') {
    this.root = root;
    this.name = name;
    this.escape = escape;
    const matcher = ignore().add(patterns);
    this.ignored = (relative) => relative.length > 0 && matcher.ignores(relative);
    this.hasExceptions = patterns.some((pattern) => pattern.trim().startsWith('!'));
  }

  /** The build context, with the ignore file Docker users already have as a fallback. */
  static context(dir: string): SourceTree {
    const root = path.resolve(dir);
    if (!fs.statSync(root, { throwIfNoEntry: false })?.isDirectory()) {
      throw new CcError(`build context '${dir}' is not a directory`);
    }
    return new SourceTree(root, 'the build context', readIgnoreFile(root), 'reject');
  }

  /** A stage's or an image's root, for COPY --from. */
  static image(root: string, name: string): SourceTree {
    return new SourceTree(root, name, [], 'clamp');
  }

  isIgnored(relativeToRoot: string): boolean {
    return this.ignored(relativeToRoot);
  }

  /**
   * The paths a COPY source names: itself, or what its wildcards match. `..` and links
   * that would leave the context are refused; an absolute path starts at the context.
   */
  match(pattern: string): string[] {
    const parts = pattern.split('/').filter((part) => part.length > 0 && part !== '.');
    if (!parts.some(hasWildcard)) {
      const host = resolveInRoot(this.root, pattern, { escape: this.escape, rootName: this.name });
      return this.existsAndKept(host) ? [host] : [];
    }

    let current = [this.root];
    for (const part of parts) {
      const next: string[] = [];
      for (const dir of current) {
        if (!hasWildcard(part)) {
          next.push(
            resolveInRoot(this.root, path.relative(this.root, path.join(dir, part)), {
              escape: this.escape,
              rootName: this.name,
            }),
          );
          continue;
        }
        const regex = wildcardToRegExp(part);
        for (const entry of listSorted(dir))
          if (regex.test(entry)) next.push(path.join(dir, entry));
      }
      current = next;
    }
    return current.filter((host) => this.existsAndKept(host));
  }

  /** The entries under a matched source, parents before children, ignored ones left out. */
  walk(source: string): SourceEntry[] {
    const entries: SourceEntry[] = [];
    this.walkInto(source, '', entries);
    return entries;
  }

  private walkInto(host: string, relative: string, entries: SourceEntry[]): boolean {
    const stat = fs.lstatSync(host);
    const ignored = this.ignored(path.relative(this.root, host));
    if (!stat.isDirectory()) {
      if (ignored) return false;
      entries.push({ host, relative, stat });
      return true;
    }
    // An ignored directory is still entered when a `!` pattern may bring back part of it.
    if (ignored && !this.hasExceptions) return false;

    const position = entries.length;
    entries.push({ host, relative, stat });
    let kept = !ignored;
    for (const name of listSorted(host)) {
      const child = relative.length === 0 ? name : `${relative}/${name}`;
      if (this.walkInto(path.join(host, name), child, entries)) kept = true;
    }
    if (!kept && relative.length > 0) entries.splice(position, 1);
    return kept || relative.length === 0;
  }

  private existsAndKept(host: string): boolean {
    if (!fs.existsSync(host)) return false;
    return !this.ignored(path.relative(this.root, host)) || fs.statSync(host).isDirectory();
  }
}

function readIgnoreFile(root: string): string[] {
  for (const name of ['.ccignore', '.dockerignore']) {
    try {
      return fs
        .readFileSync(path.join(root, name), 'utf8')
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line.length > 0 && !line.startsWith('#'));
    } catch {
      continue;
    }
  }
  return [];
}

function listSorted(dir: string): string[] {
  try {
    return fs.readdirSync(dir).sort();
  } catch {
    return [];
  }
}

export function hasWildcard(part: string): boolean {
  return /[*?[]/.test(part);
}

/** One path component's pattern, as Go's filepath.Match reads it (Docker's rules). */
export function wildcardToRegExp(pattern: string): RegExp {
  let source = '';
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index]!;
    if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else if (char === '\\' && index + 1 < pattern.length) source += escapeRegExp(pattern[++index]!);
    else if (char === '[') {
      const close = pattern.indexOf(']', index + 2);
      if (close === -1) {
        source += '\\[';
        continue;
      }
      const body = pattern.slice(index + 1, close).replace(/^\^/, '!');
      const negate = body.startsWith('!');
      const set = (negate ? body.slice(1) : body).replace(/[\]\\^]/g, '\\$&');
      source += `[${negate ? '^' : ''}${set}]`;
      index = close;
    } else source += escapeRegExp(char);
  }
  return new RegExp(`^${source}$`, 's');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
