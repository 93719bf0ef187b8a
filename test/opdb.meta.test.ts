/**
 * The op table covers the registry: every op defined with `defineOp` has an entry in test/opdb.ts,
 * every entry names a registered op, every skip has a reason, and every entry's cases really end in
 * that op (the output's gradFn). Every module under src/autograd, src/nn and src/pqkd is imported
 * first, so an op defined anywhere there is registered even if the public index does not export it.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { OP_REGISTRY } from '../src/index.js';
import { OP_DB } from './opdb.js';

const SRC = join(import.meta.dirname, '..', 'src');

beforeAll(async () => {
  for (const area of ['autograd', 'nn', 'pqkd']) {
    const files = readdirSync(join(SRC, area), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
    for (const f of files) await import(pathToFileURL(join(SRC, area, f)).href);
  }
});

describe('op table (test/opdb.ts) vs OP_REGISTRY', () => {
  it('has an entry for every registered op', () => {
    const missing = [...OP_REGISTRY.keys()].filter((name) => !OP_DB.some((e) => e.name === name));
    expect(missing, `registered ops without an opdb entry: ${missing.join(', ')}`).toEqual([]);
  });

  it('has no entries for unregistered ops and no duplicates', () => {
    const names = OP_DB.map((e) => e.name);
    expect(names.filter((n) => !OP_REGISTRY.has(n))).toEqual([]);
    expect(new Set(names).size).toBe(names.length);
  });

  it('gives a non-empty reason for every skip', () => {
    for (const entry of OP_DB) {
      for (const [suite, reason] of Object.entries(entry.skips ?? {})) {
        expect(typeof reason === 'string' && reason.trim().length > 10, `${entry.name} skips ${suite} without a reason`).toBe(true);
      }
    }
  });

  it.each(OP_DB.map((e) => [e.name, e] as const))('cases of %s end in that op', (name, entry) => {
    fc.assert(
      fc.property(entry.cases, (c) => {
        const xs = c.inputs('float64');
        for (const x of xs) x.requiresGrad = true;
        const y = c.fn(...xs);
        if (y.gradFn?.name !== name) throw new Error(`${c.label}: output gradFn is '${y.gradFn?.name}', expected '${name}'`);
      }),
      { numRuns: 10 },
    );
  });
});
