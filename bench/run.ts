/**
 * Runs every benchmark suite (`bench/*.bench.ts`, each exporting `suite: BenchSuite`) in one process
 * with tinybench, prints a side-by-side table with ratios against pqkd's 1-thread result, and writes
 * `bench/results/latest.json` (records: name, system, median_ms, gflops, samples, extras) and
 * `bench/results/latest.md`.
 *
 * When Debian's python3-torch is installed (`apt install python3-torch libopenblas0-pthread`), the same kernel and training
 * workloads also run in PyTorch (bench/torch_reference.py, 1 and 2 threads, systems 'torch' and
 * 'torch-2t') and join the table; otherwise the run says so and goes on.
 *
 * Usage: npm run bench [-- --filter REGEX] [--time MS] [--no-torch]   (PQKD_BENCH_FILTER works too)
 * Timing is measured here, never asserted in tests.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Bench } from 'tinybench';
import type { BenchCase, BenchRecord, BenchSuite } from './harness.js';
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
  const systems = [...new Set([...records.map((r) => r.system), ...unsupported.map((u) => u.system)])];
  const names = [...new Set(records.map((r) => r.name))];
  const header = `| workload | ${systems.map((s) => `${s} ms`).join(' | ')} | ${systems.filter((s) => s !== 'pqkd').map((s) => `${s} ÷ pqkd`).join(' | ')} |`;
  const sep = `|${'---|'.repeat(1 + systems.length + systems.filter((s) => s !== 'pqkd').length)}`;
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
    return `| ${n} | ${cells.join(' | ')} | ${ratios.join(' | ')} |`;
  });
  const notes = unsupported.filter((u) => names.includes(u.name)).map((u) => `¹ ${u.system}, ${u.name}: ${u.reason}`);
  return [header, sep, ...rows, '', ...notes].join('\n');
}

async function main(): Promise<void> {
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
  let md = table(records, unsupported);
  if (torch.length > 0) {
    md += `\n\ntorch: PyTorch ${String(torch[0]!.version)} (Debian python3-torch), BLAS ${String(torch[0]!.blas)}, `
      + 'threads pinned by torch.set_num_threads and OMP/OPENBLAS_NUM_THREADS. Its convolutions run in oneDNN, '
      + 'which may use Winograd: GF/s always counts direct-convolution flops.';
  }
  console.log(`\n${md}\n\nRatios are a system's median time ÷ pqkd's (1 thread, default kernels): above 1× means pqkd is faster.`);
  const outDir = join(here, 'results');
  mkdirSync(outDir, { recursive: true });
  for (const [name, body] of [['latest.json', `${JSON.stringify(records, null, 2)}\n`], ['latest.md', `${md}\n`]] as const) {
    const tmp = join(outDir, `${name}.tmp`);
    writeFileSync(tmp, body);
    renameSync(tmp, join(outDir, name));
  }
  console.log(`wrote ${join('bench', 'results', 'latest.json')}`);
  process.exit(0);
}

await main();
