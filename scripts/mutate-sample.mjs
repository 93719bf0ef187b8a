// `npm run mutate`: a sampled mutation score, for folders too slow to mutate whole on two cores (src/photonics: under
// Stryker's instrumentation its permanent and sampling loops run ~20× slower, and a full run takes many
// hours; reports/mutation/README.md). Not part of CI.
//   1. The sampling frame: every line of every .ts file in --folder (index.ts excluded) that holds code:
//      not blank, not a comment, not an import or `export … from` line.
//   2. The frame is shuffled by a seeded generator (xorshift32, --seed; Fisher–Yates) and batch k (--batch,
//      from 0) takes the lines [k·n, (k+1)·n) of that order (n = --lines): each batch is a simple random
//      sample, batches of one seed never overlap, and any set of finished batches is again one (a run
//      too long for a session is done a batch at a time). Written to reports/mutation/chunks/<name>-<k>.lines.json.
//   3. Stryker runs on exactly those lines (`--mutate file:L-L,…`; a mutant counts when its whole node lies
//      on a sampled line, so mutants spanning several lines, e.g. a removed block, are outside the frame),
//      with the test files --tests, JSON to reports/mutation/chunks/<name>-<k>.json.
//   4. The score (detected / valid over the sampled lines' mutants, Stryker's definition) and a 95%
//      bootstrap interval: the lines are resampled with replacement 2000 times (seeded) and the 2.5% and
//      97.5% quantiles of the ratio taken, so the interval accounts for mutants of one line being alike.
// Usage:
//   nice -n 19 node scripts/mutate-sample.mjs --scope <all|kernels|ops|photonics> [--batches 2] [--batch 0] \
//     [--lines 100] [--seed 17] [--concurrency 2]          (scripts/mutation-scope.mjs: folders, tests; name <scope>-sample)
//   nice -n 19 node scripts/mutate-sample.mjs --folder src/photonics --tests 'test/photonics/**/*.test.ts' --name photonics-sample …
//   Runs batches --batch … --batch + --batches − 1 of each folder, each skipped when done; then writes
//   reports/mutation/summary-<name>.md over every finished batch of the name: the score with its interval and every survivor.
//   node scripts/mutate-sample.mjs --scope photonics --batches 3 --plan   (prints each batch's lines as JSON, runs nothing)
//   node scripts/mutate-sample.mjs --score reports/mutation/chunks/photonics-sample-*.json   (step 4 only, over the batches given)
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCOPES } from './mutation-scope.mjs';

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : fallback;
};
const usage = (why) => {
  console.error(`mutate-sample: ${why}`);
  process.exit(2);
};

/** xorshift32: uniform integers in [0, n) from a 32-bit seed (not Math.random: the sample must be reproducible). */
function generator(seed) {
  let x = seed >>> 0 || 0x9e3779b9;
  return (n) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
}

/** Score and 95% bootstrap interval over lines from a Stryker JSON report. */
function score(reportPaths, seed) {
  const lines = new Map();
  for (const [file, { mutants }] of reportPaths.flatMap((p) => Object.entries(JSON.parse(readFileSync(p, 'utf8')).files))) {
    for (const m of mutants) {
      if (!['Killed', 'Timeout', 'Survived', 'NoCoverage'].includes(m.status)) continue;
      const key = `${file}:${m.location.start.line}`;
      const entry = lines.get(key) ?? { detected: 0, valid: 0 };
      entry.valid++;
      if (m.status === 'Killed' || m.status === 'Timeout') entry.detected++;
      lines.set(key, entry);
    }
  }
  const units = [...lines.values()];
  const ratio = (list) => list.reduce((s, u) => s + u.detected, 0) / list.reduce((s, u) => s + u.valid, 0);
  const next = generator(seed);
  const boots = Array.from({ length: 2000 }, () => ratio(units.map(() => units[next(units.length)]))).sort((a, b) => a - b);
  const valid = units.reduce((s, u) => s + u.valid, 0), detected = units.reduce((s, u) => s + u.detected, 0);
  return { lines: units.length, valid, detected, score: ratio(units), low: boots[49], high: boots[1949] };
}

const seed = Number(option('--seed', '17'));
if (argv.includes('--score')) {
  const r = score(argv.slice(argv.indexOf('--score') + 1).filter((a) => a.endsWith('.json')), seed);
  console.log(`mutate-sample: ${r.detected}/${r.valid} mutants detected on ${r.lines} lines with mutants: ` +
    `${(100 * r.score).toFixed(1)}% (95% bootstrap interval over lines ${(100 * r.low).toFixed(1)}–${(100 * r.high).toFixed(1)}%)`);
  process.exit(0);
}

const count = Number(option('--lines', '100'));
const first = Number(option('--batch', '0'));
const batches = Number(option('--batches', '1'));
if (!Number.isInteger(count) || count < 1) usage(`--lines must be a positive integer, got ${option('--lines')}`);
if (!Number.isInteger(batches) || batches < 1) usage(`--batches must be a positive integer, got ${option('--batches')}`);
const outDir = 'reports/mutation/chunks';

/** The sampling frame of a folder: its code lines (see the header), files in name order. */
function codeLines(folder) {
  return readdirSync(folder)
    .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
    .sort()
    .flatMap((f) => {
      const path = `${folder}/${f}`;
      return readFileSync(path, 'utf8').split('\n').flatMap((text, i) => {
        const t = text.trim();
        const code = t !== '' && !t.startsWith('//') && !t.startsWith('*') && !t.startsWith('/*') && !t.startsWith('import ') && !/^export .* from /.test(t);
        return code ? [{ path, line: i + 1 }] : [];
      });
    });
}

/** Runs Stryker on one batch's lines; false when it did not finish. */
async function runStryker(sample, tests, report) {
  const code = await new Promise((resolve) => {
    const child = spawn('npx', ['stryker', 'run', '--mutate', sample.map((s) => `${s.path}:${s.line}-${s.line}`).join(','),
      '--concurrency', option('--concurrency', '2'), '--reporters', 'json,progress-append-only,clear-text'],
    { stdio: 'inherit', env: { ...process.env, PQKD_MUTATE_TESTS: tests.join(','), PQKD_MUTATE_JSON: `${report}.partial` } });
    child.on('close', (c, signal) => resolve(signal ?? c));
  });
  if (code === 0 && existsSync(`${report}.partial`)) {
    renameSync(`${report}.partial`, report);
    return true;
  }
  rmSync(`${report}.partial`, { force: true });
  console.error(`mutate-sample: Stryker did not finish (exit ${code}) for ${report}`);
  return false;
}

/** Batches first … first + batches − 1 of one folder (each skipped when done), then its summary; false if one failed. */
async function sampleFolder({ folder, tests, name }) {
  const frame = codeLines(folder);
  const last = Math.ceil(frame.length / count);
  if (!Number.isInteger(first) || first < 0 || first >= last) usage(`--batch must be an integer in [0, ${last}) for ${folder}, got ${option('--batch')}`);
  const next = generator(seed);
  const order = [...frame];
  for (let i = order.length - 1; i > 0; i--) {
    const j = next(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  mkdirSync(outDir, { recursive: true });
  const reportOf = (batch) => join(outDir, `${name}-${batch}.json`);
  let ok = true;
  for (let batch = first; batch < Math.min(last, first + batches) && ok; batch++) {
    const report = reportOf(batch), linesFile = join(outDir, `${name}-${batch}.lines.json`);
    const sample = order.slice(batch * count, (batch + 1) * count);
    if (existsSync(report) && existsSync(linesFile)) {
      const had = JSON.parse(readFileSync(linesFile, 'utf8'));
      if (had.folder !== folder || had.seed !== seed || had.frame !== frame.length || had.batch !== batch || had.sample.length !== sample.length) {
        usage(`${report} is of another sample (${linesFile}: ${had.folder}, seed ${had.seed}, ${had.sample.length} lines); remove it or use another --name`);
      }
      console.log(`mutate-sample: ${name} batch ${batch} already done (${report})`);
      continue;
    }
    sample.sort((a, b) => a.path.localeCompare(b.path) || a.line - b.line);
    if (argv.includes('--plan')) {
      console.log(JSON.stringify({ name, folder, seed, batch, frame: frame.length, sample }));
      continue;
    }
    writeFileSync(linesFile, `${JSON.stringify({ folder, seed, lines: count, batch, frame: frame.length, sample }, null, 1)}\n`);
    console.log(`mutate-sample: ${name} batch ${batch}: ${sample.length} of ${frame.length} code lines of ${folder} (seed ${seed}) at ${new Date().toISOString()}`);
    ok = await runStryker(sample, tests, report);
  }
  // the summary covers every finished batch of this name (earlier runs' too): the score with its interval, every survivor
  const done = Array.from({ length: last }, (_, k) => reportOf(k)).filter((p) => existsSync(p));
  if (done.length > 0 && !argv.includes('--plan')) {
    const r = score(done, seed);
    const line = `Sampled: ${done.length} batch(es) of ${count} of the ${frame.length} code lines of ${folder} (seed ${seed}): ` +
      `${r.detected}/${r.valid} mutants detected on ${r.lines} lines with mutants, ${(100 * r.score).toFixed(1)}% ` +
      `(95% bootstrap interval over lines ${(100 * r.low).toFixed(1)}–${(100 * r.high).toFixed(1)}%).`;
    const out = `reports/mutation/summary-${name}.md`;
    const summary = spawn('node', ['scripts/mutation-summary.mjs', ...done, '--out', out], { stdio: 'inherit' });
    await new Promise((resolve) => summary.on('close', resolve));
    writeFileSync(out, readFileSync(out, 'utf8').replace('\nMutation score:', `\n${line}\n\nMutation score:`));
    console.log(`mutate-sample: ${line} -> ${out}`);
  }
  return ok;
}

const scope = option('--scope');
let targets;
if (scope !== undefined) {
  if (scope !== 'all' && !(scope in SCOPES)) usage(`--scope must be all, ${Object.keys(SCOPES).join(', ')}; got ${scope}`);
  targets = Object.entries(SCOPES).filter(([k]) => scope === 'all' || k === scope).map(([k, v]) => ({ ...v, name: `${k}-sample` }));
} else {
  const folder = option('--folder'), tests = option('--tests');
  if (!folder || !tests) usage('give --scope, or --folder and --tests');
  targets = [{ folder, tests: tests.split(','), name: option('--name', 'sample') }];
}
let ok = true;
for (const target of targets) if (ok) ok = await sampleFolder(target);
process.exit(ok ? 0 : 1);
