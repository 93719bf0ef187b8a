/**
 * Image-folder reader: `<root>/[<prefix>/]<split>/<class>/<name>.jpg|jpeg|png`, from a folder on disk
 * or a tar / tar.gz archive (see ./source.ts). Classes are the sub-folders of `<split>`, sorted by
 * name (code units), and give labels 0..K−1; images are taken class by class, files sorted by name.
 * Files with other extensions and hidden files are ignored. Output is NCHW uint8.
 * Cost: one decode per image (the CIFAR-10 JPEG copy, 60,000 images, takes a few seconds).
 */
import { DatasetError } from './errors.js';
import { decodeImage, rgbaToPlanar } from './image.js';
import { byCodeUnits, type FileSource } from './source.js';

const IMAGE_FILE = /^[^.].*\.(jpe?g|png)$/i;

export interface ImageFolderOptions {
  /** The split folder to read, e.g. 'train' or 'test'. */
  split: string;
  /** 3 (RGB, default) or 1 (luma). */
  channels?: 1 | 3;
  /** Required image height and width; default: those of the first image. */
  height?: number;
  width?: number;
}

/** Decoded images of one split. */
export interface ImageFolderData {
  count: number;
  channels: number;
  height: number;
  width: number;
  classes: string[];
  images: Uint8Array;
  labels: Uint8Array;
}

/**
 * The images of `split` grouped by class: [className, paths[]] sorted by class name.
 * @example listImageFolder(directorySource('/data/cifar'), 'test')[0][0] // 'airplane'
 */
export function listImageFolder(source: FileSource, split: string): Array<[string, string[]]> {
  const byClass = new Map<string, string[]>();
  const prefixes = new Set<string>();
  for (const path of source.paths) {
    const parts = path.split('/');
    if (parts.length < 3 || parts[parts.length - 3] !== split || !IMAGE_FILE.test(parts[parts.length - 1]!)) continue;
    prefixes.add(parts.slice(0, -3).join('/'));
    const cls = parts[parts.length - 2]!;
    const list = byClass.get(cls);
    if (list) list.push(path);
    else byClass.set(cls, [path]);
  }
  if (prefixes.size > 1) {
    throw new DatasetError('bad-archive', `${source.root}: '${split}' image folders under several parents (${[...prefixes].map((p) => p || '.').join(', ')}); expected one <split>/<class>/ tree`, source.root);
  }
  if (byClass.size === 0) {
    throw new DatasetError('missing', `${source.root}: no images for split '${split}' (expected ${split}/<class>/*.jpg|jpeg|png)`, source.root);
  }
  return [...byClass.entries()].sort((a, b) => byCodeUnits(a[0], b[0])).map(([c, paths]) => [c, paths.sort(byCodeUnits)]);
}

/**
 * Decodes every image of `split`. An undecodable image is `bad-image`; one whose size differs from
 * the required (or first) size is `image-size`; both name the file.
 * @example readImageFolder(tarSource('cifar10-jpeg.tar.gz'), { split: 'test', height: 32, width: 32 }).count // 10000
 */
export function readImageFolder(source: FileSource, options: ImageFolderOptions): ImageFolderData {
  const channels = options.channels ?? 3;
  const groups = listImageFolder(source, options.split);
  if (groups.length > 256) {
    throw new DatasetError('bad-argument', `${source.root}: ${groups.length} class folders in '${options.split}', at most 256 fit uint8 labels`, source.root);
  }
  const count = groups.reduce((s, [, paths]) => s + paths.length, 0);
  let { height, width } = options;
  let images: Uint8Array | undefined;
  const labels = new Uint8Array(count);
  let n = 0;
  groups.forEach(([, paths], label) => {
    for (const path of paths) {
      const file = source.display(path);
      const img = decodeImage(source.read(path), file);
      height ??= img.height;
      width ??= img.width;
      if (img.height !== height || img.width !== width) {
        throw new DatasetError('image-size', `${file}: image is ${img.width}x${img.height}, expected ${width}x${height} like the rest of the dataset`, file);
      }
      images ??= new Uint8Array(count * channels * height * width);
      rgbaToPlanar(img, channels, images, n * channels * height * width);
      labels[n++] = label;
    }
  });
  return { count, channels, height: height!, width: width!, classes: groups.map(([c]) => c), images: images!, labels };
}
