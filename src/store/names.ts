import { CcError } from '../util/errors.js';

export type NameKind = 'image' | 'container' | 'stage';

// A container name is also its hostname, and a DNS label stops at 63 characters.
const MAX_LENGTH: Record<NameKind, number> = { image: 128, container: 63, stage: 128 };
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Whether a name is safe to use as one path component and, for containers, a hostname. */
export function isValidName(kind: NameKind, name: string): boolean {
  return NAME.test(name) && name.length <= MAX_LENGTH[kind];
}

/** Throws a one-line error naming the bad name; control characters are shown escaped. */
export function checkName(kind: NameKind, name: string): string {
  if (isValidName(kind, name)) return name;

  const shown = quoteForMessage(name);
  const reason =
    name.length > MAX_LENGTH[kind]
      ? `longer than ${MAX_LENGTH[kind]} characters`
      : `use letters, digits, '.', '_' and '-', not starting with '.', '_' or '-'`;
  throw new CcError(`invalid ${kind} name ${shown}: ${reason}`);
}

/** An image named by the user: its current version, or a given one (`name@3`). */
export interface ImageRef {
  name: string;
  version?: number;
}

export function parseImageRef(text: string): ImageRef {
  const at = text.lastIndexOf('@');
  if (at === -1) return { name: checkName('image', text) };

  const name = checkName('image', text.slice(0, at));
  const versionText = text.slice(at + 1);
  if (!/^[1-9][0-9]{0,8}$/.test(versionText)) {
    throw new CcError(`invalid image version in ${quoteForMessage(text)}: expected NAME@NUMBER`);
  }
  return { name, version: Number(versionText) };
}

export function formatImageRef(ref: ImageRef): string {
  return ref.version === undefined ? ref.name : `${ref.name}@${ref.version}`;
}

/** Quotes user input for a one-line message: long input is cut, control characters escaped. */
export function quoteForMessage(text: string): string {
  const cut = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  return JSON.stringify(cut).replace(/^"|"$/g, "'");
}
