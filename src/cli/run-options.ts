import { checkWorkingDir, parseVolume, type RunOverrides } from '../runtime/config.js';
import { availableParallelism } from 'node:os';

import type { ContainerRecord, ResourceLimits } from '../store/containers.js';
import { CcError } from '../util/errors.js';
import { parseSize } from '../util/format.js';
import {
  flagOption,
  listOption,
  stringOption,
  type OptionSpecs,
  type OptionValues,
} from './args.js';

/** Options that shape the command's process: cc-start and cc-run share them. */
export const PROCESS_OPTIONS: OptionSpecs = {
  volume: {
    type: 'string',
    short: 'v',
    multiple: true,
    value: 'HOST:PATH[:ro]',
    description: 'Bind a host directory or file into the container',
  },
  env: {
    type: 'string',
    short: 'e',
    multiple: true,
    value: 'KEY=VALUE',
    description: "Set an environment variable (KEY alone passes the caller's)",
  },
  workdir: {
    type: 'string',
    short: 'w',
    value: 'DIR',
    description: 'Working directory inside the container',
  },
  user: {
    type: 'string',
    short: 'u',
    value: 'USER[:GROUP]',
    description: 'Run as this user (name or uid) instead of the image USER',
  },
  tty: {
    type: 'boolean',
    short: 't',
    description: "Give the command a terminal of the container's own",
  },
  interactive: {
    type: 'boolean',
    short: 'i',
    description: 'Accepted as in Docker: stdin is always passed through',
  },
};

/** Options fixed when a container is created: its confinement and its root. */
export const CREATE_OPTIONS: OptionSpecs = {
  entrypoint: { type: 'string', value: 'CMD', description: "Replace the image's ENTRYPOINT" },
  'read-only': { type: 'boolean', description: "Mount the container's root read-only" },
  tmpfs: {
    type: 'string',
    multiple: true,
    value: 'PATH[:OPTS]',
    description: 'Mount a tmpfs at PATH (scratch space for --read-only)',
  },
  network: {
    type: 'string',
    value: 'host|none',
    description: "The host's network (default), or only a loopback of its own",
  },
  'cap-add': {
    type: 'string',
    multiple: true,
    value: 'CAP',
    description: 'Add a capability to the default set',
  },
  'cap-drop': {
    type: 'string',
    multiple: true,
    value: 'CAP',
    description: 'Drop a capability from the default set (ALL for every one)',
  },
  privileged: {
    type: 'boolean',
    description: 'Lift confinement: every capability, no seccomp filter, no masked paths',
  },
  'security-opt': {
    type: 'string',
    multiple: true,
    value: 'OPT',
    description: 'seccomp=unconfined, or no-new-privileges',
  },
  memory: { type: 'string', short: 'm', value: 'SIZE', description: 'Memory limit (64m, 1g)' },
  cpus: { type: 'string', value: 'N', description: 'CPU limit, in CPUs (0.5 is half of one)' },
  'pids-limit': { type: 'string', value: 'N', description: 'Limit on the number of processes' },
  restart: {
    type: 'string',
    value: 'POLICY',
    description: 'With -d: no, on-failure[:N] or always (its init restarts the command)',
  },
  'log-opt': {
    type: 'string',
    multiple: true,
    value: 'OPT',
    description: 'With -d: max-size=SIZE (default 10m) and max-file=N (default 3)',
  },
};

/** --memory, --cpus and --pids-limit, checked as Docker checks them. */
export function parseLimits(options: OptionValues): ResourceLimits {
  const limits: ResourceLimits = {};
  const memory = stringOption(options, 'memory');
  if (memory !== undefined) {
    const bytes = parseSize(memory);
    if (bytes === undefined || bytes < 6 * 1024 * 1024) {
      throw new CcError(`invalid --memory '${memory}': a size of at least 6m, such as 64m or 1g`);
    }
    limits.memory = bytes;
  }
  const cpus = stringOption(options, 'cpus');
  if (cpus !== undefined) {
    const count = Number(cpus);
    if (!Number.isFinite(count) || count <= 0 || count > availableParallelism()) {
      throw new CcError(
        `invalid --cpus '${cpus}': a number above 0, at most ${availableParallelism()}`,
      );
    }
    limits.cpus = count;
  }
  const pids = stringOption(options, 'pids-limit');
  if (pids !== undefined) {
    if (!/^[1-9]\d*$/.test(pids))
      throw new CcError(`invalid --pids-limit '${pids}': a positive number`);
    limits.pids = Number(pids);
  }
  return limits;
}

/** --restart, as Docker writes it; unless-stopped behaves as always without a daemon. */
export function parseRestart(text: string | undefined): ContainerRecord['restart'] {
  if (text === undefined || text === 'no') return undefined;
  const match = /^(on-failure)(?::(\d+))?$|^(always|unless-stopped)$/.exec(text);
  if (match === null) {
    throw new CcError(`invalid --restart '${text}': use no, on-failure[:N] or always`);
  }
  if (match[1] !== undefined) return { policy: 'on-failure', maxRetries: Number(match[2] ?? 0) };
  return { policy: 'always', maxRetries: 0 };
}

/** --log-opt max-size=10m --log-opt max-file=3, as Docker's json-file driver takes them. */
export function parseLogOptions(values: string[]): ContainerRecord['log'] {
  const log = { maxBytes: 10 * 1024 * 1024, maxFiles: 3 };
  for (const value of values) {
    const [key, setting = ''] = value.split('=', 2) as [string, string?];
    if (key === 'max-size' && parseSize(setting) !== undefined && parseSize(setting)! >= 1024) {
      log.maxBytes = parseSize(setting)!;
    } else if (key === 'max-file' && /^[1-9]\d*$/.test(setting)) {
      log.maxFiles = Number(setting);
    } else {
      throw new CcError(`invalid --log-opt '${value}': use max-size=SIZE or max-file=N`);
    }
  }
  return log;
}

/** The -v -e -w -u part, for cc-run and cc-start alike. */
export function processOverrides(options: OptionValues) {
  const workdir = stringOption(options, 'workdir');
  return {
    volumes: listOption(options, 'volume').map((text) => parseVolume(text)),
    env: listOption(options, 'env'),
    workingDir: workdir === undefined ? undefined : checkWorkingDir(workdir),
    user: stringOption(options, 'user'),
    tty: flagOption(options, 'tty'),
  };
}

/** Every override cc-start takes when it creates a container. */
export function createOverrides(options: OptionValues): RunOverrides {
  const network = stringOption(options, 'network') ?? 'host';
  if (network !== 'host' && network !== 'none') {
    throw new CcError(`invalid --network '${network}': use 'host' or 'none'`);
  }
  const security = parseSecurityOptions(listOption(options, 'security-opt'));
  const entrypoint = stringOption(options, 'entrypoint');

  return {
    ...processOverrides(options),
    entrypoint: entrypoint === undefined ? undefined : [entrypoint],
    tmpfs: listOption(options, 'tmpfs').map(checkTmpfs),
    readOnly: flagOption(options, 'read-only'),
    network,
    capAdd: listOption(options, 'cap-add'),
    capDrop: listOption(options, 'cap-drop'),
    privileged: flagOption(options, 'privileged'),
    ...security,
  };
}

function parseSecurityOptions(values: string[]) {
  const result = { seccomp: 'default' as 'default' | 'unconfined', noNewPrivileges: false };
  for (const value of values) {
    if (value === 'seccomp=unconfined' || value === 'seccomp:unconfined') {
      result.seccomp = 'unconfined';
    } else if (/^no-new-privileges([:=]true)?$/.test(value)) {
      result.noNewPrivileges = true;
    } else if (/^no-new-privileges[:=]false$/.test(value)) {
      result.noNewPrivileges = false;
    } else {
      throw new CcError(`unsupported --security-opt '${value}'`, {
        hint: 'supported: seccomp=unconfined, no-new-privileges',
      });
    }
  }
  return result;
}

function checkTmpfs(entry: string): string {
  if (!entry.startsWith('/'))
    throw new CcError(`invalid --tmpfs '${entry}': need an absolute path`);
  return entry;
}

/** Names of the options given, for refusing those that do not apply to a form. */
export function givenOptions(options: OptionValues, specs: OptionSpecs): string[] {
  return Object.keys(specs).filter((name) => options[name] !== undefined);
}
