import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { CAPABILITIES, DEFAULT_CAPABILITIES } from '../../../src/security/caps.js';
import {
  buildSeccompProgram,
  encodeProgram,
  hostSeccompArch,
  type SeccompArch,
  type SockFilter,
} from '../../../src/security/seccomp.js';
import { SYSCALL_NUMBERS, type SyscallName } from '../../../src/security/syscalls.js';

// The expected values are written out from the kernel's headers rather than imported, so a
// wrong constant in the source cannot agree with itself here.
const KILL = 0x80000000;
const ALLOW = 0x7fff0000;
const EPERM = 0x00050001;
const ENOSYS = 0x00050026;

const AUDIT_ARCH: Record<SeccompArch, number> = {
  x86_64: 0xc000003e,
  x86: 0x40000003,
  arm: 0x40000028,
  aarch64: 0xc00000b7,
};
const AUDIT_ARCH_S390X = 0x80000016;

const HOSTS: readonly { host: SeccompArch; abis: readonly SeccompArch[] }[] = [
  { host: 'x86_64', abis: ['x86_64', 'x86'] },
  { host: 'x86', abis: ['x86'] },
  { host: 'arm', abis: ['arm'] },
  { host: 'aarch64', abis: ['aarch64', 'arm'] },
];

const DEFAULT_CAPS: ReadonlySet<string> = new Set(DEFAULT_CAPABILITIES);
const ALL_CAPS: ReadonlySet<string> = new Set(Object.keys(CAPABILITIES));

interface Call {
  nr: number;
  arch: number;
  args?: readonly bigint[];
}

// A classic-BPF interpreter for the instructions seccomp accepts, over a little-endian
// struct seccomp_data: nr, arch, instruction_pointer, then six 64-bit args.
function runFilter(program: readonly SockFilter[], call: Call): number {
  const data = Buffer.alloc(64);
  data.writeInt32LE(call.nr, 0);
  data.writeUInt32LE(call.arch, 4);
  data.writeBigUInt64LE(0x400000n, 8);
  (call.args ?? []).forEach((arg, index) => data.writeBigUInt64LE(arg, 16 + 8 * index));

  let accumulator = 0;
  for (let pc = 0; pc < program.length; pc++) {
    const { code, jt, jf, k } = program[pc]!;
    const branch = (taken: boolean): void => void (pc += taken ? jt : jf);

    if (code === 0x20) {
      assert.ok(k % 4 === 0 && k < 64, `bad load offset ${k}`);
      accumulator = data.readUInt32LE(k);
    } else if (code === 0x54) accumulator = (accumulator & k) >>> 0;
    else if (code === 0x15) branch(accumulator === k);
    else if (code === 0x35) branch(accumulator >= k);
    else if (code === 0x45) branch((accumulator & k) !== 0);
    else if (code === 0x05) pc += k;
    else if (code === 0x06) return k;
    else assert.fail(`unexpected opcode 0x${code.toString(16)} at ${pc}`);
  }

  return assert.fail('the program ran off its end');
}

function decide(
  host: SeccompArch,
  abi: SeccompArch,
  name: SyscallName,
  options: { caps?: Iterable<string>; args?: readonly bigint[] } = {},
): number | undefined {
  const nr = SYSCALL_NUMBERS[abi][name];
  if (nr === undefined) return undefined;

  const capabilities = new Set([...DEFAULT_CAPS, ...(options.caps ?? [])]);
  const program = buildSeccompProgram({ arch: host, capabilities });

  return runFilter(program, { nr, arch: AUDIT_ARCH[abi], args: options.args ?? [] });
}

const ALLOWED: readonly SyscallName[] = [
  'read',
  'write',
  'openat',
  'execve',
  'clone',
  'chroot',
  'setuid',
  'capset',
  'ptrace',
];

const CAPABILITY_GROUPS: readonly { caps: readonly string[]; names: readonly SyscallName[] }[] = [
  {
    caps: ['CAP_SYS_ADMIN'],
    names: ['mount', 'umount', 'umount2', 'pivot_root', 'unshare', 'setns', 'fsopen'],
  },
  {
    caps: ['CAP_SYS_ADMIN'],
    names: ['fsconfig', 'fsmount', 'fspick', 'move_mount', 'open_tree', 'mount_setattr'],
  },
  {
    caps: ['CAP_SYS_ADMIN'],
    names: ['quotactl', 'quotactl_fd', 'sethostname', 'setdomainname', 'fanotify_init'],
  },
  { caps: ['CAP_SYS_ADMIN'], names: ['lookup_dcookie'] },
  { caps: ['CAP_SYS_ADMIN', 'CAP_SYSLOG'], names: ['syslog'] },
  { caps: ['CAP_SYS_ADMIN', 'CAP_BPF'], names: ['bpf'] },
  { caps: ['CAP_SYS_ADMIN', 'CAP_PERFMON'], names: ['perf_event_open'] },
  { caps: ['CAP_SYS_MODULE'], names: ['init_module', 'finit_module', 'delete_module'] },
  { caps: ['CAP_SYS_BOOT'], names: ['reboot', 'kexec_load', 'kexec_file_load'] },
  { caps: ['CAP_SYS_RAWIO'], names: ['iopl', 'ioperm'] },
  {
    caps: ['CAP_SYS_PTRACE'],
    names: ['kcmp', 'pidfd_getfd', 'process_madvise', 'process_vm_readv', 'process_vm_writev'],
  },
  {
    caps: ['CAP_SYS_TIME'],
    names: ['settimeofday', 'stime', 'clock_settime', 'clock_settime64', 'adjtimex'],
  },
  { caps: ['CAP_SYS_TIME'], names: ['clock_adjtime', 'clock_adjtime64'] },
  { caps: ['CAP_SYS_PACCT'], names: ['acct'] },
  {
    caps: ['CAP_SYS_NICE'],
    names: ['mbind', 'set_mempolicy', 'set_mempolicy_home_node', 'move_pages'],
  },
  { caps: ['CAP_SYS_NICE'], names: ['migrate_pages', 'get_mempolicy'] },
  { caps: ['CAP_SYS_TTY_CONFIG'], names: ['vhangup'] },
  { caps: ['CAP_DAC_READ_SEARCH'], names: ['open_by_handle_at', 'name_to_handle_at'] },
];

const ALWAYS_DENIED: readonly SyscallName[] = [
  'add_key',
  'keyctl',
  'request_key',
  'swapon',
  'swapoff',
  'userfaultfd',
  'uselib',
  'ustat',
  'sysfs',
  '_sysctl',
  'nfsservctl',
  'create_module',
  'get_kernel_syms',
  'query_module',
  'vm86',
  'vm86old',
  'io_uring_setup',
  'io_uring_enter',
  'io_uring_register',
  'afs_syscall',
  'tuxcall',
  'security',
  'vserver',
];

const SIGCHLD = 17n;
const THREAD_FLAGS = 0x3d0f00n;
const NAMESPACE_FLAGS = [
  0x00020000n,
  0x02000000n,
  0x04000000n,
  0x08000000n,
  0x10000000n,
  0x20000000n,
  0x40000000n,
  0x00000080n,
];
const PERSONALITIES_ALLOWED = [0x0n, 0x8n, 0x20000n, 0x20008n, 0xffffffffn];
const PERSONALITIES_DENIED = [0x1n, 0x40000n, 0x400000n, 0x0800000n, 0xfffffffen];
const TIOCSTI = 0x5412n;
const TIOCLINUX = 0x541cn;
const TCGETS = 0x5401n;

for (const { host, abis } of HOSTS) {
  for (const abi of abis) {
    describe(`seccomp on a ${host} host, ${abi} calls`, () => {
      test('allows the calls every program needs', () => {
        for (const name of ALLOWED) assert.equal(decide(host, abi, name), ALLOW, name);
        const clone = decide(host, abi, 'clone', { args: [THREAD_FLAGS] });
        assert.equal(clone, ALLOW);
      });

      test('denies each capability group unless the container holds its capability', () => {
        for (const { caps, names } of CAPABILITY_GROUPS) {
          for (const name of names) {
            const denied = decide(host, abi, name);
            if (denied === undefined) continue;

            assert.equal(denied, EPERM, name);
            for (const cap of caps) assert.equal(decide(host, abi, name, { caps: [cap] }), ALLOW);
          }
        }
      });

      test('denies the always-denied calls even with every capability', () => {
        for (const name of ALWAYS_DENIED) {
          assert.ok([undefined, EPERM].includes(decide(host, abi, name)), name);
          assert.ok([undefined, EPERM].includes(decide(host, abi, name, { caps: ALL_CAPS })));
        }
      });

      test('answers clone3 with enosys so glibc falls back to clone', () => {
        assert.equal(decide(host, abi, 'clone3'), ENOSYS);
        assert.equal(decide(host, abi, 'clone3', { caps: ['CAP_SYS_ADMIN'] }), ALLOW);
      });

      test('denies clone with a namespace flag unless the container holds cap_sys_admin', () => {
        for (const flag of NAMESPACE_FLAGS) {
          const args = [flag | SIGCHLD];
          assert.equal(decide(host, abi, 'clone', { args }), EPERM, flag.toString(16));
          assert.equal(decide(host, abi, 'clone', { args, caps: ['CAP_SYS_ADMIN'] }), ALLOW);
        }
      });

      test('reads only the low word of clone flags, as the kernel does', () => {
        const high = 0x10000000n << 32n;
        assert.equal(decide(host, abi, 'clone', { args: [high | SIGCHLD] }), ALLOW);
        assert.equal(decide(host, abi, 'clone', { args: [high | 0x10000000n] }), EPERM);
      });

      test('allows only the listed personality values, whatever the capabilities', () => {
        for (const value of PERSONALITIES_ALLOWED)
          assert.equal(decide(host, abi, 'personality', { args: [value] }), ALLOW);
        for (const value of PERSONALITIES_DENIED) {
          const args = [value];
          assert.equal(decide(host, abi, 'personality', { args }), EPERM, value.toString(16));
          assert.equal(decide(host, abi, 'personality', { args, caps: ALL_CAPS }), EPERM);
        }
      });

      test('denies tiocsti and tioclinux ioctls even with every capability', () => {
        for (const request of [TIOCSTI, TIOCLINUX, TIOCSTI | (1n << 32n)]) {
          const args = [0n, request];
          assert.equal(decide(host, abi, 'ioctl', { args }), EPERM);
          assert.equal(decide(host, abi, 'ioctl', { args, caps: ALL_CAPS }), EPERM);
        }
        assert.equal(decide(host, abi, 'ioctl', { args: [0n, TCGETS] }), ALLOW);
      });

      test('allows every capability-guarded call when the container holds every capability', () => {
        for (const name of CAPABILITY_GROUPS.flatMap((group) => group.names)) {
          assert.ok([undefined, ALLOW].includes(decide(host, abi, name, { caps: ALL_CAPS })));
        }
        const args = [0x10000000n | SIGCHLD];
        assert.equal(decide(host, abi, 'clone', { args, caps: ALL_CAPS }), ALLOW);
        assert.equal(decide(host, abi, 'clone3', { caps: ALL_CAPS }), ALLOW);
      });
    });
  }

  describe(`seccomp program for a ${host} host`, () => {
    const program = buildSeccompProgram({ arch: host, capabilities: DEFAULT_CAPS });

    test('kills a process calling with an arch the host does not run', () => {
      const foreign = Object.values(AUDIT_ARCH).filter(
        (arch) => !abis.some((abi) => AUDIT_ARCH[abi] === arch),
      );
      for (const arch of [...foreign, AUDIT_ARCH_S390X])
        assert.equal(runFilter(program, { nr: 0, arch }), KILL, arch.toString(16));
    });

    test('fits in bpf_maxinsns and keeps every jump inside the program', () => {
      for (const capabilities of [DEFAULT_CAPS, ALL_CAPS]) {
        const checked = buildSeccompProgram({ arch: host, capabilities });
        assert.ok(checked.length < 4096);
        assert.equal(checked.at(-1)?.code, 0x06);
        checked.forEach(({ code, jt, jf, k }, pc) => {
          const targets = code === 0x05 ? [k] : (code & 0x07) === 0x05 ? [jt, jf] : [];
          for (const offset of targets) assert.ok(pc + 1 + offset < checked.length, `at ${pc}`);
          assert.ok(jt <= 0xff && jf <= 0xff && k >= 0 && k <= 0xffffffff);
        });
      }
    });

    test('encodes to hex that parses back to the same program', () => {
      const hex = encodeProgram(program);
      assert.match(hex, /^[0-9a-f]+$/);
      assert.equal(hex.length, 16 * program.length);

      const parsed = hex.match(/.{16}/g)!.map((word) => ({
        code: parseInt(word.slice(0, 4), 16),
        jt: parseInt(word.slice(4, 6), 16),
        jf: parseInt(word.slice(6, 8), 16),
        k: parseInt(word.slice(8, 16), 16),
      }));
      assert.deepEqual(parsed, program);
    });
  });
}

describe('seccomp on x86_64', () => {
  const program = buildSeccompProgram({ arch: 'x86_64', capabilities: ALL_CAPS });

  test('denies x32 calls even with every capability', () => {
    for (const nr of [0, 1, 59, 165, 512])
      assert.equal(runFilter(program, { nr: 0x40000000 | nr, arch: AUDIT_ARCH.x86_64 }), EPERM);
  });

  test('applies i386 numbers to i386 calls', () => {
    const confined = buildSeccompProgram({ arch: 'x86_64', capabilities: DEFAULT_CAPS });
    assert.equal(runFilter(confined, { nr: 21, arch: AUDIT_ARCH.x86 }), EPERM);
    assert.equal(runFilter(confined, { nr: 165, arch: AUDIT_ARCH.x86 }), ALLOW);
    assert.equal(runFilter(confined, { nr: 21, arch: AUDIT_ARCH.x86_64 }), ALLOW);
    assert.equal(runFilter(confined, { nr: 165, arch: AUDIT_ARCH.x86_64 }), EPERM);
  });
});

describe('generated syscall tables', () => {
  test('agree with the kernel on a few well-known numbers', () => {
    assert.deepEqual(
      Object.fromEntries(Object.entries(SYSCALL_NUMBERS).map(([arch, t]) => [arch, t.mount])),
      { x86_64: 165, x86: 21, arm: 21, aarch64: 40 },
    );
    assert.equal(SYSCALL_NUMBERS.x86_64.read, 0);
    assert.equal(SYSCALL_NUMBERS.aarch64.clone3, 435);
    assert.equal(SYSCALL_NUMBERS.aarch64.stime, undefined);
  });
});

describe('encodeProgram', () => {
  test('writes code, jt, jf and k as zero-padded hex', () => {
    const hex = encodeProgram([{ code: 0x15, jt: 1, jf: 0xff, k: 0xc000003e }]);
    assert.equal(hex, '001501ffc000003e');
  });

  test('rejects a field that does not fit', () => {
    assert.throws(() => encodeProgram([{ code: 0x15, jt: 256, jf: 0, k: 0 }]), RangeError);
  });
});

describe('hostSeccompArch', () => {
  test('maps node arches to seccomp arches', () => {
    const expected = { x64: 'x86_64', ia32: 'x86', arm: 'arm', arm64: 'aarch64', mips: undefined };
    for (const [node, arch] of Object.entries(expected))
      assert.equal(hostSeccompArch(node), arch, node);
  });
});
