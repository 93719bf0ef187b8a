// Minimal types for pngjs@7.0.0 (test oracle only; no @types/pngjs dependency).
declare module 'pngjs' {
  interface PngData {
    width: number;
    height: number;
    data: Uint8Array;
  }
  const pngjs: {
    PNG: {
      sync: {
        read(buffer: Uint8Array, options?: { skipRescale?: boolean }): PngData;
        write(png: PngData, options?: { colorType?: number; bitDepth?: number; inputColorType?: number; inputHasAlpha?: boolean }): Buffer;
      };
    };
  };
  export default pngjs;
}
