import * as path from 'node:path';

import type { ImageConfig } from '../store/images.js';
import { CcError } from '../util/errors.js';
import { DEFAULT_CONFINEMENT, type Confinement, type RunConfig, type Volume } from './plan.js';

/** What the command line adds to or changes in an image's config. */
export interface RunOverrides extends Confinement {
  volumes: Volume[];
  /** -e entries: KEY=VALUE, or KEY to take the caller's value. */
  env: string[];
  workingDir?: string;
  user?: string;
  entrypoint?: string[];
}

export const NO_OVERRIDES: RunOverrides = { ...DEFAULT_CONFINEMENT, volumes: [], env: [] };

/** A run config with the default confinement: for build steps and their debug shell. */
export function confinedRunConfig(
  fields: Pick<RunConfig, 'hostname' | 'argv' | 'env' | 'workingDir' | 'user'> & Partial<RunConfig>,
): RunConfig {
  return { ...DEFAULT_CONFINEMENT, volumes: [], ...fields };
}

/**
 * The container's run config from its image and the command line, by Docker's rules: the
 * command replaces CMD, --entrypoint replaces ENTRYPOINT and drops CMD, -e adds to ENV.
 */
export function makeRunConfig(
  image: ImageConfig,
  hostname: string,
  command: readonly string[],
  overrides: RunOverrides,
  callerEnv: NodeJS.ProcessEnv = process.env,
): RunConfig {
  const entrypoint = overrides.entrypoint ?? image.entrypoint ?? [];
  const defaultCmd = overrides.entrypoint === undefined ? (image.cmd ?? []) : [];
  const argv = [...entrypoint, ...(command.length > 0 ? command : defaultCmd)];
  if (argv.length === 0) {
    throw new CcError('no command given, and the image has no CMD or ENTRYPOINT');
  }

  return {
    hostname,
    argv,
    env: mergeEnv(image.env, resolveEnvOptions(overrides.env, callerEnv)),
    workingDir: overrides.workingDir ?? image.workingDir ?? '/',
    user: overrides.user ?? image.user ?? '',
    volumes: overrides.volumes,
    tmpfs: overrides.tmpfs,
    readOnly: overrides.readOnly,
    network: overrides.network,
    capAdd: overrides.capAdd,
    capDrop: overrides.capDrop,
    privileged: overrides.privileged,
    seccomp: overrides.seccomp,
    noNewPrivileges: overrides.noNewPrivileges,
    tty: overrides.tty,
  };
}

/** A run config for one command in an existing container: its own, with -e -w -u on top. */
export function execConfig(
  base: RunConfig,
  command: readonly string[],
  overrides: Pick<RunOverrides, 'env' | 'workingDir' | 'user' | 'volumes' | 'tty'>,
  callerEnv: NodeJS.ProcessEnv = process.env,
): RunConfig {
  return {
    ...base,
    argv: [...command],
    env: mergeEnv(base.env, resolveEnvOptions(overrides.env, callerEnv)),
    workingDir: overrides.workingDir ?? base.workingDir,
    user: overrides.user ?? base.user,
    volumes: [...base.volumes, ...overrides.volumes],
    tty: overrides.tty,
  };
}

/** Later entries override earlier ones with the same name, keeping the first position. */
export function mergeEnv(base: readonly string[], added: readonly string[]): string[] {
  const merged = new Map<string, string>();
  for (const entry of [...base, ...added]) merged.set(entry.split('=', 1)[0]!, entry);
  return [...merged.values()];
}

/** `-e KEY` takes the caller's value, and is dropped when the caller has none (Docker). */
export function resolveEnvOptions(entries: readonly string[], callerEnv: NodeJS.ProcessEnv) {
  const resolved: string[] = [];
  for (const entry of entries) {
    const equals = entry.indexOf('=');
    const key = equals === -1 ? entry : entry.slice(0, equals);
    if (!/^[^=\s]+$/.test(key)) throw new CcError(`invalid -e '${entry}': expected KEY=VALUE`);
    if (equals !== -1) resolved.push(entry);
    else if (callerEnv[key] !== undefined) resolved.push(`${key}=${callerEnv[key]}`);
  }
  return resolved;
}

/** `-v HOST:PATH[:ro|rw]`: a host directory or file, bound at an absolute container path. */
export function parseVolume(text: string, cwd: string = process.cwd()): Volume {
  const parts = text.split(':');
  if (parts.length < 2 || parts.length > 3) {
    throw new CcError(`invalid -v '${text}': expected HOST:PATH[:ro]`);
  }

  const [host, target, mode = 'rw'] = parts as [string, string, string?];
  if (mode !== 'ro' && mode !== 'rw') {
    throw new CcError(`invalid -v '${text}': the mode must be 'ro' or 'rw', not '${mode}'`);
  }
  if (!host.startsWith('/') && !host.startsWith('.')) {
    throw new CcError(`invalid -v '${text}': named volumes are not supported`, {
      hint: 'give a host path: absolute, or starting with ./',
    });
  }
  if (!target.startsWith('/') || path.posix.normalize(target) === '/') {
    throw new CcError(`invalid -v '${text}': '${target}' must be an absolute path below /`);
  }
  return {
    source: path.resolve(cwd, host),
    target: path.posix.normalize(target),
    readOnly: mode === 'ro',
  };
}

/** -w and WORKDIR: an absolute path inside the container. */
export function checkWorkingDir(dir: string): string {
  if (!dir.startsWith('/')) throw new CcError(`invalid -w '${dir}': must be an absolute path`);
  return path.posix.normalize(dir);
}
