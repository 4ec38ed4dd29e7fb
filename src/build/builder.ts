import * as fs from 'node:fs';

import { hostFacts } from '../host/facts.js';
import { debianArch } from '../bootstrap/base-image.js';
import { parseSpec } from '../spec/parse.js';
import type { Spec, Stage } from '../spec/types.js';
import { expandWord } from '../spec/words.js';
import { commitImage, resolveImage, type ImageVersion } from '../store/images.js';
import { checkName, parseImageRef } from '../store/names.js';
import type { Store } from '../store/store.js';
import { CcError, describeError, SpecError } from '../util/errors.js';
import { log } from '../util/log.js';
import { chainKey } from './cache.js';
import { SourceTree } from './context.js';
import { copyStep, type FromSource } from './copy-step.js';
import { openDebugShell } from './debug-shell.js';
import { MountNamespace } from './mount-namespace.js';
import { createReporter, type ProgressMode } from './progress.js';
import { runStep } from './run-step.js';
import type { BuildSession } from './session.js';
import { applyConfig, PROXY_ARGS, type StageState, type Where } from './state.js';

export interface BuildRequest {
  name: string;
  /** The spec file, as the user named it (messages use this name). */
  specFile: string;
  contextDir: string;
  buildArgs: Map<string, string>;
  target?: string;
  noCache: boolean;
  progress: ProgressMode;
  /** Open a shell in a failed RUN's file system before cleaning up. */
  debugShell: boolean;
}

/**
 * cc-build: builds the stages the target needs, each step cached by its key, then makes
 * the result a new version of the image. A failed build changes no image and leaves no
 * layer of its own, no container and no mount (the mounts live in cc-build's own mount
 * namespace).
 */
export async function buildImage(store: Store, request: BuildRequest): Promise<ImageVersion> {
  checkName('image', request.name);
  const spec = parseSpec(readSpec(request.specFile), request.specFile);
  const context = SourceTree.context(request.contextDir);
  const globalArgs = resolveGlobalArgs(spec, request.buildArgs);
  const stages = selectStages(spec, request.target);
  const total = stages.reduce((sum, stage) => sum + 1 + stage.instructions.length, 0);

  const lock = await store.lockLayers('shared');
  let namespace: Promise<MountNamespace> | undefined;
  const session: BuildSession = {
    store,
    spec: request.specFile,
    context,
    work: store.makeWorkDir('build'),
    reporter: createReporter(request.progress),
    noCache: request.noCache,
    host: hostFacts(),
    stageRoots: new Map(),
    mounts: () => (namespace ??= MountNamespace.create()),
    steps: 0,
    onRunFailure: request.debugShell ? (files, env) => openDebugShell(files, env) : undefined,
  };

  try {
    const results = new Map<number, StageState>();
    let number = 0;
    for (const stage of stages) {
      const state = await buildStage(
        session,
        spec,
        stage,
        results,
        globalArgs,
        request,
        () => ++number,
        total,
      );
      results.set(stage.index, state);
    }

    const final = results.get(stages[stages.length - 1]!.index)!;
    const image = await commitImage(store, request.name, {
      architecture: final.architecture,
      layers: final.layers,
      config: final.config,
      history: final.history,
      ...(final.base === undefined ? {} : { base: final.base }),
    });
    warnUnusedArgs(spec, request.buildArgs);
    session.reporter.finished(`Built ${image.name}@${image.version}`);
    return image;
  } catch (error) {
    session.reporter.failed(describeError(error));
    throw error;
  } finally {
    // Ending the namespace takes every mount of the build with it.
    if (namespace !== undefined) (await namespace.catch(() => undefined))?.close();
    store.discard(session.work);
    lock.release();
  }
}

function readSpec(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new CcError(`cannot read spec '${file}': ${describeError(error)}`);
  }
}

/** The ARGs before the first FROM, with --build-arg values over their defaults. */
function resolveGlobalArgs(
  spec: Spec,
  buildArgs: ReadonlyMap<string, string>,
): Map<string, string> {
  const values = new Map<string, string>(automaticArgs());
  for (const instruction of spec.globalArgs) {
    const where = { file: spec.file, line: instruction.line, escape: spec.escape };
    for (const { name, defaultValue } of instruction.args) {
      const value =
        buildArgs.get(name) ??
        (defaultValue === undefined ? undefined : expandWord(defaultValue, values, where));
      if (value !== undefined) values.set(name, value);
    }
  }
  return values;
}

/** The platform ARGs BuildKit defines; here build and target are the host. */
function automaticArgs(): Array<[string, string]> {
  const arch = debianArch() === 'armhf' ? 'arm' : debianArch() === 'i386' ? '386' : debianArch();
  const platform = `linux/${arch}`;
  return [
    ['TARGETPLATFORM', platform],
    ['TARGETOS', 'linux'],
    ['TARGETARCH', arch],
    ['BUILDPLATFORM', platform],
    ['BUILDOS', 'linux'],
    ['BUILDARCH', arch],
  ];
}

/** The stages the target needs, in order: itself and what its FROM and COPY --from use. */
export function selectStages(spec: Spec, target: string | undefined): Stage[] {
  const byName = (name: string) =>
    spec.stages.find((stage) => stage.name === name.toLowerCase() || String(stage.index) === name);
  const last = spec.stages[spec.stages.length - 1]!;
  const chosen = target === undefined ? last : byName(target);
  if (chosen === undefined)
    throw new CcError(`--target: no stage named '${target}' in ${spec.file}`);

  const needed = new Set<number>();
  const visit = (stage: Stage) => {
    if (needed.has(stage.index)) return;
    needed.add(stage.index);
    const uses = [
      stage.from.image,
      ...stage.instructions.flatMap((i) =>
        (i.kind === 'COPY' || i.kind === 'ADD') && i.from !== undefined ? [i.from] : [],
      ),
    ];
    for (const use of uses) {
      if (use.includes('$')) spec.stages.filter((s) => s.index < stage.index).forEach(visit);
      const found = byName(use);
      if (found !== undefined && found.index < stage.index) visit(found);
    }
  };
  visit(chosen);
  return spec.stages.filter((stage) => needed.has(stage.index));
}

async function buildStage(
  session: BuildSession,
  spec: Spec,
  stage: Stage,
  results: Map<number, StageState>,
  globalArgs: Map<string, string>,
  request: BuildRequest,
  nextNumber: () => number,
  total: number,
): Promise<StageState> {
  const where = (line: number): Where => ({ file: spec.file, line, escape: spec.escape });
  const fromWhere = where(stage.from.line);
  session.reporter.stepStarted({
    number: nextNumber(),
    total,
    text: stage.from.text,
    layered: false,
  });
  const state = baseState(session, spec, stage, results, globalArgs, fromWhere);
  session.reporter.stepFinished();

  const instructions = [...onBuildTriggers(state, spec, fromWhere), ...stage.instructions];
  const resolveFrom = (from: string, at: Where) =>
    fromSource(session, spec, stage, results, from, at);
  for (const instruction of instructions) {
    const at = where(instruction.line);
    const layered = ['RUN', 'COPY', 'ADD'].includes(instruction.kind);
    session.reporter.stepStarted({ number: nextNumber(), total, text: instruction.text, layered });
    try {
      if (!applyConfig(state, instruction, at, request.buildArgs, globalArgs)) {
        if (instruction.kind === 'RUN') await runStep(session, state, instruction, at);
        else if (instruction.kind === 'COPY' || instruction.kind === 'ADD') {
          await copyStep(session, state, instruction, at, resolveFrom);
        }
      }
    } catch (error) {
      throw atLine(error, at, instruction.kind);
    }
    session.reporter.stepFinished();
  }
  return state;
}

/** Ties a step's failure to its spec line: `app.ccspec:4: COPY: 'x' not found`. */
function atLine(error: unknown, where: Where, keyword: string): unknown {
  if (error instanceof SpecError || !(error instanceof CcError)) return error;
  const tied = new SpecError(where.file, where.line, `${keyword}: ${error.message}`);
  return Object.assign(tied, { hint: error.hint, cause: error });
}

function baseState(
  session: BuildSession,
  spec: Spec,
  stage: Stage,
  results: Map<number, StageState>,
  globalArgs: Map<string, string>,
  where: Where,
): StageState {
  const image = expandWord(stage.from.image, globalArgs, where);
  const fresh = {
    index: stage.index,
    name: stage.name,
    args: new Map<string, string>(),
    cmdSetHere: false,
  };

  if (image === 'scratch') {
    return {
      ...fresh,
      layers: [],
      config: { env: [] },
      history: [],
      key: chainKey('scratch'),
      architecture: debianArch(),
    };
  }

  const previous = spec.stages.find(
    (other) => other.name === image.toLowerCase() && other.index < stage.index,
  );
  if (previous !== undefined) {
    const built = results.get(previous.index)!;
    return {
      ...fresh,
      layers: [...built.layers],
      config: structuredClone(built.config),
      history: [...built.history],
      key: built.key,
      base: built.base,
      architecture: built.architecture,
    };
  }

  const version = resolveBaseImage(session.store, image, where);
  return {
    ...fresh,
    layers: [...version.layers],
    config: { ...structuredClone(version.config), onBuild: version.config.onBuild },
    history: [...version.history],
    key: chainKey('image', JSON.stringify(version.layers), JSON.stringify(version.config)),
    base: { name: version.name, version: version.version },
    architecture: version.architecture,
  };
}

function resolveBaseImage(store: Store, image: string, where: Where): ImageVersion {
  if (/[:/]/.test(image)) {
    throw new SpecError(
      where.file,
      where.line,
      `FROM ${image}: there is no registry; images come from cc-build-debian-image, ` +
        'cc-build-ubuntu-image, cc-import or cc-build',
    );
  }
  try {
    return resolveImage(store, parseImageRef(image));
  } catch (error) {
    throw new SpecError(where.file, where.line, `FROM ${image}: ${describeError(error)}`);
  }
}

/**
 * A base image's ONBUILD instructions run right after FROM, as Docker runs them, and are
 * not inherited further.
 */
function onBuildTriggers(state: StageState, spec: Spec, where: Where) {
  const triggers = state.config.onBuild ?? [];
  delete state.config.onBuild;
  return triggers.flatMap((trigger) => {
    try {
      return parseSpec(`FROM scratch\n${trigger}\n`, spec.file).stages[0]!.instructions.map(
        (i) => ({
          ...i,
          line: where.line,
        }),
      );
    } catch (error) {
      throw new SpecError(where.file, where.line, `ONBUILD ${trigger}: ${describeError(error)}`);
    }
  });
}

/**
 * What COPY --from names: an earlier stage or an image, known by its layers, its root
 * mounted read-only the first time a step has to read it.
 */
function fromSource(
  session: BuildSession,
  spec: Spec,
  current: Stage,
  results: Map<number, StageState>,
  from: string,
  where: Where,
): FromSource {
  const stage = spec.stages.find(
    (other) =>
      other.index < current.index &&
      (other.name === from.toLowerCase() || String(other.index) === from),
  );
  const image = stage === undefined ? imageForCopy(session.store, from, where) : undefined;
  const layers = stage !== undefined ? results.get(stage.index)!.layers : image!.layers;
  const id = JSON.stringify(layers);
  const name = stage === undefined ? `image '${from}'` : `stage '${from}'`;

  return {
    id,
    tree: async () => {
      let root = session.stageRoots.get(id);
      if (root === undefined) {
        const target = `${session.work}/from-${session.stageRoots.size}`;
        root = session.mounts().then((mounts) => mounts.mountLayers(session.store, layers, target));
        session.stageRoots.set(id, root);
      }
      return SourceTree.image(await root, name);
    },
  };
}

function imageForCopy(store: Store, from: string, where: Where): ImageVersion {
  try {
    return resolveImage(store, parseImageRef(from));
  } catch {
    const message = `COPY --from=${from}: no stage and no image of that name`;
    throw new SpecError(where.file, where.line, message);
  }
}

/** Docker warns about --build-arg values that no ARG declared. */
function warnUnusedArgs(spec: Spec, buildArgs: ReadonlyMap<string, string>): void {
  const declared = new Set(PROXY_ARGS);
  const all = [...spec.globalArgs, ...spec.stages.flatMap((stage) => stage.instructions)];
  for (const instruction of all) {
    if (instruction.kind === 'ARG') for (const arg of instruction.args) declared.add(arg.name);
  }
  const unused = [...buildArgs.keys()].filter((name) => !declared.has(name));
  if (unused.length > 0) log.warn(`--build-arg ${unused.join(', ')}: no ARG uses it`);
}
