/** Exit status when Cookie-Cutter itself fails, as in Docker and Podman. */
export const EXIT_OWN_FAILURE = 125;
/** Exit status when the command was found but could not be executed. */
export const EXIT_CANNOT_EXECUTE = 126;
/** Exit status when the command was not found. */
export const EXIT_NOT_FOUND = 127;

export interface CcErrorOptions {
  hint?: string;
  exitCode?: number;
  cause?: unknown;
}

/**
 * An expected failure: printed as one line (plus an optional hint) without a stack.
 * Anything else that reaches the CLI edge is a bug and prints its stack.
 */
export class CcError extends Error {
  readonly hint: string | undefined;
  readonly exitCode: number;

  constructor(message: string, options: CcErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CcError';
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? EXIT_OWN_FAILURE;
  }
}

/** A problem in a spec file, always tied to the file and the line it was found on. */
export class SpecError extends CcError {
  readonly file: string;
  readonly line: number;

  constructor(file: string, line: number, message: string) {
    super(`${file}:${line}: ${message}`);
    this.name = 'SpecError';
    this.file = file;
    this.line = line;
  }
}

/** The errno code of a Node.js system error, or undefined for anything else. */
export function errnoCode(error: unknown): string | undefined {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}

/** Short text for a system error: "no such file or directory" rather than a stack. */
export function describeError(error: unknown): string {
  if (error instanceof CcError) return error.message;
  const code = errnoCode(error);
  if (code !== undefined && error instanceof Error) {
    const text = ERRNO_TEXT[code];
    if (text !== undefined) return text;
    return error.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '');
  }
  return error instanceof Error ? error.message : String(error);
}

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EEXIST: 'already exists',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  ENOTEMPTY: 'directory not empty',
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
  ELOOP: 'too many levels of symbolic links',
  EBUSY: 'device or resource busy',
};
