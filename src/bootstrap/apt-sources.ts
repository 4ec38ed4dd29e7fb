import * as fs from 'node:fs';
import * as path from 'node:path';

/** One repository from the host's apt configuration. */
export interface AptSource {
  uri: string;
  suites: string[];
  components: string[];
  /** The file it came from, for messages. */
  file: string;
}

/** Parses deb822 `.sources` text: paragraphs of `Field: value` lines. */
export function parseDeb822(text: string, file: string): AptSource[] {
  const sources: AptSource[] = [];

  for (const paragraph of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    let last: string | undefined;
    for (const line of paragraph.split('\n')) {
      if (line.startsWith('#')) continue;
      if (/^\s/.test(line) && last !== undefined) {
        fields.set(last, `${fields.get(last)} ${line.trim()}`);
        continue;
      }
      const colon = line.indexOf(':');
      if (colon === -1) continue;
      last = line.slice(0, colon).trim().toLowerCase();
      fields.set(last, line.slice(colon + 1).trim());
    }

    const types = (fields.get('types') ?? '').split(/\s+/);
    if (!types.includes('deb') || fields.get('enabled')?.toLowerCase() === 'no') continue;
    for (const uri of (fields.get('uris') ?? '').split(/\s+/).filter(Boolean)) {
      sources.push({
        uri,
        suites: (fields.get('suites') ?? '').split(/\s+/).filter(Boolean),
        components: (fields.get('components') ?? '').split(/\s+/).filter(Boolean),
        file,
      });
    }
  }
  return sources;
}

/** Parses one-line-style `.list` text: `deb [options] URI SUITE COMPONENT...`. */
export function parseOneLine(text: string, file: string): AptSource[] {
  const sources: AptSource[] = [];
  for (const raw of text.split('\n')) {
    const line = raw
      .replace(/#.*/, '')
      .replace(/\[[^\]]*\]/, '')
      .trim();
    const [type, uri, suite, ...components] = line.split(/\s+/);
    if (type !== 'deb' || uri === undefined || suite === undefined) continue;
    sources.push({ uri, suites: [suite], components, file });
  }
  return sources;
}

/** Every enabled `deb` source of the host: sources.list, then sources.list.d in order. */
export function readHostSources(etcApt = '/etc/apt'): AptSource[] {
  const files = [path.join(etcApt, 'sources.list')];
  const dir = path.join(etcApt, 'sources.list.d');
  try {
    files.push(
      ...fs
        .readdirSync(dir)
        .sort()
        .map((name) => path.join(dir, name)),
    );
  } catch {
    // No sources.list.d is fine.
  }

  const sources: AptSource[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    if (file.endsWith('.sources')) sources.push(...parseDeb822(text, file));
    else if (file.endsWith('.list')) sources.push(...parseOneLine(text, file));
  }
  return sources;
}

/**
 * The host's main archive: the source that serves the host's own release (its codename
 * as a plain suite, not -updates or -security). That is the mirror the admin chose.
 */
export function mainArchive(sources: readonly AptSource[], codename: string): string | undefined {
  const main = sources.find((source) => source.suites.includes(codename));
  return main?.uri.replace(/\/+$/, '');
}
