/**
 * The one error type of `src/data`: every unreadable, malformed, mismatched or missing dataset file
 * ends in a `DatasetError` with a machine-readable `code`, the file it is about (when there is one)
 * and a message saying what was expected and what came. Decoder failures are caught and re-thrown
 * as `DatasetError` without the decoder's stack, so a bad image never surfaces as a trace from deep
 * inside a third-party library.
 */

/**
 * What went wrong:
 *  - `missing`: the dataset, a file of it or a folder is not there (the message says what to install
 *    or which option / environment variable to set).
 *  - `truncated`: the file ends before its header or payload does (also a cut-off gzip stream).
 *  - `bad-magic`: the file does not start with the expected magic number / signature.
 *  - `bad-size`: the sizes declared in the header disagree with the file size.
 *  - `count-mismatch`: two files that belong together disagree (images vs labels, per-class counts).
 *  - `bad-label`: a label is outside 0..classes−1.
 *  - `checksum`: the SHA-256 of a file differs from the known value.
 *  - `bad-archive`: a tar or gzip container is malformed.
 *  - `bad-image`: an image cannot be decoded.
 *  - `image-size`: an image decodes to the wrong width / height / channel count.
 *  - `bad-cache`: a decoded cache file is corrupt or stale (loaders catch this and rebuild).
 *  - `bad-argument`: an argument to a public function has the wrong type or value.
 */
export type DatasetErrorCode =
  | 'missing'
  | 'truncated'
  | 'bad-magic'
  | 'bad-size'
  | 'count-mismatch'
  | 'bad-label'
  | 'checksum'
  | 'bad-archive'
  | 'bad-image'
  | 'image-size'
  | 'bad-cache'
  | 'bad-argument';

/**
 * Thrown by every reader, loader and helper of `src/data`.
 *
 * @example
 * try { parseIdx(new Uint8Array(3), 'x.idx'); }
 * catch (e) { if (e instanceof DatasetError) console.log(e.code, e.file); } // 'truncated' 'x.idx'
 */
export class DatasetError extends Error {
  override readonly name = 'DatasetError';
  /** Machine-readable kind of failure. */
  readonly code: DatasetErrorCode;
  /** The file (or folder / archive member) the problem is about, when there is one. */
  readonly file: string | undefined;

  constructor(code: DatasetErrorCode, message: string, file?: string) {
    super(message);
    this.code = code;
    this.file = file;
  }
}

/**
 * The message of an unknown thrown value (decoders throw strings as well as Errors).
 * @example describeThrown('SOI not found') // 'SOI not found'
 */
export function describeThrown(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
