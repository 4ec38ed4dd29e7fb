/**
 * A parsed spec: the Dockerfile language as data. Words are kept as written (quotes and
 * `$VAR` included) wherever Docker substitutes variables at build time, because their
 * value depends on ARG and ENV values that only the builder knows; words.ts expands them.
 */
export interface Spec {
  /** The file name used in messages. */
  file: string;
  /** The escape character from `# escape=` (default backslash). */
  escape: '\\' | '`';
  /** `# syntax=` when given: accepted and ignored, as there is no frontend to fetch. */
  syntax?: string;
  /** ARG instructions before the first FROM: they may be used in FROM lines only. */
  globalArgs: ArgInstruction[];
  stages: Stage[];
}

export interface Stage {
  /** Position among the stages, from 0. */
  index: number;
  /** The name after `AS`, lower-cased as Docker does, if any. */
  name?: string;
  from: FromInstruction;
  /** Everything after FROM up to the next FROM. */
  instructions: Instruction[];
}

interface Base {
  /** 1-based line of the keyword. */
  line: number;
  /** The instruction as written, continuation lines joined with spaces: for history. */
  text: string;
}

/** Shell form runs through the SHELL (default `/bin/sh -c`); exec form runs argv as is. */
export type CommandForm = { form: 'shell'; command: string } | { form: 'exec'; argv: string[] };

export interface Heredoc {
  /** The delimiter word, without quotes or `-`. */
  name: string;
  /** Its body, lines joined with '\n' and ending in '\n' (tabs stripped for `<<-`). */
  content: string;
  /** Whether variables are expanded in the body: false when the delimiter was quoted. */
  expand: boolean;
}

export interface FromInstruction extends Base {
  kind: 'FROM';
  /** The image word as written; may contain `$ARG` references to global ARGs. */
  image: string;
  platform?: string;
}

export interface RunInstruction extends Base {
  kind: 'RUN';
  command: CommandForm;
  heredocs: Heredoc[];
  /** `--mount`, `--network`, `--security` as written (the builder rejects what it lacks). */
  flags: Record<string, string>;
}

export interface CopyInstruction extends Base {
  kind: 'COPY' | 'ADD';
  /** Source words as written (JSON form already unquoted), at least one. */
  sources: string[];
  /** Destination word as written. */
  destination: string;
  /** Sources given inline as here-documents (`COPY <<EOF /file`). */
  heredocs: Heredoc[];
  from?: string;
  chown?: string;
  chmod?: string;
  link?: boolean;
  /** ADD only: `--checksum`, `--keep-git-dir` as written. */
  checksum?: string;
}

export interface KeyValueInstruction extends Base {
  kind: 'ENV' | 'LABEL';
  /** Keys and raw values (quotes kept for words.ts), in order. */
  pairs: Array<{ key: string; value: string }>;
}

export interface ArgInstruction extends Base {
  kind: 'ARG';
  /** One ARG line may declare several: `ARG A=1 B`. Defaults are raw words. */
  args: Array<{ name: string; defaultValue?: string }>;
}

export interface WordInstruction extends Base {
  kind: 'WORKDIR' | 'USER' | 'STOPSIGNAL';
  /** The single argument as written. */
  value: string;
}

export interface ListInstruction extends Base {
  kind: 'EXPOSE' | 'VOLUME';
  /** Raw words (VOLUME accepts a JSON array too, already unquoted here). */
  values: string[];
}

export interface CmdInstruction extends Base {
  kind: 'CMD' | 'ENTRYPOINT';
  command: CommandForm;
}

export interface ShellInstruction extends Base {
  kind: 'SHELL';
  /** SHELL takes the JSON form only. */
  argv: string[];
}

export interface HealthcheckInstruction extends Base {
  kind: 'HEALTHCHECK';
  /** `HEALTHCHECK NONE` disables a check inherited from the base image. */
  none: boolean;
  command?: CommandForm;
  interval?: string;
  timeout?: string;
  startPeriod?: string;
  startInterval?: string;
  retries?: number;
}

export interface OnbuildInstruction extends Base {
  kind: 'ONBUILD';
  /** The triggered instruction's text, checked to be a valid instruction itself. */
  trigger: string;
}

export interface MaintainerInstruction extends Base {
  kind: 'MAINTAINER';
  value: string;
}

export type Instruction =
  | RunInstruction
  | CopyInstruction
  | KeyValueInstruction
  | ArgInstruction
  | WordInstruction
  | ListInstruction
  | CmdInstruction
  | ShellInstruction
  | HealthcheckInstruction
  | OnbuildInstruction
  | MaintainerInstruction;

export type InstructionKind = Instruction['kind'] | 'FROM';
