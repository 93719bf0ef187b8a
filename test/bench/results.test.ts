import { describe, expect, it } from 'vitest';
import type { BenchRecord } from '../../bench/harness.js';
import { copyMultiples, readmeTable, replaceBetweenMarkers, type RunMeta } from '../../bench/results.js';

const rec = (name: string, system: string, median_ms: number, extra: Record<string, number> = {}): BenchRecord =>
  ({ name, system, median_ms, samples: 5, ...extra });

const meta: RunMeta = {
  date: '2026-12-02T12:00:00.000Z', cpu: 'Test CPU 9000', cores: 2, node: 'v20.20.2', v8: '11.3',
  kernels: { simd: true, relaxedSimd: false, defaultPath: 'simd', systemsRun: ['pqkd', 'torch'] },
  loadAverage: { start: 0.5, end: 0.7 }, filter: '.',
};

describe('copyMultiples', () => {
  it('divides each time per byte by the copy time per byte of the same system', () => {
    // Copy: 8 MB in 2 ms = 0.25 ms/MB. ReLU backward: 12 MB in 6 ms = 0.5 ms/MB → 2×.
    const out = copyMultiples([
      rec('copy', 'pqkd', 2, { bytes: 8e6 }),
      rec('relu_backward', 'pqkd', 6, { bytes: 12e6 }),
      rec('adam', 'pqkd', 7, { bytes: 28e6 }), // 0.25 ms/MB → 1×
      rec('matmul', 'pqkd', 10),
      rec('relu_backward', 'other', 6, { bytes: 12e6 }), // no copy record for 'other'
    ], 'copy');
    expect(out.map((r) => r.x_copy)).toEqual([undefined, 2, 1, undefined, undefined]);
  });
});

describe('readmeTable', () => {
  it('names the CPU and shows each peer as time and ratio to pqkd on one thread', () => {
    const table = readmeTable({
      meta,
      records: [
        rec('matmul_1024', 'pqkd', 40), rec('matmul_1024', 'torch', 20), rec('train_step_sgd', 'pqkd', 1500),
        rec('bandwidth_copy_set', 'pqkd', 1, { bytes: 8 }), rec('relu_forward', 'pqkd', 2, { bytes: 8, x_copy: 2 }),
      ],
    });
    const lines = table.split('\n');
    expect(lines[0]).toContain('Test CPU 9000 (2 cores), Node v20.20.2');
    expect(lines[0]).toContain('WebAssembly SIMD;');
    expect(lines).toContain('| workload | pqkd 1 thread | PyTorch 1 thread |');
    expect(lines).toContain('| matmul 1024³ | 40.0 ms | 20.0 ms (0.5×) |');
    expect(lines).toContain('| reference CNN train step, b64, SGD | 1.50 s | — |');
    expect(lines).toContain('| relu_forward | 2.00 ms | 2× |');
    expect(table).not.toContain('tfjs');
  });
});

describe('replaceBetweenMarkers', () => {
  it('replaces only what lies between the markers', () => {
    const text = 'a\n<!-- s -->\nold\nrows\n<!-- e -->\nb\n';
    expect(replaceBetweenMarkers(text, '<!-- s -->', '<!-- e -->', 'new')).toBe('a\n<!-- s -->\nnew\n<!-- e -->\nb\n');
  });

  it('throws when a marker is missing', () => {
    expect(() => replaceBetweenMarkers('no markers', '<!-- s -->', '<!-- e -->', 'x')).toThrow('markers <!-- s --> … <!-- e --> not found');
  });
});
