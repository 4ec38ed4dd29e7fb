import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';

import { DIE_WITH_PARENT, PRIVATE_MOUNTS } from '../bootstrap/tools.js';
import type { Store } from '../store/store.js';
import { CcError } from '../util/errors.js';
import { run } from '../util/exec.js';

/**
 * A private mount namespace for the overlays cc-build mounts itself (COPY, ADD, reading
 * other stages). Node cannot enter a namespace, so a helper process holds one
 * (unshare, then sleep; it dies with us through setpriv), mounts are made in it with
 * nsenter, and we reach the mounted trees through /proc/PID/root. The host never sees a
 * mount, and they all vanish with the helper, even when cc-build is killed.
 */
export class MountNamespace {
  private readonly helper: ChildProcess;
  private readonly pid: number;

  private constructor(helper: ChildProcess) {
    this.helper = helper;
    this.pid = helper.pid!;
  }

  static async create(): Promise<MountNamespace> {
    const ours = fs.readlinkSync('/proc/self/ns/mnt');
    const argv = [...PRIVATE_MOUNTS, ...DIE_WITH_PARENT, 'sleep', 'infinity'];
    const helper = spawn(argv[0]!, argv.slice(1), { stdio: 'ignore' });
    if (helper.pid === undefined) throw new CcError('cannot start unshare for the build mounts');

    // Ready once the helper runs sleep, which it execs after unshare and setpriv.
    const deadline = Date.now() + 5000;
    for (;;) {
      const comm = readOr(`/proc/${helper.pid}/comm`).trim();
      const namespace = readLink(`/proc/${helper.pid}/ns/mnt`);
      if (comm === 'sleep' && namespace !== ours) break;
      if (helper.exitCode !== null || Date.now() > deadline) {
        helper.kill('SIGKILL');
        throw new CcError('cannot make a private mount namespace for the build (unshare)');
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    return new MountNamespace(helper);
  }

  /** The path under which a host path shows inside the namespace, mounts included. */
  inside(hostPath: string): string {
    return `/proc/${this.pid}/root${hostPath}`;
  }

  /**
   * Mounts an overlay of layers at `target`, read-only or with an upper directory.
   * Returns the path to reach the mounted tree through.
   */
  async mountLayers(
    store: Store,
    layers: readonly string[],
    target: string,
    writable?: { upper: string; work: string },
  ): Promise<string> {
    fs.mkdirSync(target, { recursive: true });
    if (layers.length === 0 && writable === undefined) {
      await this.run(['mount', '--bind', '-o', 'ro', store.paths.emptyLayer, target]);
      return this.inside(target);
    }

    // Overlayfs takes the top-most lower first, and wants two lowers when it has no upper:
    // the empty layer at the bottom changes nothing and makes that always true. Relative
    // lower paths keep the options under mount(2)'s page-size limit.
    const lower = [...layers.map((id) => `${id}/fs`).reverse(), '.empty'];
    const options = [`lowerdir=${lower.join(':')}`];
    if (writable !== undefined) {
      options.push(`upperdir=${writable.upper}`, `workdir=${writable.work}`);
    }
    await this.run(['mount', '-t', 'overlay', 'overlay', '-o', options.join(','), target], {
      cwd: store.paths.layersDir,
    });
    return this.inside(target);
  }

  async unmount(target: string): Promise<void> {
    await this.run(['umount', target]);
  }

  /** Ends the namespace and with it every mount still in it. */
  close(): void {
    this.helper.kill('SIGKILL');
  }

  private run(argv: string[], options: { cwd?: string } = {}) {
    // nsenter --wd would open the directory before entering the namespace, and overlayfs
    // refuses lower directories reached through another namespace's mounts: env changes
    // directory once inside.
    const where = options.cwd === undefined ? [] : ['env', `--chdir=${options.cwd}`];
    return run(['nsenter', `--target=${this.pid}`, '--mount', '--', ...where, ...argv], {
      name: argv[0],
    });
  }
}

function readOr(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function readLink(file: string): string {
  try {
    return fs.readlinkSync(file);
  } catch {
    return '';
  }
}
