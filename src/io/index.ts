export { encodeSafetensors, decodeSafetensors } from './safetensors.js';
export type { TensorRecord, DecodedSafetensors } from './safetensors.js';
export { readSafetensorsHeader, MAX_HEADER_BYTES, SAFETENSORS_ITEM_SIZE } from './safetensors-header.js';
export type { SafetensorsDType, SafetensorsEntry, SafetensorsHeader } from './safetensors-header.js';
export { SafetensorsError } from './safetensors-error.js';
export type { SafetensorsErrorCode } from './safetensors-error.js';
