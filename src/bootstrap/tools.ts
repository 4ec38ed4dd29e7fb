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
  keyring?: string;
}

export const VARIANTS = ['minbase', 'buildd', 'standard'] as const;

/**
 * The tool's argv, run inside a private mount namespace of its own (unshare): both tools
 * mount /proc and more inside the target while they work, and a killed tool must not
 * leave those mounts on the host.
 */
export function bootstrapArgv(tool: BootstrapTool, args: BootstrapArgs): string[] {
  const argv = tool === 'mmdebstrap' ? mmdebstrapArgv(args) : debootstrapArgv(args);
  return ['unshare', '--mount', '--propagation', 'private', '--', ...argv];
}

function debootstrapArgv(args: BootstrapArgs): string[] {
  return [
    'debootstrap',
    ...(args.variant === 'standard' ? [] : [`--variant=${args.variant}`]),
    `--arch=${args.arch}`,
    `--components=${args.components.join(',')}`,
    ...(args.include.length > 0 ? [`--include=${args.include.join(',')}`] : []),
    ...(args.keyring === undefined ? [] : [`--keyring=${args.keyring}`]),
    args.suite,
    args.target,
    ...(args.mirror === undefined ? [] : [args.mirror]),
  ];
}

function mmdebstrapArgv(args: BootstrapArgs): string[] {
  return [
    'mmdebstrap',
    '--mode=root',
    `--variant=${args.variant === 'standard' ? 'standard' : args.variant}`,
    `--architectures=${args.arch}`,
    `--components=${args.components.join(',')}`,
    ...(args.include.length > 0 ? [`--include=${args.include.join(',')}`] : []),
    ...(args.keyring === undefined ? [] : [`--keyring=${args.keyring}`]),
    args.suite,
    args.target,
    ...(args.mirror === undefined ? [] : [args.mirror]),
  ];
}
