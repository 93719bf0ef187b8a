"""Loads a `pqkd export --format safetensors` file of an MNIST CNN into the equivalent torch.nn module
(the one docs/export.md writes down), runs it on the images pqkd ran, and prints a JSON report.

Usage: python3 torch_check.py STATE_DICT.safetensors IMAGES.f32 PQKD_LOGITS.f32 WIDTH
IMAGES.f32 holds N normalised images [N, 1, 28, 28] float32 (little-endian); PQKD_LOGITS.f32 pqkd's
logits [N, 10]. The safetensors file is parsed here (8-byte header length, JSON header, raw data) so
only torch is needed.
"""
import json
import struct
import sys

import torch
from torch import nn


class MnistCnn(nn.Module):
    """The pqkd MNIST teacher / compiled student of width w (docs/export.md)."""

    def __init__(self, w: int = 32):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, w, 3, padding=1, bias=False), nn.BatchNorm2d(w), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(w, 2 * w, 3, padding=1, bias=False), nn.BatchNorm2d(2 * w), nn.ReLU(), nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(2 * w * 49, 128), nn.ReLU(), nn.Linear(128, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


DTYPES = {"F32": torch.float32, "I32": torch.int32, "I64": torch.int64, "F64": torch.float64}


def read_safetensors(path):
    raw = open(path, "rb").read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    metadata = header.pop("__metadata__", {})
    base = 8 + n
    tensors = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        t = torch.frombuffer(bytearray(raw[base + begin : base + end]), dtype=DTYPES[entry["dtype"]])
        tensors[name] = (t.reshape(entry["shape"]), entry["dtype"])
    return tensors, metadata


def main():
    path, images_path, logits_path, width = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    tensors, metadata = read_safetensors(path)
    model = MnistCnn(width)
    expected = {k: (list(v.shape), str(v.dtype)) for k, v in model.state_dict().items()}
    result = model.load_state_dict({k: t for k, (t, _) in tensors.items()}, strict=True)
    model.eval()
    x = torch.frombuffer(bytearray(open(images_path, "rb").read()), dtype=torch.float32).reshape(-1, 1, 28, 28)
    want = torch.frombuffer(bytearray(open(logits_path, "rb").read()), dtype=torch.float32).reshape(-1, 10)
    torch.set_num_threads(1)
    with torch.no_grad():
        got = model(x)
    row_rel = ((got - want).abs().amax(dim=1) / want.abs().amax(dim=1)).max().item()
    report = {
        "torch": torch.__version__,
        "missing": result.missing_keys,
        "unexpected": result.unexpected_keys,
        "torch_state_dict": expected,
        "file": {k: [list(t.shape), dt] for k, (t, dt) in tensors.items()},
        "num_batches_tracked": [int(model.features[1].num_batches_tracked), str(model.features[1].num_batches_tracked.dtype)],
        "images": int(x.shape[0]),
        "worst_row_relative": row_rel,
        "argmax_differs": int((got.argmax(dim=1) != want.argmax(dim=1)).sum().item()),
        "metadata_format": metadata.get("format"),
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()
