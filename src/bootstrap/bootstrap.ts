import * as fs from 'node:fs';
import * as path from 'node:path';

import { readOsRelease } from '../host/os-release.js';
import type { ImageVersion } from '../store/images.js';
import { checkName } from '../store/names.js';
import type { Store } from '../store/store.js';
import { CcError } from '../util/errors.js';
import { onPath, run } from '../util/exec.js';
import { log } from '../util/log.js';
import { readHostSources } from './apt-sources.js';
import { commitBaseImage } from './base-image.js';
import { DEBIAN, UBUNTU, type Distribution } from './distributions.js';
import { bootstrapArgv, debootstrapEnvironment, VARIANTS, type BootstrapTool } from './tools.js';

export interface BootstrapRequest {
  distribution: 'debian' | 'ubuntu';
  suite: string;
  /** Image name; the suite when not given. */
  name?: string;
  mirror?: string;
  arch?: string;
  variant?: string;
  include?: string[];
  tool?: BootstrapTool;
  keyring?: string;
}

/** A plan for a bootstrap: what will run, decided before anything does. */
export interface BootstrapPlan {
  name: string;
  distribution: Distribution;
  suite: string;
  mirror?: string;
  arch: string;
  variant: string;
  include: string[];
  tool: BootstrapTool;
  keyring: string;
}

/** cc-build-debian-image and cc-build-ubuntu-image: a base image from the archive. */
export async function bootstrapImage(
  store: Store,
  request: BootstrapRequest,
): Promise<ImageVersion> {
  const plan = await planBootstrap(request);
  const work = store.makeWorkDir('bootstrap');
  const target = path.join(work, 'fs');

  try {
    log.info(describe(plan));
    const argv = bootstrapArgv(plan.tool, {
      ...plan,
      target,
      components: plan.distribution.components,
    });
    const env =
      plan.tool === 'debootstrap'
        ? debootstrapEnvironment(plan.suite, plan.distribution.debootstrapScript, work)
        : undefined;
    await run(argv, { onOutput: indent, interruptible: true, env, name: plan.tool });

    tidyRootfs(target);
    const createdBy = `${plan.tool} ${plan.variant} ${plan.suite}`;
    const image = await commitBaseImage(store, plan.name, target, createdBy, plan.arch);
    log.info(`Image ${image.name}@${image.version} is ready`);
    return image;
  } finally {
    store.discard(work);
  }
}

export async function planBootstrap(request: BootstrapRequest): Promise<BootstrapPlan> {
  const distribution = request.distribution === 'ubuntu' ? UBUNTU : DEBIAN;
  const suite = checkSuite(request.suite);
  const name = checkName('image', request.name ?? suite);
  const variant = request.variant ?? 'minbase';
  if (!(VARIANTS as readonly string[]).includes(variant)) {
    throw new CcError(`invalid --variant '${variant}': use ${VARIANTS.join(', ')}`);
  }
  const include = (request.include ?? []).map(checkPackageName);
  const mirror = request.mirror ?? distribution.defaultMirror(readOsRelease(), readHostSources());
  if (mirror !== undefined && !/^(https?|file):\/\/\S+$/.test(mirror)) {
    throw new CcError(`invalid --mirror '${mirror}': expected an http(s) or file URL`);
  }

  const keyring = request.keyring ?? findKeyring(distribution);
  return {
    name,
    distribution,
    suite,
    mirror,
    arch: request.arch ?? (await hostDpkgArch()),
    variant,
    include,
    tool: request.tool ?? chooseTool(),
    keyring,
  };
}

/**
 * The archive keyring, without which a bootstrap would trust whatever the network sends.
 * (debootstrap would instead switch to Debian's https mirror, even for Ubuntu.)
 */
function findKeyring(distribution: Distribution): string {
  if (fs.existsSync(distribution.keyring)) return distribution.keyring;
  const name = distribution.id === 'ubuntu' ? 'ubuntu-keyring' : 'debian-archive-keyring';
  throw new CcError(`no ${distribution.label} archive keyring at ${distribution.keyring}`, {
    hint: `install the ${name} package, or give --keyring FILE`,
  });
}

/** mmdebstrap is the faster of the two: it downloads and unpacks with apt. */
function chooseTool(): BootstrapTool {
  if (onPath('mmdebstrap')) return 'mmdebstrap';
  if (onPath('debootstrap')) return 'debootstrap';
  throw new CcError('neither debootstrap nor mmdebstrap is installed', {
    hint: 'cc-setup --install-deps installs them',
  });
}

function checkSuite(suite: string): string {
  if (/^[a-z][a-z0-9.-]{0,63}$/.test(suite)) return suite;
  throw new CcError(`invalid suite '${suite}': expected a name such as bookworm or noble`);
}

function checkPackageName(name: string): string {
  if (/^[a-z0-9][a-z0-9+.-]+$/.test(name)) return name;
  throw new CcError(`invalid package name '${name}' in --include`);
}

async function hostDpkgArch(): Promise<string> {
  const result = await run(['dpkg', '--print-architecture'], { allowFailure: true }).catch(
    () => undefined,
  );
  if (result?.status === 0) return result.stdout.trim();
  const { debianArch } = await import('./base-image.js');
  return debianArch();
}

function describe(plan: BootstrapPlan): string {
  const from = plan.mirror ?? `${plan.tool}'s default mirror`;
  const what = `${plan.distribution.label} ${plan.suite} (${plan.arch}, ${plan.variant})`;
  return `Bootstrapping ${what} from ${from} with ${plan.tool}`;
}

/** The tools copy the build host's resolver and name into the tree; an image has neither. */
function tidyRootfs(root: string): void {
  fs.writeFileSync(path.join(root, 'etc/hostname'), 'localhost\n');
  fs.rmSync(path.join(root, 'etc/resolv.conf'), { force: true });
  fs.writeFileSync(path.join(root, 'etc/resolv.conf'), '');

  const archives = path.join(root, 'var/cache/apt/archives');
  for (const file of fs.existsSync(archives) ? fs.readdirSync(archives) : []) {
    if (file.endsWith('.deb')) fs.rmSync(path.join(archives, file));
  }
}

function indent(chunk: string): void {
  if (!log.enabled('normal')) return;
  process.stderr.write(chunk.replace(/^(?=.)/gm, '    '));
}
