/**
 * The datadriven script format (cockroachdb/datadriven, as etcd-raft's `testdata/*.txt` use it):
 * a command line, optional input lines, a `----` line, the expected output, then a blank line.
 * An output that itself holds blank lines is fenced as `----` `----` … `----` `----`. Lines
 * starting with `#` and blank lines between blocks are comments, kept verbatim on rewrite.
 */

/** One argument of a command line: `key`, `key=value` or `key=(v1,v2 v3)`. */
export interface CommandArg {
  key: string;
  values: string[];
}

/** One command block of a script, with where it sits in the text (0-based line numbers). */
export interface ScriptBlock {
  /** The command line as written. */
  commandLine: string;
  /** 1-based line number of the command, for messages. */
  lineNumber: number;
  name: string;
  args: CommandArg[];
  /** Lines between the command and `----`. */
  input: string[];
  /** The expected output ("" when the block has none yet). */
  expected: string;
  /** First line of the output region (the line after the first `----`). */
  outputStart: number;
  /** One past the last line of the output region (including a closing `----` `----` fence). */
  outputEnd: number;
  /** False for a bare command line with no `----` after it yet. */
  hasSeparator: boolean;
}

/** Splits a command line into its name and arguments; parentheses group values with spaces. */
export function parseCommandLine(line: string): { name: string; args: CommandArg[] } {
  const tokens: string[] = [];
  let current = '';
  let depth = 0;
  for (const ch of line.trim()) {
    if (ch === '(') depth++;
    if (ch === ')') depth = Math.max(0, depth - 1);
    if (depth === 0 && (ch === ' ' || ch === '\t')) {
      if (current !== '') tokens.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (current !== '') tokens.push(current);
  const [name = '', ...rest] = tokens;
  const args = rest.map((token): CommandArg => {
    const eq = token.indexOf('=');
    if (eq < 0) return { key: token, values: [] };
    let value = token.slice(eq + 1);
    if (value.startsWith('(') && value.endsWith(')')) {
      value = value.slice(1, -1);
      return { key: token.slice(0, eq), values: value.split(/[\s,]+/).filter((v) => v !== '') };
    }
    return { key: token.slice(0, eq), values: [value] };
  });
  return { name, args };
}

/**
 * Parses a datadriven script into its command blocks. A command with no `----` after it (a
 * plain list of commands) is a block with an empty output region.
 */
export function parseScript(text: string): ScriptBlock[] {
  const lines = text.split('\n');
  const blocks: ScriptBlock[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === '' || line.startsWith('#')) {
      i++;
      continue;
    }
    const commandIndex = i;
    i++;
    const input: string[] = [];
    while (i < lines.length && lines[i] !== '----' && lines[i]!.trim() !== '') input.push(lines[i++]!);
    let expectedLines: string[] = [];
    let outputStart = i;
    let outputEnd = i;
    const hasSeparator = i < lines.length && lines[i] === '----';
    if (hasSeparator) {
      i++;
      outputStart = i;
      if (lines[i] === '----') {
        // Fenced output: runs until a `----` `----` pair.
        i++;
        const start = i;
        while (i < lines.length && !(lines[i] === '----' && lines[i + 1] === '----')) i++;
        if (i >= lines.length) throw new Error(`line ${commandIndex + 1}: unterminated ---- ---- output`);
        expectedLines = lines.slice(start, i);
        i += 2;
      } else {
        const start = i;
        while (i < lines.length && lines[i]!.trim() !== '') i++;
        expectedLines = lines.slice(start, i);
      }
      outputEnd = i;
    } else {
      // No `----`: the "input" lines were really further commands; keep only the command.
      i = commandIndex + 1;
      input.length = 0;
      outputStart = i;
      outputEnd = i;
    }
    const { name, args } = parseCommandLine(line);
    blocks.push({
      commandLine: line,
      lineNumber: commandIndex + 1,
      name,
      args,
      input,
      expected: expectedLines.join('\n'),
      outputStart,
      outputEnd,
      hasSeparator,
    });
  }
  return blocks;
}

/** The lines that stand for `output` after a block's `----` (fenced when it holds a blank line). */
export function formatOutput(output: string): string[] {
  const lines = output.split('\n');
  if (lines.some((l) => l.trim() === '')) return ['----', ...lines, '----', '----'];
  return lines;
}

/** Returns `text` with each block's output region replaced by `outputs[i]` (comments kept). */
export function spliceOutputs(text: string, blocks: readonly ScriptBlock[], outputs: readonly string[]): string {
  const lines = text.split('\n');
  for (let b = blocks.length - 1; b >= 0; b--) {
    const block = blocks[b]!;
    const replacement = formatOutput(outputs[b] ?? '');
    if (!block.hasSeparator) replacement.unshift('----');
    // Keep a blank line between this output and whatever follows it.
    if (block.outputEnd < lines.length && lines[block.outputEnd]!.trim() !== '') replacement.push('');
    lines.splice(block.outputStart, block.outputEnd - block.outputStart, ...replacement);
  }
  return lines.join('\n');
}
