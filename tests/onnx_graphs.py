"""Tiny ONNX graphs with the inputs and output of the model's export, for tests of the export's check."""

from __future__ import annotations

from pathlib import Path

import onnx
from onnx import TensorProto, helper

from citeqa.index.onnx_export import INPUTS


def constant_graph(path: Path, value: float, *, dim: int = 384, metadata: dict[str, str] | None = None) -> Path:
    """A valid ONNX file that takes the model's inputs and gives ``value`` for every token's every number."""
    inputs = [helper.make_tensor_value_info(name, TensorProto.INT64, ["batch", "tokens"]) for name in INPUTS]
    output = helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch", "tokens", dim])
    nodes = [
        helper.make_node("Shape", ["input_ids"], ["tokens_shape"]),
        helper.make_node("Constant", [], ["width"], value=helper.make_tensor("w", TensorProto.INT64, [1], [dim])),
        helper.make_node("Concat", ["tokens_shape", "width"], ["shape"], axis=0),
        helper.make_node(
            "ConstantOfShape",
            ["shape"],
            ["last_hidden_state"],
            value=helper.make_tensor("v", TensorProto.FLOAT, [1], [value]),
        ),
    ]
    model = helper.make_model(
        helper.make_graph(nodes, "constant", inputs, [output]), opset_imports=[helper.make_opsetid("", 17)]
    )
    model.ir_version = 8  # one every ONNX Runtime of the last years reads
    if metadata:
        helper.set_model_props(model, metadata)
    onnx.save(model, str(path))
    return path


def metadata_of(path: Path) -> dict[str, str]:
    return {entry.key: entry.value for entry in onnx.load(str(path), load_external_data=False).metadata_props}
