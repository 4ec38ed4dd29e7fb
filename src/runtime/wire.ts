import { capabilityMask } from '../security/caps.js';
import { CcError } from '../util/errors.js';
import { encodeProgram } from '../security/seccomp.js';
import type { LaunchPlan, MountStep, Namespace } from './plan.js';
import { mountFlagBits } from './mount-flags.js';

/** CLONE_NEW* values from linux/sched.h. */
const CLONE_FLAGS: Record<Namespace, number> = {
  mount: 0x00020000,
  cgroup: 0x02000000,
  uts: 0x04000000,
  ipc: 0x08000000,
  pid: 0x20000000,
  net: 0x40000000,
};

/** Linux signal numbers for STOPSIGNAL names; the same on x86 and ARM. */
export const SIGNALS: Readonly<Record<string, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGUSR2: 12,
  SIGTERM: 15,
  SIGWINCH: 28,
  SIGPWR: 30,
};

/**
 * The plan as cc-init reads it: NUL-terminated words, each record a key followed by a
 * fixed number of fields (argv has a count). NUL cannot occur inside a path, a variable
 * or an argument, so no quoting is needed and nothing is ever parsed as a shell string.
 */
export function encodePlan(plan: LaunchPlan): Buffer {
  const words: string[] = ['cc-plan/1', 'prog', plan.program, 'run-id', plan.runId];
  const add = (...fields: Array<string | number>) => words.push(...fields.map(String));

  if (plan.join !== undefined) add('join', plan.join.pid, plan.join.startTime);
  const namespaces = plan.namespaces.reduce((bits, name) => bits | CLONE_FLAGS[name], 0);
  if (namespaces !== 0) add('namespaces', namespaces >>> 0);
  for (const dir of plan.cgroup?.dirs ?? []) add('cgroup-dir', dir);
  for (const write of plan.cgroup?.writes ?? []) {
    add('cgroup-write', write.file, write.value, write.optional ? 1 : 0);
  }
  for (const procs of plan.cgroup?.join ?? []) add('cgroup', procs);
  if (plan.hostname !== undefined) add('hostname', plan.hostname);
  if (plan.loopback) add('loopback');

  const root = plan.rootfs;
  if (root !== undefined) {
    const lower = root.lower.join(':');
    add('rootfs', root.mountPoint, root.layersDir, lower, root.upper, root.work);
    add(mountFlagBits(root.flags));
  }
  for (const step of plan.mounts) add(...encodeMount(step));
  if (plan.readOnlyRoot) add('read-only-root');

  add('argv', plan.process.argv.length, ...plan.process.argv);
  for (const entry of plan.process.env) add('env', entry);
  add('cwd', plan.process.cwd, plan.process.createCwd ? 1 : 0);
  add('user', plan.process.user);
  if (plan.process.tty) add('tty');
  add('caps', capabilityMask(plan.capabilities));
  if (plan.seccomp !== undefined) add('seccomp', encodeProgram(plan.seccomp));
  if (plan.noNewPrivileges) add('no-new-privileges');

  if (plan.detached) add('detached');
  if (plan.dieWithParent) add('die-with-parent');
  add('state-dir', plan.stateDir);
  if (plan.runLock !== undefined) add('run-lock', plan.runLock);
  if (plan.log !== undefined) add('log', plan.log.maxBytes, plan.log.maxFiles);
  if (plan.restart !== undefined) {
    add('restart', plan.restart.policy === 'always' ? 2 : 1, plan.restart.maxRetries);
  }
  if (plan.stopSignal !== undefined) add('stop-signal', plan.stopSignal);
  if (plan.discard !== undefined) add('discard', plan.discard.from, plan.discard.to);

  const bad = words.find((word) => word.includes('\0'));
  if (bad !== undefined) {
    throw new CcError(`a NUL character cannot be passed to a container: ${JSON.stringify(bad)}`);
  }
  return Buffer.from(words.map((word) => `${word}\0`).join(''));
}

function encodeMount(step: MountStep): Array<string | number> {
  switch (step.op) {
    case 'mount':
      return [
        'mount',
        step.source,
        step.target,
        step.fstype,
        mountFlagBits(step.flags),
        step.data,
        step.create,
      ];
    case 'bind':
      return ['bind', step.source, step.target, mountFlagBits(step.flags), step.create];
    case 'mknod':
      return ['mknod', step.path, step.mode.toString(8), step.major, step.minor];
    case 'symlink':
      return ['symlink', step.target, step.path];
    case 'mask':
      return ['mask', step.path];
    case 'readonly':
      return ['readonly', step.path];
  }
}
