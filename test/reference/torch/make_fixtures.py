#!/usr/bin/python3
"""PyTorch reference fixtures for test/reference/torch-parity.test.ts.

Run:  /usr/bin/python3 test/reference/torch/make_fixtures.py
Writes test/reference/torch/fixtures.json next to this file.

Every case is computed by PyTorch alone (the independent reference; CI has no torch, so the
results are committed). Inputs come from one fixed numpy seed, mostly float64 so the comparison is
about semantics rather than rounding, with some float32 cases.

Case kinds (the JSON schema the vitest file reads):
  "op":        inputs (named arrays), attrs, outputs (named arrays; "out" is the differentiated one),
               upstream (the fixed gradient fed to out.backward) and grads (d<out·upstream>/d input,
               for the inputs listed in "grad").
  "optim":     params0, per-step grads, params after every step.
  "schedule":  the learning rate at epoch 0 and after every scheduler.step().
  "bnModule":  BatchNorm2d state after a few training batches, then an eval-mode output.
  "clip":      clip_grad_norm_: the total norm and the clipped gradients.
Arrays are {"dtype", "shape", "data"}; data is flat row-major; non-finite floats are the strings
"nan", "inf", "-inf" (JSON has no literal for them); int64 torch tensors are written as "int32".

Attribute names are pqkd's (kernelSize, ceilMode, keepDim, ...); each case's lambda maps them to
torch's arguments explicitly.
"""
import json
import warnings
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

SEED = 20240611
# torch's notices (kl_div 'mean' semantics, scheduler call order) are about usage we test on purpose.
warnings.filterwarnings("ignore", category=UserWarning)
rng = np.random.default_rng(SEED)
torch.manual_seed(SEED)
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "fixtures.json")
cases = []

NP_DTYPE = {"float64": np.float64, "float32": np.float32}
TORCH_DTYPE = {"float64": torch.float64, "float32": torch.float32}


def enc(v):
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, float) and not math.isfinite(v):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
    return v


def arr(x):
    t = torch.as_tensor(x).detach()
    name = {torch.float64: "float64", torch.float32: "float32", torch.int64: "int32",
            torch.int32: "int32", torch.bool: "bool"}[t.dtype]
    flat = t.reshape(-1)
    flat = flat.double() if t.is_floating_point() else flat.long()
    return {"dtype": name, "shape": list(t.shape), "data": [enc(v) for v in flat.tolist()]}


def randn(shape, dtype="float64", scale=1.0):
    return np.asarray(rng.standard_normal(shape) * scale).astype(NP_DTYPE[dtype])


def uniform(shape, lo, hi, dtype="float64"):
    return rng.uniform(lo, hi, shape).astype(NP_DTYPE[dtype])


def ties(shape, dtype="float64", lo=-2, hi=3):
    """Small integers: many exact ties (for max/min/maximum/clamp/pool subgradients)."""
    return rng.integers(lo, hi, shape).astype(NP_DTYPE[dtype])


def labels(n, c):
    return rng.integers(0, c, n).astype(np.int64)


def op_case(name, op, inputs, fn, grad=(), attrs=None, dtype="float64"):
    """Runs fn(*torch inputs) -> tensor or dict (key "out" is differentiated); records everything."""
    tin = {}
    for k, v in inputs.items():
        if v is None:
            tin[k] = None
            continue
        t = torch.from_numpy(np.ascontiguousarray(v))
        if k in grad:
            t.requires_grad_(True)
        tin[k] = t
    result = fn(*tin.values())  # positional, in the order the inputs are listed
    outs = result if isinstance(result, dict) else {"out": result}
    case = {"kind": "op", "name": name, "op": op, "dtype": dtype, "attrs": attrs or {},
            "inputs": {k: (None if v is None else arr(v)) for k, v in inputs.items()},
            "grad": list(grad)}
    if grad:
        out = outs["out"]
        upstream = torch.from_numpy(randn(tuple(out.shape), dtype))
        out.backward(upstream)
        case["upstream"] = arr(upstream)
        case["grads"] = {k: arr(tin[k].grad) for k in grad}
    case["outputs"] = {k: arr(v) for k, v in outs.items()}
    cases.append(case)


# ----------------------------------------------------------------------------------------- conv2d
def conv_cases():
    combos = [
        # name, N, Cin, H, W, Cout, k, attrs (pqkd names == torch names here), bias, dtype
        ("plain_bias", 2, 3, 6, 5, 4, (3, 3), {}, True, "float64"),
        ("stride2_pad1", 2, 3, 7, 6, 4, (3, 3), {"stride": 2, "padding": 1}, True, "float64"),
        ("stride21_pad12_nobias", 1, 2, 7, 8, 3, (3, 2), {"stride": [2, 1], "padding": [1, 2]}, False, "float64"),
        ("dilation2_pad2", 2, 2, 8, 8, 3, (3, 3), {"padding": 2, "dilation": 2}, True, "float64"),
        ("groups2", 2, 4, 5, 5, 6, (3, 3), {"groups": 2, "padding": 1}, True, "float64"),
        ("depthwise_stride2", 2, 3, 7, 7, 3, (3, 3), {"groups": 3, "stride": 2, "padding": 1}, True, "float64"),
        ("depthwise_mult2_dil", 1, 2, 7, 6, 4, (2, 3), {"groups": 2, "dilation": [2, 1]}, False, "float64"),
        ("pointwise_1x1", 2, 5, 4, 3, 3, (1, 1), {}, True, "float64"),
        ("kernel_eq_input", 2, 2, 3, 3, 2, (3, 3), {}, True, "float64"),
        ("f32_stride2_pad1", 2, 3, 8, 8, 4, (3, 3), {"stride": 2, "padding": 1}, True, "float32"),
        ("f32_groups_dil", 1, 4, 9, 9, 4, (3, 3), {"groups": 2, "dilation": 2, "padding": 1}, True, "float32"),
    ]
    for name, n, cin, h, w, cout, (kh, kw), attrs, bias, dt in combos:
        groups = attrs.get("groups", 1)
        inputs = {"x": randn((n, cin, h, w), dt), "w": randn((cout, cin // groups, kh, kw), dt, 0.5),
                  "b": randn((cout,), dt) if bias else None}
        op_case(f"conv2d/{name}", "conv2d", inputs,
                lambda x, w, b, a=attrs: F.conv2d(x, w, b, **a),
                grad=("x", "w", "b") if bias else ("x", "w"), attrs=attrs, dtype=dt)


# ------------------------------------------------------------------------------------------ pools
def torch_pool_args(a):
    t = {"kernel_size": a["kernelSize"], "stride": a.get("stride"), "padding": a.get("padding", 0),
         "ceil_mode": a.get("ceilMode", False)}
    return t


def pool_cases():
    max_combos = [
        ("k2", (2, 3, 6, 6), {"kernelSize": 2}, "float64", False),
        ("k3_s2_p1", (2, 2, 7, 7), {"kernelSize": 3, "stride": 2, "padding": 1}, "float64", False),
        ("k3_s2_ceil", (1, 2, 6, 7), {"kernelSize": 3, "stride": 2, "ceilMode": True}, "float64", False),
        ("k2_s2_p1_ceil", (1, 2, 5, 6), {"kernelSize": 2, "stride": 2, "padding": 1, "ceilMode": True}, "float64", False),
        ("k32_s12_dil2", (1, 2, 8, 7), {"kernelSize": [3, 2], "stride": [1, 2], "dilation": 2}, "float64", False),
        ("k3_s1_overlap_ties", (2, 2, 5, 5), {"kernelSize": 3, "stride": 1}, "float64", True),
        ("k2_ties", (1, 3, 4, 6), {"kernelSize": 2}, "float64", True),
        ("f32_k3_s2_p1_ceil", (2, 3, 8, 8), {"kernelSize": 3, "stride": 2, "padding": 1, "ceilMode": True}, "float32", False),
    ]
    for name, shape, attrs, dt, tie in max_combos:
        x = ties(shape, dt) if tie else randn(shape, dt)

        def fn(x, a=attrs):
            return F.max_pool2d(x, dilation=a.get("dilation", 1), **torch_pool_args(a))
        op_case(f"maxPool2d/{name}", "maxPool2d", {"x": x}, fn, grad=("x",), attrs=attrs, dtype=dt)

    avg_combos = [
        ("k2", (2, 3, 6, 6), {"kernelSize": 2}, "float64"),
        ("k3_s2_p1_incl", (2, 2, 7, 7), {"kernelSize": 3, "stride": 2, "padding": 1}, "float64"),
        ("k3_s2_p1_excl", (2, 2, 7, 7), {"kernelSize": 3, "stride": 2, "padding": 1, "countIncludePad": False}, "float64"),
        ("k3_s2_ceil_incl", (1, 2, 6, 7), {"kernelSize": 3, "stride": 2, "ceilMode": True}, "float64"),
        ("k3_s2_ceil_excl", (1, 2, 6, 7), {"kernelSize": 3, "stride": 2, "ceilMode": True, "countIncludePad": False}, "float64"),
        ("k2_s2_p1_ceil_incl", (1, 2, 5, 6), {"kernelSize": 2, "stride": 2, "padding": 1, "ceilMode": True}, "float64"),
        ("k2_s2_p1_ceil_excl", (1, 2, 5, 6), {"kernelSize": 2, "stride": 2, "padding": 1, "ceilMode": True, "countIncludePad": False}, "float64"),
        ("k32_s21_p11", (2, 1, 7, 6), {"kernelSize": [3, 2], "stride": [2, 1], "padding": [1, 1]}, "float64"),
        ("f32_k3_s1_p1", (2, 3, 5, 5), {"kernelSize": 3, "stride": 1, "padding": 1}, "float32"),
    ]
    for name, shape, attrs, dt in avg_combos:
        def fn(x, a=attrs):
            return F.avg_pool2d(x, count_include_pad=a.get("countIncludePad", True), **torch_pool_args(a))
        op_case(f"avgPool2d/{name}", "avgPool2d", {"x": randn(shape, dt)}, fn, grad=("x",), attrs=attrs, dtype=dt)


# ------------------------------------------------------------------------------- matmul / linear
def matmul_cases():
    shapes = [
        ("vec_vec", (4,), (4,)), ("vec_mat", (3,), (3, 5)), ("mat_vec", (2, 3), (3,)),
        ("mat_mat", (3, 4), (4, 2)), ("batch_mat", (2, 3, 4), (4, 5)), ("mat_batch", (3, 4), (2, 4, 5)),
        ("bcast_batch", (2, 1, 3, 4), (5, 4, 2)), ("vec_batch", (4,), (2, 3, 4, 5)),
        ("batch_vec", (2, 3, 4), (4,)), ("batch_batch", (3, 2, 4), (3, 4, 3)),
    ]
    for name, sa, sb in shapes:
        op_case(f"matmul/{name}", "matmul", {"a": randn(sa), "b": randn(sb)}, lambda a, b: a @ b, grad=("a", "b"))
    op_case("matmul/f32_bcast_batch", "matmul", {"a": randn((2, 1, 5, 7), "float32"), "b": randn((3, 7, 4), "float32")},
            lambda a, b: a @ b, grad=("a", "b"), dtype="float32")
    op_case("linear/bias_2d", "linear", {"x": randn((4, 5)), "w": randn((3, 5)), "b": randn((3,))},
            lambda x, w, b: F.linear(x, w, b), grad=("x", "w", "b"))
    op_case("linear/nobias_3d", "linear", {"x": randn((2, 3, 5)), "w": randn((4, 5)), "b": None},
            lambda x, w, b: F.linear(x, w, b), grad=("x", "w"))
    op_case("linear/f32_bias", "linear", {"x": randn((6, 8), "float32"), "w": randn((3, 8), "float32"), "b": randn((3,), "float32")},
            lambda x, w, b: F.linear(x, w, b), grad=("x", "w", "b"), dtype="float32")


# ---------------------------------------------------------------------------------------- batchNorm
def batchnorm_cases():
    combos = [
        ("train_4d_affine", (3, 2, 4, 3), True, True, {"momentum": 0.1, "eps": 1e-5}, "float64"),
        ("train_4d_noaffine_mom03", (2, 3, 3, 3), True, False, {"momentum": 0.3, "eps": 1e-3}, "float64"),
        ("train_2d_affine", (5, 4), True, True, {"momentum": 0.2, "eps": 1e-5}, "float64"),
        ("eval_4d_affine", (2, 3, 3, 4), False, True, {"eps": 1e-5}, "float64"),
        ("eval_2d_noaffine", (4, 3), False, False, {"eps": 1e-2}, "float64"),
        ("f32_train_4d", (4, 3, 5, 5), True, True, {"momentum": 0.1, "eps": 1e-5}, "float32"),
    ]
    for name, shape, training, affine, attrs, dt in combos:
        c = shape[1]
        inputs = {"x": randn(shape, dt, 2.0) + 0.5, "runningMean": randn((c,), dt),
                  "runningVar": uniform((c,), 0.5, 2.0, dt),
                  "weight": randn((c,), dt) if affine else None, "bias": randn((c,), dt) if affine else None}
        a = dict(attrs, training=training)

        def fn(x, runningMean, runningVar, weight, bias, a=a):
            rm, rv = runningMean.clone(), runningVar.clone()
            y = F.batch_norm(x, rm, rv, weight, bias, a["training"], a.get("momentum", 0.1), a["eps"])
            return {"out": y, "runningMean": rm, "runningVar": rv}
        op_case(f"batchNorm/{name}", "batchNorm", inputs, fn,
                grad=("x", "weight", "bias") if affine else ("x",), attrs=a, dtype=dt)


def bn_module_cases():
    for name, momentum in (("momentum_0.25", 0.25), ("cumulative_null", None)):
        bn = torch.nn.BatchNorm2d(3, momentum=momentum, dtype=torch.float64)
        batches = [torch.from_numpy(randn((2, 3, 3, 3), "float64", 1.5) + 1.0) for _ in range(3)]
        bn.train()
        for b in batches:
            bn(b)
        bn.eval()
        probe = torch.from_numpy(randn((2, 3, 2, 2)))
        y = bn(probe)
        cases.append({"kind": "bnModule", "name": f"BatchNorm2d/{name}", "momentum": momentum,
                      "batches": [arr(b) for b in batches], "probe": arr(probe), "out": arr(y),
                      "runningMean": arr(bn.running_mean), "runningVar": arr(bn.running_var),
                      "numBatchesTracked": int(bn.num_batches_tracked)})


# --------------------------------------------------------------------------------- softmax & losses
def softmax_loss_cases():
    for dim in (1, 0, -1):
        op_case(f"logSoftmax/dim{dim}", "logSoftmax", {"x": randn((3, 4, 2), scale=3.0)},
                lambda x, d=dim: F.log_softmax(x, d), grad=("x",), attrs={"dim": dim})
    op_case("logSoftmax/large_logits", "logSoftmax", {"x": randn((2, 5), scale=300.0)},
            lambda x: F.log_softmax(x, 1), grad=("x",), attrs={"dim": 1})
    op_case("logSoftmax/f32_dim1", "logSoftmax", {"x": randn((4, 6), "float32", 3.0)},
            lambda x: F.log_softmax(x, 1), grad=("x",), attrs={"dim": 1}, dtype="float32")
    for dim in (1, 2):
        op_case(f"softmax/dim{dim}", "softmax", {"x": randn((2, 3, 4), scale=2.0)},
                lambda x, d=dim: F.softmax(x, d), grad=("x",), attrs={"dim": dim})

    n, c = 5, 4
    for red in ("mean", "sum", "none"):
        for ls in (0.0, 0.1):
            op_case(f"crossEntropy/{red}_ls{ls}", "crossEntropy", {"x": randn((n, c), scale=2.0), "y": labels(n, c)},
                    lambda x, y, r=red, s=ls: F.cross_entropy(x, y, reduction=r, label_smoothing=s),
                    grad=("x",), attrs={"reduction": red, "labelSmoothing": ls})
    op_case("crossEntropy/f32_mean_ls0.2", "crossEntropy", {"x": randn((6, 3), "float32", 2.0), "y": labels(6, 3)},
            lambda x, y: F.cross_entropy(x, y, label_smoothing=0.2), grad=("x",),
            attrs={"reduction": "mean", "labelSmoothing": 0.2}, dtype="float32")
    for red in ("mean", "sum", "none"):
        op_case(f"nllLoss/{red}", "nllLoss", {"x": F.log_softmax(torch.from_numpy(randn((n, c))), 1).numpy(), "y": labels(n, c)},
                lambda x, y, r=red: F.nll_loss(x, y, reduction=r), grad=("x",), attrs={"reduction": red})

    def probs(shape, zeros=False):
        p = F.softmax(torch.from_numpy(randn(shape, scale=1.5)), -1)
        if zeros:  # exact zeros exercise the 0·ln 0 = 0 convention
            p[0, 1] = 0.0
            p[2, 0] = 0.0
            p = p / p.sum(-1, keepdim=True)
        return p.numpy()
    for red in ("batchmean", "mean", "sum", "none"):
        op_case(f"klDiv/{red}_zeros_in_target", "klDiv",
                {"x": F.log_softmax(torch.from_numpy(randn((4, 5))), 1).numpy(), "t": probs((4, 5), zeros=True)},
                lambda x, t, r=red: F.kl_div(x, t, reduction=r), grad=("x",), attrs={"reduction": red, "logTarget": False})
    for red in ("batchmean", "sum"):
        op_case(f"klDiv/{red}_logTarget", "klDiv",
                {"x": F.log_softmax(torch.from_numpy(randn((3, 4))), 1).numpy(), "t": np.log(probs((3, 4)))},
                lambda x, t, r=red: F.kl_div(x, t, reduction=r, log_target=True), grad=("x",),
                attrs={"reduction": red, "logTarget": True})
    for red in ("mean", "sum", "none"):
        op_case(f"mseLoss/{red}", "mseLoss", {"a": randn((3, 4)), "b": randn((3, 4))},
                lambda a, b, r=red: F.mse_loss(a, b, reduction=r), grad=("a", "b"), attrs={"reduction": red})

    # distillationLoss, composed from its definition (docs/method.md §7):
    #   L = (1−α)·CE(z_s, y) + α·T²·KL(softmax(z_t/T) ‖ softmax(z_s/T)), KL 'batchmean'; teacher constant.
    for T, alpha, dt in ((4.0, 0.7, "float64"), (2.0, 0.5, "float64"), (1.0, 0.0, "float64"), (4.0, 0.9, "float32")):
        def fn(zs, zt, y, T=T, alpha=alpha):
            hard = F.cross_entropy(zs, y)
            soft = F.kl_div(F.log_softmax(zs / T, 1), F.softmax(zt / T, 1), reduction="batchmean")
            return (1 - alpha) * hard + alpha * T * T * soft
        op_case(f"distillationLoss/T{T}_alpha{alpha}_{dt}", "distillationLoss",
                {"zs": randn((6, 5), dt, 2.0), "zt": randn((6, 5), dt, 3.0), "y": labels(6, 5)},
                fn, grad=("zs",), attrs={"temperature": T, "alpha": alpha}, dtype=dt)


# ------------------------------------------------------------------------------------- reductions
def reduction_cases():
    x_shape = (3, 4, 5)
    for dims, keep in ((None, False), (1, False), ([0, 2], True), (-1, True), ([0, 1, 2], False)):
        tdim = tuple(range(3)) if dims is None else (tuple(dims) if isinstance(dims, list) else dims)
        tag = f"dims{dims}_keep{int(keep)}".replace(" ", "")
        op_case(f"sum/{tag}", "sum", {"x": randn(x_shape)}, lambda x, d=tdim, k=keep: x.sum(d, keepdim=k),
                grad=("x",), attrs={"dims": dims, "keepDim": keep})
        op_case(f"mean/{tag}", "mean", {"x": randn(x_shape)}, lambda x, d=tdim, k=keep: x.mean(d, keepdim=k),
                grad=("x",), attrs={"dims": dims, "keepDim": keep})
        op_case(f"logsumexp/{tag}", "logsumexp", {"x": randn(x_shape, scale=5.0)},
                lambda x, d=tdim, k=keep: torch.logsumexp(x, d, keepdim=k), grad=("x",), attrs={"dims": dims, "keepDim": keep})
        # max/min without ties: amax (any dims) is the same function as max(dim) here.
        op_case(f"max/{tag}", "max", {"x": randn(x_shape)}, lambda x, d=tdim, k=keep: torch.amax(x, d, keepdim=k),
                grad=("x",), attrs={"dims": dims, "keepDim": keep})
        op_case(f"min/{tag}", "min", {"x": randn(x_shape)}, lambda x, d=tdim, k=keep: torch.amin(x, d, keepdim=k),
                grad=("x",), attrs={"dims": dims, "keepDim": keep})
    for corr in (0, 1, 2):
        for dims, keep in ((None, False), (1, True), ([0, 2], False)):
            tdim = None if dims is None else dims
            tag = f"corr{corr}_dims{dims}_keep{int(keep)}".replace(" ", "")
            op_case(f"var/{tag}", "var", {"x": randn(x_shape, scale=2.0) + 3.0},
                    lambda x, d=tdim, k=keep, c=corr: torch.var(x, d, correction=c, keepdim=k),
                    grad=("x",), attrs={"dims": dims, "keepDim": keep, "correction": corr})
    op_case("sum/f32_dims[1,2]", "sum", {"x": randn((4, 30, 20), "float32")}, lambda x: x.sum((1, 2)),
            grad=("x",), attrs={"dims": [1, 2], "keepDim": False}, dtype="float32")
    op_case("var/f32_dim0", "var", {"x": randn((50, 3), "float32") + 10}, lambda x: torch.var(x, 0),
            grad=("x",), attrs={"dims": 0, "keepDim": False, "correction": 1}, dtype="float32")
    # Ties: pqkd routes the whole gradient to the FIRST extreme (documented in ops/max.ts).
    op_case("max/ties_dim1_vs_torch_max_dim", "max", {"x": ties((4, 6))},
            lambda x: torch.max(x, 1).values, grad=("x",), attrs={"dims": 1, "keepDim": False})
    op_case("min/ties_dim0_keep_vs_torch_min_dim", "min", {"x": ties((6, 3))},
            lambda x: torch.min(x, 0, keepdim=True).values, grad=("x",), attrs={"dims": 0, "keepDim": True})
    op_case("max/ties_all_dims_vs_torch_amax", "max", {"x": ties((3, 4), lo=0, hi=2)},
            lambda x: torch.amax(x, (0, 1)), grad=("x",), attrs={"dims": [0, 1], "keepDim": False})
    op_case("max/ties_full_vs_torch_max", "max", {"x": ties((3, 4), lo=0, hi=2)},
            lambda x: torch.max(x), grad=("x",), attrs={"dims": None, "keepDim": False})


# ------------------------------------------------------------------------------------ elementwise
def elementwise_cases():
    s = (3, 4)
    unary = {
        "neg": (lambda x: -x, randn(s)), "abs": (torch.abs, np.concatenate([randn((2, 4)), np.zeros((1, 4))])),
        "exp": (torch.exp, randn(s)), "log": (torch.log, uniform(s, 0.1, 3)), "log1p": (torch.log1p, uniform(s, -0.9, 3)),
        "sin": (torch.sin, randn(s, scale=3)), "cos": (torch.cos, randn(s, scale=3)),
        "sqrt": (torch.sqrt, uniform(s, 0.05, 4)), "sigmoid": (torch.sigmoid, randn(s, scale=4)),
        "tanh": (torch.tanh, randn(s, scale=2)), "relu": (torch.relu, ties(s).astype(np.float64) * 0.5),
    }
    for name, (fn, x) in unary.items():
        op_case(f"{name}/basic", name, {"x": x}, lambda x, f=fn: f(x), grad=("x",))
    op_case("sigmoid/f32_wide", "sigmoid", {"x": randn((4, 5), "float32", 10)}, torch.sigmoid, grad=("x",), dtype="float32")
    op_case("tanh/f32", "tanh", {"x": randn((4, 5), "float32", 2)}, torch.tanh, grad=("x",), dtype="float32")
    op_case("sqrt/at_zero", "sqrt", {"x": np.array([0.0, 1.0, 4.0])}, torch.sqrt, grad=("x",))

    binary = {"add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div,
              "maximum": torch.maximum, "minimum": torch.minimum}
    for name, fn in binary.items():
        b = uniform((4,), 0.5, 2) if name == "div" else randn((4,))
        op_case(f"{name}/broadcast", name, {"a": randn((3, 1, 4)), "b": b}, lambda a, b, f=fn: f(a, b), grad=("a", "b"))
    for name in ("maximum", "minimum"):
        op_case(f"{name}/ties_half_split", name, {"a": ties((3, 4)), "b": ties((3, 4))},
                lambda a, b, f=binary[name]: f(a, b), grad=("a", "b"))
    op_case("maximum/ties_broadcast", "maximum", {"a": ties((4, 3)), "b": ties((3,))},
            lambda a, b: torch.maximum(a, b), grad=("a", "b"))
    op_case("mul/f32_broadcast", "mul", {"a": randn((2, 3, 1), "float32"), "b": randn((1, 4), "float32")},
            torch.mul, grad=("a", "b"), dtype="float32")

    op_case("pow/tensor_tensor", "pow", {"a": uniform((3, 4), 0.2, 2), "b": randn((3, 4))}, torch.pow, grad=("a", "b"))
    op_case("pow/base_zero", "pow", {"a": np.array([0.0, 0.0, 0.0, 2.0]), "b": np.array([2.0, 1.0, 0.0, 3.0])},
            torch.pow, grad=("a", "b"))
    for e in (2.0, 0.5, -1.5, 3.0):
        x = uniform((2, 3), 0.1, 2) if e != int(e) or e < 0 else randn((2, 3))
        op_case(f"pow/scalar_exp{e}", "powScalar", {"x": x}, lambda x, e=e: torch.pow(x, e), grad=("x",), attrs={"exponent": e})

    for lo, hi in ((-0.5, 0.5), (None, 0.0), (-1.0, None)):
        x = ties((4, 5)) * 0.5  # contains values exactly at the bounds
        op_case(f"clamp/min{lo}_max{hi}", "clamp", {"x": x}, lambda x, lo=lo, hi=hi: torch.clamp(x, lo, hi),
                grad=("x",), attrs={"min": lo, "max": hi})
    op_case("where/tensors_broadcast", "where", {"c": rng.random((3, 4)) < 0.5, "a": randn((3, 4)), "b": randn((4,))},
            lambda c, a, b: torch.where(c, a, b), grad=("a", "b"))
    op_case("where/scalar_else", "whereScalar", {"c": rng.random((2, 5)) < 0.5, "a": randn((2, 5))},
            lambda c, a: torch.where(c, a, torch.tensor(-2.0, dtype=torch.float64)), grad=("a",), attrs={"other": -2.0})


# -------------------------------------------------------------------------------- indexing & views
def view_cases():
    op_case("gather/dim1", "gather", {"x": randn((3, 5)), "i": rng.integers(0, 5, (3, 4))},
            lambda x, i: torch.gather(x, 1, i), grad=("x",), attrs={"dim": 1})
    op_case("gather/dim0_repeats", "gather", {"x": randn((3, 4)), "i": rng.integers(0, 3, (5, 4))},
            lambda x, i: torch.gather(x, 0, i), grad=("x",), attrs={"dim": 0})
    op_case("indexSelect/dim0_repeats", "indexSelect", {"x": randn((4, 3)), "i": np.array([3, 0, 3, 1, 3])},
            lambda x, i: torch.index_select(x, 0, i), grad=("x",), attrs={"dim": 0})
    op_case("indexSelect/dim2", "indexSelect", {"x": randn((2, 3, 4)), "i": np.array([1, 1, 0])},
            lambda x, i: torch.index_select(x, 2, i), grad=("x",), attrs={"dim": 2})
    op_case("pad/last_dim", "pad", {"x": randn((2, 3))}, lambda x: F.pad(x, (1, 2)), grad=("x",), attrs={"padding": [1, 2], "value": 0})
    op_case("pad/nchw_value", "pad", {"x": randn((1, 2, 3, 3))}, lambda x: F.pad(x, (1, 0, 2, 1), value=1.5),
            grad=("x",), attrs={"padding": [1, 0, 2, 1], "value": 1.5})
    op_case("pad/three_dims", "pad", {"x": randn((2, 2, 2))}, lambda x: F.pad(x, (0, 1, 1, 0, 2, 2)),
            grad=("x",), attrs={"padding": [0, 1, 1, 0, 2, 2], "value": 0})
    for dim in (0, 1, -1):
        op_case(f"concat/dim{dim}", "concat", {"a": randn((2, 3, 2)), "b": randn((2, 3, 2)), "c": randn((2, 3, 2))},
                lambda a, b, c, d=dim: torch.cat([a, b, c], d), grad=("a", "b", "c"), attrs={"dim": dim})
        op_case(f"stack/dim{dim}", "stack", {"a": randn((2, 3)), "b": randn((2, 3)), "c": randn((2, 3))},
                lambda a, b, c, d=dim: torch.stack([a, b, c], d), grad=("a", "b", "c"), attrs={"dim": dim})
    op_case("concat/uneven_dim1", "concat", {"a": randn((2, 1, 3)), "b": randn((2, 4, 3)), "c": randn((2, 2, 3))},
            lambda a, b, c: torch.cat([a, b, c], 1), grad=("a", "b", "c"), attrs={"dim": 1})
    op_case("permute/0231", "permute", {"x": randn((2, 3, 4, 5))}, lambda x: x.permute(0, 2, 3, 1), grad=("x",),
            attrs={"dims": [0, 2, 3, 1]})
    op_case("transpose/then_matmul", "transposeMatmul", {"x": randn((3, 4)), "y": randn((3, 2))},
            lambda x, y: x.transpose(0, 1) @ y, grad=("x", "y"))
    for dim, start, end, step in ((1, 1, 5, 2), (0, 0, 2, 1), (-1, 1, None, 3), (2, -3, -1, 1)):
        op_case(f"slice/dim{dim}_{start}_{end}_{step}", "slice", {"x": randn((3, 6, 5))},
                lambda x, d=dim, s=start, e=end, st=step: x[(slice(None),) * (d % 3) + (slice(s, e, st),)],
                grad=("x",), attrs={"dim": dim, "start": start, "end": end, "step": step})
    op_case("narrow/dim1", "narrow", {"x": randn((3, 6))}, lambda x: x.narrow(1, 2, 3), grad=("x",),
            attrs={"dim": 1, "start": 2, "length": 3})
    op_case("slice/of_permuted_then_mul", "sliceChain", {"x": randn((4, 5, 3))},
            lambda x: x.permute(2, 0, 1)[:, 1:4:2, ::2] * 3.0, grad=("x",))
    op_case("expand/then_mul", "expandMul", {"x": randn((3, 1)), "y": randn((3, 4))},
            lambda x, y: x.expand(3, 4) * y, grad=("x", "y"))
    op_case("reshape/noncontiguous", "reshapeNonContig", {"x": randn((3, 4))},
            lambda x: x.transpose(0, 1).reshape(2, 6), grad=("x",))
    op_case("flatten/1", "flatten", {"x": randn((2, 3, 2, 2))}, lambda x: torch.flatten(x, 1), grad=("x",), attrs={"startDim": 1})
    op_case("unsqueeze_squeeze/chain", "squeezeChain", {"x": randn((3, 1, 4))},
            lambda x: x.squeeze(1).unsqueeze(0) * 2.0, grad=("x",))


# ------------------------------------------------------------------------------------- optimisers
def optim_cases():
    steps = 5
    shapes = [(3, 4), (5,)]
    combos = [
        ("SGD/plain", "SGD", {"lr": 0.1}, "float64"),
        ("SGD/momentum", "SGD", {"lr": 0.05, "momentum": 0.9}, "float64"),
        ("SGD/momentum_dampening_wd", "SGD", {"lr": 0.05, "momentum": 0.8, "dampening": 0.3, "weightDecay": 0.01}, "float64"),
        ("SGD/nesterov_wd", "SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weightDecay": 0.05}, "float64"),
        ("Adam/defaults", "Adam", {"lr": 1e-2}, "float64"),
        ("Adam/betas_eps_wd", "Adam", {"lr": 3e-2, "betas": [0.8, 0.99], "eps": 1e-6, "weightDecay": 0.1}, "float64"),
        ("Adam/amsgrad", "Adam", {"lr": 1e-2, "amsgrad": True}, "float64"),
        ("AdamW/defaults", "AdamW", {"lr": 1e-2}, "float64"),
        ("AdamW/wd_amsgrad", "AdamW", {"lr": 2e-2, "weightDecay": 0.3, "amsgrad": True, "betas": [0.85, 0.95]}, "float64"),
        ("Adam/f32", "Adam", {"lr": 1e-2}, "float32"),
        ("SGD/f32_nesterov", "SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True}, "float32"),
    ]
    for name, kind, opts, dt in combos:
        params0 = [randn(s, dt) for s in shapes]
        # Gradient sequence: random, shrinking in step 4 so AMSGrad's max actually matters.
        grads = [[randn(s, dt, 0.1 if t == 3 else 1.0) for s in shapes] for t in range(steps)]
        ps = [torch.from_numpy(p.copy()).requires_grad_(True) for p in params0]
        if kind == "SGD":
            opt = torch.optim.SGD(ps, lr=opts["lr"], momentum=opts.get("momentum", 0), dampening=opts.get("dampening", 0),
                                  weight_decay=opts.get("weightDecay", 0), nesterov=opts.get("nesterov", False), foreach=False)
        else:
            cls = torch.optim.Adam if kind == "Adam" else torch.optim.AdamW
            kw = {"lr": opts["lr"], "betas": tuple(opts.get("betas", (0.9, 0.999))), "eps": opts.get("eps", 1e-8),
                  "amsgrad": opts.get("amsgrad", False), "foreach": False}
            if "weightDecay" in opts:
                kw["weight_decay"] = opts["weightDecay"]
            opt = cls(ps, **kw)
        after = []
        for t in range(steps):
            for p, g in zip(ps, grads[t]):
                p.grad = torch.from_numpy(g.copy())
            opt.step()
            after.append([arr(p) for p in ps])
        cases.append({"kind": "optim", "name": f"optim/{name}", "optimizer": kind, "options": opts, "dtype": dt,
                      "params0": [arr(p) for p in params0], "grads": [[arr(g) for g in gs] for gs in grads],
                      "paramsAfter": after})


# -------------------------------------------------------------------------------------- schedules
def schedule_cases():
    sch = torch.optim.lr_scheduler

    def run(name, base, make, epochs, options):
        p = torch.zeros(1, requires_grad=True)
        opt = torch.optim.SGD([p], lr=base)
        s = make(opt)
        lrs = [opt.param_groups[0]["lr"]]
        for _ in range(epochs):
            opt.step()  # no grads: a no-op, keeps torch's call-order check quiet
            s.step()
            lrs.append(opt.param_groups[0]["lr"])
        cases.append({"kind": "schedule", "name": f"schedule/{name}", "baseLr": base, "options": options, "lrs": lrs})

    run("StepLR_3_0.5", 0.1, lambda o: sch.StepLR(o, step_size=3, gamma=0.5), 12, {"type": "StepLR", "stepSize": 3, "gamma": 0.5})
    run("StepLR_default_gamma", 1.0, lambda o: sch.StepLR(o, step_size=2), 7, {"type": "StepLR", "stepSize": 2})
    run("CosineAnnealingLR_10", 0.1, lambda o: sch.CosineAnnealingLR(o, T_max=10), 10,
        {"type": "CosineAnnealingLR", "tMax": 10})
    run("CosineAnnealingLR_8_etaMin", 0.05, lambda o: sch.CosineAnnealingLR(o, T_max=8, eta_min=1e-3), 8,
        {"type": "CosineAnnealingLR", "tMax": 8, "etaMin": 1e-3})
    # Beyond tMax torch's recursive form and its documented closed form (pqkd's) differ; kept separately.
    run("CosineAnnealingLR_6_beyond_tMax", 0.1, lambda o: sch.CosineAnnealingLR(o, T_max=6, eta_min=0.01), 15,
        {"type": "CosineAnnealingLR", "tMax": 6, "etaMin": 0.01})
    run("LinearLR_warmup5", 0.2, lambda o: sch.LinearLR(o, start_factor=0.1, end_factor=1.0, total_iters=5), 9,
        {"type": "LinearWarmup", "warmupSteps": 5, "startFactor": 0.1})
    run("LinearLR_default_factor", 0.3, lambda o: sch.LinearLR(o, total_iters=4), 6,
        {"type": "LinearWarmup", "warmupSteps": 4})

    def seq(o, w=3, total=10, s=0.2, eta=1e-3):
        return sch.SequentialLR(o, [sch.LinearLR(o, start_factor=s, end_factor=1.0, total_iters=w),
                                    sch.CosineAnnealingLR(o, T_max=total - w, eta_min=eta)], milestones=[w])
    run("SequentialLR_warmup_cosine", 0.1, seq, 10,
        {"type": "warmupCosine", "warmupSteps": 3, "totalSteps": 10, "startFactor": 0.2, "etaMin": 1e-3})


# ------------------------------------------------------------------ special values, pqkd extras
def special_cases():
    nan, inf = float("nan"), float("inf")
    op_case("relu/nan_inf", "relu", {"x": np.array([nan, -inf, inf, 0.0, -1.0, 2.0])}, torch.relu, grad=("x",))
    op_case("clamp/nan", "clamp", {"x": np.array([nan, -3.0, 0.5, 3.0])}, lambda x: torch.clamp(x, -1.0, 1.0),
            grad=("x",), attrs={"min": -1.0, "max": 1.0})
    op_case("maximum/nan", "maximum", {"a": np.array([nan, 1.0, nan, 2.0]), "b": np.array([1.0, nan, nan, 3.0])},
            torch.maximum, grad=("a", "b"))
    op_case("max/nan_dim1_vs_torch_max_dim", "max", {"x": np.array([[1.0, nan, 3.0, nan], [0.0, 2.0, -1.0, 2.0]])},
            lambda x: torch.max(x, 1).values, grad=("x",), attrs={"dims": 1, "keepDim": False})
    op_case("maxPool2d/nan", "maxPool2d", {"x": np.array([[[[1.0, nan, 0.0, 5.0], [2.0, 3.0, nan, 1.0],
                                                              [0.0, 0.0, 4.0, 4.0], [-1.0, 7.0, 4.0, 4.0]]]])},
            lambda x: F.max_pool2d(x, 2), grad=("x",), attrs={"kernelSize": 2})
    op_case("logSoftmax/neg_inf_logit", "logSoftmax", {"x": np.array([[-inf, 0.0, 1.0], [2.0, -inf, -inf]])},
            lambda x: F.log_softmax(x, 1), grad=("x",), attrs={"dim": 1})
    op_case("pow/scalar_exp0_at_zero", "powScalar", {"x": np.array([0.0, 2.0, -1.5])}, lambda x: torch.pow(x, 0.0),
            grad=("x",), attrs={"exponent": 0.0})
    # argmax/argmin: the FIRST extreme index on ties (no gradient).
    x = ties((4, 5), lo=0, hi=2)
    op_case("argmax/ties_dim1", "argmax", {"x": x}, lambda x: torch.argmax(x, 1), attrs={"dim": 1})
    op_case("argmin/ties_dim0", "argmin", {"x": x}, lambda x: torch.argmin(x, 0), attrs={"dim": 0})
    op_case("argmax/ties_flat", "argmax", {"x": x}, lambda x: torch.argmax(x), attrs={"dim": None})
    # klDiv's target: torch differentiates it; pqkd does so under options.differentiableTarget.
    p = F.softmax(torch.from_numpy(randn((3, 4))), 1).numpy()
    op_case("klDiv/target_gradient", "klDiv", {"x": F.log_softmax(torch.from_numpy(randn((3, 4))), 1).numpy(), "t": p},
            lambda x, t: F.kl_div(x, t, reduction="batchmean"), grad=("x", "t"),
            attrs={"reduction": "batchmean", "logTarget": False, "differentiableTarget": True})
    # dictConv2d (docs/method.md §2): W[o,i] = Σ_r M[o,i,r]·D[r], then a dense conv2d.
    for impl, attrs in (("two-stage", {"padding": 1}), ("materialise", {"stride": 2, "padding": 1}),
                        ("two-stage", {"stride": 2, "dilation": 2, "padding": 2})):
        n, cin, cout, r, k = 2, 3, 5, 2, 3
        def fn(x, basis, mixing, b, a=attrs):
            w = torch.einsum("oir,rhw->oihw", mixing, basis)
            return F.conv2d(x, w, b, **a)
        tag = "_".join(f"{k2}{v}" for k2, v in attrs.items())
        op_case(f"dictConv2d/{impl}_{tag}", "dictConv2d",
                {"x": randn((n, cin, 6, 6)), "basis": randn((r, k, k)), "mixing": randn((cout, cin, r)), "b": randn((cout,))},
                fn, grad=("x", "basis", "mixing", "b"), attrs=dict(attrs, impl=impl))


def clip_cases():
    for name, max_norm, norm_type in (("l2_clipped", 1.0, 2.0), ("l2_not_clipped", 100.0, 2.0),
                                      ("inf_clipped", 0.5, float("inf")), ("l3_clipped", 0.7, 3.0)):
        grads = [randn((3, 4)), randn((5,))]
        ps = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
        for p, g in zip(ps, grads):
            p.grad = torch.from_numpy(g.copy())
        total = torch.nn.utils.clip_grad_norm_(ps, max_norm, norm_type)
        cases.append({"kind": "clip", "name": f"clipGradNorm/{name}", "maxNorm": max_norm,
                      "normType": "inf" if math.isinf(norm_type) else norm_type, "grads": [arr(g) for g in grads],
                      "total": float(total), "clipped": [arr(p.grad) for p in ps]})


# ------------------------------------------------------------------ parity gaps closed in issue 20
def parity_gap_cases():
    """N-d crossEntropy/nllLoss (ignoreIndex, weights, label smoothing), maxPool2d return_indices with
    max_unpool2d, kl_div with a differentiable target, batch norm with momentum=None (cumulative average).
    Appended last so every earlier case keeps its random inputs."""
    # N-d class losses: logits [N, C, d1, (d2)], targets [N, d1, (d2)]; some targets set to ignore_index.
    for name, shape, red, ls, weighted, ignore, dt in (
        ("3d_mean", (2, 4, 5), "mean", 0.0, False, None, "float64"),
        ("4d_mean_ignore", (2, 3, 3, 4), "mean", 0.0, False, -100, "float64"),
        ("4d_sum_weight_ignore7", (2, 3, 2, 3), "sum", 0.0, True, 7, "float64"),
        ("4d_none_weight", (2, 4, 2, 2), "none", 0.0, True, None, "float64"),
        ("4d_mean_weight_ignore_ls0.2", (3, 4, 2, 3), "mean", 0.2, True, -100, "float64"),
        ("3d_none_ignore_ls0.1", (2, 3, 4), "none", 0.1, False, -1, "float64"),
        ("3d_sum_ls0.3", (2, 5, 3), "sum", 0.3, False, None, "float64"),
        ("2d_mean_weight_ignore", (6, 4), "mean", 0.0, True, -100, "float64"),
        ("f32_4d_mean_weight_ignore_ls0.1", (2, 3, 3, 3), "mean", 0.1, True, -100, "float32"),
    ):
        n, c = shape[0], shape[1]
        y = rng.integers(0, c, (n,) + shape[2:]).astype(np.int64)
        if ignore is not None:
            flat = y.reshape(-1)
            flat[:: 3] = ignore
        w = uniform((c,), 0.2, 2.0, dt) if weighted else None
        attrs = {"reduction": red, "labelSmoothing": ls}
        if ignore is not None:
            attrs["ignoreIndex"] = ignore
        ii = -100 if ignore is None else ignore
        op_case(f"crossEntropy/{name}", "crossEntropy", {"x": randn(shape, dt, 2.0), "y": y, "weight": w},
                lambda x, y, weight, r=red, s=ls, i=ii: F.cross_entropy(x, y, weight=weight, reduction=r, label_smoothing=s, ignore_index=i),
                grad=("x",), attrs=attrs, dtype=dt)
        if ls == 0.0:
            logp = F.log_softmax(torch.from_numpy(randn(shape, dt)), 1).numpy()
            op_case(f"nllLoss/{name}", "nllLoss", {"x": logp, "y": y, "weight": w},
                    lambda x, y, weight, r=red, i=ii: F.nll_loss(x, y, weight=weight, reduction=r, ignore_index=i),
                    grad=("x",), attrs=attrs, dtype=dt)

    # maxPool2d with return_indices, then max_unpool2d of the pooled values (values and gradients).
    for name, shape, attrs, dt, tie in (
        ("k2", (2, 3, 6, 6), {"kernelSize": 2}, "float64", False),
        ("k3_s2_p1", (2, 2, 7, 7), {"kernelSize": 3, "stride": 2, "padding": 1}, "float64", False),
        ("k3_s1_overlap_ties", (1, 2, 5, 5), {"kernelSize": 3, "stride": 1}, "float64", True),
        ("k2_s2_ceil", (1, 2, 5, 7), {"kernelSize": 2, "stride": 2, "ceilMode": True}, "float64", False),
        ("f32_k2", (2, 2, 4, 6), {"kernelSize": 2}, "float32", False),
    ):
        x = ties(shape, dt) if tie else randn(shape, dt)

        def fn(x, a=attrs):
            y, idx = F.max_pool2d(x, dilation=a.get("dilation", 1), return_indices=True, **torch_pool_args(a))
            return {"out": y, "indices": idx}
        op_case(f"maxPool2dIndices/{name}", "maxPool2dIndices", {"x": x}, fn, grad=("x",), attrs=attrs, dtype=dt)
    for name, xshape, pool, unpool, dt in (
        ("k2", (2, 3, 6, 6), {"kernelSize": 2}, {"kernelSize": 2}, "float64"),
        ("k3_s2_p1", (1, 2, 7, 7), {"kernelSize": 3, "stride": 2, "padding": 1}, {"kernelSize": 3, "stride": 2, "padding": 1}, "float64"),
        ("k2_outputSize", (2, 2, 7, 5), {"kernelSize": 2}, {"kernelSize": 2, "outputSize": [7, 5]}, "float64"),
        ("k2_s1_overlap", (1, 2, 4, 4), {"kernelSize": 2, "stride": 1}, {"kernelSize": 2, "stride": 1}, "float64"),
        ("f32_k2", (2, 2, 4, 4), {"kernelSize": 2}, {"kernelSize": 2}, "float32"),
    ):
        # The unpooled values are fresh numbers (not the pooled maxima), so the gradient routing is visible.
        _, idx = F.max_pool2d(torch.from_numpy(randn(xshape, dt)), return_indices=True, **torch_pool_args(pool))
        vals = randn(tuple(idx.shape), dt)

        def fn(x, indices, u=unpool):
            return F.max_unpool2d(x, indices, u["kernelSize"], stride=u.get("stride"), padding=u.get("padding", 0),
                                  output_size=u.get("outputSize"))
        op_case(f"maxUnpool2d/{name}", "maxUnpool2d", {"x": vals, "indices": idx.numpy()}, fn, grad=("x",),
                attrs=unpool, dtype=dt)

    # kl_div differentiating both arguments (positive targets: at p = 0 torch's target gradient is NaN).
    def probs(shape):
        return F.softmax(torch.from_numpy(randn(shape, scale=1.5)), -1).numpy()
    for red in ("batchmean", "mean", "sum", "none"):
        op_case(f"klDiv/differentiable_target_{red}", "klDiv",
                {"x": F.log_softmax(torch.from_numpy(randn((3, 5))), 1).numpy(), "t": probs((3, 5))},
                lambda x, t, r=red: F.kl_div(x, t, reduction=r), grad=("x", "t"),
                attrs={"reduction": red, "logTarget": False, "differentiableTarget": True})
    for red in ("batchmean", "sum"):
        op_case(f"klDiv/differentiable_logTarget_{red}", "klDiv",
                {"x": F.log_softmax(torch.from_numpy(randn((4, 3))), 1).numpy(), "t": np.log(probs((4, 3)))},
                lambda x, t, r=red: F.kl_div(x, t, reduction=r, log_target=True), grad=("x", "t"),
                attrs={"reduction": red, "logTarget": True, "differentiableTarget": True})

    # Batch norm with momentum=None: torch's module uses the factor 1/num_batches_tracked. The functional
    # form is run on three training batches from the same initial running statistics; outputs are the
    # third batch's normalised values, the running statistics after it, and its gradients.
    for name, shape, affine, dt in (("cumulative_4d_affine", (2, 3, 3, 3), True, "float64"),
                                    ("cumulative_2d", (5, 4), False, "float64")):
        c = shape[1]
        inputs = {"x1": randn(shape, dt, 1.5) + 1.0, "x2": randn(shape, dt, 0.7) - 0.5, "x": randn(shape, dt, 2.0),
                  "runningMean": randn((c,), dt), "runningVar": uniform((c,), 0.5, 2.0, dt),
                  "weight": randn((c,), dt) if affine else None, "bias": randn((c,), dt) if affine else None}

        def fn(x1, x2, x, runningMean, runningVar, weight, bias):
            rm, rv = runningMean.clone(), runningVar.clone()
            bn = torch.nn.BatchNorm2d(c, momentum=None, affine=False, dtype=torch.float64) if len(shape) == 4 else \
                torch.nn.BatchNorm1d(c, momentum=None, affine=False, dtype=torch.float64)
            bn.running_mean.copy_(rm)
            bn.running_var.copy_(rv)
            bn.train()
            with torch.no_grad():
                bn(x1)
                bn(x2)
            y = bn(x)
            if weight is not None:
                view = (1, c, 1, 1) if len(shape) == 4 else (1, c)
                y = y * weight.reshape(view) + bias.reshape(view)
            return {"out": y, "runningMean": bn.running_mean.clone(), "runningVar": bn.running_var.clone(),
                    "numBatchesTracked": bn.num_batches_tracked.clone()}
        op_case(f"batchNorm/{name}", "batchNormCumulative", inputs, fn,
                grad=("x", "weight", "bias") if affine else ("x",), attrs={"momentum": None, "eps": 1e-5}, dtype=dt)


def main():
    conv_cases()
    pool_cases()
    matmul_cases()
    batchnorm_cases()
    bn_module_cases()
    softmax_loss_cases()
    reduction_cases()
    elementwise_cases()
    view_cases()
    optim_cases()
    schedule_cases()
    special_cases()
    clip_cases()
    parity_gap_cases()
    names = [c["name"] for c in cases]
    assert len(names) == len(set(names)), "duplicate case names"
    doc = {"generator": "test/reference/torch/make_fixtures.py", "torchVersion": torch.__version__,
           "numpyVersion": np.__version__, "seed": SEED, "cases": cases}
    with open(OUT, "w") as f:
        json.dump(doc, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    print(f"wrote {len(cases)} cases, {os.path.getsize(OUT) / 1e6:.2f} MB to {OUT}")


if __name__ == "__main__":
    main()
