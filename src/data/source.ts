/**
 * A `FileSource` is a read-only set of files addressed by '/'-separated relative paths: a folder on
 * disk or the members of a tar / tar.gz archive. Readers (CIFAR binary batches, image folders) are
 * written once against it, so an archive and its extracted folder load the same way.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { maybeGunzip, readFileBytes } from './bytes.js';
import { DatasetError, describeThrown } from './errors.js';
import { parseTar } from './tar.js';

export interface FileSource {
  /** The folder or archive path. */
  root: string;
  /** Relative paths of all regular files, sorted by UTF-16 code units. */
  paths: string[];
  /** Contents of one file (a view; do not mutate). */
  read(path: string): Uint8Array;
  /** The path as shown in error messages: `<folder>/<path>` or `<archive>:<path>`. */
  display(path: string): string;
}

/**
 * Code-unit order (locale independent, so every machine sorts alike).
 * @example ['b', 'B', 'a'].sort(byCodeUnits) // ['B', 'a', 'b']
 */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Every regular file under `dir` (recursively).
 * @example directorySource('/data/cifar10').paths[0] // 'test/airplane/0000.jpg'
 */
export function directorySource(dir: string): FileSource {
  let listing: string[];
  try {
    listing = readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => join(d.parentPath ?? d.path, d.name).slice(dir.length).replace(/^[\\/]+/, '').split(/[\\/]/).join('/'));
  } catch (e) {
    throw new DatasetError('missing', `${dir}: cannot list folder (${describeThrown(e)})`, dir);
  }
  listing.sort(byCodeUnits);
  return {
    root: dir,
    paths: listing,
    read: (path) => readFileBytes(join(dir, path)),
    display: (path) => join(dir, path),
  };
}

/**
 * The regular-file members of a tar or tar.gz archive (bytes already read, or read from `archive`).
 * @example tarSource('data/cifar10-jpeg.tar.gz').paths.length // 60001 (the CIFAR-10 JPEG copy)
 */
export function tarSource(archive: string, bytes?: Uint8Array): FileSource {
  const raw = maybeGunzip(bytes ?? readFileBytes(archive), archive);
  const files = new Map<string, Uint8Array>();
  for (const entry of parseTar(raw, archive)) {
    if (entry.type === 'file') files.set(entry.name.replace(/^(\.\/)+/, ''), entry.data);
  }
  const paths = [...files.keys()].sort(byCodeUnits);
  return {
    root: archive,
    paths,
    read: (path) => {
      const data = files.get(path);
      if (data === undefined) throw new DatasetError('missing', `${archive}: has no member ${path}`, archive);
      return data;
    },
    display: (path) => `${archive}:${path}`,
  };
}
