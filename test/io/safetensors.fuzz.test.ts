/**
 * Fuzzing: random garbage, byte mutations, truncations and structurally perturbed headers must each give
 * either a valid decode or a SafetensorsError with a known code, never another exception or a hang.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, SafetensorsError } from '../../src/io/index.js';
import type { SafetensorsErrorCode } from '../../src/io/index.js';
import { buildFile, elementCount, expectBitIdentical, metadataArb, recordArb, tensorsArb } from './safetensors-arbitraries.js';

const KNOWN_CODES = new Set<SafetensorsErrorCode>([
  'truncated', 'header-length', 'bad-utf8', 'bad-json', 'duplicate', 'bad-metadata', 'bad-entry', 'unknown-dtype',
  'unsupported-dtype', 'byte-count', 'offsets-out-of-range', 'offsets-overlap', 'holes', 'bool-value',
]);

/** Decodes `bytes`; returns 'ok' or the error code. Any other exception fails the property. */
function decodeOrError(bytes: Uint8Array): 'ok' | SafetensorsErrorCode {
  let decoded;
  try {
    decoded = decodeSafetensors(bytes);
  } catch (e) {
    if (!(e instanceof SafetensorsError)) throw e;
    expect(KNOWN_CODES.has(e.code), e.code).toBe(true);
    expect(e.message.length).toBeGreaterThan(0);
    return e.code;
  }
  // A successful decode must be self-consistent: lengths match shapes, and it re-encodes losslessly.
  for (const record of Object.values(decoded.tensors)) expect(record.data.length).toBe(elementCount(record.shape));
  const again = decodeSafetensors(encodeSafetensors(decoded.tensors, decoded.metadata));
  expectBitIdentical(again.tensors, decoded.tensors);
  expect(again.metadata).toEqual(decoded.metadata);
  return 'ok';
}

// Mostly ASCII names: a mutated byte inside a multi-byte UTF-8 name would only ever reach 'bad-utf8'.
const asciiTensorsArb = fc.dictionary(fc.string({ unit: 'grapheme-ascii', maxLength: 6 }).filter((s) => s !== '__metadata__'), recordArb, { maxKeys: 6 });
const asciiMetadataArb = fc.dictionary(fc.string({ unit: 'grapheme-ascii', maxLength: 6 }), fc.string({ unit: 'grapheme-ascii', maxLength: 8 }), { maxKeys: 3 });
const validFileArb = fc
  .tuple(
    fc.oneof({ weight: 3, arbitrary: asciiTensorsArb }, { weight: 1, arbitrary: tensorsArb }),
    fc.oneof({ weight: 3, arbitrary: asciiMetadataArb }, { weight: 1, arbitrary: metadataArb }),
  )
  .map(([t, m]) => encodeSafetensors(t, m));

/** Position in the header region (where mutations are most interesting) or anywhere. */
function mutate(file: Uint8Array, edits: { at: number; inHeader: boolean; value: number }[]): Uint8Array {
  const out = file.slice();
  const headerEnd = Math.min(out.length, 8 + new DataView(out.buffer).getUint32(0, true));
  for (const { at, inHeader, value } of edits) out[inHeader ? at % headerEnd : at % out.length] = value;
  return out;
}

const positionArb = fc.noBias(fc.nat()); // unbiased: fc.nat() alone favours the first (length) bytes
const editArb = fc.record({ at: positionArb, inHeader: fc.boolean(), value: fc.integer({ min: 0, max: 255 }) });
/** Bytes that are structural in the header JSON, to make mutations produce near-valid headers. */
const jsonByteArb = fc.oneof(
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) },
  { weight: 6, arbitrary: fc.constantFrom(...[...'{}[]",:-.0123456789eEF '].map((c) => c.charCodeAt(0))) },
);

describe('safetensors fuzz', () => {
  it('random garbage', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => void decodeOrError(bytes)), { numRuns: 1000 });
  });

  it('garbage behind a plausible header length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat({ max: 220 }), (rest, length) => {
        const file = new Uint8Array(8 + rest.length);
        new DataView(file.buffer).setUint32(0, length, true);
        file.set(rest, 8);
        decodeOrError(file);
      }),
      { numRuns: 1000 },
    );
  });

  it('random byte mutations of valid files', () => {
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(validFileArb, fc.array(fc.record({ at: positionArb, inHeader: fc.boolean(), value: jsonByteArb }), { minLength: 1, maxLength: 4 }), (file, edits) => {
        const outcome = decodeOrError(mutate(file, edits));
        seen.set(outcome, (seen.get(outcome) ?? 0) + 1);
      }),
      { numRuns: 1500 },
    );
    // The fuzz must reach deep into validation, not just bounce off the first checks.
    expect(seen.size, JSON.stringify([...seen])).toBeGreaterThanOrEqual(6);
  });

  it('valid files with perturbed offsets, shapes and dtypes', () => {
    const seen = new Set<string>();
    const perturbationArb = fc.record({
      tensor: fc.nat(),
      field: fc.constantFrom('begin', 'end', 'shift', 'dim', 'dtype'),
      delta: fc.integer({ min: -9, max: 9 }),
      dtype: fc.constantFrom('F32', 'F64', 'I32', 'BOOL', 'U8', 'I64', 'F16'),
    });
    fc.assert(
      fc.property(validFileArb, fc.array(perturbationArb, { minLength: 1, maxLength: 3 }), (file, perturbations) => {
        const headerLength = new DataView(file.buffer).getUint32(0, true);
        const header = JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + headerLength))) as Record<string, any>;
        const names = Object.keys(header).filter((k) => k !== '__metadata__');
        if (names.length === 0) return;
        for (const { tensor, field, delta, dtype } of perturbations) {
          const entry = header[names[tensor % names.length]!];
          if (field === 'begin') entry.data_offsets[0] = Math.max(0, entry.data_offsets[0] + delta);
          else if (field === 'end') entry.data_offsets[1] = Math.max(0, entry.data_offsets[1] + delta);
          else if (field === 'shift') entry.data_offsets = entry.data_offsets.map((o: number) => Math.max(0, o + delta));
          else if (field === 'dim' && entry.shape.length > 0) entry.shape[0] = Math.max(0, entry.shape[0] + delta);
          else entry.dtype = dtype;
        }
        seen.add(decodeOrError(buildFile(JSON.stringify(header), file.subarray(8 + headerLength), true)));
      }),
      { numRuns: 1000 },
    );
    for (const code of ['byte-count', 'offsets-out-of-range', 'offsets-overlap', 'holes', 'bad-entry', 'unsupported-dtype']) {
      expect(seen, code).toContain(code);
    }
  });

  it('single random edits anywhere', () => {
    fc.assert(fc.property(validFileArb, editArb, (file, edit) => void decodeOrError(mutate(file, [edit]))), { numRuns: 500 });
  });

  it('truncations and extensions of valid files', () => {
    fc.assert(
      fc.property(validFileArb, positionArb, fc.uint8Array({ maxLength: 9 }), (file, cut, extra) => {
        const truncated = file.subarray(0, cut % (file.length + 1));
        const outcome = decodeOrError(truncated);
        if (truncated.length < file.length) expect(outcome).not.toBe('ok'); // a shorter file always breaks the tiling
        const extended = new Uint8Array(file.length + extra.length);
        extended.set(file);
        extended.set(extra, file.length);
        expect(decodeOrError(extended)).toBe(extra.length === 0 ? 'ok' : 'holes');
      }),
      { numRuns: 500 },
    );
  });

  it('headers with a field replaced by arbitrary JSON', () => {
    const fieldArb = fc.constantFrom('dtype', 'shape', 'data_offsets', 'entry', '__metadata__', 'extra');
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), fieldArb, fc.uint8Array({ maxLength: 24 }), (value, field, data) => {
        const entry: Record<string, unknown> = { dtype: 'F32', shape: [data.length >> 2], data_offsets: [0, data.length & ~3] };
        const header: Record<string, unknown> = { w: entry };
        if (field === 'entry') header['w'] = value;
        else if (field === '__metadata__') header['__metadata__'] = value;
        else entry[field] = value;
        decodeOrError(buildFile(JSON.stringify(header), data, true));
      }),
      { numRuns: 1000 },
    );
  });

  it('arbitrary JSON as the whole header', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.uint8Array({ maxLength: 16 }), (value, data) => {
        decodeOrError(buildFile(JSON.stringify(value), data));
      }),
      { numRuns: 500 },
    );
  });
});
