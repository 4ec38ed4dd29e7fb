import { ago, duration } from '../util/format.js';
import { containerStatus, listContainerNames, loadContainer } from '../store/containers.js';
import type { Store } from '../store/store.js';
import { shellQuote } from '../util/log.js';

export interface ContainerRow {
  name: string;
  image: string;
  status: 'created' | 'running' | 'stopped';
  statusText: string;
  exitCode: number | null;
  startedAt: string | null;
  finishedAt: string | null;
  pid: number | null;
  created: string;
  command: string;
}

/**
 * One row per container, status read from the live process table: a stale record left by
 * a crash or a reboot shows as stopped.
 */
export function listContainers(store: Store, now: number = Date.now()): ContainerRow[] {
  const rows: ContainerRow[] = [];

  for (const name of listContainerNames(store)) {
    let record;
    try {
      record = loadContainer(store, name);
    } catch {
      continue;
    }
    const status = containerStatus(store.paths.containerPaths(name));
    const row: ContainerRow = {
      name,
      image: `${record.image.name}@${record.image.version}`,
      status: status.state,
      statusText: status.state === 'created' ? 'created' : '',
      exitCode: null,
      startedAt: status.state === 'created' ? null : status.run.startedAt,
      finishedAt: null,
      pid: status.state === 'running' ? status.run.pid : null,
      created: ago(record.created, now),
      command: shellQuote(record.run.argv),
    };

    if (status.state === 'running') {
      const seconds = Math.round((now - Date.parse(status.run.startedAt)) / 1000);
      row.statusText = `running (${duration(Math.max(0, seconds))})`;
    } else if (status.state === 'stopped') {
      row.exitCode = status.exitCode ?? null;
      row.finishedAt = status.finishedAt ?? null;
      row.statusText = stoppedText(status.exitCode, status.finishedAt, status.how, now);
    }
    rows.push(row);
  }
  return rows;
}

function stoppedText(
  exitCode: number | undefined,
  finishedAt: string | undefined,
  how: 'exited' | 'killed' | 'rebooted',
  now: number,
): string {
  if (how === 'rebooted') return 'stopped (host restarted)';
  const code = `stopped (${exitCode ?? '?'})`;
  return finishedAt === undefined ? code : `${code} ${ago(finishedAt, now)}`;
}
