import { CcError, describeError, EXIT_OWN_FAILURE } from '../util/errors.js';
import { log } from '../util/log.js';
import { stringOption, type OptionSpec, type OptionValues } from './args.js';

/** -t SECONDS of cc-stop, cc-restart and cc-systemd: the grace before SIGKILL. */
export const STOP_TIMEOUT: Record<string, OptionSpec> = {
  time: {
    type: 'string',
    short: 't',
    value: 'SECONDS',
    description: 'How long to wait after the stop signal before killing (default 10)',
  },
};

export function stopTimeoutSeconds(options: OptionValues): number {
  const seconds = stringOption(options, 'time') ?? '10';
  if (!/^\d+$/.test(seconds)) throw new CcError(`invalid -t '${seconds}': a number of seconds`);
  return Number(seconds);
}

/** --json of the listing commands. */
export const JSON_OUTPUT: Record<string, OptionSpec> = {
  json: { type: 'boolean', description: 'Print JSON instead of a table' },
};

/**
 * Does `body` for each name, as docker rm and stop do: an error for one is reported on its
 * own line and does not stop the others; the exit status says whether any failed.
 */
export async function forEachName(
  names: string[],
  body: (name: string) => Promise<void>,
): Promise<number> {
  let failed = false;
  for (const name of names) {
    try {
      await body(name);
      process.stdout.write(`${name}\n`);
    } catch (error) {
      log.error(describeError(error));
      failed = true;
    }
  }
  return failed ? EXIT_OWN_FAILURE : 0;
}
