import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

import { loadContainer } from '../store/containers.js';
import type { Store } from '../store/store.js';
import { run } from '../util/exec.js';
import { unitName, unitText } from './systemd.js';

export interface UnitRequest {
  restart: 'no' | 'on-failure' | 'always';
  stopTimeout: number;
  install: boolean;
}

/** cc-systemd: the unit's text, and with `install` the file written and systemd reloaded. */
export async function writeUnit(store: Store, name: string, request: UnitRequest) {
  const record = loadContainer(store, name);
  const text = unitText({
    record,
    storeRoot: store.paths.root,
    ccStart: commandFor('cc-start'),
    ccStop: commandFor('cc-stop'),
    restart: request.restart,
    stopTimeout: request.stopTimeout,
  });
  if (!request.install) return { text, file: undefined, message: '' };

  const file = path.join('/etc/systemd/system', unitName(name));
  fs.writeFileSync(file, text);
  const systemdRuns = fs.existsSync('/run/systemd/system');
  if (systemdRuns) await run(['systemctl', 'daemon-reload']);
  const enable = `systemctl enable --now ${unitName(name)}`;
  const message = systemdRuns
    ? `Wrote ${file}; start it at boot with: ${enable}`
    : `Wrote ${file}; systemd does not run on this host, so nothing will start it`;
  return { text, file, message };
}

/**
 * The absolute command line of a cc-* command for ExecStart=: the one on PATH, else Node
 * with the bundled script next to this one.
 */
function commandFor(command: string): string {
  for (const dir of (process.env.PATH ?? '').split(':').filter(Boolean)) {
    const candidate = path.join(dir, command);
    if (fs.existsSync(candidate)) return candidate;
  }
  const script = fileURLToPath(new URL(`./${command}.js`, import.meta.url));
  return `${process.execPath} ${script}`;
}
