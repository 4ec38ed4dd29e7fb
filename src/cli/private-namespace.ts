import { spawn } from 'node:child_process';
import * as fs from 'node:fs';

import { DIE_WITH_PARENT, PRIVATE_MOUNTS } from '../bootstrap/tools.js';

const MARK = 'CC_PRIVATE_MOUNTS';

/**
 * Runs this very command again inside a mount namespace of its own, with private
 * propagation (util-linux unshare), unless it already is: every mount it then makes is
 * invisible on the host and disappears with it, even after SIGKILL. Returns the re-run's
 * exit status, or undefined when this process is the one inside.
 */
export async function reexecInPrivateMountNamespace(): Promise<number | undefined> {
  const current = fs.readlinkSync('/proc/self/ns/mnt');
  // The mark holds the namespace of the parent: only a process in another one is inside.
  const parent = process.env[MARK];
  if (parent !== undefined && parent !== current) return undefined;

  // setpriv makes the re-run die with us: a killed cc-build must not build on unseen.
  const [program, ...argv] = [
    ...PRIVATE_MOUNTS,
    ...DIE_WITH_PARENT,
    process.execPath,
    ...process.execArgv,
    ...process.argv.slice(1),
  ] as [string, ...string[]];
  const child = spawn(program, argv, {
    stdio: 'inherit',
    env: { ...process.env, [MARK]: current },
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, forward);

  return new Promise((resolve) => {
    child.on('error', () => resolve(125));
    child.on('close', (code, signal) => {
      for (const name of signals) process.off(name, forward);
      resolve(code ?? (signal === 'SIGKILL' ? 137 : 143));
    });
  });
}
