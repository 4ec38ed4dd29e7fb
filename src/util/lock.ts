import { spawn } from 'node:child_process';
import * as fs from 'node:fs';

import { CcError } from './errors.js';

/** A held lock; the kernel drops it when the process dies, however it dies. */
export interface Lock {
  release(): void;
}

export interface LockOptions {
  shared?: boolean;
  /** Fail at once when someone else holds the lock, instead of waiting. */
  noWait?: boolean;
  /** What the lock protects, for the message when it is busy. */
  what: string;
}

/**
 * Takes a flock(2) lock on a file. Node.js cannot call flock, so util-linux flock(1) locks
 * a descriptor that it shares with us: flock locks belong to the open file description,
 * so the lock stays with our descriptor after flock(1) exits, and goes when we close it
 * or die.
 */
export async function acquireLock(file: string, options: LockOptions): Promise<Lock> {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_CREAT, 0o600);
  const argv = [options.shared ? '-s' : '-x', ...(options.noWait ? ['-n'] : []), '3'];

  let status: number;
  try {
    status = await new Promise<number>((resolve, reject) => {
      const child = spawn('flock', argv, { stdio: ['ignore', 'ignore', 'pipe', fd] });
      child.on('error', reject);
      child.on('close', (code) => resolve(code ?? 1));
    });
  } catch (error) {
    fs.closeSync(fd);
    throw new CcError(`cannot lock ${options.what}: flock: ${String(error)}`, {
      hint: 'flock comes with util-linux; cc-setup --install-deps installs it',
    });
  }

  if (status !== 0) {
    fs.closeSync(fd);
    throw new CcError(`${options.what} is in use by another command`);
  }

  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      fs.closeSync(fd);
    },
  };
}

/** Runs `body` while holding a lock, releasing it however `body` ends. */
export async function withLock<T>(
  file: string,
  options: LockOptions,
  body: () => Promise<T> | T,
): Promise<T> {
  const lock = await acquireLock(file, options);
  try {
    return await body();
  } finally {
    lock.release();
  }
}
