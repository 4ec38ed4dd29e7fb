import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  DEFAULT_CONFINEMENT,
  planExec,
  planMounts,
  planRun,
  seccompWarning,
  parseTmpfs,
  type RunConfig,
} from '../../../src/runtime/plan.js';
import { DEFAULT_CAPABILITIES } from '../../../src/security/caps.js';

const CONFIG: RunConfig = {
  ...DEFAULT_CONFINEMENT,
  hostname: 'web',
  argv: ['/bin/sh'],
  env: ['FOO=1'],
  workingDir: '/srv',
  user: 'app',
  volumes: [],
};

const FILES = {
  layersDir: '/store/layers',
  layers: ['base', 'middle', 'top'],
  emptyLayer: '.empty',
  upper: '/store/containers/web/upper',
  work: '/store/containers/web/work',
  rootfs: '/store/containers/web/rootfs',
  stateDir: '/store/containers/web',
  runLock: '/store/containers/web/run.lock',
  etc: { hosts: '/e/hosts', hostname: '/e/hostname', resolvConf: '/e/resolv.conf' },
};

const HOST = { seccompArch: 'x86_64' as const, seccompAvailable: true, cgroupNamespace: true };

function plan(config: Partial<RunConfig> = {}, extra: Partial<Parameters<typeof planRun>[0]> = {}) {
  return planRun({
    program: 'cc-start',
    runId: 'r1',
    config: { ...CONFIG, ...config },
    files: FILES,
    host: HOST,
    detached: false,
    ...extra,
  });
}

describe('planRun', () => {
  test('gives the container its own mount, pid, uts, ipc and cgroup namespaces', () => {
    assert.deepEqual(plan().namespaces, ['mount', 'pid', 'uts', 'ipc', 'cgroup']);
  });

  test('keeps the host network by default and adds a net namespace with loopback for none', () => {
    assert.equal(plan().namespaces.includes('net'), false);
    const none = plan({ network: 'none' });
    assert.equal(none.namespaces.includes('net'), true);
    assert.equal(none.loopback, true);
  });

  test('stacks the layers top-most first, as overlayfs wants', () => {
    assert.deepEqual(plan().rootfs!.lower, ['top/fs', 'middle/fs', 'base/fs']);
  });

  test('uses the empty layer for an image without layers', () => {
    const scratch = planRun({
      program: 'cc-start',
      runId: 'r',
      config: CONFIG,
      files: { ...FILES, layers: [] },
      host: HOST,
      detached: false,
    });
    assert.deepEqual(scratch.rootfs!.lower, ['.empty']);
  });

  test('mounts the root nodev, so device nodes shipped in an image are inert', () => {
    assert.deepEqual(plan().rootfs!.flags, ['nodev']);
    assert.deepEqual(plan({ privileged: true }).rootfs!.flags, []);
  });

  test("bounds capabilities to Docker's default set without mknod and net_raw", () => {
    const caps = plan().capabilities;
    assert.deepEqual([...caps].sort(), [...DEFAULT_CAPABILITIES].sort());
    for (const absent of ['CAP_SYS_ADMIN', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SYS_PTRACE']) {
      assert.equal(caps.includes(absent), false, absent);
    }
  });

  test('applies --cap-add and --cap-drop', () => {
    const caps = plan({ capAdd: ['SYS_PTRACE'], capDrop: ['chown'] }).capabilities;
    assert.equal(caps.includes('CAP_SYS_PTRACE'), true);
    assert.equal(caps.includes('CAP_CHOWN'), false);
  });

  test('warns in one line when the kernel cannot load the seccomp filter', () => {
    const host = { ...HOST, seccompAvailable: false };
    assert.equal(
      seccompWarning(CONFIG, host),
      'this kernel cannot load seccomp filters: running without',
    );
    assert.equal(seccompWarning(CONFIG, HOST), undefined);
    assert.equal(seccompWarning({ ...CONFIG, privileged: true }, host), undefined);
  });

  test('loads a seccomp filter unless unconfined or privileged', () => {
    assert.ok(plan().seccomp!.length > 10);
    assert.equal(plan({ seccomp: 'unconfined' }).seccomp, undefined);
    assert.equal(plan({ privileged: true }).seccomp, undefined);
    const noSeccomp = planRun({
      program: 'cc-start',
      runId: 'r',
      config: CONFIG,
      files: FILES,
      host: { ...HOST, seccompAvailable: false },
      detached: false,
    });
    assert.equal(noSeccomp.seccomp, undefined);
  });

  test('sets PATH and HOSTNAME unless the image sets them, and TERM for a terminal', () => {
    const env = plan({}, { terminal: 'xterm-256color' }).process.env;
    assert.ok(env.includes('PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'));
    assert.ok(env.includes('HOSTNAME=web'));
    assert.ok(env.includes('TERM=xterm-256color'));
    assert.ok(plan({ env: ['PATH=/opt/bin'] }).process.env.includes('PATH=/opt/bin'));
  });

  test('dies with its parent in the foreground but not when detached', () => {
    assert.equal(plan().dieWithParent, true);
    assert.equal(plan({}, { detached: true }).dieWithParent, false);
  });
});

describe('planMounts', () => {
  test('mounts /proc first and masks only after /dev exists', () => {
    const steps = planMounts(CONFIG, FILES);
    assert.equal(steps[0]!.op === 'mount' && steps[0]!.target, '/proc');
    const dev = steps.findIndex((step) => step.op === 'mount' && step.target === '/dev');
    const firstMask = steps.findIndex((step) => step.op === 'mask');
    assert.ok(dev < firstMask);
  });

  test('masks and write-protects /proc and /sys as Docker does, unless privileged', () => {
    const steps = planMounts(CONFIG, FILES);
    const masked = steps.flatMap((step) => (step.op === 'mask' ? [step.path] : []));
    const readOnly = steps.flatMap((step) => (step.op === 'readonly' ? [step.path] : []));
    for (const path of ['/proc/kcore', '/proc/keys', '/proc/timer_list'])
      assert.ok(masked.includes(path));
    for (const path of ['/proc/sys', '/proc/sysrq-trigger', '/proc/irq', '/proc/bus']) {
      assert.ok(readOnly.includes(path));
    }
    const sys = steps.find((step) => step.op === 'mount' && step.target === '/sys');
    assert.ok(sys?.op === 'mount' && sys.flags.includes('ro'));
    const privileged = planMounts({ ...CONFIG, privileged: true }, FILES);
    assert.equal(
      privileged.some((step) => step.op === 'mask' || step.op === 'readonly'),
      false,
    );
  });

  test('creates only the minimal devices', () => {
    const nodes = planMounts(CONFIG, FILES).flatMap((step) =>
      step.op === 'mknod' ? [step.path] : [],
    );
    assert.deepEqual(nodes, [
      '/dev/null',
      '/dev/zero',
      '/dev/full',
      '/dev/random',
      '/dev/urandom',
      '/dev/tty',
    ]);
  });

  test('binds volumes nodev, read-only when asked', () => {
    const steps = planMounts(
      { ...CONFIG, volumes: [{ source: '/data', target: '/srv/data', readOnly: true }] },
      FILES,
    );
    const bind = steps.find((step) => step.op === 'bind' && step.target === '/srv/data');
    assert.deepEqual(bind, {
      op: 'bind',
      source: '/data',
      target: '/srv/data',
      flags: ['nodev', 'ro'],
      create: 'auto',
    });
  });

  test('binds its own hosts, hostname and resolv.conf', () => {
    const targets = planMounts(CONFIG, FILES).flatMap((step) =>
      step.op === 'bind' ? [step.target] : [],
    );
    assert.deepEqual(targets, ['/etc/resolv.conf', '/etc/hostname', '/etc/hosts']);
  });
});

describe('parseTmpfs', () => {
  test('mounts noexec, nosuid and nodev, with a default size', () => {
    assert.deepEqual(parseTmpfs('/tmp'), {
      target: '/tmp',
      flags: ['nosuid', 'nodev', 'noexec'],
      data: 'size=65536k',
    });
  });

  test("takes Docker's flag words apart from tmpfs's own options", () => {
    assert.deepEqual(parseTmpfs('/work:rw,exec,size=1g,mode=1777'), {
      target: '/work',
      flags: ['nosuid', 'nodev'],
      data: 'size=1g,mode=1777',
    });
    assert.deepEqual(parseTmpfs('/ro:ro').flags, ['nosuid', 'nodev', 'noexec', 'ro']);
  });
});

describe('planExec', () => {
  test('joins the init and creates no namespace or mount', () => {
    const exec = planExec({
      program: 'cc-run',
      runId: 'r',
      config: CONFIG,
      init: { pid: 42, startTime: 7 },
      host: HOST,
      stateDir: '/s',
    });
    assert.deepEqual(exec.join, { pid: 42, startTime: 7 });
    assert.deepEqual(exec.namespaces, []);
    assert.deepEqual(exec.mounts, []);
    assert.ok(exec.seccomp !== undefined);
  });
});
