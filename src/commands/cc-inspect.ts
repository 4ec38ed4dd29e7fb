#!/usr/bin/env node
import type { ParsedArgs } from '../cli/args.js';
import { runCommand, type Command } from '../cli/main.js';

const command: Command = {
  name: 'cc-inspect',
  usage: ['cc-inspect IMAGE[@VERSION]...'],
  summary:
    "Print images' config (ENV, CMD, ENTRYPOINT, WORKDIR, USER, LABEL, EXPOSE, VOLUME,\n" +
    'STOPSIGNAL, HEALTHCHECK, ONBUILD...), layers and history as a JSON array.',
  options: {},
  positionals: { min: 1, max: Infinity },
  needsRoot: true,
  run,
};

async function run(args: ParsedArgs): Promise<void> {
  const { Store } = await import('../store/store.js');
  const { parseImageRef } = await import('../store/names.js');
  const { resolveImage } = await import('../store/images.js');
  const store = Store.open();

  const images = args.positionals.map((ref) => resolveImage(store, parseImageRef(ref)));
  process.stdout.write(`${JSON.stringify(images, null, 2)}\n`);
}

runCommand(command);
