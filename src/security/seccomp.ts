import { SYSCALL_NUMBERS, type SyscallName, type SyscallTable } from './syscalls.js';

// The container's seccomp filter: a deny-list with the effect of Docker's default profile,
// written as classic BPF for cc-init to load. A syscall named here must also be listed in
// scripts/gen-syscalls.mjs, which generates its numbers; tsc rejects one that is not.

export type SeccompArch = 'x86_64' | 'x86' | 'arm' | 'aarch64';

/** One classic-BPF instruction, as struct sock_filter. */
export interface SockFilter {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

const LD_W_ABS = 0x20;
const JEQ_K = 0x15;
const JSET_K = 0x45;
const JA = 0x05;
const RET_K = 0x06;

const OFFSET_NR = 0;
const OFFSET_ARCH = 4;
const OFFSET_ARGS = 16;

const SECCOMP_RET_KILL_PROCESS = 0x80000000;
const SECCOMP_RET_ALLOW = 0x7fff0000;
const SECCOMP_RET_ERRNO = 0x00050000;
const EPERM = 1;
const ENOSYS = 38;
const RET_EPERM = SECCOMP_RET_ERRNO | EPERM;
const RET_ENOSYS = SECCOMP_RET_ERRNO | ENOSYS;

const AUDIT_ARCH: Readonly<Record<SeccompArch, number>> = {
  x86_64: 0xc000003e,
  x86: 0x40000003,
  arm: 0x40000028,
  aarch64: 0xc00000b7,
};

// A 64-bit kernel also runs its 32-bit ABI, and each ABI has its own syscall numbers.
const ABIS: Readonly<Record<SeccompArch, readonly SeccompArch[]>> = {
  x86_64: ['x86_64', 'x86'],
  x86: ['x86'],
  arm: ['arm'],
  aarch64: ['aarch64', 'arm'],
};

// x32 calls arrive as AUDIT_ARCH_X86_64 with this bit set, and would otherwise slip past
// every x86_64 number below.
const X32_SYSCALL_BIT = 0x40000000;

const CLONE_NAMESPACE_FLAGS = 0x7e020080;
const TIOCSTI = 0x5412;
const TIOCLINUX = 0x541c;

/** Matches calls by one argument's low 32 bits; a rule holding it only denies the matches. */
type ArgTest =
  | { arg: number; anyBitOf: number }
  | { arg: number; oneOf: readonly number[] }
  | { arg: number; noneOf: readonly number[] };

interface Rule {
  syscalls: readonly SyscallName[];
  action: number;
  /** Holding any of these lifts the rule. */
  unless?: readonly string[];
  when?: ArgTest;
}

// Syscalls an arch lacks are skipped, so the lists name the union of the four arches.
const RULES: readonly Rule[] = [
  { syscalls: ['clone3'], action: RET_ENOSYS, unless: ['CAP_SYS_ADMIN'] },
  {
    syscalls: ['clone'],
    action: RET_EPERM,
    unless: ['CAP_SYS_ADMIN'],
    when: { arg: 0, anyBitOf: CLONE_NAMESPACE_FLAGS },
  },
  { syscalls: ['syslog'], action: RET_EPERM, unless: ['CAP_SYS_ADMIN', 'CAP_SYSLOG'] },
  { syscalls: ['bpf'], action: RET_EPERM, unless: ['CAP_SYS_ADMIN', 'CAP_BPF'] },
  { syscalls: ['perf_event_open'], action: RET_EPERM, unless: ['CAP_SYS_ADMIN', 'CAP_PERFMON'] },
  {
    syscalls: [
      'mount',
      'umount',
      'umount2',
      'pivot_root',
      'unshare',
      'setns',
      'fsopen',
      'fsconfig',
      'fsmount',
      'fspick',
      'move_mount',
      'open_tree',
      'mount_setattr',
      'quotactl',
      'quotactl_fd',
      'sethostname',
      'setdomainname',
      'fanotify_init',
      'lookup_dcookie',
    ],
    action: RET_EPERM,
    unless: ['CAP_SYS_ADMIN'],
  },
  {
    syscalls: ['init_module', 'finit_module', 'delete_module'],
    action: RET_EPERM,
    unless: ['CAP_SYS_MODULE'],
  },
  {
    syscalls: ['reboot', 'kexec_load', 'kexec_file_load'],
    action: RET_EPERM,
    unless: ['CAP_SYS_BOOT'],
  },
  { syscalls: ['iopl', 'ioperm'], action: RET_EPERM, unless: ['CAP_SYS_RAWIO'] },
  {
    syscalls: ['kcmp', 'pidfd_getfd', 'process_madvise', 'process_vm_readv', 'process_vm_writev'],
    action: RET_EPERM,
    unless: ['CAP_SYS_PTRACE'],
  },
  {
    syscalls: [
      'settimeofday',
      'stime',
      'clock_settime',
      'clock_settime64',
      'clock_adjtime',
      'clock_adjtime64',
      'adjtimex',
    ],
    action: RET_EPERM,
    unless: ['CAP_SYS_TIME'],
  },
  { syscalls: ['acct'], action: RET_EPERM, unless: ['CAP_SYS_PACCT'] },
  {
    syscalls: [
      'mbind',
      'set_mempolicy',
      'set_mempolicy_home_node',
      'move_pages',
      'migrate_pages',
      'get_mempolicy',
    ],
    action: RET_EPERM,
    unless: ['CAP_SYS_NICE'],
  },
  { syscalls: ['vhangup'], action: RET_EPERM, unless: ['CAP_SYS_TTY_CONFIG'] },
  {
    syscalls: ['open_by_handle_at', 'name_to_handle_at'],
    action: RET_EPERM,
    unless: ['CAP_DAC_READ_SEARCH'],
  },
  {
    syscalls: [
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
    ],
    action: RET_EPERM,
  },
  // The execution domains glibc and util-linux's setarch use, plus the query value.
  {
    syscalls: ['personality'],
    action: RET_EPERM,
    when: { arg: 0, noneOf: [0x0, 0x8, 0x20000, 0x20008, 0xffffffff] },
  },
  // A container shares the caller's terminal: TIOCSTI would type into the user's shell.
  {
    syscalls: ['ioctl'],
    action: RET_EPERM,
    when: { arg: 1, oneOf: [TIOCSTI, TIOCLINUX] },
  },
];

/** Maps Node's process.arch to the seccomp arch, or undefined where we have no policy. */
export function hostSeccompArch(nodeArch: string = process.arch): SeccompArch | undefined {
  const arches: Record<string, SeccompArch> = {
    x64: 'x86_64',
    ia32: 'x86',
    arm: 'arm',
    arm64: 'aarch64',
  };

  return arches[nodeArch];
}

/** The filter for a container with these capabilities on a host of this arch. */
export function buildSeccompProgram(options: {
  arch: SeccompArch;
  capabilities: ReadonlySet<string>;
}): SockFilter[] {
  const rules = RULES.filter((rule) => !rule.unless?.some((cap) => options.capabilities.has(cap)));
  const abis = ABIS[options.arch];

  // A section may lie beyond the 255 instructions a conditional jump reaches, so each arch
  // test only skips over a JA, which reaches any distance.
  const lines: Line[] = [{ code: LD_W_ABS, k: OFFSET_ARCH }];
  for (const abi of abis) {
    lines.push({ code: JEQ_K, k: AUDIT_ARCH[abi], jf: `${abi}:next` });
    lines.push({ code: JA, k: 0, ja: abi });
    lines.push({ label: `${abi}:next` });
  }
  lines.push({ code: RET_K, k: SECCOMP_RET_KILL_PROCESS });

  for (const abi of abis) lines.push(...abiSection(abi, rules));

  return assemble(lines);
}

/** The program as cc-init reads it: 16 hex digits per instruction (code, jt, jf, k). */
export function encodeProgram(program: readonly SockFilter[]): string {
  return program
    .map(({ code, jt, jf, k }) => hex(code, 4) + hex(jt, 2) + hex(jf, 2) + hex(k, 8))
    .join('');
}

function hex(value: number, digits: number): string {
  const text = value.toString(16).padStart(digits, '0');
  if (value < 0 || text.length > digits) throw new RangeError(`${value} does not fit in BPF`);

  return text;
}

// One ABI's checks. Plain denials jump straight to a shared return at the end; calls with
// argument tests jump to a block of their own, which returns ALLOW when nothing matches.
function abiSection(abi: SeccompArch, rules: readonly Rule[]): Line[] {
  const table: SyscallTable = SYSCALL_NUMBERS[abi];
  const returnLabel = (action: number): string => `${abi}:ret:${action}`;
  const actions = new Set<number>();
  const seen = new Set<number>();
  const argBlocks = new Map<number, { test: ArgTest; action: number }[]>();
  const lines: Line[] = [{ label: abi }, { code: LD_W_ABS, k: OFFSET_NR }];

  if (abi === 'x86_64') {
    lines.push({ code: JSET_K, k: X32_SYSCALL_BIT, jt: returnLabel(RET_EPERM) });
    actions.add(RET_EPERM);
  }

  for (const rule of rules) {
    for (const name of rule.syscalls) {
      const nr = table[name];
      if (nr === undefined || seen.has(nr)) continue;

      if (rule.when === undefined) {
        seen.add(nr);
        actions.add(rule.action);
        lines.push({ code: JEQ_K, k: nr, jt: returnLabel(rule.action) });
      } else {
        const block = { test: rule.when, action: rule.action };
        argBlocks.set(nr, [...(argBlocks.get(nr) ?? []), block]);
      }
    }
  }

  // A plain denial of the same call wins, so its argument block is never reached.
  const blocks = [...argBlocks].filter(([nr]) => !seen.has(nr));
  for (const [nr] of blocks) lines.push({ code: JEQ_K, k: nr, jt: `${abi}:args:${nr}` });
  lines.push({ code: RET_K, k: SECCOMP_RET_ALLOW });

  for (const [nr, tests] of blocks) {
    lines.push({ label: `${abi}:args:${nr}` });
    tests.forEach(({ test, action }, index) => {
      lines.push(...argTest(test, `${abi}:args:${nr}:${index}`, returnLabel(action)));
      actions.add(action);
    });
    lines.push({ code: RET_K, k: SECCOMP_RET_ALLOW });
  }

  for (const action of actions)
    lines.push({ label: returnLabel(action) }, { code: RET_K, k: action });

  return lines;
}

// Jumps to deny when the call matches, else falls through to the next test. Only the low
// word is read: the kernel truncates these arguments (personality's and ioctl's are unsigned
// int, clone drops the upper flag bits), so the high word cannot change what the call does.
function argTest(test: ArgTest, prefix: string, deny: string): Line[] {
  const lines: Line[] = [{ code: LD_W_ABS, k: OFFSET_ARGS + 8 * test.arg }];

  if ('anyBitOf' in test) {
    lines.push({ code: JSET_K, k: test.anyBitOf, jt: deny });
  } else if ('oneOf' in test) {
    for (const value of test.oneOf) lines.push({ code: JEQ_K, k: value, jt: deny });
  } else {
    for (const value of test.noneOf) lines.push({ code: JEQ_K, k: value, jt: `${prefix}:pass` });
    lines.push({ code: JA, k: 0, ja: deny }, { label: `${prefix}:pass` });
  }

  return lines;
}

/**
 * An instruction whose jumps name labels, or a label. A missing jt or jf falls through to the
 * next instruction.
 */
type Line = { label: string } | { code: number; k: number; jt?: string; jf?: string; ja?: string };

// Resolves labels to the forward offsets BPF wants. Conditional offsets are 8 bits wide;
// rather than patch a far one, it throws, so a policy that outgrows the layout fails tests.
function assemble(lines: readonly Line[]): SockFilter[] {
  const labels = new Map<string, number>();
  let count = 0;
  for (const line of lines) {
    if (!('label' in line)) count++;
    else if (labels.has(line.label)) throw new Error(`duplicate BPF label '${line.label}'`);
    else labels.set(line.label, count);
  }

  const program: SockFilter[] = [];
  for (const line of lines) {
    if ('label' in line) continue;

    const pc = program.length;
    const offset = (target: string | undefined, limit: number): number => {
      if (target === undefined) return 0;
      const at = labels.get(target);
      if (at === undefined) throw new Error(`unknown BPF label '${target}'`);
      const distance = at - pc - 1;
      if (distance < 0 || distance > limit)
        throw new RangeError(`BPF jump to '${target}' spans ${distance}`);

      return distance;
    };

    const k = line.ja === undefined ? line.k : offset(line.ja, 0xffffffff);
    program.push({ code: line.code, jt: offset(line.jt, 0xff), jf: offset(line.jf, 0xff), k });
  }

  return program;
}
