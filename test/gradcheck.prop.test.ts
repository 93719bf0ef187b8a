/**
 * Every op of the table (test/opdb.ts) passes the public `gradcheck` in float64 (central differences,
 * eps 1e-6, PyTorch's atol 1e-5 / rtol 1e-3 unless the entry overrides them) on random cases:
 * shapes, broadcastable pairs, dims, attributes, transposed operands.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { gradcheck } from '../src/index.js';
import { OP_DB } from './opdb.js';

const RUNS_PER_OP = Number(process.env.OPDB_RUNS ?? 30);

describe('gradcheck over the op table (float64)', () => {
  for (const entry of OP_DB) {
    const skip = entry.skips?.gradcheck;
    (skip ? it.skip : it)(`${entry.name}${skip ? ` (skipped: ${skip})` : ''}`, () => {
      fc.assert(
        fc.property(entry.cases, (c) => {
          const xs = c.inputs('float64');
          for (const x of xs) x.requiresGrad = true;
          try {
            gradcheck(c.fn, xs, { ...entry.gradcheck, mode: 'full' });
          } catch (e) {
            throw new Error(`${c.label}: ${(e as Error).message}`, { cause: e });
          }
        }),
        { numRuns: RUNS_PER_OP },
      );
    });
  }
});
