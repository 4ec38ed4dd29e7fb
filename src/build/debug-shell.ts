import { confinedRunConfig } from '../runtime/config.js';
import { launch } from '../runtime/launch.js';
import { planRun, type RunPlanOptions } from '../runtime/plan.js';
import { hostFacts } from '../host/facts.js';
import { randomHex } from '../util/fsx.js';
import { log } from '../util/log.js';

/**
 * cc-build -d: an interactive shell in the file system a failed RUN left, confined like
 * the step itself, so the user can look around; the build cleans up when it exits.
 */
export async function openDebugShell(files: RunPlanOptions['files'], env: string[]): Promise<void> {
  const shell = process.env.SHELL && process.env.SHELL.length > 0 ? process.env.SHELL : '/bin/sh';
  log.info(`Opening ${shell} in the failed step's file system; exit it to clean up.`);

  const plan = planRun({
    program: 'cc-build',
    runId: randomHex(8),
    config: confinedRunConfig({
      hostname: 'cc-build',
      argv: [shell],
      env,
      workingDir: '/',
      user: '',
    }),
    files,
    host: hostFacts(),
    detached: false,
    terminal: process.env.TERM ?? 'xterm',
  });
  const result = await launch(plan, { stdio: 'inherit' });
  if (!result.started && result.failure !== undefined) log.warn(result.failure.message);
}
