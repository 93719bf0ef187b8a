export { DatasetError, type DatasetErrorCode } from './errors.js';
export { isGzip, maybeGunzip, readFileBytes, sha256Hex, verifySha256 } from './bytes.js';
export { parseIdx, readIdx, checkIdxPair, type IdxArray, type IdxFile, type IdxImageSet } from './idx.js';
export { parseTar, type TarEntry } from './tar.js';
export { directorySource, tarSource, type FileSource } from './source.js';
export {
  parseCifarBatch, decodeCifarRecords, cifarRecordCount, readCifarBinary, isCifarBinarySource,
  CIFAR_IMAGE_BYTES, CIFAR_RECORD_BYTES, CIFAR_TRAIN_BATCHES, CIFAR_TEST_BATCHES,
} from './cifar-binary.js';
export { decodePng, type RgbaImage } from './png.js';
export { decodeImage, rgbaToPlanar, IMAGE_DECODER_ID } from './image.js';
export { readImageFolder, listImageFolder, type ImageFolderOptions, type ImageFolderData } from './image-folder.js';
export { readDecodedCache, writeDecodedCache, DECODED_CACHE_FORMAT, type CacheKey, type CachedSplit } from './cache.js';
export { checkDataset, checkLabels, classCounts, type Dataset, type Split } from './dataset.js';
export * from './known.js';
export { projectRoot, defaultMnistDir, resolveCacheDir } from './locate.js';
export { loadDataset, type LoadOptions } from './registry.js';
export { loadCifar10 } from './cifar10.js';
export { normalizationTable, normalizeBatch, channelStats } from './normalize.js';
export { augmentBatch, checkAugmentOptions, CIFAR_AUGMENT, type AugmentOptions } from './augment.js';
export { trainValSplit, subsetFirst, subsetBalanced, indicesByClass } from './splits.js';
export { DataLoader, type DataLoaderOptions, type Batch } from './loader.js';
