#!/usr/bin/python3
"""PyTorch reference timings for the pqkd benchmark (issue "Fast CPU kernels").

Runs the same workloads as bench/kernels.bench.ts and bench/train.bench.ts with Debian's
python3-torch (CPU, float32, NCHW), pinned to N intra-op threads, and prints one JSON record per
workload on stdout: {"name", "system", "median_ms", "gflops", "samples"}. `bench/run.ts` starts it
when `/usr/bin/python3 -c "import torch"` works and merges the records into its table, so pqkd and
PyTorch appear side by side from one `npm run bench`.

Input (stdin, JSON): {"threads": 1, "system": "torch", "time_ms": 1500, "filter": "regex",
  "kernels": [KernelWorkload...] (bench/kernels.bench.ts), "train": {"forward_flops", "step_flops"}}
The workload shapes and flop counts come from the TypeScript side, so they cannot drift apart.
Timing: one warm-up call, then calls until time_ms has passed (at least 3, at most 200); median.
Threads: torch.set_num_threads(threads); run.ts also sets OMP_NUM_THREADS and OPENBLAS_NUM_THREADS,
since OpenBLAS otherwise starts its own threads. Matmul goes through the system BLAS (Debian's
alternatives: the reference BLAS unless e.g. libopenblas0-pthread is installed, which is many times
faster), convolutions through oneDNN; each record names the BLAS it saw.

Usage (normally via npm run bench): echo '{...}' | /usr/bin/python3 bench/torch_reference.py
"""
import json
import re
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def timed(fn, time_ms):
    fn()  # warm-up
    samples = []
    start = time.perf_counter()
    while len(samples) < 3 or ((time.perf_counter() - start) * 1000 < time_ms and len(samples) < 200):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples), len(samples)


def data(shape, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(shape, generator=g, dtype=torch.float32) * 2 - 1


def kernel_case(wl):
    if wl["kind"] == "matmul":
        n = wl["size"]
        a, b = data((n, n), 1), data((n, n), 2)
        return lambda: torch.mm(a, b)
    x, w = data(tuple(wl["input"]), 3), data(tuple(wl["weight"]), 4)
    p = wl["padding"]
    n, c, h, ww = wl["input"]
    o = wl["weight"][0]
    dy = data((n, o, h + 2 * p - wl["weight"][2] + 1, ww + 2 * p - wl["weight"][3] + 1), 5)
    if wl["kind"] == "conv2d_forward":
        return lambda: F.conv2d(x, w, padding=p)
    if wl["kind"] == "conv2d_backward_input":
        return lambda: torch.nn.grad.conv2d_input(x.shape, w, dy, padding=p)
    return lambda: torch.nn.grad.conv2d_weight(x, w.shape, dy, padding=p)


def reference_cnn():
    """The reference MNIST CNN of bench/train.bench.ts (PyTorch's default initialisation)."""
    torch.manual_seed(1)
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10),
    )


def train_cases(flops):
    g = torch.Generator().manual_seed(2024)
    x = torch.randn((64, 1, 28, 28), generator=g)
    y = torch.randint(0, 10, (64,), generator=g)
    cases = []
    forward_model = reference_cnn().eval()

    def forward():
        with torch.no_grad():
            return forward_model(x)

    cases.append(("cnn_forward_b64", forward, flops["forward_flops"]))
    for name, make in (("train_step_sgd", lambda p: torch.optim.SGD(p, lr=0.01)),
                       ("train_step_adam", lambda p: torch.optim.Adam(p, lr=1e-3))):
        model = reference_cnn()
        opt = make(model.parameters())

        def step(model=model, opt=opt):
            opt.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            return loss.item()

        cases.append((name, step, flops["step_flops"]))
    return cases


def blas_in_use():
    """Which BLAS library the process mapped (Debian picks it by update-alternatives)."""
    try:
        with open("/proc/self/maps") as maps:
            text = maps.read()
    except OSError:
        return "unknown"
    for marker, name in (("openblas", "openblas"), ("libblis", "blis"), ("libmkl", "mkl"), ("blas/libblas", "reference")):
        if marker in text:
            return name
    return "unknown"


def main():
    spec = json.load(sys.stdin)
    torch.set_num_threads(spec["threads"])
    pattern = re.compile(spec.get("filter", "."))
    system = spec["system"]
    cases = [(wl["name"], kernel_case(wl), wl["flops"]) for wl in spec["kernels"]]
    cases += train_cases(spec["train"])
    for name, fn, flops in cases:
        if not pattern.search(f"{name} {system}"):
            continue
        median, samples = timed(fn, spec["time_ms"])
        record = {"name": name, "system": system, "median_ms": float(f"{median:.4g}"),
                  "gflops": float(f"{flops / (median * 1e6):.4g}"), "samples": samples,
                  "version": torch.__version__, "blas": blas_in_use()}
        print(json.dumps(record), flush=True)


if __name__ == "__main__":
    main()
