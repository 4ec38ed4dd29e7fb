import * as fs from 'node:fs';
import * as path from 'node:path';

import { writeEtcFiles } from '../runtime/etc.js';
import { launch } from '../runtime/launch.js';
import { confinedRunConfig } from '../runtime/config.js';
import { planRun, type RunConfig, type Volume } from '../runtime/plan.js';
import type { RunInstruction } from '../spec/types.js';
import { commitLayer, newLayerId } from '../store/layers.js';
import { CcError, SpecError } from '../util/errors.js';
import { randomHex } from '../util/fsx.js';
import { chainKey, lookupCache, recordCache } from './cache.js';
import { nextStepDir, type BuildSession } from './session.js';
import { commandArgv, PROXY_ARGS, runEnvironment, type StageState, type Where } from './state.js';

/** The hostname of build steps; Docker's builder uses a fixed one too. */
const BUILD_HOSTNAME = 'cc-build';

/** RUN: a throw-away container over the stage's layers; its upper directory is the layer. */
export async function runStep(
  session: BuildSession,
  state: StageState,
  instruction: RunInstruction,
  where: Where,
): Promise<void> {
  const network = networkOf(instruction, where);
  const { argv, scripts } = runArgv(state, instruction);
  const env = runEnvironment(state);
  const keyEnv = env.filter((entry) => !PROXY_ARGS.includes(entry.split('=', 1)[0]!));
  const key = chainKey(
    state.key,
    'RUN',
    JSON.stringify(argv),
    JSON.stringify(keyEnv),
    state.config.user ?? '',
    state.config.workingDir ?? '/',
    network,
    ...scripts.map((script) => script.content),
  );

  const cached = session.noCache ? undefined : lookupCache(session.store, key);
  let layer: string | null;
  if (cached !== undefined) {
    layer = cached;
    session.reporter.cached();
  } else {
    layer = await executeRun(session, state, { argv, env, network, scripts }, instruction, where);
    recordCache(session.store, key, layer);
  }

  state.key = key;
  if (layer !== null) state.layers.push(layer);
  state.history.push({
    created: new Date().toISOString(),
    createdBy: instruction.text,
    ...(layer === null ? { emptyLayer: true } : {}),
  });
}

interface Script {
  target: string;
  content: string;
}

/**
 * The command of a RUN. A RUN that is only a here-document runs its body as a script
 * (through its #! line when it has one); any other here-document is shell syntax, which
 * the shell reads from the command as written, body included.
 */
function runArgv(
  state: StageState,
  instruction: RunInstruction,
): { argv: string[]; scripts: Script[] } {
  const { command, heredocs } = instruction;
  if (heredocs.length === 0 || command.form === 'exec') {
    return { argv: commandArgv(state, command), scripts: [] };
  }

  const only = heredocs[0]!;
  if (heredocs.length === 1 && /^<<-?["']?\w+["']?$/.test(command.command.trim())) {
    if (only.content.startsWith('#!')) {
      const target = `/.cc-run-${randomHex(4)}`;
      return { argv: [target], scripts: [{ target, content: only.content }] };
    }
    return { argv: commandArgv(state, { form: 'shell', command: only.content }), scripts: [] };
  }

  const bodies = heredocs.map((heredoc) => `${heredoc.content}${heredoc.name}\n`).join('');
  const script = `${command.command}\n${bodies}`;
  return { argv: commandArgv(state, { form: 'shell', command: script }), scripts: [] };
}

function networkOf(instruction: RunInstruction, where: Where): 'host' | 'none' {
  for (const flag of Object.keys(instruction.flags)) {
    if (flag !== 'network') {
      throw new SpecError(where.file, where.line, `RUN --${flag} is not supported`);
    }
  }
  const network = instruction.flags.network ?? 'default';
  if (network === 'default' || network === 'host') return 'host';
  if (network === 'none') return 'none';
  throw new SpecError(where.file, where.line, `RUN --network=${network} is not supported`);
}

interface RunRequest {
  argv: string[];
  env: string[];
  network: 'host' | 'none';
  scripts: Script[];
}

async function executeRun(
  session: BuildSession,
  state: StageState,
  request: RunRequest,
  instruction: RunInstruction,
  where: Where,
): Promise<string | null> {
  const dir = nextStepDir(session, 'run');
  const files = {
    layersDir: session.store.paths.layersDir,
    layers: state.layers,
    emptyLayer: '.empty',
    upper: `${dir}/upper`,
    work: `${dir}/work`,
    rootfs: `${dir}/rootfs`,
    stateDir: dir,
    runLock: `${dir}/run.lock`,
    etc: writeEtcFiles(`${dir}/etc`, BUILD_HOSTNAME),
  };
  for (const sub of [files.upper, files.work, files.rootfs]) fs.mkdirSync(sub, { recursive: true });
  fs.chmodSync(files.upper, 0o755);

  const volumes = writeScripts(dir, request.scripts);
  const config = buildRunConfig(state, request, volumes);
  const plan = planRun({
    program: 'cc-build',
    runId: randomHex(8),
    config,
    files,
    host: session.host,
    detached: false,
  });

  const result = await launch(plan, { stdio: 'pipe', onOutput: session.reporter.output });
  removeMountPoints(files.upper, result.created);
  if (result.exitCode !== 0) {
    if (result.started) await session.onRunFailure?.(files, request.env);
    throw runFailure(result, instruction, where);
  }

  if (fs.readdirSync(files.upper).length === 0) return null;
  return commitLayer(session.store, newLayerId(), files.upper, instruction.text).id;
}

function buildRunConfig(state: StageState, request: RunRequest, volumes: Volume[]): RunConfig {
  return confinedRunConfig({
    hostname: BUILD_HOSTNAME,
    argv: request.argv,
    env: request.env,
    workingDir: state.config.workingDir ?? '/',
    user: state.config.user ?? '',
    volumes,
    network: request.network,
  });
}

function writeScripts(dir: string, scripts: Script[]): Volume[] {
  return scripts.map((script, index) => {
    const file = path.join(dir, `script-${index}`);
    fs.writeFileSync(file, script.content, { mode: 0o755 });
    return { source: file, target: script.target, readOnly: true };
  });
}

/**
 * Mount points cc-init had to create (resolv.conf in an image without one, /proc in a
 * FROM scratch stage) are not the step's doing: they leave the layer, deepest first.
 */
function removeMountPoints(upper: string, created: string[]): void {
  for (const inside of [...created].reverse()) {
    const host = path.join(upper, inside);
    const stat = fs.lstatSync(host, { throwIfNoEntry: false });
    if (stat === undefined) continue;
    try {
      if (stat.isDirectory()) fs.rmdirSync(host);
      else if (stat.isFile() && stat.size === 0) fs.unlinkSync(host);
    } catch {
      // Not empty: the step put something there, so it stays.
    }
  }
}

function runFailure(
  result: { exitCode: number; failure?: { message: string } },
  instruction: RunInstruction,
  where: Where,
): CcError {
  const what = result.failure?.message ?? `exit status ${result.exitCode}`;
  return new SpecError(where.file, where.line, `${instruction.text}: ${what}`);
}
