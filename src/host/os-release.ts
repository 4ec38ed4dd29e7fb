import * as fs from 'node:fs';

export interface OsRelease {
  id: string;
  idLike: string[];
  versionCodename?: string;
}

/** Parses /etc/os-release: KEY=value lines, values optionally quoted. */
export function parseOsRelease(text: string): OsRelease {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match) fields.set(match[1]!, match[2]!.replace(/^(["'])(.*)\1$/, '$2'));
  }
  return {
    id: fields.get('ID') ?? 'linux',
    idLike: (fields.get('ID_LIKE') ?? '').split(/\s+/).filter(Boolean),
    versionCodename: fields.get('VERSION_CODENAME') || undefined,
  };
}

export function readOsRelease(): OsRelease {
  for (const file of ['/etc/os-release', '/usr/lib/os-release']) {
    try {
      return parseOsRelease(fs.readFileSync(file, 'utf8'));
    } catch {
      continue;
    }
  }
  return { id: 'linux', idLike: [] };
}
