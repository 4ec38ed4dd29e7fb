/** Mount flags by the names mount(8) uses, with their values from linux/mount.h. */
export const MS = {
  ro: 0x1,
  nosuid: 0x2,
  nodev: 0x4,
  noexec: 0x8,
  strictatime: 0x1000000,
} as const;

export type MountFlag = keyof typeof MS;

export function mountFlagBits(flags: readonly MountFlag[]): number {
  return flags.reduce((bits, flag) => bits | MS[flag], 0);
}
