/**
 * Test-only writers for the formats src/data reads (IDX, CIFAR-10 binary batches, ustar/pax/GNU tar,
 * PNG with any colour type / depth / interlace / filter), written from the format specs so the
 * readers are tested on files laid out exactly as the official ones; plus the dataset-availability
 * rule (a missing dataset skips locally with a printed reason and fails under CI=true).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import type { Dataset } from '../../src/data/dataset.js';

const created: string[] = [];

/** A fresh temporary folder, removed by {@link removeTempDirs} (call it from `afterAll`). */
export function tempDir(tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), `pqkd-data-${tag}-`));
  created.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** IDX bytes: 00 00 08 d, big-endian dims, payload. */
export function idxBytes(dims: number[], payload: Uint8Array | number[]): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + payload.length);
  out[2] = 8;
  out[3] = dims.length;
  const view = new DataView(out.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(payload, 4 + 4 * dims.length);
  return out;
}

/** CIFAR-10 binary batch: per record 1 label byte then 3072 channel-planar pixel bytes. */
export function cifarBatchBytes(labels: number[], pixel: (n: number, i: number) => number): Uint8Array {
  const out = new Uint8Array(labels.length * 3073);
  labels.forEach((label, n) => {
    out[n * 3073] = label;
    for (let i = 0; i < 3072; i++) out[n * 3073 + 1 + i] = pixel(n, i) & 0xff;
  });
  return out;
}

export interface TarMember {
  name: string;
  data?: Uint8Array;
  type?: '0' | '5' | '2';
}

function octalField(header: Uint8Array, offset: number, length: number, value: number): void {
  const s = value.toString(8).padStart(length - 1, '0');
  for (let i = 0; i < s.length; i++) header[offset + i] = s.charCodeAt(i);
}

function rawHeader(name: string, size: number, type: string, prefix = ''): Uint8Array {
  const h = new Uint8Array(512);
  const enc = new TextEncoder();
  h.set(enc.encode(name).subarray(0, 100), 0);
  octalField(h, 100, 8, 0o644);
  octalField(h, 108, 8, 0);
  octalField(h, 116, 8, 0);
  octalField(h, 124, 12, size);
  octalField(h, 136, 12, 0);
  h[156] = type.charCodeAt(0);
  h.set(enc.encode('ustar\u000000'), 257);
  h.set(enc.encode(prefix), 345);
  for (let i = 148; i < 156; i++) h[i] = 32;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += h[i]!;
  const s = sum.toString(8).padStart(6, '0');
  for (let i = 0; i < 6; i++) h[148 + i] = s.charCodeAt(i);
  h[154] = 0;
  h[155] = 32;
  return h;
}

function padded(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(data.length / 512) * 512);
  out.set(data);
  return out;
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = body.length + 1;
  while (String(len).length + Buffer.byteLength(body) !== len) len = String(len).length + Buffer.byteLength(body);
  return `${len}${body}`;
}

/**
 * A tar archive. Names over 100 bytes use `longNames`: 'pax' (x header), 'gnu' (L entry) or
 * 'prefix' (ustar prefix field, split at a '/'). `globalPax` adds a leading g header like git-archive.
 */
export function tarBytes(members: TarMember[], longNames: 'pax' | 'gnu' | 'prefix' = 'pax', globalPax = false): Uint8Array {
  const parts: Uint8Array[] = [];
  const enc = new TextEncoder();
  if (globalPax) {
    const body = enc.encode(paxRecord('comment', 'd7d05618061fe37d830fb0419063d113c575ccbc'));
    parts.push(rawHeader('pax_global_header', body.length, 'g'), padded(body));
  }
  for (const m of members) {
    const data = m.data ?? new Uint8Array(0);
    const type = m.type ?? '0';
    let name = m.name;
    let prefix = '';
    if (enc.encode(name).length > 100) {
      if (longNames === 'pax') {
        const body = enc.encode(paxRecord('path', name));
        parts.push(rawHeader('PaxHeaders/x', body.length, 'x'), padded(body));
        name = name.slice(0, 99);
      } else if (longNames === 'gnu') {
        const body = enc.encode(`${name}\0`);
        parts.push(rawHeader('././@LongLink', body.length, 'L'), padded(body));
        name = name.slice(0, 99);
      } else {
        const cut = name.lastIndexOf('/', name.length - 1);
        prefix = name.slice(0, cut);
        name = name.slice(cut + 1);
      }
    }
    parts.push(rawHeader(name, type === '0' ? data.length : 0, type, prefix));
    if (type === '0') parts.push(padded(data));
  }
  parts.push(new Uint8Array(1024));
  return new Uint8Array(Buffer.concat(parts)); // a plain Uint8Array: Buffer.slice would not copy
}

/** PNG spec of a test image: raw samples per pixel (channels of the colour type), row-major. */
export interface PngSpec {
  width: number;
  height: number;
  colorType: 0 | 2 | 3 | 4 | 6;
  depth: 1 | 2 | 4 | 8 | 16;
  interlace: 0 | 1;
  samples: number[];
  palette?: number[];
  /** Filter type per emitted scanline (cycled). */
  filters: number[];
}

export const PNG_CHANNELS = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as const;
const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]];

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length, false);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)), false);
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Encodes a PngSpec as a PNG file (the straightforward encoder of the spec, filters applied as asked). */
export function pngBytes(spec: PngSpec): Uint8Array {
  const { width, height, colorType, depth, interlace } = spec;
  const ch = PNG_CHANNELS[colorType];
  const bitsPP = ch * depth;
  const bpp = Math.max(1, bitsPP >> 3);
  const passes = interlace ? ADAM7 : [[0, 0, 1, 1]];
  const stream: number[] = [];
  let rowCounter = 0;
  for (const [x0, y0, dx, dy] of passes as [number, number, number, number][]) {
    const pw = Math.ceil((width - x0) / dx), ph = Math.ceil((height - y0) / dy);
    if (pw <= 0 || ph <= 0) continue;
    const rowBytes = Math.ceil((pw * bitsPP) / 8);
    let prev = new Uint8Array(rowBytes);
    for (let y = 0; y < ph; y++) {
      const raw = new Uint8Array(rowBytes);
      for (let x = 0; x < pw; x++) {
        const px = (y0 + y * dy) * width + x0 + x * dx;
        for (let c = 0; c < ch; c++) {
          const v = spec.samples[px * ch + c]!;
          const bit = (x * ch + c) * depth;
          if (depth === 16) { raw[bit >> 3] = v >> 8; raw[(bit >> 3) + 1] = v & 0xff; } else if (depth === 8) raw[bit >> 3] = v;
          else raw[bit >> 3]! |= v << (8 - depth - (bit & 7));
        }
      }
      const f = spec.filters[rowCounter++ % spec.filters.length]!;
      stream.push(f);
      for (let i = 0; i < rowBytes; i++) {
        const a = i >= bpp ? raw[i - bpp]! : 0, b = prev[i]!, c = i >= bpp ? prev[i - bpp]! : 0;
        const pred = [0, a, b, (a + b) >> 1, paeth(a, b, c)][f]!;
        stream.push((raw[i]! - pred) & 0xff);
      }
      prev = raw;
    }
  }
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width, false);
  v.setUint32(4, height, false);
  ihdr.set([depth, colorType, 0, 0, interlace], 8);
  const parts = [Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr)];
  if (spec.palette) parts.push(chunk('PLTE', Uint8Array.from(spec.palette)));
  const z = deflateSync(Uint8Array.from(stream));
  parts.push(chunk('IDAT', z.subarray(0, z.length >> 1)), chunk('IDAT', z.subarray(z.length >> 1)), chunk('IEND', new Uint8Array(0)));
  return new Uint8Array(Buffer.concat(parts)); // a plain Uint8Array: Buffer.slice would not copy
}

/** A tiny in-memory Dataset (for loader / split tests). */
export function toyDataset(labels: number[], shape: [number, number, number], classes: number, pixel: (n: number, i: number) => number): Dataset {
  const [c, h, w] = shape;
  const size = c * h * w;
  const images = new Uint8Array(labels.length * size);
  for (let n = 0; n < labels.length; n++) for (let i = 0; i < size; i++) images[n * size + i] = pixel(n, i) & 0xff;
  return {
    name: 'toy', split: 'train', label: 'toy', images, labels: Uint8Array.from(labels), count: labels.length,
    channels: c, height: h, width: w, classes: Array.from({ length: classes }, (_, k) => `c${k}`),
    mean: new Array<number>(c).fill(0.5), std: new Array<number>(c).fill(0.25), sha256: {}, source: 'toy',
  };
}

/**
 * Whether a real dataset test should run: yes when `present`; otherwise it fails under CI=true (the
 * test runs and hits the missing-dataset error) and is skipped locally with `reason` printed.
 */
export function shouldSkipMissing(present: boolean, reason: string): boolean {
  if (present) return false;
  if (process.env.CI === 'true') return false;
  console.warn(`SKIPPED: ${reason}`);
  return true;
}
