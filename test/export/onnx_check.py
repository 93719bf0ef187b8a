"""Runs ONNX's own checker on files pqkd exported: onnx.checker.check_model(full_check=True), which
validates the model against the ONNX 1.12 specification and runs strict shape inference. Prints one
JSON line per file: the opset, the graph name, the node types and the inferred output shape.

Usage: python3 onnx_check.py FILE.onnx [FILE.onnx ...]   (needs Debian's python3-onnx)
"""
import json
import sys

import onnx


def dims(value_info):
    return [d.dim_param if d.dim_param else d.dim_value for d in value_info.type.tensor_type.shape.dim]


for path in sys.argv[1:]:
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    inferred = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
    print(json.dumps({
        "file": path,
        "onnx": onnx.__version__,
        "opset": [[o.domain, o.version] for o in model.opset_import],
        "graph": model.graph.name,
        "nodes": [n.op_type for n in model.graph.node],
        "output": dims(inferred.graph.output[0]),
        "intermediate_shapes": len(inferred.graph.value_info),
    }))
