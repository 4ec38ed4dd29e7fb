import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { Store } from '../../src/store/store.js';
import { StorePaths } from '../../src/store/paths.js';
import { listContainerNames } from '../../src/store/containers.js';
import { liveInits } from '../../src/runtime/stop.js';
import { cgroupLayout } from '../../src/host/cgroups.js';
import { listDir } from '../../src/util/fsx.js';
import { cli, type CliResult } from './cli.js';

export interface TestStore {
  root: string;
  store: Store;
  /** Runs a cc-* command against this store. */
  run(command: string, args: string[], options?: { input?: string; cwd?: string }): CliResult;
  /** A scratch directory of the test's own, removed with the store. */
  scratch(name: string): string;
}

/**
 * A store of the test's own under a fresh temporary CC_ROOT. When the test ends, it checks
 * that nothing of it is left: no live container process, no process holding a file of
 * the store, no mount under it; then removes it.
 */
export async function withStore(body: (store: TestStore) => Promise<void> | void): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-test-'));
  const store = Store.create(new StorePaths(root));
  const testStore: TestStore = {
    root,
    store,
    run: (command, args, options = {}) => cli(command, args, { root, ...options }),
    scratch: (name) => {
      const dir = path.join(root, 'scratch', name);
      fs.mkdirSync(dir, { recursive: true });
      return dir;
    },
  };

  try {
    await body(testStore);
  } finally {
    try {
      await assertNothingLeft(root, store);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  }
}

/** The leak checks of withStore, for tests that want them half-way through too. */
export async function assertNothingLeft(root: string, store: Store): Promise<void> {
  const deadline = Date.now() + 5000;
  let holders = processesHolding(root);
  while (holders.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    holders = processesHolding(root);
  }
  assert.deepEqual(holders, [], `processes still hold files under ${root}`);

  for (const name of listContainerNames(store)) {
    assert.deepEqual(liveInits(store.paths.containerPaths(name)), [], `container ${name} runs`);
  }
  assert.deepEqual(mountsUnder(root), [], `mounts left under ${root}`);
  assert.deepEqual(cgroupsOf(root), [], `cgroups left by ${root}`);
}

/** Cgroup directories the containers of the store at `root` have, on v1 or v2. */
export function cgroupsOf(root: string): string[] {
  const prefix = `${createHash('sha256').update(root).digest('hex').slice(0, 8)}-`;
  const layout = cgroupLayout();
  const parents = [layout.unified, ...Object.values(layout.v1)]
    .filter((mount): mount is string => mount !== undefined)
    .map((mount) => path.join(mount, 'cookie-cutter'));
  return [...new Set(parents)].flatMap((parent) =>
    listDir(parent)
      .filter((entry) => entry.startsWith(prefix))
      .map((entry) => path.join(parent, entry)),
  );
}

/** Mount points under `root` in our mount namespace (the host's). */
export function mountsUnder(root: string): string[] {
  return fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((mountPoint) => mountPoint === root || mountPoint.startsWith(`${root}/`));
}

/**
 * Processes with an open file, a working directory or a root under `root`: a container's
 * init holds its run lock and state directory, so this finds every one still alive.
 */
export function processesHolding(root: string): string[] {
  const found: string[] = [];
  for (const pid of fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    if (Number(pid) === process.pid) continue;
    const links: string[] = [];
    try {
      for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
        links.push(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      }
      links.push(fs.readlinkSync(`/proc/${pid}/cwd`));
    } catch {
      continue;
    }
    if (links.some((link) => link === root || link.startsWith(`${root}/`))) {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (/\) Z /.test(stat)) continue;
      found.push(`${pid} ${fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')}`);
    }
  }
  return found;
}
