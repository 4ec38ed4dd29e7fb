import * as fs from 'node:fs';

import { containerStatus, loadContainer, logFiles } from '../store/containers.js';
import type { Store } from '../store/store.js';

/** One line of a detached container's output, as its init logged it (CRI format). */
export interface LogLine {
  time: string;
  stream: 'stdout' | 'stderr';
  text: string;
}

/**
 * Parses log text: `TIME STREAM F|P TEXT` per line, P marking a piece of a longer line
 * that the next records continue. Returns the whole lines, and the partial one left over.
 */
export function parseLog(text: string, pending: Partial<Record<LogLine['stream'], string>> = {}) {
  const lines: LogLine[] = [];
  for (const record of text.split('\n')) {
    const match = /^(\S+) (stdout|stderr) ([FP]) (.*)$/.exec(record);
    if (match === null) continue;
    const [, time, stream, tag, content] = match as unknown as [
      string,
      string,
      LogLine['stream'],
      string,
      string,
    ];
    const joined = (pending[stream] ?? '') + content;
    if (tag === 'P') {
      pending[stream] = joined;
      continue;
    }
    delete pending[stream];
    lines.push({ time: time!, stream, text: joined });
  }
  return { lines, pending };
}

export interface LogOptions {
  follow: boolean;
  tail?: number;
  timestamps: boolean;
}

export interface LogSink {
  stdout(text: string): void;
  stderr(text: string): void;
}

/**
 * cc-logs: prints a detached container's output, oldest first, each line to the stream it
 * was written to; with `follow`, goes on printing until the container stops.
 */
export async function showLogs(store: Store, name: string, options: LogOptions, sink: LogSink) {
  loadContainer(store, name);
  const paths = store.paths.containerPaths(name);
  const print = (line: LogLine) => {
    const text = `${options.timestamps ? `${line.time} ` : ''}${line.text}\n`;
    if (line.stream === 'stderr') sink.stderr(text);
    else sink.stdout(text);
  };

  const current = `${paths.logs}/container.log`;
  let inode = statOf(current)?.ino;
  let offset = 0;
  const pending = {};
  const lines: LogLine[] = [];
  for (const file of logFiles(paths)) {
    const text = readOr(file);
    if (file === current) offset = Buffer.byteLength(text);
    lines.push(...parseLog(text, pending).lines);
  }
  const shown =
    options.tail === undefined ? lines : lines.slice(Math.max(0, lines.length - options.tail));
  shown.forEach(print);
  if (!options.follow) return;

  // Follow the current file by offset; a rotation shows as a new inode, read from its start.
  for (;;) {
    const running = containerStatus(paths).state === 'running';
    const stat = statOf(current);
    if (stat !== undefined && stat.ino !== inode) {
      inode = stat.ino;
      offset = 0;
    }
    if (stat !== undefined && stat.size > offset) {
      const fd = fs.openSync(current, 'r');
      const buffer = Buffer.alloc(stat.size - offset);
      fs.readSync(fd, buffer, 0, buffer.length, offset);
      fs.closeSync(fd);
      offset = stat.size;
      parseLog(buffer.toString('utf8'), pending).lines.forEach(print);
    }
    if (!running) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function statOf(file: string): fs.Stats | undefined {
  return fs.statSync(file, { throwIfNoEntry: false });
}

function readOr(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
