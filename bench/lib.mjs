// Helpers shared by the benchmark scripts: running tools, hyperfine, Markdown tables.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Runs a command, failing loudly; returns its stdout. */
export function run(argv, env = process.env, options = {}) {
  const result = spawnSync(argv[0], argv.slice(1), { env, encoding: 'utf8', ...options });
  if (result.status !== 0) {
    throw new Error(`${argv.join(' ')} failed (${result.status}): ${result.stderr}`);
  }
  return result.stdout;
}

/** A shell command line with the environment a cc-* command needs. */
export function commandLine(argv, env) {
  const quote = (word) =>
    /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
  return `env CC_ROOT=${quote(env.CC_ROOT)} ${argv.map(quote).join(' ')}`;
}

/** Times commands with hyperfine in one run; returns name -> { median, mean, stddev } (s). */
export function hyperfine(commands, { runs = 20, warmup = 3, shell = true, prepare } = {}) {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cc-hf-')), 'result.json');
  const argv = ['hyperfine', ...(shell ? [] : ['-N']), '-w', String(warmup), '-r', String(runs)];
  if (prepare !== undefined) argv.push('--prepare', prepare);
  for (const [name, command] of Object.entries(commands)) argv.push('-n', name, command);
  argv.push('--export-json', out);
  const result = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error('hyperfine failed (apt-get install hyperfine)');

  const data = JSON.parse(fs.readFileSync(out, 'utf8'));
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
  return Object.fromEntries(
    data.results.map((entry) => [
      entry.command,
      { median: entry.median, mean: entry.mean, stddev: entry.stddev },
    ]),
  );
}

/** A Markdown table of medians with each row's ratio to the reference row. */
export function ratioTable(results, reference) {
  const base = results[reference].median;
  const rows = Object.entries(results).map(
    ([name, { median, stddev }]) =>
      `| ${name} | ${(median * 1000).toFixed(1)} ms | ±${(stddev * 1000).toFixed(1)} ms | ${(median / base).toFixed(2)} |`,
  );
  return ['| command | median | σ | × ' + reference + ' |', '|---|---|---|---|', ...rows].join(
    '\n',
  );
}

/** The value after `--name` in the script's arguments, or the fallback. */
export function option(name, fallback) {
  const args = process.argv.slice(2);
  const index = args.indexOf(name);
  return index === -1 ? fallback : args[index + 1];
}
