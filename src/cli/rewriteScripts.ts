/**
 * Rewrites the golden outputs of the scripted Raft tests (src/sim/raft/scripted/testdata/*.txt)
 * with what the interpreter prints now. Read every changed golden before committing it.
 *
 *   npx tsx src/cli/rewriteScripts.ts            rewrite all scripts
 *   npx tsx src/cli/rewriteScripts.ts prevote    rewrite scripts whose name contains "prevote"
 *   npx tsx src/cli/rewriteScripts.ts --check    list stale scripts, exit 1 if any
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rewrite } from '../sim/raft/scripted/runScript';

const dir = join(import.meta.dirname, '../sim/raft/scripted/testdata');
const args = process.argv.slice(2);
const check = args.includes('--check');
const filters = args.filter((a) => a !== '--check');

let stale = 0;
for (const name of readdirSync(dir)
  .filter((f) => f.endsWith('.txt'))
  .toSorted()) {
  if (filters.length > 0 && !filters.some((f) => name.includes(f))) continue;
  const path = join(dir, name);
  const text = readFileSync(path, 'utf8');
  const updated = rewrite(text);
  if (updated === text) continue;
  stale++;
  if (check) {
    process.stdout.write(`stale: ${name}\n`);
  } else {
    writeFileSync(path, updated);
    process.stdout.write(`rewrote: ${name}\n`);
  }
}
if (check && stale > 0) process.exit(1);
