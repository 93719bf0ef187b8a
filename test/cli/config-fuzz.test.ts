// Property test: random JSON text, with `__proto__`, `constructor` and `prototype` keys at any depth
// and random config paths, fed to the --config and --grid validators. Every input either yields a
// valid config / grid or a typed error (CliError or ConfigError), and Object.prototype is untouched.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildConfig, parseConfigText } from '../../src/cli/args.js';
import { setConfigPath } from '../../src/cli/config-paths.js';
import { CliError } from '../../src/cli/errors.js';
import { parseGrid } from '../../src/cli/commands/sweep.js';
import { ConfigError } from '../../src/pqkd/config.js';

const DANGEROUS = ['__proto__', 'constructor', 'prototype'];
const KEYS = [...DANGEROUS, 'student', 'teacher', 'photonic', 'rank', 'width', 'shots', 'seed', 'toString', 'valueOf', 'epochs', 'x'];

type Json = null | boolean | number | string | Json[] | { entries: [string, Json][] };

/** JSON text with possibly repeated keys, written by hand so `__proto__` stays an own key. */
function toText(v: Json): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(toText).join(',')}]`;
  return `{${v.entries.map(([k, x]) => `${JSON.stringify(k)}:${toText(x)}`).join(',')}}`;
}

const key = fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 6 }));
const json: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null), fc.boolean(), fc.integer({ min: -3, max: 300 }), fc.double({ noNaN: true }), fc.constantFrom('partial', 'full', ''),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.array(fc.tuple(key, tie('value')), { maxLength: 4 }).map((entries) => ({ entries })),
  ),
})).value;
const objectJson = fc.array(fc.tuple(key, json), { maxLength: 5 }).map((entries): Json => ({ entries }));
const path = fc.array(fc.oneof(fc.constantFrom(...KEYS, 'student.rank', 'photonic.shots'), fc.string({ maxLength: 5 })), { minLength: 1, maxLength: 3 }).map((p) => p.join('.'));

const protoNames = Object.getOwnPropertyNames(Object.prototype).sort();
const protoValues = protoNames.map((n) => (Object.prototype as Record<string, unknown>)[n]);

function expectUntouched(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoNames);
  protoNames.forEach((n, i) => expect((Object.prototype as Record<string, unknown>)[n]).toBe(protoValues[i]));
  expect(Object.getPrototypeOf({})).toBe(Object.prototype);
}

/** Whether a parsed value holds a prototype key as an own key anywhere (a repeated key may have replaced it). */
function holdsDangerousKey(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(holdsDangerousKey);
  if (v === null || typeof v !== 'object') return false;
  return Object.keys(v).some((k) => DANGEROUS.includes(k) || holdsDangerousKey((v as Record<string, unknown>)[k]));
}

function typedOrOk(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    if (!(error instanceof CliError) && !(error instanceof ConfigError)) throw error;
    expect((error as Error).message).not.toMatch(/\n/);
  }
  expectUntouched();
}

describe('config and grid validators under random JSON', () => {
  it('--config text: a valid config or a typed error, never a prototype change', () => {
    fc.assert(fc.property(objectJson, (v) => {
      const text = toText(v);
      typedOrOk(() => buildConfig({}, [], parseConfigText(text, 'fuzz')));
      if (holdsDangerousKey(JSON.parse(text))) expect(() => parseConfigText(text, 'fuzz')).toThrow(CliError);
    }), { numRuns: 400, seed: 15 });
  });

  it('--grid text: a checked grid or a typed error, never a prototype change', () => {
    fc.assert(fc.property(fc.array(fc.tuple(path, json), { maxLength: 4 }), (entries) => {
      const text = toText({ entries });
      typedOrOk(() => parseGrid(text));
      const parsed = JSON.parse(text) as Record<string, unknown>;
      const bad = Object.keys(parsed).some((p) => p.split('.').some((part) => DANGEROUS.includes(part))) || holdsDangerousKey(Object.values(parsed));
      if (bad) expect(() => parseGrid(text)).toThrow(CliError);
    }), { numRuns: 400, seed: 16 });
  });

  it('setConfigPath with random paths and values', () => {
    fc.assert(fc.property(path, json, (p, v) => {
      const target: Record<string, unknown> = {};
      typedOrOk(() => setConfigPath(target, p, JSON.parse(toText(v)) as unknown, 'fuzz'));
    }), { numRuns: 400, seed: 17 });
  });
});
