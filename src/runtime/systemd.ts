import type { ContainerRecord } from '../store/containers.js';

export interface UnitOptions {
  /** The container, as created. */
  record: ContainerRecord;
  storeRoot: string;
  /** Absolute commands for cc-start and cc-stop (with node in front when not on PATH). */
  ccStart: string;
  ccStop: string;
  restart: 'no' | 'on-failure' | 'always';
  stopTimeout: number;
}

/** The unit's file name. */
export function unitName(container: string): string {
  return `cc-${container}.service`;
}

/**
 * A systemd unit that starts the container at boot, stops it cleanly and restarts it when
 * it fails: systemd runs `cc-start -d`, which returns once the command has started, and
 * then supervises the container's init through PIDFile, as the init is its child then.
 * The container stays in the service's cgroup (--cgroup=inherit), where systemd sees it,
 * and its resource limits become the service's.
 */
export function unitText(options: UnitOptions): string {
  const { record, storeRoot } = options;
  const limits = record.limits ?? {};
  const pidFile = `${storeRoot}/containers/${record.name}/init.pid`;
  const resourceLines = [
    ...(limits.memory === undefined ? [] : [`MemoryMax=${limits.memory}`]),
    ...(limits.memory === undefined ? [] : [`MemorySwapMax=${limits.memory}`]),
    ...(limits.cpus === undefined ? [] : [`CPUQuota=${Math.round(limits.cpus * 100)}%`]),
    ...(limits.pids === undefined ? [] : [`TasksMax=${limits.pids}`]),
  ];

  return [
    `# Written by cc-systemd for the Cookie-Cutter container '${record.name}'.`,
    '[Unit]',
    `Description=Cookie-Cutter container ${record.name}`,
    'Wants=network-online.target',
    'After=network-online.target',
    `RequiresMountsFor=${storeRoot}`,
    '',
    '[Service]',
    'Type=forking',
    `Environment=CC_ROOT=${storeRoot}`,
    `ExecStart=${options.ccStart} -d --cgroup=inherit ${record.name}`,
    `ExecStop=${options.ccStop} -t ${options.stopTimeout} ${record.name}`,
    `PIDFile=${pidFile}`,
    `Restart=${options.restart}`,
    'RestartSec=2',
    'TimeoutStartSec=60',
    `TimeoutStopSec=${options.stopTimeout + 10}`,
    ...resourceLines,
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}
