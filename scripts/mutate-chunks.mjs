// `npm run mutate` in chunks: the Stryker scope (stryker.config.mjs: src/tensor/kernels, src/autograd/ops,
// src/photonics) split into groups of files, each run on its own with the test folders that exercise it, so
// a run stopped early (a deadline, Ctrl-C) keeps every finished chunk and the summary says exactly which
// files were covered. Each chunk writes reports/mutation/chunks/<name>.json and an incremental file
// (Stryker's --incremental: a rerun re-tests only mutants whose code or tests changed). Finished chunks
// are skipped unless --fresh. Not part of CI.
// Usage: nice -n 19 node scripts/mutate-chunks.mjs [--deadline 2026-12-02T16:08:00Z] [--only ops,kernels-a] [--fresh]
//   then: node scripts/mutation-summary.mjs reports/mutation/chunks  (merges every chunk into summary.md)
import { spawn } from 'node:child_process';
import { clearInterval, setInterval } from 'node:timers';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SCOPES } from './mutation-scope.mjs';

const argv = process.argv.slice(2);
const option = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const deadline = option('--deadline') ? Date.parse(option('--deadline')) : Infinity;
if (Number.isNaN(deadline)) {
  console.error(`mutate-chunks: --deadline must be an ISO date, got ${option('--deadline')}`);
  process.exit(2);
}
const only = option('--only')?.split(',');
const fresh = argv.includes('--fresh');
const concurrency = option('--concurrency') ?? '1';

const files = (dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
    .sort()
    .map((f) => `${dir}/${f}`);
/** Splits a sorted file list into `parts` groups of consecutive files. */
const split = (list, parts) =>
  Array.from({ length: parts }, (_, k) => list.slice(Math.floor((k * list.length) / parts), Math.floor(((k + 1) * list.length) / parts)));

// Small chunks, the folders interleaved, so that a run stopped early still samples every folder.
const kernels = split(files(SCOPES.kernels.folder), 4).map((mutate, k) => ({ name: `kernels-${k + 1}`, mutate, tests: SCOPES.kernels.tests }));
// The single-amplitude path (outputAmplitude and its permanents) first: small, and rewritten for issue 20.
const amplitudes = ['src/photonics/fock-amplitude.ts', 'src/photonics/probability.ts', 'src/photonics/permanent-repeated.ts'];
const photonics = split(files(SCOPES.photonics.folder).filter((f) => !amplitudes.includes(f)), 6).map((mutate, k) => ({ name: `photonics-${k + 1}`, mutate, tests: SCOPES.photonics.tests }));
const chunks = [
  { name: 'ops', mutate: files(SCOPES.ops.folder), tests: SCOPES.ops.tests },
  { name: 'photonics-amplitudes', mutate: amplitudes, tests: SCOPES.photonics.tests },
];
for (let k = 0; k < 6; k++) chunks.push(...photonics.slice(k, k + 1), ...kernels.slice(k, k + 1));

const outDir = 'reports/mutation/chunks';
mkdirSync(outDir, { recursive: true });
let child = null;
let stopping = false;
const stop = (why) => {
  if (stopping) return;
  stopping = true;
  console.log(`mutate-chunks: stopping (${why}); finished chunks are kept`);
  if (child) process.kill(-child.pid, 'SIGTERM');
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
const timer = Number.isFinite(deadline) ? setInterval(() => Date.now() >= deadline && stop('deadline'), 5_000) : null;

for (const chunk of chunks) {
  if (stopping) break;
  if (only && !only.includes(chunk.name)) continue;
  const report = join(outDir, `${chunk.name}.json`);
  if (existsSync(report) && !fresh) {
    console.log(`mutate-chunks: ${chunk.name} already done (${report})`);
    continue;
  }
  const started = Date.now();
  console.log(`mutate-chunks: ${chunk.name}: ${chunk.mutate.length} files (${chunk.mutate.join(', ')}) at ${new Date(started).toISOString()}`);
  const code = await new Promise((resolve) => {
    child = spawn(
      'npx',
      [
        'stryker',
        'run',
        '--mutate',
        chunk.mutate.join(','),
        '--concurrency',
        concurrency,
        '--reporters',
        'json,progress-append-only,clear-text',
        '--incremental',
        '--incrementalFile',
        join(outDir, `${chunk.name}.incremental.json`),
      ],
      { stdio: 'inherit', detached: true, env: { ...process.env, PQKD_MUTATE_TESTS: chunk.tests.join(','), PQKD_MUTATE_JSON: `${report}.partial` } },
    );
    child.on('close', (c, signal) => resolve(signal ?? c));
  });
  child = null;
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  if (code === 0 && existsSync(`${report}.partial`)) {
    await import('node:fs').then((fs) => fs.renameSync(`${report}.partial`, report));
    console.log(`mutate-chunks: ${chunk.name} finished in ${minutes} min -> ${report}`);
  } else {
    rmSync(`${report}.partial`, { force: true });
    console.log(`mutate-chunks: ${chunk.name} did not finish (exit ${code}) after ${minutes} min`);
    if (!stopping) process.exitCode = 1;
  }
}
if (timer) clearInterval(timer);
