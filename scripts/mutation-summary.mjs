// Condenses Stryker's reports/mutation/mutation.json into reports/mutation/summary.md: the mutation
// score (killed + timeout over all valid mutants, as Stryker defines it), counts per status, the score
// per file, and every surviving / uncovered mutant with its location and replacement.
// Usage: node scripts/mutation-summary.mjs [mutation.json] [summary.md]
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

const input = process.argv[2] ?? 'reports/mutation/mutation.json';
const output = process.argv[3] ?? 'reports/mutation/summary.md';
let report;
try {
  report = JSON.parse(readFileSync(input, 'utf8'));
} catch (e) {
  console.error(`mutation-summary: cannot read ${input}: ${e.message}`);
  process.exit(2);
}
const detected = new Set(['Killed', 'Timeout']);
const undetected = new Set(['Survived', 'NoCoverage']);
const totals = {};
const perFile = [];
const survivors = [];
for (const [file, { mutants }] of Object.entries(report.files).sort()) {
  let d = 0, u = 0;
  for (const m of mutants) {
    totals[m.status] = (totals[m.status] ?? 0) + 1;
    if (detected.has(m.status)) d++;
    if (undetected.has(m.status)) {
      u++;
      survivors.push(`- ${file}:${m.location.start.line}:${m.location.start.column} ${m.status} ${m.mutatorName}: \`${(m.replacement ?? '').replace(/\s+/g, ' ').slice(0, 120)}\``);
    }
  }
  if (d + u > 0) perFile.push(`| ${file} | ${d} | ${u} | ${((100 * d) / (d + u)).toFixed(1)}% |`);
}
const killed = (totals.Killed ?? 0) + (totals.Timeout ?? 0);
const valid = killed + (totals.Survived ?? 0) + (totals.NoCoverage ?? 0);
const lines = [
  '# Mutation report',
  '',
  `Source: ${input} (StrykerJS, ${new Date().toISOString().slice(0, 10)}).`,
  '',
  `Mutation score: **${valid === 0 ? 'n/a' : ((100 * killed) / valid).toFixed(2)}%** (${killed} detected of ${valid} valid mutants).`,
  '',
  `Status counts: ${Object.entries(totals).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
  '',
  '| file | detected | undetected | score |',
  '| --- | --- | --- | --- |',
  ...perFile,
  '',
  `## Surviving and uncovered mutants (${survivors.length})`,
  '',
  ...survivors,
  '',
];
writeFileSync(`${output}.tmp`, lines.join('\n'));
renameSync(`${output}.tmp`, output);
console.log(`mutation-summary: score ${valid === 0 ? 'n/a' : ((100 * killed) / valid).toFixed(2)}% (${killed}/${valid}); wrote ${output}`);
