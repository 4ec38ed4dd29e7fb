import * as fs from 'node:fs';

/** A process identified so that a reused pid is not taken for it: pid plus start time. */
export interface ProcessIdentity {
  pid: number;
  /** Field 22 of /proc/PID/stat: clock ticks after boot. */
  startTime: number;
  /** The kernel's boot id: a pid from an earlier boot names nothing now. */
  bootId: string;
}

export interface ProcStat {
  pid: number;
  state: string;
  ppid: number;
  startTime: number;
}

/** Parses /proc/PID/stat. The command name may hold spaces and parentheses. */
export function parseProcStat(text: string): ProcStat {
  const close = text.lastIndexOf(')');
  const fields = text.slice(close + 2).split(' ');
  return {
    pid: Number(text.slice(0, text.indexOf(' '))),
    state: fields[0] ?? '?',
    ppid: Number(fields[1]),
    startTime: Number(fields[19]),
  };
}

export function readProcStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

let cachedBootId: string | undefined;

export function bootId(): string {
  cachedBootId ??= fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  return cachedBootId;
}

/** The identity of a live process, for storing next to what it owns. */
export function identify(pid: number): ProcessIdentity | undefined {
  const stat = readProcStat(pid);
  if (stat === undefined) return undefined;
  return { pid, startTime: stat.startTime, bootId: bootId() };
}

/**
 * Whether the process still runs: same boot, same start time, and not a zombie (an exited
 * child whose parent has not reaped it is gone for every purpose of ours).
 */
export function isAlive(identity: ProcessIdentity): boolean {
  if (identity.bootId !== bootId()) return false;
  const stat = readProcStat(identity.pid);
  if (stat === undefined) return false;
  return stat.startTime === identity.startTime && stat.state !== 'Z' && stat.state !== 'X';
}
