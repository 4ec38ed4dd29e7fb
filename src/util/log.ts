/** How much goes to stderr: errors only, normal progress, every external command, or timings. */
export type Verbosity = 'quiet' | 'normal' | 'verbose' | 'debug';

const RANK: Record<Verbosity, number> = { quiet: 0, normal: 1, verbose: 2, debug: 3 };

let level: Verbosity = 'normal';
let program = 'cc';

/** Logging to stderr; stdout is kept for data (names, tables, JSON). */
export const log = {
  configure(options: { program?: string; verbosity?: Verbosity }): void {
    if (options.program !== undefined) program = options.program;
    if (options.verbosity !== undefined) level = options.verbosity;
  },

  get program(): string {
    return program;
  },

  enabled(verbosity: Verbosity): boolean {
    return RANK[level] >= RANK[verbosity];
  },

  info(message: string): void {
    if (RANK[level] >= RANK.normal) process.stderr.write(`${message}\n`);
  },

  warn(message: string): void {
    process.stderr.write(`${program}: warning: ${message}\n`);
  },

  error(message: string): void {
    process.stderr.write(`${program}: ${message}\n`);
  },

  /** Echoes an external command, shell-quoted so that it can be pasted into a terminal. */
  command(argv: readonly string[]): void {
    if (RANK[level] >= RANK.verbose) process.stderr.write(`+ ${shellQuote(argv)}\n`);
  },

  debug(message: string): void {
    if (RANK[level] >= RANK.debug) process.stderr.write(`${program}: debug: ${message}\n`);
  },

  /** With --debug, marks a step with the milliseconds since the process started. */
  step(label: string): void {
    if (RANK[level] >= RANK.debug) log.debug(`${performance.now().toFixed(1)} ms: ${label}`);
  },
};

/** Quotes argv for display the way a POSIX shell would read it back. */
export function shellQuote(argv: readonly string[]): string {
  return argv
    .map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`))
    .join(' ');
}
