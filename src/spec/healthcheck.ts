import {
  commandForm,
  fail,
  parseFlags,
  type FlagKind,
  type InstructionContext,
} from './command.js';
import type { HealthcheckInstruction } from './types.js';
import { asciiUpper, isGoSpace } from './text.js';

const HEALTHCHECK_FLAGS = new Map<string, FlagKind>([
  ['interval', 'string'],
  ['timeout', 'string'],
  ['start-period', 'string'],
  ['start-interval', 'string'],
  ['retries', 'string'],
]);

const DURATION_FIELDS = [
  ['interval', 'interval'],
  ['timeout', 'timeout'],
  ['start-period', 'startPeriod'],
  ['start-interval', 'startInterval'],
] as const;

/** HEALTHCHECK NONE, or HEALTHCHECK [flags] CMD command in shell or exec form. */
export function parseHealthcheck(context: InstructionContext): HealthcheckInstruction {
  const base = { kind: 'HEALTHCHECK', line: context.line, text: context.text } as const;
  const { type, rest } = splitType(context.args);
  if (type === '') fail(context, 'HEALTHCHECK requires at least one argument');

  if (asciiUpper(type) === 'NONE') {
    if (rest !== '') fail(context, 'HEALTHCHECK NONE takes no arguments');
    if (context.flags.length > 0) fail(context, 'HEALTHCHECK NONE takes no flags');
    return { ...base, none: true };
  }

  const flags = parseFlags(context, HEALTHCHECK_FLAGS);
  if (asciiUpper(type) !== 'CMD') {
    fail(context, `unknown HEALTHCHECK type '${type}': use CMD or NONE`);
  }
  const command = commandForm(context, rest);
  if (command.form === 'shell' ? command.command === '' : command.argv.length === 0) {
    fail(context, 'HEALTHCHECK CMD needs a command');
  }

  const result: HealthcheckInstruction = { ...base, none: false, command };
  for (const [flag, field] of DURATION_FIELDS) {
    const value = flags.get(flag)?.[0] ?? '';
    if (value === '') continue;
    checkDuration(context, flag, value);
    result[field] = value;
  }

  // Like Docker, an empty --retries= means the default.
  const retries = flags.get('retries')?.[0] ?? '';
  if (retries !== '') result.retries = parseRetries(context, retries);
  return result;
}

function splitType(args: string): { type: string; rest: string } {
  const chars = Array.from(args);
  const end = chars.findIndex((char) => isGoSpace(char));
  if (end === -1) return { type: args, rest: '' };

  let start = end;
  while (start < chars.length && isGoSpace(chars[start] as string)) start++;
  return { type: chars.slice(0, end).join(''), rest: chars.slice(start).join('') };
}

// Docker treats 0 as "use the default" and otherwise refuses anything under a millisecond.
function checkDuration(context: InstructionContext, flag: string, value: string): void {
  const nanoseconds = parseGoDuration(value);
  if (nanoseconds === undefined) {
    fail(context, `HEALTHCHECK --${flag} must be a duration such as 30s or 1m30s, not '${value}'`);
  }
  if (nanoseconds !== 0 && nanoseconds < 1e6) {
    fail(context, `HEALTHCHECK --${flag} must be at least 1ms, not '${value}'`);
  }
}

function parseRetries(context: InstructionContext, value: string): number {
  const number = /^[+-]?[0-9]+$/.test(value) ? Number(value) : Number.NaN;
  if (Number.isNaN(number) || number > 2 ** 31 - 1 || number < -(2 ** 31)) {
    fail(context, `HEALTHCHECK --retries must be a whole number, not '${value}'`);
  }
  if (number < 0) fail(context, `HEALTHCHECK --retries cannot be negative, not '${value}'`);

  return number === 0 ? 0 : number;
}

const UNIT_NANOSECONDS = new Map([
  ['ns', 1],
  ['us', 1e3],
  ['\u00b5s', 1e3],
  ['\u03bcs', 1e3],
  ['ms', 1e6],
  ['s', 1e9],
  ['m', 60e9],
  ['h', 3600e9],
]);

// The largest duration Go can hold: int64 nanoseconds, about 292 years.
const MAX_NANOSECONDS = 2 ** 63 - 1;

/** Go's time.ParseDuration: a signed sequence of decimal numbers with units, or "0". */
export function parseGoDuration(text: string): number | undefined {
  const sign = text.startsWith('-') ? -1 : 1;
  let rest = /^[+-]/.test(text) ? text.slice(1) : text;
  if (rest === '0') return 0;
  if (rest === '') return undefined;

  let total = 0;
  while (rest !== '') {
    const part = /^([0-9]*)(?:\.([0-9]*))?([^0-9.]*)/.exec(rest);
    const whole = part?.[1] ?? '';
    const fraction = part?.[2];
    const unit = UNIT_NANOSECONDS.get(part?.[3] ?? '');
    if (part === null || (whole === '' && (fraction ?? '') === '') || unit === undefined) {
      return undefined;
    }

    total += Number(`${whole || '0'}.${fraction ?? ''}0`) * unit;
    rest = rest.slice(part[0].length);
  }

  return total > MAX_NANOSECONDS ? undefined : sign * total;
}
