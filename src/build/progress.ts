/** How a build shows its progress on stderr. */
export type ProgressMode = 'plain' | 'tty' | 'json' | 'quiet';

export interface StepInfo {
  number: number;
  total: number;
  text: string;
  /** Steps that make a layer report `cached` or their time. */
  layered: boolean;
}

export interface Reporter {
  stepStarted(step: StepInfo): void;
  /** The running step's result came from the cache. */
  cached(): void;
  /** Output of the running step's command. */
  output(chunk: Buffer | string): void;
  stepFinished(): void;
  /** The build failed: show what the user needs that was not shown yet. */
  failed(message: string): void;
  finished(summary: string): void;
}

/** How many lines of a failed step's output are shown when they were not shown live. */
export const TAIL_LINES = 20;

interface Sink {
  write(text: string): unknown;
  isTTY?: boolean;
}

export function createReporter(mode: ProgressMode, sink: Sink = process.stderr): Reporter {
  if (mode === 'json') return jsonReporter(sink);
  if (mode === 'tty') return ttyReporter(sink);
  return textReporter(sink, mode === 'quiet');
}

/** Keeps the last lines of a step's output, and splits a stream into whole lines. */
class LineBuffer {
  private partial = '';
  readonly tail: string[] = [];

  push(chunk: Buffer | string, onLine: (line: string) => void): void {
    const text = this.partial + chunk.toString();
    const lines = text.split('\n');
    this.partial = lines.pop()!;
    for (const line of lines) this.keep(line, onLine);
  }

  flush(onLine: (line: string) => void): void {
    if (this.partial.length > 0) this.keep(this.partial, onLine);
    this.partial = '';
  }

  private keep(line: string, onLine: (line: string) => void): void {
    // A progress line redraws itself after each \r: only its last state is worth showing.
    const trimmed = line.replace(/\r$/, '');
    const clean = trimmed.slice(trimmed.lastIndexOf('\r') + 1);
    this.tail.push(clean);
    if (this.tail.length > TAIL_LINES) this.tail.shift();
    onLine(clean);
  }
}

function elapsed(start: number): string {
  return `${((Date.now() - start) / 1000).toFixed(1)}s`;
}

/** Plain text, for pipes and logs; quiet keeps it all back unless the build fails. */
function textReporter(sink: Sink, quiet: boolean): Reporter {
  let step: StepInfo | undefined;
  let started = 0;
  let wasCached = false;
  let buffer = new LineBuffer();
  const say = (text: string) => {
    if (!quiet) sink.write(text);
  };

  return {
    stepStarted(info) {
      step = info;
      started = Date.now();
      wasCached = false;
      buffer = new LineBuffer();
      say(`Step ${info.number}/${info.total}: ${info.text}\n`);
    },
    cached() {
      wasCached = true;
    },
    output(chunk) {
      buffer.push(chunk, (line) => say(`    ${line}\n`));
    },
    stepFinished() {
      buffer.flush((line) => say(`    ${line}\n`));
      if (step?.layered) say(wasCached ? '    cached\n' : `    done (${elapsed(started)})\n`);
    },
    failed() {
      buffer.flush((line) => say(`    ${line}\n`));
      if (!quiet || step === undefined) return;
      sink.write(`Step ${step.number}/${step.total}: ${step.text}\n`);
      for (const line of buffer.tail) sink.write(`    ${line}\n`);
    },
    finished(summary) {
      say(`${summary}\n`);
    },
  };
}

/** One JSON object per line, for tools. */
function jsonReporter(sink: Sink): Reporter {
  let step: StepInfo | undefined;
  let started = 0;
  let wasCached = false;
  const buffer = new LineBuffer();
  const emit = (event: Record<string, unknown>) => sink.write(`${JSON.stringify(event)}\n`);

  return {
    stepStarted(info) {
      step = info;
      started = Date.now();
      wasCached = false;
      emit({ event: 'step', step: info.number, total: info.total, text: info.text });
    },
    cached() {
      wasCached = true;
    },
    output(chunk) {
      buffer.push(chunk, (line) => emit({ event: 'output', step: step?.number, line }));
    },
    stepFinished() {
      buffer.flush((line) => emit({ event: 'output', step: step?.number, line }));
      const seconds = (Date.now() - started) / 1000;
      emit({ event: 'done', step: step?.number, cached: wasCached, seconds });
    },
    failed(message) {
      buffer.flush((line) => emit({ event: 'output', step: step?.number, line }));
      emit({ event: 'failed', step: step?.number, message });
    },
    finished(summary) {
      emit({ event: 'finished', summary });
    },
  };
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * A live view for terminals: one line per step, the running one with a spinner, its time
 * and its latest output line; finished steps stay as a one-line record.
 */
function ttyReporter(sink: Sink): Reporter {
  let step: StepInfo | undefined;
  let started = 0;
  let wasCached = false;
  let buffer = new LineBuffer();
  let latest = '';
  let frame = 0;
  let timer: NodeJS.Timeout | undefined;
  // A terminal that reports no size (0 columns) gets a usual width.
  const columns = () => (process.stderr.columns || 100) - 1;

  const draw = () => {
    if (step === undefined) return;
    const head = `${SPINNER[frame++ % SPINNER.length]} [${step.number}/${step.total}] ${step.text}`;
    const line = `${head} ${elapsed(started)}${latest ? `  ${latest}` : ''}`;
    sink.write(`\r\x1b[2K${line.slice(0, columns())}`);
  };
  const stop = () => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  };

  return {
    stepStarted(info) {
      step = info;
      started = Date.now();
      wasCached = false;
      latest = '';
      buffer = new LineBuffer();
      draw();
      timer = setInterval(draw, 100);
      timer.unref();
    },
    cached() {
      wasCached = true;
    },
    output(chunk) {
      buffer.push(chunk, (line) => {
        if (line.trim().length > 0) latest = line.trim();
      });
    },
    stepFinished() {
      stop();
      if (step === undefined) return;
      const status = !step.layered ? '' : wasCached ? 'cached' : elapsed(started);
      const line = `✔ [${step.number}/${step.total}] ${step.text}`.slice(0, columns() - 10);
      sink.write(`\r\x1b[2K${line}${status ? `  ${status}` : ''}\n`);
    },
    failed() {
      stop();
      buffer.flush(() => undefined);
      if (step === undefined) return;
      sink.write(`\r\x1b[2K✘ [${step.number}/${step.total}] ${step.text}\n`);
      for (const line of buffer.tail) sink.write(`    ${line}\n`);
    },
    finished(summary) {
      stop();
      sink.write(`${summary}\n`);
    },
  };
}
