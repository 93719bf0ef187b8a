/**
 * Builds the playground into site/: bundles the page and the distillation worker with esbuild from
 * the library's own modules, copies the HTML, CSS and the MNIST subset, bundles the opening comment of
 * every kernel a panel runs ("Read the kernel") and copies those source files to site/source/.
 * Usage: npx tsx playground/build.ts [outDir]   (default site; `npm run playground:build`)
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const SUBSET_FILE = 'mnist-subset.bin.gz';

/** id → title and candidate paths (the first that exists wins: files may move between folders). */
const KERNELS: Record<string, { title: string; paths: string[] }> = {
  tbi: { title: 'Time-bin interferometer', paths: ['src/photonics/tbi.ts'] },
  clements: { title: 'Clements decomposition', paths: ['src/photonics/clements.ts'] },
  observables: { title: 'Exact mean photon numbers', paths: ['src/photonics/observables.ts'] },
  slos: { title: 'SLOS (full output distribution)', paths: ['src/photonics/slos.ts'] },
  'noisy-slos': { title: 'Partial distinguishability (HOM)', paths: ['src/photonics/noisy-slos.ts'] },
  clifford: { title: 'Clifford & Clifford exact boson sampling', paths: ['src/photonics/clifford.ts'] },
  features: { title: 'Group-histogram feature', paths: ['src/photonics/features.ts'] },
  'exact-features': { title: 'Exact (S = ∞) feature', paths: ['src/photonics/exact-features.ts'] },
  ema: { title: 'EMA', paths: ['src/pqkd/ema.ts', 'src/photonics/ema.ts'] },
  spsa: { title: 'SPSA', paths: ['src/pqkd/optim/spsa.ts', 'src/pqkd/spsa.ts', 'src/photonics/spsa.ts'] },
  gemm: { title: 'GEMM (blocked, JavaScript)', paths: ['src/tensor/kernels/gemm-blocked.ts'] },
  'sgemm-wasm': { title: 'GEMM (WebAssembly SIMD micro-kernel)', paths: ['src/tensor/wasm/sgemm-kernel.ts'] },
  conv2d: { title: 'conv2d (im2col + GEMM)', paths: ['src/tensor/kernels/conv2d.ts'] },
  'dict-conv': { title: 'Dictionary convolution', paths: ['src/pqkd/dict-conv.ts'] },
  distill: { title: 'The alternating PQKD trainer', paths: ['src/pqkd/distill.ts'] },
};

/** The file's opening block comment without its comment markers (the first thing in every kernel file). */
export function openingComment(source: string, file: string): string {
  const m = /^\s*\/\*\*?([\s\S]*?)\*\//.exec(source);
  if (!m) throw new Error(`playground build: ${file} does not open with a block comment`);
  return m[1]!.split('\n').map((l) => l.replace(/^\s*\* ?/, '')).join('\n').trim();
}

export interface BuildResult {
  outDir: string;
  bytes: Record<string, number>;
}

/** Builds the site into `outDir` (emptied first) and returns the size of every file written. */
export async function buildPlayground(outDir = join(root, 'site')): Promise<BuildResult> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const sha = readFileSync(join(root, 'playground/data', `${SUBSET_FILE}.sha256`), 'utf8').split(/\s+/)[0]!;
  if (!/^[0-9a-f]{64}$/.test(sha)) throw new Error(`playground build: playground/data/${SUBSET_FILE}.sha256 does not start with a SHA-256, got '${sha}'`);
  const notes: Record<string, { title: string; path: string; comment: string }> = {};
  for (const [id, k] of Object.entries(KERNELS)) {
    const path = k.paths.find((p) => existsSync(join(root, p)));
    if (!path) throw new Error(`playground build: none of ${k.paths.join(', ')} exists (kernel note '${id}')`);
    const source = readFileSync(join(root, path), 'utf8');
    notes[id] = { title: k.title, path, comment: openingComment(source, path) };
    mkdirSync(dirname(join(outDir, 'source', path)), { recursive: true });
    writeFileSync(join(outDir, 'source', path), source);
  }
  const common = {
    bundle: true, format: 'iife', platform: 'browser', target: ['chrome100', 'firefox115'] as string[], minify: true, legalComments: 'eof',
    define: { __KERNEL_NOTES__: JSON.stringify(notes), __MNIST_SHA256__: JSON.stringify(sha) }, logLevel: 'warning',
    // The thread pool reads import.meta only under Node (process.getBuiltinModule); browsers stay on one thread.
    logOverride: { 'empty-import-meta': 'silent' },
  } as const;
  await build({ ...common, entryPoints: [join(root, 'playground/main.ts')], outfile: join(outDir, 'app.js') });
  await build({ ...common, entryPoints: [join(root, 'playground/distill-worker.ts')], outfile: join(outDir, 'distill-worker.js') });
  for (const f of ['index.html', 'style.css']) copyFileSync(join(root, 'playground', f), join(outDir, f));
  copyFileSync(join(root, 'playground/data', SUBSET_FILE), join(outDir, SUBSET_FILE));
  const bytes: Record<string, number> = {};
  for (const f of ['index.html', 'style.css', 'app.js', 'distill-worker.js', SUBSET_FILE]) bytes[f] = statSync(join(outDir, f)).size;
  return { outDir, bytes };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = await buildPlayground(process.argv[2] ? resolve(process.argv[2]) : undefined);
  for (const [f, n] of Object.entries(result.bytes)) console.log(`${join(result.outDir, f)}  ${(n / 1024).toFixed(1)} KiB`);
}
