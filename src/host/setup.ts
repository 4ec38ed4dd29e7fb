import { StorePaths } from '../store/paths.js';
import { Store } from '../store/store.js';
import { run } from '../util/exec.js';
import { log } from '../util/log.js';
import { checkHost, type CheckResult } from './checks.js';

export interface SetupReport {
  checks: CheckResult[];
  /** Where the store is, when it could be created. */
  store?: string;
  ok: boolean;
}

/**
 * cc-setup: checks the host, installs missing packages if asked, creates the store. Safe
 * to run again: it changes nothing that is already right.
 */
export async function setUp(options: { installDeps: boolean }): Promise<SetupReport> {
  let checks = await checkHost();

  if (options.installDeps) {
    const packages = missingPackages(checks);
    if (packages.length > 0) {
      await installPackages(packages);
      checks = await checkHost();
    }
  }

  const ok = checks.every((check) => check.ok || !check.needed);
  const rootOk = checks.find((check) => check.name === 'root')?.ok ?? false;
  if (!rootOk) return { checks, ok };

  const store = Store.create(StorePaths.fromEnvironment());
  return { checks, store: store.paths.root, ok };
}

export function missingPackages(checks: readonly CheckResult[]): string[] {
  const packages = checks
    .filter((check) => !check.ok && check.packages !== undefined)
    .flatMap((check) => check.packages!);
  return [...new Set(packages)];
}

async function installPackages(packages: string[]): Promise<void> {
  log.info(`Installing ${packages.join(' ')} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const show = (chunk: string) => log.info(chunk.replace(/\n$/, '').replace(/^/gm, '    '));
  await run(['apt-get', 'update'], { env, onOutput: show });
  await run(['apt-get', 'install', '-y', '--no-install-recommends', ...packages], {
    env,
    onOutput: show,
  });
}
