import { CcError } from '../util/errors.js';

/** Capability numbers from linux/capability.h. */
export const CAPABILITIES: Readonly<Record<string, number>> = {
  CAP_CHOWN: 0,
  CAP_DAC_OVERRIDE: 1,
  CAP_DAC_READ_SEARCH: 2,
  CAP_FOWNER: 3,
  CAP_FSETID: 4,
  CAP_KILL: 5,
  CAP_SETGID: 6,
  CAP_SETUID: 7,
  CAP_SETPCAP: 8,
  CAP_LINUX_IMMUTABLE: 9,
  CAP_NET_BIND_SERVICE: 10,
  CAP_NET_BROADCAST: 11,
  CAP_NET_ADMIN: 12,
  CAP_NET_RAW: 13,
  CAP_IPC_LOCK: 14,
  CAP_IPC_OWNER: 15,
  CAP_SYS_MODULE: 16,
  CAP_SYS_RAWIO: 17,
  CAP_SYS_CHROOT: 18,
  CAP_SYS_PTRACE: 19,
  CAP_SYS_PACCT: 20,
  CAP_SYS_ADMIN: 21,
  CAP_SYS_BOOT: 22,
  CAP_SYS_NICE: 23,
  CAP_SYS_RESOURCE: 24,
  CAP_SYS_TIME: 25,
  CAP_SYS_TTY_CONFIG: 26,
  CAP_MKNOD: 27,
  CAP_LEASE: 28,
  CAP_AUDIT_WRITE: 29,
  CAP_AUDIT_CONTROL: 30,
  CAP_SETFCAP: 31,
  CAP_MAC_OVERRIDE: 32,
  CAP_MAC_ADMIN: 33,
  CAP_SYSLOG: 34,
  CAP_WAKE_ALARM: 35,
  CAP_BLOCK_SUSPEND: 36,
  CAP_AUDIT_READ: 37,
  CAP_PERFMON: 38,
  CAP_BPF: 39,
  CAP_CHECKPOINT_RESTORE: 40,
};

/**
 * Docker's default set without CAP_MKNOD and CAP_NET_RAW. Docker keeps MKNOD and leans on
 * the devices cgroup to make new nodes useless; we have no devices cgroup on every host,
 * so no node can be made at all. NET_RAW would let a container on the host's network
 * (our default) sniff and forge the host's traffic; Podman dropped it for the same reason.
 */
export const DEFAULT_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
  'CAP_AUDIT_WRITE',
  'CAP_SETFCAP',
];

/** Accepts `SYS_ADMIN`, `cap_sys_admin` or `CAP_SYS_ADMIN`, and `ALL`. */
export function normalizeCapability(name: string): string {
  const upper = name.toUpperCase();
  if (upper === 'ALL') return 'ALL';
  const full = upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
  if (!(full in CAPABILITIES)) throw new CcError(`unknown capability '${name}'`);
  return full;
}

/** The container's capabilities: the defaults, then --cap-add and --cap-drop, as Docker. */
export function resolveCapabilities(
  add: readonly string[],
  drop: readonly string[],
  privileged: boolean,
): Set<string> {
  if (privileged) return new Set(Object.keys(CAPABILITIES));

  const result = new Set(DEFAULT_CAPABILITIES);
  const added = add.map(normalizeCapability);
  const dropped = drop.map(normalizeCapability);

  if (dropped.includes('ALL')) result.clear();
  for (const name of dropped) result.delete(name);
  if (added.includes('ALL')) return new Set(Object.keys(CAPABILITIES));
  for (const name of added) result.add(name);
  return result;
}

/** The set as the hexadecimal bit mask that cc-init applies. */
export function capabilityMask(names: Iterable<string>): string {
  let mask = 0n;
  for (const name of names) mask |= 1n << BigInt(CAPABILITIES[name]!);
  return mask.toString(16);
}
