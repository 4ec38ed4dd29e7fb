import * as fs from 'node:fs';

import type { HostFacts } from '../runtime/plan.js';
import { hostSeccompArch } from '../security/seccomp.js';

let cached: HostFacts | undefined;

/** What the kernel offers that plans depend on; read once per command. */
export function hostFacts(): HostFacts {
  cached ??= {
    seccompArch: hostSeccompArch(),
    seccompAvailable: seccompFiltersAvailable(),
    cgroupNamespace: fs.existsSync('/proc/self/ns/cgroup'),
  };
  return cached;
}

/** Whether seccomp filters can be loaded: CONFIG_SECCOMP_FILTER shows in these files. */
export function seccompFiltersAvailable(): boolean {
  try {
    return fs.readFileSync('/proc/sys/kernel/seccomp/actions_avail', 'utf8').includes('errno');
  } catch {
    const status = fs.readFileSync('/proc/self/status', 'utf8');
    return /^Seccomp_filters:/m.test(status);
  }
}
