/**
 * In-process interleaved A/B of the optimiser steps (issue 21) of two source trees, as
 * bench/ab-conv.mts does for conv: Adam and SGD (lr only) `step()` on one float32 parameter of
 * N = 1,605,632 values (bench/bandwidth.bench.ts's shape), before vs after on 1 thread, and the
 * after tree on 2 threads (parameter, gradient and state on SharedArrayBuffers). Each round runs
 * every case once in a rotated order plus a copy of 8N bytes (`TypedArray.set`, the bandwidth
 * floor); printed: median and minimum ms per case, × copy per byte from each (Adam moves 28N bytes,
 * SGD 12N; on a loaded machine the minimum is the better estimate, since a long call is more often
 * preempted than the short copy), and the median of the per-round ratios for each pair. Usage:
 *   node --import tsx bench/ab-optim.mts /tmp/before $PWD [rounds]
 */
const [beforeRoot, afterRoot, roundsArg] = process.argv.slice(2) as [string, string, string?];
const rounds = Number(roundsArg ?? 30);
const N = 64 * 32 * 28 * 28;

interface Case { name: string; bytesPerElement: number; run: () => void }

async function build(root: string, label: string, threads: number): Promise<Case[]> {
  const { Adam, SGD } = await import(`${root}/src/nn/index.ts`);
  const { Parameter } = await import(`${root}/src/nn/parameter.ts`);
  const { Tensor } = await import(`${root}/src/tensor/tensor.ts`);
  const { Generator } = await import(`${root}/src/tensor/random.ts`);
  const { setNumThreads } = await import(`${root}/src/tensor/parallel/threads.ts`);
  const { warmUpThreads } = await import(`${root}/src/tensor/parallel/pool.ts`);
  setNumThreads(threads);
  if (threads > 1) await warmUpThreads();
  const gen = new Generator(7);
  const data = (): Float32Array => {
    const a = threads > 1 ? new Float32Array(new SharedArrayBuffer(4 * N)) : new Float32Array(N);
    a.set(gen.uniformArray(N, -1, 1));
    return a;
  };
  const param = (): InstanceType<typeof Parameter> => {
    const p = new Parameter(Tensor.fromData(data(), [N], 'float32'));
    p.grad = Tensor.fromData(data(), [N], 'float32');
    return p;
  };
  const adam = new Adam([param()], { lr: 1e-6 }), sgd = new SGD([param()], { lr: 1e-6 });
  adam.step(); sgd.step(); // state created now (on shared storage when threads > 1)
  const on = (fn: () => void) => () => { setNumThreads(threads); fn(); };
  return [
    { name: `adam ${label} ${threads}t`, bytesPerElement: 28, run: on(() => adam.step()) },
    { name: `sgd ${label} ${threads}t`, bytesPerElement: 12, run: on(() => sgd.step()) },
  ];
}

const x = new Float32Array(N).fill(1.5), y = new Float32Array(N);
const cases: Case[] = [
  { name: 'copy 8N bytes', bytesPerElement: 8, run: () => y.set(x) },
  ...await build(beforeRoot, 'before', 1),
  ...await build(afterRoot, 'after', 1),
  ...await build(afterRoot, 'after', 2),
];
const times: number[][] = cases.map(() => []);
for (let r = 0; r < rounds + 2; r++) {
  for (let k = 0; k < cases.length; k++) {
    const i = (k + r) % cases.length;
    const t0 = performance.now();
    cases[i]!.run();
    if (r >= 2) times[i]!.push(performance.now() - t0); // 2 warm-up rounds
  }
}
const median = (a: number[]): number => { const s = [...a].sort((p, q) => p - q); return s[s.length >> 1]!; };
const copyMs = median(times[0]!), copyMin = Math.min(...times[0]!);
for (const [i, c] of cases.entries()) {
  const [ms, min] = [median(times[i]!), Math.min(...times[i]!)];
  const perByte = (t: number, copy: number): string => (t / (copy * c.bytesPerElement / 8)).toFixed(2);
  console.log(`${c.name.padEnd(18)} median ${ms.toFixed(2).padStart(7)} ms (× copy ${perByte(ms, copyMs)})   min ${min.toFixed(2).padStart(7)} ms (× copy ${perByte(min, copyMin)})`);
}
const ratio = (a: string, b: string): void => {
  const [ia, ib] = [cases.findIndex((c) => c.name === a), cases.findIndex((c) => c.name === b)];
  console.log(`${b} / ${a}: median per-round ratio ${median(times[ib]!.map((t, r) => t / times[ia]![r]!)).toFixed(3)}`);
};
ratio('adam before 1t', 'adam after 1t');
ratio('sgd before 1t', 'sgd after 1t');
ratio('adam after 1t', 'adam after 2t');
ratio('sgd after 1t', 'sgd after 2t');
process.exit(0);
