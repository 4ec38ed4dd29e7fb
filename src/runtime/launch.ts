import { spawn, type StdioOptions } from 'node:child_process';
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';

import { CcError, EXIT_OWN_FAILURE } from '../util/errors.js';
import { log } from '../util/log.js';
import type { LaunchPlan } from './plan.js';
import { encodePlan } from './wire.js';

/** The launcher built from native/cc-init.c by the install step, next to the compiled JS. */
export const CC_INIT = fileURLToPath(new URL('../cc-init', import.meta.url));

export interface LaunchIo {
  /** Foreground: the caller's stdin, stdout and stderr, or pipes to read the output from. */
  stdio: 'inherit' | 'pipe';
  /** With stdio 'pipe': each chunk of the command's output, stdout and stderr merged. */
  onOutput?: (chunk: Buffer) => void;
}

export interface LaunchResult {
  /** The command's status, 128+n after signal n, or ours (125-127) when it did not run. */
  exitCode: number;
  /** Whether the command was exec'ed. */
  started: boolean;
  /** Host pid of the container's init (run) or of the command (exec). */
  pid?: number;
  /** Mount points cc-init had to create in the container's file system. */
  created: string[];
  /** The launcher's own failure, as it reported it. */
  failure?: { code: number; message: string };
}

/** Forwarded to the launcher, which passes them on to the command. */
const FORWARDED_SIGNALS: NodeJS.Signals[] = [
  'SIGINT',
  'SIGTERM',
  'SIGHUP',
  'SIGQUIT',
  'SIGUSR1',
  'SIGUSR2',
];

/**
 * Runs cc-init with a plan. In the foreground it resolves when the command ends; detached,
 * as soon as the command has started, leaving nothing of ours but the container's init.
 */
export function launch(plan: LaunchPlan, io: LaunchIo): Promise<LaunchResult> {
  if (!fs.existsSync(CC_INIT)) {
    throw new CcError(`the launcher ${CC_INIT} is missing`, {
      hint: 'build it with `npm run build` (install.sh does)',
    });
  }
  if (log.enabled('verbose')) {
    const shown = JSON.stringify(
      plan,
      (key, value) => (key === 'seccomp' ? `${value.length} instructions` : value),
      2,
    );
    process.stderr.write(`launch plan: ${shown}\n`);
  }

  const stdio: StdioOptions = plan.detached
    ? ['ignore', 'ignore', 'ignore', 'pipe', 'pipe']
    : [io.stdio === 'inherit' ? 'inherit' : 'ignore', io.stdio, io.stdio, 'pipe', 'pipe'];
  const mode = plan.mode === 'exec' ? 'exec' : 'run';
  log.command([CC_INIT, mode]);
  const child = spawn(CC_INIT, [mode], { stdio, detached: plan.detached });

  const result: LaunchResult = { exitCode: EXIT_OWN_FAILURE, started: false, created: [] };
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  if (!plan.detached) for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);

  if (io.stdio === 'pipe' && !plan.detached) {
    child.stdout!.on('data', (chunk: Buffer) => io.onOutput?.(chunk));
    child.stderr!.on('data', (chunk: Buffer) => io.onOutput?.(chunk));
  }
  log.step('cc-init spawned');
  const planChannel = child.stdio[3] as NodeJS.WritableStream;
  planChannel.on('error', () => undefined);
  planChannel.end(encodePlan(plan));

  const statusDone = readStatus(child.stdio[4] as NodeJS.ReadableStream, result);
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', (error) => reject(new CcError(`cannot run ${CC_INIT}: ${error.message}`)));
    child.on('close', (code, signal) => resolve(code ?? 128 + (signal === 'SIGKILL' ? 9 : 15)));
  });

  return (async () => {
    try {
      if (plan.detached) {
        await statusDone;
        child.unref();
        if (result.started) result.exitCode = 0;
        else result.exitCode = result.failure?.code ?? (await exited);
        return result;
      }
      const [code] = await Promise.all([exited, statusDone]);
      result.exitCode = code;
      return result;
    } finally {
      for (const signal of FORWARDED_SIGNALS) process.off(signal, forward);
    }
  })();
}

/** Reads the status channel to its end: it ends once the command has started or failed. */
function readStatus(channel: NodeJS.ReadableStream, result: LaunchResult): Promise<void> {
  let pending = '';

  const take = (line: string) => {
    const [word, ...rest] = line.split(' ');
    const argument = rest.join(' ');
    if (word === 'pid' && result.pid === undefined) result.pid = Number(argument);
    else if (word === 'created') result.created.push(argument);
    else if (word === 'started') result.started = true;
    else if (word === 'error') {
      const [code, ...message] = rest;
      result.failure = { code: Number(code), message: message.join(' ') };
    }
  };

  return new Promise((resolve) => {
    channel.setEncoding('utf8');
    channel.on('data', (chunk: string) => {
      pending += chunk;
      let newline: number;
      while ((newline = pending.indexOf('\n')) !== -1) {
        take(pending.slice(0, newline));
        pending = pending.slice(newline + 1);
      }
    });
    channel.on('error', () => resolve());
    channel.on('end', () => resolve());
    channel.on('close', () => resolve());
  });
}
