/**
 * In-process interleaved A/B of `cnn_forward_b64` (bench/train.bench.ts: the reference CNN in eval mode
 * under noGrad, batch 64) between two source trees, as bench/ab-conv.mts does for the conv kernels.
 * Times are the process's CPU time per call (`process.cpuUsage`), which a loaded machine's preemption
 * does not inflate as it does wall time; the engine runs 1 thread (THREADS=n to change). Also checks
 * that both trees give the same logits. Usage:
 *   node --import tsx bench/ab-cnn.mts /tmp/before $PWD [pairs]
 */
const [beforeRoot, afterRoot, pairsArg] = process.argv.slice(2) as [string, string, string?];
const pairs = Number(pairsArg ?? 20);
async function build(root: string): Promise<() => unknown> {
  const { referenceMnistCnn } = await import(`${root}/bench/train.bench.ts`);
  const { noGrad } = await import(`${root}/src/autograd/grad-mode.ts`);
  const { randn } = await import(`${root}/src/tensor/create.ts`);
  const { Generator } = await import(`${root}/src/tensor/random.ts`);
  (await import(`${root}/src/tensor/parallel/threads.ts`)).setNumThreads(Number(process.env.THREADS ?? 1));
  const model = referenceMnistCnn(1).eval();
  const x = randn([64, 1, 28, 28], { generator: new Generator(2024) });
  return () => noGrad(() => model.forward(x));
}
const before = await build(beforeRoot), after = await build(afterRoot);
const yb = before() as { toArray(): unknown }, ya = after() as { toArray(): unknown };
console.log('outputs identical:', JSON.stringify(yb.toArray()) === JSON.stringify(ya.toArray()));
const os = await import('node:os');
const median = (v: number[]): number => v.slice().sort((p, q) => p - q)[v.length >> 1]!;
const time = (f: () => unknown): number => { const t = process.cpuUsage(); f(); const d = process.cpuUsage(t); return (d.user + d.system) / 1000; };
const load0 = os.loadavg()[0]!;
for (let i = 0; i < 10; i++) { before(); after(); }
const tb: number[] = [], ta: number[] = [], ratio: number[] = [];
for (let i = 0; i < pairs; i++) { const b = time(before), a = time(after); tb.push(b); ta.push(a); ratio.push(a / b); }
console.log(`cnn_forward_b64 (cpu time): before ${median(tb).toFixed(2)} (min ${Math.min(...tb).toFixed(2)}) ms, after ${median(ta).toFixed(2)} (min ${Math.min(...ta).toFixed(2)}) ms, after/before ${median(ratio).toFixed(3)} (${pairs} pairs)`);
console.log(`load average ${load0.toFixed(1)} → ${os.loadavg()[0]!.toFixed(1)} (2 cores)`);
