// Condenses Stryker JSON reports into reports/mutation/summary.md: the mutation score (killed + timeout
// over all valid mutants, as Stryker defines it), counts per status, the score per file, and every
// surviving / uncovered mutant with its location and replacement. Several reports (the chunks of
// scripts/mutate-chunks.mjs) are merged; a directory stands for every *.json in it except incremental files.
// Usage: node scripts/mutation-summary.mjs [report.json | dir ...] [--out summary.md]
import { readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const argv = process.argv.slice(2);
const outAt = argv.indexOf('--out');
const output = outAt >= 0 ? argv[outAt + 1] : 'reports/mutation/summary.md';
const inputs = (outAt >= 0 ? argv.filter((_, i) => i !== outAt && i !== outAt + 1) : argv).flatMap((p) => {
  try {
    return statSync(p).isDirectory()
      ? readdirSync(p)
          .filter((f) => f.endsWith('.json') && !f.endsWith('.incremental.json'))
          .sort()
          .map((f) => join(p, f))
      : [p];
  } catch {
    return [p];
  }
});
if (inputs.length === 0) inputs.push('reports/mutation/mutation.json');
const files = {};
for (const input of inputs) {
  try {
    // reports on disjoint files (chunks) or on disjoint lines of the same files (scripts/mutate-sample.mjs batches)
    for (const [file, { mutants }] of Object.entries(JSON.parse(readFileSync(input, 'utf8')).files)) {
      files[file] = { mutants: [...(files[file]?.mutants ?? []), ...mutants] };
    }
  } catch (e) {
    console.error(`mutation-summary: cannot read ${input}: ${e.message}`);
    process.exit(2);
  }
}
const detected = new Set(['Killed', 'Timeout']);
const undetected = new Set(['Survived', 'NoCoverage']);
const totals = {};
const perFile = [];
const survivors = [];
for (const [file, { mutants }] of Object.entries(files).sort()) {
  let d = 0,
    u = 0;
  for (const m of mutants) {
    totals[m.status] = (totals[m.status] ?? 0) + 1;
    if (detected.has(m.status)) d++;
    if (undetected.has(m.status)) {
      u++;
      survivors.push(
        `- ${file}:${m.location.start.line}:${m.location.start.column} ${m.status} ${m.mutatorName}: \`${(m.replacement ?? '').replace(/\s+/g, ' ').slice(0, 120)}\``,
      );
    }
  }
  if (d + u > 0) perFile.push(`| ${file} | ${d} | ${u} | ${((100 * d) / (d + u)).toFixed(1)}% |`);
}
const killed = (totals.Killed ?? 0) + (totals.Timeout ?? 0);
const valid = killed + (totals.Survived ?? 0) + (totals.NoCoverage ?? 0);
const score = valid === 0 ? 'n/a' : ((100 * killed) / valid).toFixed(2);
const lines = [
  '# Mutation report',
  '',
  `Sources: ${inputs.join(', ')} (StrykerJS, summarized ${new Date().toISOString().slice(0, 10)}); ${Object.keys(files).length} source files.`,
  '',
  `Mutation score: **${score}%** (${killed} detected of ${valid} valid mutants).`,
  '',
  `Status counts: ${Object.entries(totals)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}.`,
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
console.log(`mutation-summary: score ${score}% (${killed}/${valid}) over ${Object.keys(files).length} files; wrote ${output}`);
