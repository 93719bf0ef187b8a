/**
 * The one error type of `src/io`: every malformed safetensors file, and every bad argument to the
 * encoder, ends in a `SafetensorsError` with a machine-readable `code`, the tensor name when there is
 * one, and a message saying what was expected and what came.
 */

/**
 * What went wrong. Decoding:
 *  - `truncated`: fewer than 8 bytes, or the header runs past the end of the file.
 *  - `header-length`: the declared header length exceeds {@link MAX_HEADER_BYTES}.
 *  - `bad-utf8`: the header bytes are not valid UTF-8.
 *  - `bad-json`: the header is not JSON, or its top level is not an object.
 *  - `duplicate`: a key occurs twice in one JSON object (a tensor name, an entry field, a metadata key).
 *  - `bad-metadata`: `__metadata__` is not an object of string values.
 *  - `bad-entry`: a tensor entry is not `{dtype, shape, data_offsets}` with non-negative integer
 *    dims and offsets `[begin, end]`, `begin <= end`.
 *  - `unknown-dtype`: the dtype is not a safetensors dtype.
 *  - `unsupported-dtype`: a valid safetensors dtype with no engine dtype (only F32, F64, I32, BOOL load).
 *  - `byte-count`: `end - begin` differs from elements × item size.
 *  - `offsets-out-of-range`: `end` lies past the end of the data region.
 *  - `offsets-overlap`: two tensors share bytes.
 *  - `holes`: the tensors do not tile the data region (a gap, or bytes before the first / after the last).
 *  - `bool-value`: a BOOL byte other than 0 or 1.
 * Encoding also uses `bad-entry`, `byte-count`, `bool-value`, `bad-metadata`, `header-length`, plus:
 *  - `bad-argument`: the argument itself has the wrong type (not a Uint8Array, not an object).
 * Both directions throw `big-endian-host` on a big-endian machine (not supported; every mainstream
 * JS host is little-endian).
 */
export type SafetensorsErrorCode =
  | 'truncated'
  | 'header-length'
  | 'bad-utf8'
  | 'bad-json'
  | 'duplicate'
  | 'bad-metadata'
  | 'bad-entry'
  | 'unknown-dtype'
  | 'unsupported-dtype'
  | 'byte-count'
  | 'offsets-out-of-range'
  | 'offsets-overlap'
  | 'holes'
  | 'bool-value'
  | 'bad-argument'
  | 'big-endian-host';

/**
 * Thrown by {@link encodeSafetensors}, {@link decodeSafetensors} and {@link readSafetensorsHeader}.
 *
 * @example
 * try { decodeSafetensors(new Uint8Array(3)); }
 * catch (e) { if (e instanceof SafetensorsError) console.log(e.code); } // 'truncated'
 */
export class SafetensorsError extends Error {
  override readonly name = 'SafetensorsError';
  /** Machine-readable kind of failure. */
  readonly code: SafetensorsErrorCode;
  /** The tensor the problem is about, when there is one. */
  readonly tensor: string | undefined;

  constructor(code: SafetensorsErrorCode, message: string, tensor?: string) {
    super(message);
    this.code = code;
    this.tensor = tensor;
  }
}

/** Quote a tensor name for a message (JSON form, so odd characters stay visible). */
export function quoteName(name: string): string {
  return JSON.stringify(name);
}

const hostIsLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Throws `big-endian-host` unless the typed arrays of this host are little-endian. */
export function requireLittleEndianHost(op: string): void {
  if (!hostIsLittleEndian) {
    throw new SafetensorsError(
      'big-endian-host',
      `${op}: this host is big-endian; safetensors stores little-endian data and byte swapping is not implemented`,
    );
  }
}
