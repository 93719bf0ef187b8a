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


class DictConv(nn.Module):
    """The student's dictionary convolution as the dense conv it materialises: W = M x_r D, rebuilt
    from the trainable basis D [R, 3, 3] every call (M [C_out, C_in, R] fixed), then an ordinary 3x3
    conv, padding 1: the same shapes and FLOPs as pqkd's materialise path. No photonic feature: M does
    not change between steps (pqkd recomputes it from a fresh feature every step)."""

    def __init__(self, cin, cout, rank):
        super().__init__()
        self.basis = nn.Parameter(torch.randn(rank, 3, 3) / 3)
        self.register_buffer("mixing", torch.randn(cout, cin, rank))

    def forward(self, x):
        return F.conv2d(x, torch.einsum("oir,rkl->oikl", self.mixing, self.basis), padding=1)


def recipe_model(dataset, student, rank=4):
    """src/pqkd/model-spec.ts: width-32 MNIST CNN or CIFAR-lite; conv (no bias)-BN-ReLU(-pool) blocks;
    a partial-scope student turns every conv but the first into a dictionary conv."""
    torch.manual_seed(1)
    convs = [(1, 32, True), (32, 64, True)] if dataset == "mnist" else \
        [(3, 32, False), (32, 32, True), (32, 64, False), (64, 64, True), (64, 128, True)]
    layers = []
    for i, (cin, cout, pool) in enumerate(convs):
        conv = DictConv(cin, cout, rank) if student and i > 0 else nn.Conv2d(cin, cout, 3, padding=1, bias=False)
        layers += [conv, nn.BatchNorm2d(cout), nn.ReLU()] + ([nn.MaxPool2d(2)] if pool else [])
    if dataset == "mnist":
        layers += [nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10)]
    else:
        layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(128, 10)]
    return nn.Sequential(*layers)


def distillation_loss(student_logits, teacher_logits, labels, temperature=4.0, alpha=0.7):
    """(1 - a) CE(z_s, y) + a T^2 KL(softmax(z_t/T) || softmax(z_s/T)), KL batchmean (pqkd's definition)."""
    kl = F.kl_div(F.log_softmax(student_logits / temperature, 1), F.log_softmax(teacher_logits / temperature, 1),
                  reduction="batchmean", log_target=True)
    return (1 - alpha) * F.cross_entropy(student_logits, labels) + alpha * temperature ** 2 * kl


def recipe_cases():
    """bench/recipe.bench.ts: teacher and student steps of the default recipe, batch 128, Adam lr 1e-3."""
    cases = []
    for dataset, prefix, shape in (("mnist", "mnist", (128, 1, 28, 28)), ("cifar10", "cifar", (128, 3, 32, 32))):
        g = torch.Generator().manual_seed(0)
        x = torch.randn(shape, generator=g)
        y = torch.randint(0, 10, (128,), generator=g)
        teacher_logits = torch.randn((128, 10), generator=g)
        for student in (False, True):
            model = recipe_model(dataset, student).train()
            opt = torch.optim.Adam(model.parameters(), lr=1e-3)

            def step(model=model, opt=opt, student=student, x=x, y=y, teacher_logits=teacher_logits):
                opt.zero_grad()
                out = model(x)
                loss = distillation_loss(out, teacher_logits, y) if student else F.cross_entropy(out, y)
                loss.backward()
                opt.step()
                return loss.item()

            cases.append((f"{prefix}_{'student' if student else 'teacher'}_step_b128", step, None))
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
    cases += recipe_cases()
    for name, fn, flops in cases:
        if not pattern.search(f"{name} {system}"):
            continue
        median, samples = timed(fn, spec["time_ms"])
        record = {"name": name, "system": system, "median_ms": float(f"{median:.4g}"), "samples": samples,
                  "version": torch.__version__, "blas": blas_in_use()}
        if flops is not None:
            record["gflops"] = float(f"{flops / (median * 1e6):.4g}")
        else:
            record["images_per_s"] = round(128 / median * 1000)
        print(json.dumps(record), flush=True)


if __name__ == "__main__":
    main()
