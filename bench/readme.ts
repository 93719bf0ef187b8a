/**
 * Regenerates the README's benchmark table from bench/results/latest.json (a full `npm run bench`),
 * between the lines `<!-- bench-table:start -->` and `<!-- bench-table:end -->` of README.md. The
 * table names the CPU, Node, the kernel paths and the load average of that run (bench/results.ts).
 *
 * Usage: npm run bench:readme
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readmeTable, replaceBetweenMarkers, type BenchResults } from './results.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const resultsFile = join(root, 'bench', 'results', 'latest.json');
const readmeFile = join(root, 'README.md');

const parsed = JSON.parse(readFileSync(resultsFile, 'utf8')) as unknown;
if (Array.isArray(parsed) || typeof parsed !== 'object' || parsed === null || !('meta' in parsed) || !('records' in parsed)) {
  console.error(`bench:readme: ${resultsFile} has no { meta, records } (written before the run metadata existed): run \`npm run bench\` first`);
  process.exit(2);
}
const results = parsed as BenchResults;
const text = readFileSync(readmeFile, 'utf8');
const updated = replaceBetweenMarkers(text, '<!-- bench-table:start -->', '<!-- bench-table:end -->', readmeTable(results));
const tmp = `${readmeFile}.tmp`;
writeFileSync(tmp, updated);
renameSync(tmp, readmeFile);
console.log(`README.md: benchmark table from ${results.meta.date} on ${results.meta.cpu} (${results.records.length} records)`);
