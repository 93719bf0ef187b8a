import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { kernelInfo } from '../../src/tensor/kernel-dispatch.js';
import { getNumThreads, setNumThreads } from '../../src/tensor/parallel/threads.js';
import { setKernelsMode, wasmSimdSupported } from '../../src/tensor/wasm/support.js';

const tensorDir = fileURLToPath(new URL('../../src/tensor/', import.meta.url));

/** Relative import specifiers of a TypeScript file (static `import … from` and `export … from`). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gms)].map((m) => m[1]!);
}

describe('kernel dispatch layer', () => {
  const threads = getNumThreads();
  afterEach(() => {
    setKernelsMode(null);
    setNumThreads(threads);
  });

  it('kernelInfo reports the runtime capability, the path in effect and the thread count', () => {
    setKernelsMode('js');
    setNumThreads(1);
    expect(kernelInfo()).toEqual({ simd: wasmSimdSupported(), relaxedSimd: false, fusedMultiplyAdd: false, threads: 1, path: 'js' });
    if (wasmSimdSupported()) {
      setKernelsMode('simd');
      setNumThreads(2);
      expect(kernelInfo()).toMatchObject({ path: 'simd', threads: 2 });
    }
  });

  it('kernels import nothing above them; wasm/ and parallel/ never import the dispatch layer', () => {
    const offenders: string[] = [];
    for (const [dir, banned] of [
      ['kernels', /^\.\.\/(?!dtype\.js$)/],
      ['wasm', /(^\.\.\/parallel\/|kernel-dispatch)/],
      ['parallel', /kernel-dispatch/],
    ] as const) {
      for (const name of readdirSync(join(tensorDir, dir)).filter((f) => f.endsWith('.ts'))) {
        for (const spec of importsOf(join(tensorDir, dir, name))) {
          if (banned.test(spec) && !(dir === 'wasm' && spec.startsWith('../kernels/'))) offenders.push(`${dir}/${name} → ${spec}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});
