import * as fs from 'node:fs';
import * as path from 'node:path';

import type { CopyInstruction } from '../spec/types.js';
import { expandHeredoc, expandWord } from '../spec/words.js';
import { commitLayer, newLayerId } from '../store/layers.js';
import { SpecError } from '../util/errors.js';
import { extractTar } from '../util/archive.js';
import { fetchUrl, isArchive, isUrl } from './add-sources.js';
import { chainKey, lookupCache, recordCache } from './cache.js';
import { SourceTree, type SourceEntry } from './context.js';
import { copyIntoImage, digestEntries, type CopyItem, type Ownership } from './copy.js';
import { resolveInRoot } from './fsroot.js';
import { nextStepDir, type BuildSession } from './session.js';
import { variables, type StageState, type Where } from './state.js';
import { resolveOwner } from './users.js';

/** What COPY --from names: a stage or an image, known by its layers, mounted on demand. */
export interface FromSource {
  /** Identifies the content: its layers are immutable, so equal ids mean equal files. */
  id: string;
  /** Its root, mounted read-only; only called when the step is not in the cache. */
  tree(): Promise<SourceTree>;
}

export type FromResolver = (from: string, where: Where) => FromSource;

/**
 * COPY and ADD with Docker's rules: several sources and wildcards, a directory copies its
 * contents, a destination ending in '/' is a directory, a relative one starts at WORKDIR.
 * ADD also unpacks local tar archives and fetches http(s) URLs.
 */
export async function copyStep(
  session: BuildSession,
  state: StageState,
  instruction: CopyInstruction,
  where: Where,
  resolveFrom: FromResolver,
): Promise<void> {
  const vars = variables(state);
  const word = (raw: string) => expandWord(raw, vars, where);
  const fail = (message: string): never => {
    throw new SpecError(where.file, where.line, message);
  };

  const written = word(instruction.destination);
  const destination = path.posix.resolve(state.config.workingDir ?? '/', written);
  const mode = parseChmod(instruction.chmod, fail);
  const keyOf = (...content: string[]) =>
    chainKey(
      state.key,
      instruction.kind,
      destination,
      instruction.chown ?? '',
      instruction.chmod ?? '',
      ...content,
    );

  // From a stage or an image, the sources are known by that root's layers: no need to
  // mount and read it to know whether the step is cached.
  const from =
    instruction.from === undefined ? undefined : resolveFrom(word(instruction.from), where);
  let key =
    from === undefined
      ? undefined
      : keyOf('from', from.id, JSON.stringify(instruction.sources.map(word)));
  let cached = key === undefined || session.noCache ? undefined : lookupCache(session.store, key);

  let layer: string | null;
  if (cached !== undefined) {
    layer = cached;
    session.reporter.cached();
  } else {
    const tree = from === undefined ? session.context : await from.tree();
    const scratch = nextStepDir(session, 'copy');
    fs.mkdirSync(scratch, { recursive: true });
    const sources = await gatherSources(instruction, tree, { vars, where, scratch, fail });
    const intoDirectory = /\/$|(^|\/)\.\.?$/.test(written) || sources.length > 1;
    if (sources.length > 1 && !/\/$/.test(written)) {
      fail(`${instruction.kind} with more than one source needs a destination ending in '/'`);
    }
    const items: CopyItem[] = sources.map((source) => ({
      entries: source.entries,
      target: itemTarget(source, destination, intoDirectory),
      name: source.name,
    }));

    key ??= keyOf(String(intoDirectory), digestEntries(items));
    cached = session.noCache ? undefined : lookupCache(session.store, key);
    if (cached !== undefined) {
      layer = cached;
      session.reporter.cached();
    } else {
      const owner =
        instruction.chown ?? (sources.some((source) => source.preserveOwner) ? 'preserve' : 'root');
      layer = await executeCopy(session, state, items, owner, mode, instruction.text);
      recordCache(session.store, key, layer);
    }
  }

  state.key = key!;
  if (layer !== null) state.layers.push(layer);
  state.history.push({ created: new Date().toISOString(), createdBy: instruction.text });
}

interface Source {
  entries: SourceEntry[];
  /** The name a file keeps when it goes into a directory. */
  name: string;
  isDirectory: boolean;
  /** Unpacked archives keep their owners unless --chown says otherwise. */
  preserveOwner: boolean;
}

interface GatherContext {
  vars: Map<string, string>;
  where: Where;
  scratch: string;
  fail: (message: string) => never;
}

async function gatherSources(
  instruction: CopyInstruction,
  tree: SourceTree,
  { vars, where, scratch, fail }: GatherContext,
): Promise<Source[]> {
  const sources: Source[] = [];
  const isAdd = instruction.kind === 'ADD';
  const word = (raw: string) => expandWord(raw, vars, where);

  for (const [index, heredoc] of instruction.heredocs.entries()) {
    const file = path.join(scratch, `heredoc-${index}`);
    const content = heredoc.expand ? expandHeredoc(heredoc.content, vars, where) : heredoc.content;
    fs.writeFileSync(file, content, { mode: 0o644 });
    sources.push(fileSource(file, heredoc.name));
  }

  for (const raw of instruction.sources) {
    const pattern = word(raw);
    if (isAdd && isUrl(pattern)) {
      if (instruction.from !== undefined) fail('ADD --from cannot fetch a URL');
      const file = await fetchUrl(pattern, scratch, instruction.checksum, fail);
      sources.push(fileSource(file.path, file.name));
      continue;
    }
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(pattern))
      fail(`${instruction.kind} cannot read '${pattern}'`);

    const matches = tree.match(pattern);
    if (matches.length === 0)
      fail(`${instruction.kind} source '${pattern}' not found in ${tree.name}`);
    for (const host of matches) {
      const stat = fs.lstatSync(host);
      if (isAdd && stat.isFile() && instruction.from === undefined && isArchive(host)) {
        const unpacked = path.join(scratch, `archive-${sources.length}`);
        await extractTar(host, unpacked);
        const inner = SourceTree.image(unpacked, 'the archive');
        sources.push({
          entries: inner.walk(unpacked),
          name: '',
          isDirectory: true,
          preserveOwner: true,
        });
        continue;
      }
      sources.push({
        entries: tree.walk(host),
        name: path.basename(host),
        isDirectory: stat.isDirectory(),
        preserveOwner: false,
      });
    }
  }
  return sources;
}

function fileSource(file: string, name: string): Source {
  const stat = fs.lstatSync(file);
  return {
    entries: [{ host: file, relative: '', stat }],
    name,
    isDirectory: false,
    preserveOwner: false,
  };
}

function itemTarget(source: Source, destination: string, intoDirectory: boolean): string {
  if (source.isDirectory || !intoDirectory) return destination;
  return path.posix.join(destination, source.name);
}

function parseChmod(
  text: string | undefined,
  fail: (message: string) => never,
): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[0-7]{3,4}$/.test(text)) fail(`--chmod needs an octal mode such as 755, not '${text}'`);
  return parseInt(text, 8);
}

async function executeCopy(
  session: BuildSession,
  state: StageState,
  items: CopyItem[],
  owner: Ownership | string,
  mode: number | undefined,
  createdBy: string,
): Promise<string | null> {
  const dir = nextStepDir(session, 'layer');
  const upper = `${dir}/upper`;
  const work = `${dir}/work`;
  const target = `${dir}/root`;
  fs.mkdirSync(upper, { recursive: true, mode: 0o755 });
  fs.mkdirSync(work, { recursive: true });

  const mounts = await session.mounts();
  const root = await mounts.mountLayers(session.store, state.layers, target, { upper, work });
  try {
    const resolved = typeof owner === 'string' ? ownerFor(root, owner) : owner;
    for (const item of items) item.target = fileIntoExistingDirectory(root, item);
    copyIntoImage(root, items, { owner: resolved, mode });
  } finally {
    await mounts.unmount(target);
  }

  if (fs.readdirSync(upper).length === 0) return null;
  return commitLayer(session.store, newLayerId(), upper, createdBy).id;
}

function ownerFor(root: string, owner: string): Ownership {
  if (owner === 'preserve') return 'preserve';
  if (owner === 'root') return { uid: 0, gid: 0 };
  return resolveOwner(root, owner);
}

/** `COPY file /existing-dir` puts the file inside the directory, as Docker does. */
function fileIntoExistingDirectory(root: string, item: CopyItem): string {
  const first = item.entries[0];
  if (first === undefined || first.stat.isDirectory()) return item.target;
  const host = resolveInRoot(root, item.target, { escape: 'clamp', rootName: 'the image' });
  if (!fs.statSync(host, { throwIfNoEntry: false })?.isDirectory()) return item.target;
  return path.posix.join(item.target, item.name ?? path.basename(first.host));
}
