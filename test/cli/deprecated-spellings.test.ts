/**
 * Identifiers use American spelling (docs/engine.md). The British spellings that were documented
 * before the rename stay accepted as deprecated aliases and mean exactly the same thing:
 * `student.dictConvImpl: 'materialise'` (config and `--dict-impl`), and the `normalisation` option of
 * the exporters. The ONNX metadata key `normalisation` is a file format and keeps its name.
 */
import { describe, expect, it } from 'vitest';
import { parseArgs, STUDENT_FLAGS } from '../../src/cli/args.js';
import { exportOnnx, exportTorchStateDict } from '../../src/export/index.js';
import { onnx } from '../../src/export/onnx-schema/onnx-pb.js';
import { Linear } from '../../src/nn/linear.js';
import { Sequential } from '../../src/nn/sequential.js';
import { Flatten } from '../../src/nn/activation.js';
import { resolveConfig } from '../../src/pqkd/config.js';
import { Generator } from '../../src/tensor/random.js';

const norm = { mean: [0.1307], std: [0.3081] };

function onnxMetadata(bytes: Uint8Array): Record<string, string> {
  return Object.fromEntries(onnx.ModelProto.decode(bytes).metadataProps.map((p) => [p.key ?? '', p.value ?? '']));
}

describe('deprecated British spellings', () => {
  it("config: 'materialise' resolves to 'materialize'; other values are still rejected", () => {
    const legacy = resolveConfig({ student: { dictConvImpl: 'materialise' as never } });
    expect(legacy.student.dictConvImpl).toBe('materialize');
    expect(legacy).toEqual(resolveConfig({ student: { dictConvImpl: 'materialize' } }));
    expect(() => resolveConfig({ student: { dictConvImpl: 'materialized' as never } })).toThrow(/student\.dictConvImpl/);
  });

  it("CLI: --dict-impl materialise parses as 'materialize' and --help lists only the current spelling", () => {
    expect(parseArgs(['--dict-impl', 'materialise'], STUDENT_FLAGS, 'distill').flags['dict-impl']).toBe('materialize');
    expect(parseArgs(['--dict-impl', 'materialize'], STUDENT_FLAGS, 'distill').flags['dict-impl']).toBe('materialize');
    expect(() => parseArgs(['--dict-impl', 'materialised'], STUDENT_FLAGS, 'distill')).toThrow(/dict-impl/);
  });

  it('exporters: the normalisation option equals normalization, and both write the metadata key normalisation', () => {
    const model = new Sequential(new Flatten(), new Linear(4, 3, { generator: new Generator(1) }));
    const current = exportOnnx(model, { inputShape: [1, 2, 2], normalization: norm });
    const legacy = exportOnnx(model, { inputShape: [1, 2, 2], normalisation: norm });
    expect(legacy).toEqual(current);
    expect(JSON.parse(onnxMetadata(current).normalisation!)).toMatchObject(norm);
    const torchCurrent = exportTorchStateDict(model, { inputShape: [1, 2, 2], normalization: norm });
    expect(exportTorchStateDict(model, { inputShape: [1, 2, 2], normalisation: norm })).toEqual(torchCurrent);
    expect(new TextDecoder().decode(torchCurrent)).toContain('"normalisation"');
  });
});
