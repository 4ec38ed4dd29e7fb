import * as path from 'node:path';

import type { HistoryEntry, ImageConfig } from '../store/images.js';
import type { CommandForm, Instruction } from '../spec/types.js';
import { SpecError } from '../util/errors.js';
import { expandWord, expandWords } from '../spec/words.js';
import { chainKey } from './cache.js';

/** A stage while it is built: its layers and config so far, and the variables in scope. */
export interface StageState {
  index: number;
  name?: string;
  layers: string[];
  config: ImageConfig;
  history: HistoryEntry[];
  /** Cache key of everything so far. */
  key: string;
  /** ARG values in scope in this stage. */
  args: Map<string, string>;
  /** Whether CMD was set in this stage: ENTRYPOINT resets only an inherited CMD. */
  cmdSetHere: boolean;
  base?: { name: string; version: number };
  architecture: string;
}

export interface Where {
  file: string;
  line: number;
  escape: '\\' | '`';
}

/** ARGs Docker passes without a declaration, and keeps out of history and cache keys. */
export const PROXY_ARGS = [
  'HTTP_PROXY',
  'http_proxy',
  'HTTPS_PROXY',
  'https_proxy',
  'FTP_PROXY',
  'ftp_proxy',
  'NO_PROXY',
  'no_proxy',
  'ALL_PROXY',
  'all_proxy',
];

/** The variables words are expanded with: ARG values, shadowed by ENV as in Docker. */
export function variables(state: StageState): Map<string, string> {
  const vars = new Map(state.args);
  for (const entry of state.config.env) {
    const equals = entry.indexOf('=');
    vars.set(entry.slice(0, equals), entry.slice(equals + 1));
  }
  return vars;
}

/** The environment of a RUN: the image's ENV plus the ARGs in scope, ENV winning. */
export function runEnvironment(state: StageState): string[] {
  const env = new Map<string, string>();
  for (const [name, value] of state.args) env.set(name, `${name}=${value}`);
  for (const entry of state.config.env) env.set(entry.slice(0, entry.indexOf('=')), entry);
  return [...env.values()];
}

/** The argv of a shell-form or exec-form command, with the stage's SHELL. */
export function commandArgv(state: StageState, command: CommandForm): string[] {
  if (command.form === 'exec') return command.argv;
  return [...(state.config.shell ?? ['/bin/sh', '-c']), command.command];
}

/**
 * Applies an instruction that only changes the image's config (ENV, WORKDIR, CMD, ...).
 * Returns false for the instructions that change files, which steps.ts runs.
 */
export function applyConfig(
  state: StageState,
  instruction: Instruction,
  where: Where,
  buildArgs: ReadonlyMap<string, string>,
  globalArgs: ReadonlyMap<string, string>,
): boolean {
  const word = (raw: string) => expandWord(raw, variables(state), where);
  const config = state.config;

  switch (instruction.kind) {
    case 'ENV':
      for (const { key, value } of instruction.pairs) {
        setEnv(config, word(key), word(value));
      }
      break;
    case 'ARG':
      for (const { name, defaultValue } of instruction.args) {
        const given = buildArgs.get(name) ?? globalArgs.get(name);
        const value = given ?? (defaultValue === undefined ? undefined : word(defaultValue));
        if (value !== undefined) state.args.set(name, value);
      }
      return recordConfig(state, instruction.text, false);
    case 'LABEL':
      config.labels = { ...config.labels };
      for (const { key, value } of instruction.pairs) config.labels[word(key)] = word(value);
      break;
    case 'MAINTAINER':
      config.labels = { ...config.labels, maintainer: instruction.value };
      break;
    case 'WORKDIR': {
      const dir = word(instruction.value);
      config.workingDir = path.posix.resolve(config.workingDir ?? '/', dir);
      break;
    }
    case 'USER':
      config.user = word(instruction.value);
      break;
    case 'STOPSIGNAL':
      config.stopSignal = normalizeSignal(word(instruction.value), where);
      break;
    case 'EXPOSE':
      config.exposedPorts = unique([
        ...(config.exposedPorts ?? []),
        ...instruction.values.flatMap((value) => expandWords(value, variables(state), where)),
      ]);
      break;
    case 'VOLUME':
      config.volumes = unique([...(config.volumes ?? []), ...instruction.values.map(word)]);
      break;
    case 'SHELL':
      config.shell = instruction.argv;
      break;
    case 'CMD':
      config.cmd = commandArgv(state, instruction.command);
      state.cmdSetHere = true;
      break;
    case 'ENTRYPOINT':
      config.entrypoint = commandArgv(state, instruction.command);
      if (!state.cmdSetHere) delete config.cmd;
      break;
    case 'HEALTHCHECK':
      if (instruction.none) config.healthcheck = { test: ['NONE'] };
      else {
        const { command, interval, timeout, startPeriod, startInterval, retries } = instruction;
        const test =
          command!.form === 'exec' ? ['CMD', ...command!.argv] : ['CMD-SHELL', command!.command];
        config.healthcheck = { test, interval, timeout, startPeriod, startInterval, retries };
      }
      break;
    case 'ONBUILD':
      config.onBuild = [...(config.onBuild ?? []), instruction.trigger];
      break;
    default:
      return false;
  }
  return recordConfig(state, instruction.text, true);
}

function recordConfig(state: StageState, text: string, keyed: boolean): true {
  state.history.push({ created: new Date().toISOString(), createdBy: text, emptyLayer: true });
  if (keyed) state.key = chainKey(state.key, 'config', JSON.stringify(state.config));
  return true;
}

function setEnv(config: ImageConfig, name: string, value: string): void {
  const entry = `${name}=${value}`;
  const index = config.env.findIndex((existing) => existing.startsWith(`${name}=`));
  config.env = [...config.env];
  if (index === -1) config.env.push(entry);
  else config.env[index] = entry;
}

const SIGNAL_NUMBERS: Record<string, string> = {
  '1': 'SIGHUP',
  '2': 'SIGINT',
  '3': 'SIGQUIT',
  '9': 'SIGKILL',
  '10': 'SIGUSR1',
  '12': 'SIGUSR2',
  '15': 'SIGTERM',
  '28': 'SIGWINCH',
  '30': 'SIGPWR',
};

/** STOPSIGNAL takes a name with or without SIG, or a number; we keep the SIG name. */
export function normalizeSignal(text: string, where: Where): string {
  const upper = text.toUpperCase();
  const name = SIGNAL_NUMBERS[upper] ?? (upper.startsWith('SIG') ? upper : `SIG${upper}`);
  if (Object.values(SIGNAL_NUMBERS).includes(name)) return name;
  throw new SpecError(where.file, where.line, `unsupported STOPSIGNAL '${text}'`);
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
