import { spawn, type SpawnOptions } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

import { CcError } from './errors.js';
import { log } from './log.js';

export interface RunResult {
  stdout: string;
  stderr: string;
  status: number;
}

export interface RunOptions {
  /** Text fed to the child's stdin. */
  input?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Return the result instead of throwing when the status is not 0. */
  allowFailure?: boolean;
  /** Called with each chunk of the child's output, stdout and stderr merged, as it arrives. */
  onOutput?: (chunk: string) => void;
  /** The tool's name in messages, when argv[0] is a wrapper such as unshare. */
  name?: string;
  /** Extra descriptors: index 3 and up of the child's stdio. */
  extraFds?: number[];
  /**
   * Pass SIGINT, SIGTERM and SIGHUP on to the child, and once it has ended fail with
   * "interrupted" (exit status 128+n), so the caller's cleanup runs before we exit.
   */
  interruptible?: boolean;
}

/** The error thrown when a tool exits with a status other than 0. */
export class CommandError extends CcError {
  readonly argv: readonly string[];
  readonly status: number;
  readonly stderr: string;

  constructor(
    argv: readonly string[],
    status: number,
    stderr: string,
    name = argv[0],
    output = stderr,
  ) {
    const last = lastLine(stderr) || lastLine(output);
    super(`${name} failed with exit status ${status}${last ? `: ${last}` : ''}`);
    this.argv = argv;
    this.status = status;
    this.stderr = stderr;
  }
}

/**
 * Runs a tool with an argv array (never a shell string), collects its output and turns a
 * failure into a CommandError that carries argv, status and stderr.
 */
export function run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  log.command(argv);
  const stdio: SpawnOptions['stdio'] = [
    options.input === undefined ? 'ignore' : 'pipe',
    'pipe',
    'pipe',
    ...(options.extraFds ?? []),
  ];

  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio, env: options.env, cwd: options.cwd });
    let stdout = '';
    let stderr = '';
    let output = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      output += chunk;
      options.onOutput?.(chunk);
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      output += chunk;
      options.onOutput?.(chunk);
    });
    if (options.input !== undefined) child.stdin!.end(options.input);

    let interrupted: NodeJS.Signals | undefined;
    const forward = (signal: NodeJS.Signals) => {
      interrupted = signal;
      child.kill(signal);
    };
    if (options.interruptible) for (const signal of INTERRUPTS) process.on(signal, forward);
    const stopForwarding = () => {
      for (const signal of INTERRUPTS) process.off(signal, forward);
    };

    child.on('error', (error: NodeJS.ErrnoException) => {
      stopForwarding();
      const why = error.code === 'ENOENT' ? 'not installed' : error.message;
      reject(new CcError(`cannot run ${argv[0]}: ${why}`, { cause: error }));
    });
    child.on('close', (code, signal) => {
      stopForwarding();
      const status = code ?? 128 + signalNumber(signal);
      if (interrupted !== undefined) {
        reject(new CcError('interrupted', { exitCode: 128 + signalNumber(interrupted) }));
        return;
      }
      if (status !== 0 && !options.allowFailure) {
        reject(new CommandError(argv, status, stderr, options.name, output));
        return;
      }
      resolve({ stdout, stderr, status });
    });
  });
}

const INTERRUPTS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Whether a program is on PATH, without running it. */
export function onPath(program: string, pathVariable: string = process.env.PATH ?? ''): boolean {
  return pathVariable
    .split(':')
    .filter(Boolean)
    .some((dir) => {
      try {
        accessSync(`${dir}/${program}`, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
}

/** The number of a signal name, for the 128+n exit status convention. */
export function signalNumber(signal: NodeJS.Signals | null): number {
  if (signal === null) return 0;
  return SIGNAL_NUMBERS[signal] ?? 0;
}

// The common Linux numbers; os.constants.signals has them too, but importing node:os
// for this on every start is not worth it.
const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGABRT: 6,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
};

/** The line that explains a failure: the last error line ("E: ..."), else the last one. */
function lastLine(text: string): string {
  const lines = text
    .trim()
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const errors = lines.filter((line) => /^(E:|error|fatal)/i.test(line));
  return errors[errors.length - 1] ?? lines[lines.length - 1] ?? '';
}
