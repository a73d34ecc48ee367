/**
 * Runs a datadriven script file against a fresh scripted cluster: each command block's expected
 * output (the golden) next to what the interpreter prints now, and a rewrite of the file with
 * the actual outputs (for updating goldens by hand, after reading them).
 */
import { parseScript, spliceOutputs } from './datadriven';
import { RaftInteraction } from './interpreter';

/** One command block of a script: where it is, what the file expects and what it printed. */
export interface BlockResult {
  /** 1-based line number of the command. */
  line: number;
  /** The command line as written. */
  command: string;
  expected: string;
  actual: string;
}

/** Executes every command block of `text` in order and returns expected vs actual per block. */
export function runScript(text: string): BlockResult[] {
  const session = new RaftInteraction();
  return parseScript(text).map((block) => ({
    line: block.lineNumber,
    command: block.commandLine,
    expected: block.expected,
    actual: session.exec({ name: block.name, args: block.args, input: block.input }),
  }));
}

/** Returns `text` with every block's output replaced by what the interpreter prints now. */
export function rewrite(text: string): string {
  const blocks = parseScript(text);
  const session = new RaftInteraction();
  const outputs = blocks.map((block) => session.exec({ name: block.name, args: block.args, input: block.input }));
  return spliceOutputs(text, blocks, outputs);
}
