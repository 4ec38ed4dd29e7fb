import * as fs from 'node:fs';
import * as path from 'node:path';

/** The programs that can lay down a Debian or Ubuntu root file system. */
export type BootstrapTool = 'debootstrap' | 'mmdebstrap';

export interface BootstrapArgs {
  suite: string;
  target: string;
  /** Undefined: the tool's own default mirror for the suite. */
  mirror?: string;
  arch: string;
  variant: string;
  include: string[];
  components: string[];
  keyring: string;
}

export const VARIANTS = ['minbase', 'buildd', 'standard'] as const;

/**
 * The tool's argv, run inside a private mount namespace of its own (unshare): both tools
 * mount /proc and more inside the target while they work, and a killed tool must not
 * leave those mounts on the host. setpriv makes it die with us, should we be killed.
 */
export function bootstrapArgv(tool: BootstrapTool, args: BootstrapArgs): string[] {
  const argv = tool === 'mmdebstrap' ? mmdebstrapArgv(args) : debootstrapArgv(args);
  return [...PRIVATE_MOUNTS, ...DIE_WITH_PARENT, ...argv];
}

/** unshare(1) into a new mount namespace whose mounts never propagate to the host. */
export const PRIVATE_MOUNTS = ['unshare', '--mount', '--propagation', 'private', '--'];

/** setpriv(1) with a parent-death signal: the program is killed when its parent dies. */
export const DIE_WITH_PARENT = ['setpriv', '--pdeathsig', 'SIGKILL', '--'];

function debootstrapArgv(args: BootstrapArgs): string[] {
  return [
    'debootstrap',
    ...(args.variant === 'standard' ? [] : [`--variant=${args.variant}`]),
    `--arch=${args.arch}`,
    `--components=${args.components.join(',')}`,
    ...(args.include.length > 0 ? [`--include=${args.include.join(',')}`] : []),
    `--keyring=${args.keyring}`,
    '--force-check-gpg',
    args.suite,
    args.target,
    ...(args.mirror === undefined ? [] : [args.mirror]),
  ];
}

function mmdebstrapArgv(args: BootstrapArgs): string[] {
  return [
    'mmdebstrap',
    '--mode=root',
    `--variant=${args.variant}`,
    `--architectures=${args.arch}`,
    `--components=${args.components.join(',')}`,
    ...(args.include.length > 0 ? [`--include=${args.include.join(',')}`] : []),
    `--keyring=${args.keyring}`,
    // apt's download sandbox user, _apt, cannot enter the store (mode 0700).
    '--aptopt=APT::Sandbox::User "root"',
    args.suite,
    args.target,
    ...(args.mirror === undefined ? [] : [args.mirror]),
  ];
}

const DEBOOTSTRAP_DIR = '/usr/share/debootstrap';

/**
 * debootstrap finds a release by its script, named after it; a debootstrap older than the
 * release (Debian 12's and Ubuntu 24.04 "noble") has none. Every release of a distribution
 * uses the same script, so a private DEBOOTSTRAP_DIR that adds the missing name lets
 * debootstrap bootstrap it, with its own default mirror for it. Returns the environment
 * to run debootstrap with, or undefined when debootstrap knows the suite.
 */
export function debootstrapEnvironment(
  suite: string,
  script: string,
  workDir: string,
  installed: string = DEBOOTSTRAP_DIR,
): NodeJS.ProcessEnv | undefined {
  const scripts = path.join(installed, 'scripts');
  if (fs.existsSync(path.join(scripts, suite)) || !fs.existsSync(path.join(scripts, script))) {
    return undefined;
  }

  const own = path.join(workDir, 'debootstrap');
  fs.mkdirSync(path.join(own, 'scripts'), { recursive: true });
  for (const entry of fs.readdirSync(installed)) {
    if (entry !== 'scripts') fs.symlinkSync(path.join(installed, entry), path.join(own, entry));
  }
  for (const entry of fs.readdirSync(scripts)) {
    fs.symlinkSync(path.join(scripts, entry), path.join(own, 'scripts', entry));
  }
  fs.symlinkSync(path.join(scripts, script), path.join(own, 'scripts', suite));
  return { ...process.env, DEBOOTSTRAP_DIR: own };
}
