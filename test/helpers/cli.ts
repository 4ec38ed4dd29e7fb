import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, from build/test/helpers/. */
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  root: string;
  input?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** Runs a built cc-* command with the test's own store, as a user would. */
export function cli(command: string, args: string[], options: CliOptions): CliResult {
  const result = spawnSync(process.execPath, [commandPath(command), ...args], {
    cwd: options.cwd ?? REPO,
    env: { ...process.env, ...options.env, CC_ROOT: options.root },
    input: options.input ?? '',
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status ?? 128, stdout: result.stdout, stderr: result.stderr };
}

/** The same, without blocking: for tests that signal the command while it runs. */
export function cliAsync(command: string, args: string[], options: CliOptions) {
  const child = spawn(process.execPath, [commandPath(command), ...args], {
    cwd: options.cwd ?? REPO,
    env: { ...process.env, ...options.env, CC_ROOT: options.root },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) =>
      resolve({ status: code ?? (signal === 'SIGKILL' ? 137 : 143), stdout, stderr }),
    );
  });
  return { child, done, output: () => stdout, stderr: () => stderr };
}

export function commandPath(command: string): string {
  return path.join(REPO, 'dist', 'commands', `${command}.js`);
}

/** Polls until `ready` holds (or fails the test after 20 s). */
export async function waitFor(ready: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
