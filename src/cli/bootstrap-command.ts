import { listOption, stringOption, type ParsedArgs } from './args.js';
import type { Command } from './main.js';
import { CcError } from '../util/errors.js';

/** cc-build-debian-image and cc-build-ubuntu-image differ only in their distribution. */
export function bootstrapCommand(distribution: 'debian' | 'ubuntu'): Command {
  const label = distribution === 'debian' ? 'Debian' : 'Ubuntu';
  const example = distribution === 'debian' ? 'bookworm' : 'noble';
  const mirror =
    distribution === 'debian'
      ? "the host's Debian mirror from its apt sources"
      : "the host's mirror on an Ubuntu host, else Ubuntu's archive";

  return {
    name: `cc-build-${distribution}-image`,
    usage: [`cc-build-${distribution}-image [OPTIONS] SUITE`],
    summary:
      `Bootstrap a ${label} base image named SUITE (e.g. ${example}) with debootstrap or\n` +
      'mmdebstrap. A failed or interrupted bootstrap leaves no image behind.',
    options: {
      name: { type: 'string', value: 'NAME', description: 'Image name (default: SUITE)' },
      mirror: { type: 'string', value: 'URL', description: `Archive to use (default: ${mirror})` },
      arch: { type: 'string', value: 'ARCH', description: "Architecture (default: the host's)" },
      variant: {
        type: 'string',
        value: 'VARIANT',
        description: 'minbase (default), buildd or standard',
      },
      include: {
        type: 'string',
        multiple: true,
        value: 'PKG,...',
        description: 'Extra packages to install',
      },
      tool: {
        type: 'string',
        value: 'TOOL',
        description: 'debootstrap or mmdebstrap (default: mmdebstrap when it can)',
      },
      keyring: { type: 'string', value: 'FILE', description: 'Keyring to verify the archive' },
    },
    positionals: { min: 1, max: 1 },
    needsRoot: true,
    run: async (args: ParsedArgs) => {
      const { Store } = await import('../store/store.js');
      const { bootstrapImage } = await import('../bootstrap/bootstrap.js');
      const tool = stringOption(args.options, 'tool');
      if (tool !== undefined && tool !== 'debootstrap' && tool !== 'mmdebstrap') {
        throw new CcError(`invalid --tool '${tool}': use debootstrap or mmdebstrap`);
      }

      const image = await bootstrapImage(Store.open(), {
        distribution,
        suite: args.positionals[0]!,
        name: stringOption(args.options, 'name'),
        mirror: stringOption(args.options, 'mirror'),
        arch: stringOption(args.options, 'arch'),
        variant: stringOption(args.options, 'variant'),
        include: listOption(args.options, 'include').flatMap((list) => list.split(',')),
        tool,
        keyring: stringOption(args.options, 'keyring'),
      });
      process.stdout.write(`${image.name}@${image.version}\n`);
    },
  };
}
