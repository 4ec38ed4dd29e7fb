/** The PATH a container gets when its image sets none: Docker's, so images behave alike. */
export const DOCKER_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The device nodes of a container's /dev, with their fixed Linux numbers. */
export const DEVICES = [
  { name: 'null', major: 1, minor: 3 },
  { name: 'zero', major: 1, minor: 5 },
  { name: 'full', major: 1, minor: 7 },
  { name: 'random', major: 1, minor: 8 },
  { name: 'urandom', major: 1, minor: 9 },
  { name: 'tty', major: 5, minor: 0 },
] as const;

/**
 * Hidden behind /dev/null or an empty read-only tmpfs: they describe or control the host
 * (kernel memory, keys, timers, firmware), the same list Docker masks.
 */
export const MASKED_PATHS = [
  '/proc/acpi',
  '/proc/asound',
  '/proc/interrupts',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/sys/devices/virtual/powercap',
  '/sys/firmware',
] as const;

/** Readable but not writable: writing them changes the host's kernel, not the container. */
export const READ_ONLY_PATHS = [
  '/proc/bus',
  '/proc/fs',
  '/proc/irq',
  '/proc/sys',
  '/proc/sysrq-trigger',
] as const;

/** The stop signal when the image names none. */
export const DEFAULT_STOP_SIGNAL = 'SIGTERM';
