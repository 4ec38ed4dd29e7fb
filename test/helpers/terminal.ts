import { spawn } from 'node:child_process';

import { commandPath } from './cli.js';

/**
 * Runs a cc-* command on a pseudo-terminal of its own with util-linux script(1), as a user
 * at a terminal would; returns the child and everything the terminal showed so far.
 */
export function onTerminal(
  root: string,
  command: string,
  args: string[],
  cwd?: string,
  size?: { rows: number; columns: number },
) {
  const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;
  const call = [process.execPath, commandPath(command), ...args].map(quote).join(' ');
  const line = size === undefined ? call : `stty rows ${size.rows} cols ${size.columns}; ${call}`;
  const child = spawn('script', ['-qfec', line, '/dev/null'], {
    cwd,
    env: { ...process.env, CC_ROOT: root, TERM: 'xterm', SHELL: '/bin/sh' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let shown = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (shown += chunk));
  const done = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  return { child, done, shown: () => shown };
}
