import { SpecError } from '../util/errors.js';
import { fail, parseFlags, splitInstruction, type InstructionContext } from './command.js';
import { parseHealthcheck } from './healthcheck.js';
import { findHeredocMarkers } from './heredoc.js';
import {
  parseCommand,
  parseCopy,
  parseFrom,
  parseList,
  parseMaintainer,
  parseRun,
  parseShell,
  parseWord,
} from './instructions.js';
import { parseArg, parseKeyValues } from './keyvalue.js';
import { logicalLines, physicalLines, readDirectives, type LogicalLine } from './source.js';
import { asciiUpper } from './text.js';
import type { Instruction, OnbuildInstruction, Spec } from './types.js';

type InstructionParser = (context: InstructionContext) => Instruction;

const PARSERS = new Map<string, InstructionParser>([
  ['ADD', (context) => parseCopy(context, 'ADD')],
  ['ARG', parseArg],
  ['CMD', (context) => parseCommand(context, 'CMD')],
  ['COPY', (context) => parseCopy(context, 'COPY')],
  ['ENTRYPOINT', (context) => parseCommand(context, 'ENTRYPOINT')],
  ['ENV', (context) => parseKeyValues(context, 'ENV')],
  ['EXPOSE', (context) => parseList(context, 'EXPOSE')],
  ['HEALTHCHECK', parseHealthcheck],
  ['LABEL', (context) => parseKeyValues(context, 'LABEL')],
  ['MAINTAINER', parseMaintainer],
  ['ONBUILD', parseOnbuild],
  ['RUN', parseRun],
  ['SHELL', parseShell],
  ['STOPSIGNAL', (context) => parseWord(context, 'STOPSIGNAL')],
  ['USER', (context) => parseWord(context, 'USER')],
  ['VOLUME', (context) => parseList(context, 'VOLUME')],
  ['WORKDIR', (context) => parseWord(context, 'WORKDIR')],
]);

/**
 * Parses a Dockerfile-like spec with Docker's rules. Words that Docker expands at build
 * time are kept as written (see words.ts). Every problem is a SpecError naming its line.
 */
export function parseSpec(text: string, file: string): Spec {
  const lines = physicalLines(text);
  // A NUL can name no file, pass through no argv and set no variable: refuse it at once.
  const nul = lines.findIndex((line) => line.includes('\0'));
  if (nul !== -1) throw new SpecError(file, nul + 1, 'the line holds a NUL character');
  const directives = readDirectives(lines, file);
  const spec: Spec = { file, ...directives, globalArgs: [], stages: [] };

  const stageLines = new Map<string, number>();
  for (const logical of logicalLines(lines, file, directives.escape, findHeredocMarkers)) {
    const context = contextFor(logical, file, directives.escape);
    if (context.keyword === 'FROM') {
      addStage(spec, context, stageLines);
      continue;
    }

    const instruction = parseInstruction(context);
    const stage = spec.stages[spec.stages.length - 1];
    if (stage !== undefined) stage.instructions.push(instruction);
    else if (instruction.kind === 'ARG') spec.globalArgs.push(instruction);
    else fail(context, `${context.keyword} comes before the first FROM; only ARG may`);
  }

  if (spec.stages.length === 0) {
    const message = lines.length === 0 ? 'the file is empty' : 'no FROM instruction';
    throw new SpecError(file, Math.max(lines.length, 1), message);
  }
  return spec;
}

function contextFor(logical: LogicalLine, file: string, escape: '\\' | '`'): InstructionContext {
  const { keyword, flags, args } = splitInstruction(logical.joined);
  return {
    file,
    line: logical.line,
    escape,
    keyword: asciiUpper(keyword),
    written: keyword,
    text: logical.display,
    joined: logical.joined,
    flags,
    args,
    heredocs: logical.heredocs,
  };
}

function addStage(spec: Spec, context: InstructionContext, stageLines: Map<string, number>): void {
  const { from, name } = parseFrom(context);
  if (name === undefined) {
    spec.stages.push({ index: spec.stages.length, from, instructions: [] });
    return;
  }

  const earlier = stageLines.get(name);
  if (earlier !== undefined) {
    fail(context, `duplicate stage name '${name}' (already used on line ${earlier})`);
  }
  stageLines.set(name, context.line);
  spec.stages.push({ index: spec.stages.length, name, from, instructions: [] });
}

function parseInstruction(context: InstructionContext): Instruction {
  const parser = PARSERS.get(context.keyword);
  if (parser === undefined) fail(context, `unknown instruction '${context.written}'`);

  return parser(context);
}

const NOT_TRIGGERS = new Set(['ONBUILD', 'FROM', 'MAINTAINER']);

/**
 * ONBUILD keeps its trigger as text for images built FROM this one, but checks it now as
 * an instruction of its own. Heredoc bodies are appended so the trigger parses again later.
 */
function parseOnbuild(context: InstructionContext): OnbuildInstruction {
  parseFlags(context, new Map());
  if (context.args === '') fail(context, 'ONBUILD requires at least one argument');

  const inner = splitInstruction(context.args);
  const keyword = asciiUpper(inner.keyword);
  if (NOT_TRIGGERS.has(keyword)) fail(context, `${keyword} isn't allowed as an ONBUILD trigger`);
  parseInstruction({ ...context, ...inner, keyword, written: inner.keyword });

  let trigger = context.args;
  for (const heredoc of context.heredocs) trigger += `\n${heredoc.content}${heredoc.name}`;
  return { kind: 'ONBUILD', line: context.line, text: context.text, trigger };
}
