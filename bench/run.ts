/**
 * Runs every benchmark suite (`bench/*.bench.ts`, each exporting `suite: BenchSuite`) in one process
 * with tinybench, prints a side-by-side table with ratios against pqkd's 1-thread result, and writes
 * `bench/results/latest.json` (`{ meta, records }`; records: name, system, median_ms, gflops, samples,
 * extras) and `bench/results/latest.md`.
 *
 * When Debian's python3-torch is installed (`apt install python3-torch libopenblas0-pthread`), the same kernel and training
 * workloads also run in PyTorch (bench/torch_reference.py, 1 and 2 threads, systems 'torch' and
 * 'torch-2t') and join the table; otherwise the run says so and goes on.
 *
 * Usage: npm run bench [-- --filter REGEX] [--time MS] [--no-torch] [--epoch]   (PQKD_BENCH_FILTER,
 * PQKD_BENCH_EPOCH=1 work too). `--epoch` adds the full MNIST student epoch (minutes; bench/recipe.bench.ts).
 * Output: bench/results/latest.{json,md} for a full run, filtered.{json,md} when a filter is given;
 * the JSON is `{ meta, records }` (bench/results.ts: CPU, Node, kernel paths, load average).
 * `npm run bench:readme` puts the table of latest.json into README.md (bench/readme.ts).
 * Timing is measured here, never asserted in tests.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Bench } from 'tinybench';
import type { BenchCase, BenchRecord, BenchSuite } from './harness.js';
import { COPY_CASE } from './bandwidth.bench.js';
import { copyMultiples, type BenchResults, type RunMeta } from './results.js';
import { kernelInfo } from '../src/tensor/kernel-dispatch.js';
import { KERNEL_WORKLOADS, workloadFlops } from './kernels.bench.js';
import { FORWARD_FLOPS, STEP_FLOPS } from './train.bench.js';

const here = dirname(fileURLToPath(import.meta.url));

function argValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const filter = new RegExp(argValue('--filter') ?? process.env.PQKD_BENCH_FILTER ?? '.');
const timeBudget = Number(argValue('--time') ?? 1500);

async function runCase(c: BenchCase): Promise<BenchRecord | null> {
  const bench = new Bench({
    time: c.iterations === 1 ? 0 : timeBudget,
    iterations: c.iterations ?? 5,
    warmup: c.iterations !== 1,
    warmupIterations: 1,
    throws: true,
  });
  bench.add(`${c.name} [${c.system}]`, c.fn);
  // A case that fails (setup check, missing peer feature) is reported and skipped, never fatal.
  try {
    if (c.setup) await c.setup();
    await bench.run();
  } catch (err) {
    console.error(`  ${c.name} [${c.system}] failed: ${err instanceof Error ? err.message : String(err)}`);
    return null;
  } finally {
    if (c.teardown) await c.teardown();
  }
  const task = bench.tasks[0]!;
  const result = task.result as { state: string; latency?: { p50: number }; error?: unknown; runs?: number };
  if (!result.latency) {
    console.error(`  ${c.name} [${c.system}] failed: ${String(result.error ?? result.state)}`);
    return null;
  }
  const median = result.latency.p50;
  const record: BenchRecord = { name: c.name, system: c.system, median_ms: round(median), samples: result.runs ?? 0 };
  if (c.flops) record.gflops = round(c.flops / (median * 1e6));
  if (c.extra) Object.assign(record, c.extra(median));
  return record;
}

function round(x: number): number {
  return Number(x.toPrecision(4));
}

const PYTHON = '/usr/bin/python3';

/** PyTorch's records for the kernel and training workloads (bench/torch_reference.py), or [] with a note. */
function torchRecords(): BenchRecord[] {
  if (process.argv.includes('--no-torch')) return [];
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    console.log('# torch: skipped (no PyTorch for /usr/bin/python3; `apt install python3-torch` adds it to the table)');
    return [];
  }
  const records: BenchRecord[] = [];
  for (const [threads, system] of [[1, 'torch'], [2, 'torch-2t']] as const) {
    const spec = {
      threads, system, time_ms: timeBudget, filter: filter.source,
      kernels: KERNEL_WORKLOADS.map((wl) => ({ ...wl, flops: workloadFlops(wl) })),
      train: { forward_flops: FORWARD_FLOPS, step_flops: STEP_FLOPS },
    };
    console.log(`# torch (bench/torch_reference.py, ${threads} thread${threads > 1 ? 's' : ''})`);
    const env = { ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
    const run = spawnSync(PYTHON, [join(here, 'torch_reference.py')], { input: JSON.stringify(spec), encoding: 'utf8', maxBuffer: 2 ** 24, env });
    if (run.status !== 0) {
      console.error(`  torch_reference.py failed (exit ${String(run.status)}): ${run.stderr.trim().split('\n').slice(-3).join(' / ')}`);
      continue;
    }
    for (const line of run.stdout.split('\n').filter((l) => l.trim() !== '')) {
      const r = JSON.parse(line) as BenchRecord;
      records.push(r);
      console.log(`  ${r.name} [${r.system}]: ${r.median_ms} ms, ${String(r.gflops)} GFLOP/s (torch ${String(r.version)}, BLAS ${String(r.blas)})`);
    }
  }
  return records;
}

type Unsupported = { name: string; system: string; reason: string };

function table(records: BenchRecord[], unsupported: Unsupported[]): string {
  const names = [...new Set(records.map((r) => r.name))];
  const systems = [...new Set([...records.map((r) => r.system), ...unsupported.filter((u) => names.includes(u.name)).map((u) => u.system)])];
  const withCopy = records.some((r) => typeof r.x_copy === 'number');
  const header = `| workload | ${systems.map((s) => `${s} ms`).join(' | ')} | ${systems.filter((s) => s !== 'pqkd').map((s) => `${s} ÷ pqkd`).join(' | ')} |${withCopy ? ' pqkd × copy |' : ''}`;
  const sep = `|${'---|'.repeat(1 + systems.length + systems.filter((s) => s !== 'pqkd').length + (withCopy ? 1 : 0))}`;
  const rows = names.map((n) => {
    const byS = new Map(records.filter((r) => r.name === n).map((r) => [r.system, r]));
    const base = byS.get('pqkd');
    const cells = systems.map((s) => {
      const r = byS.get(s);
      if (!r) return unsupported.some((u) => u.name === n && u.system === s) ? 'unsupported¹' : 'n/a';
      return r.gflops !== undefined ? `${r.median_ms} (${r.gflops} GF/s)` : `${r.median_ms}`;
    });
    // Time ratio: the system's median over pqkd's (1 thread, default kernels); > 1 = pqkd faster.
    const ratios = systems
      .filter((s) => s !== 'pqkd')
      .map((s) => {
        const r = byS.get(s);
        return base && r ? `${round(r.median_ms / base.median_ms)}×` : 'n/a';
      });
    // Bandwidth rows: pqkd's time per byte ÷ the copy's (bench/bandwidth.bench.ts).
    const copy = withCopy ? ` ${typeof base?.x_copy === 'number' ? `${base.x_copy}×` : ''} |` : '';
    return `| ${n} | ${cells.join(' | ')} | ${ratios.join(' | ')} |${copy}`;
  });
  const notes = unsupported.filter((u) => names.includes(u.name)).map((u) => `¹ ${u.system}, ${u.name}: ${u.reason}`);
  return [header, sep, ...rows, '', ...notes].join('\n');
}

function cpuModel(): string {
  const model = cpus()[0]?.model.trim();
  return model !== undefined && model !== '' ? model : 'unknown CPU';
}

function runMeta(records: readonly BenchRecord[], startLoad: number): RunMeta {
  const info = kernelInfo();
  const torch = records.find((r) => r.system === 'torch');
  return {
    date: new Date().toISOString(), cpu: cpuModel(), cores: cpus().length, node: process.version, v8: process.versions.v8,
    kernels: {
      simd: info.simd, relaxedSimd: info.relaxedSimd, defaultPath: info.path,
      systemsRun: [...new Set(records.map((r) => r.system))],
    },
    loadAverage: { start: round(startLoad), end: round(loadavg()[0]!) },
    filter: filter.source,
    ...(torch ? { torch: `${String(torch.version)} (BLAS ${String(torch.blas)})` } : {}),
  };
}

async function main(): Promise<void> {
  const startLoad = loadavg()[0]!;
  const files = readdirSync(here).filter((f) => f.endsWith('.bench.ts')).sort();
  const records: BenchRecord[] = [];
  const unsupported: Unsupported[] = [];
  for (const file of files) {
    let mod: { suite?: BenchSuite };
    try {
      mod = (await import(pathToFileURL(join(here, file)).href)) as { suite?: BenchSuite };
    } catch (err) {
      // e.g. a peer's package missing: that suite is left out, the others still run.
      console.error(`# ${file}: not loaded (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
      continue;
    }
    if (!mod.suite) continue;
    unsupported.push(...(mod.suite.unsupported ?? []));
    const cases = (await mod.suite.cases()).filter((c) => filter.test(`${c.name} ${c.system}`));
    if (cases.length === 0) continue;
    console.log(`# ${mod.suite.name} (${file})`);
    for (const c of cases) {
      const r = await runCase(c);
      if (r) {
        records.push(r);
        console.log(`  ${r.name} [${r.system}]: ${r.median_ms} ms${r.gflops !== undefined ? `, ${r.gflops} GFLOP/s` : ''}`);
      }
    }
  }
  const torch = torchRecords();
  records.push(...torch);
  const withMultiples = copyMultiples(records, COPY_CASE);
  records.splice(0, records.length, ...withMultiples);
  const meta = runMeta(records, startLoad);
  let md = `${meta.cpu} (${meta.cores} cores), Node ${meta.node}, kernels ${meta.kernels.simd ? 'SIMD' : 'JS'}` +
    `${meta.kernels.relaxedSimd ? ' + relaxed SIMD' : ''}, load average ${meta.loadAverage.start} → ${meta.loadAverage.end}\n\n`;
  md += table(records, unsupported);
  if (torch.length > 0) {
    md += `\n\ntorch: PyTorch ${String(torch[0]!.version)} (Debian python3-torch), BLAS ${String(torch[0]!.blas)}, `
      + 'threads pinned by torch.set_num_threads and OMP/OPENBLAS_NUM_THREADS. Its convolutions run in oneDNN, '
      + 'which may use Winograd: GF/s always counts direct-convolution flops.';
  }
  console.log(`\n${md}\n\nRatios are a system's median time ÷ pqkd's (1 thread, default kernels): above 1× means pqkd is faster.`);
  const outDir = join(here, 'results');
  mkdirSync(outDir, { recursive: true });
  // Only a full run replaces latest.*; a filtered one writes filtered.* (not committed).
  const stem = filter.source === '.' ? 'latest' : 'filtered';
  const results: BenchResults = { meta, records };
  for (const [name, body] of [[`${stem}.json`, `${JSON.stringify(results, null, 2)}\n`], [`${stem}.md`, `${md}\n`]] as const) {
    const tmp = join(outDir, `${name}.tmp`);
    writeFileSync(tmp, body);
    renameSync(tmp, join(outDir, name));
  }
  console.log(`wrote ${join('bench', 'results', `${stem}.json`)}`);
  process.exit(0);
}

await main();
