import { checkWorkingDir, parseVolume, type RunOverrides } from '../runtime/config.js';
import { CcError } from '../util/errors.js';
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
};

/** The -v -e -w -u part, for cc-run and cc-start alike. */
export function processOverrides(options: OptionValues) {
  const workdir = stringOption(options, 'workdir');
  return {
    volumes: listOption(options, 'volume').map((text) => parseVolume(text)),
    env: listOption(options, 'env'),
    workingDir: workdir === undefined ? undefined : checkWorkingDir(workdir),
    user: stringOption(options, 'user'),
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
