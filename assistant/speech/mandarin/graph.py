"""A .tflite file read into plain Python: tensors (with constant data and quantisation), operators, options.

Only what the executor needs, for single-subgraph models. The `tflite` package (flatbuffer
bindings generated from TensorFlow's schema) does the parsing; nothing of TensorFlow is imported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

# tflite TensorType -> numpy dtype (only the types these models use, plus the obvious neighbours)
_DTYPES = {0: np.float32, 1: np.float16, 2: np.int32, 3: np.uint8, 4: np.int64, 6: np.bool_,
           7: np.int16, 9: np.int8}


class GraphError(ValueError):
    """The file is not a model this executor can run."""


@dataclass
class Tensor:
    index: int
    name: str
    dtype: type
    shape: tuple[int, ...]
    data: np.ndarray | None           # constant contents, None for activations
    scale: np.ndarray | None = None   # quantisation (int8 weights, int8 activations)
    zero_point: np.ndarray | None = None
    axis: int = 0


@dataclass
class Operator:
    index: int
    kind: str                          # BuiltinOperator name, or "Flex..." custom code
    inputs: list[int]                  # -1 marks an absent optional input
    outputs: list[int]
    options: dict = field(default_factory=dict)


@dataclass
class Graph:
    tensors: list[Tensor]
    operators: list[Operator]
    inputs: list[int]
    outputs: list[int]

    def by_name(self) -> dict[str, int]:
        return {t.name: t.index for t in self.tensors}


def _options(op, tflite) -> dict:
    """The builtin options table of `op` as a dict of snake_case fields (only scalar fields)."""
    table = op.BuiltinOptions()
    kind = op.BuiltinOptionsType()
    if table is None or kind == 0:
        return {}
    names = {v: k for k, v in vars(tflite.BuiltinOptions).items() if not k.startswith("_")}
    cls = getattr(tflite, names[kind])
    opts = cls()
    opts.Init(table.Bytes, table.Pos)
    out = {}
    for attr in dir(cls):
        if attr.startswith(("_", "Init", "GetRootAs")) or not attr[0].isupper():
            continue
        if attr.endswith(("AsNumpy", "Length", "IsNone")) or attr in ("BufferHasIdentifier",):
            continue
        method = getattr(opts, attr)
        try:
            if hasattr(opts, attr + "Length"):
                value = [method(i) for i in range(getattr(opts, attr + "Length")())]
            else:
                value = method()
        except TypeError:
            continue
        out[attr] = value
    return out


def load_graph(path: Path) -> Graph:
    import tflite  # lazy: only a voice being loaded needs it

    buf = path.read_bytes()
    try:
        model = tflite.Model.GetRootAsModel(buf, 0)
        if model.SubgraphsLength() != 1:
            raise GraphError(f"{path.name} has {model.SubgraphsLength()} subgraphs, expected 1")
        sub = model.Subgraphs(0)
        builtin_names = {v: k for k, v in vars(tflite.BuiltinOperator).items() if not k.startswith("_")}
        tensors = []
        for i in range(sub.TensorsLength()):
            t = sub.Tensors(i)
            if t.Type() not in _DTYPES:
                raise GraphError(f"tensor {i} of {path.name} has unsupported type {t.Type()}")
            dtype = _DTYPES[t.Type()]
            shape = tuple(int(s) for s in t.ShapeAsNumpy()) if t.ShapeLength() else ()
            raw = model.Buffers(t.Buffer()).DataAsNumpy() if t.Buffer() else 0
            data = None
            if not isinstance(raw, int) and raw.size:
                data = np.frombuffer(raw.tobytes(), dtype=dtype).reshape(shape).copy()
            q = t.Quantization()
            scale = zero_point = None
            axis = 0
            if q is not None and q.ScaleLength():
                scale = q.ScaleAsNumpy().astype(np.float32)
                zero_point = q.ZeroPointAsNumpy().astype(np.int64)
                axis = q.QuantizedDimension()
            tensors.append(Tensor(i, t.Name().decode(), dtype, shape, data, scale, zero_point, axis))
        operators = []
        for i in range(sub.OperatorsLength()):
            op = sub.Operators(i)
            code = model.OperatorCodes(op.OpcodeIndex())
            builtin = max(code.BuiltinCode(), code.DeprecatedBuiltinCode())
            kind = code.CustomCode().decode() if builtin == tflite.BuiltinOperator.CUSTOM else builtin_names[builtin]
            operators.append(Operator(i, kind, [int(x) for x in op.InputsAsNumpy()],
                                      [int(x) for x in op.OutputsAsNumpy()], _options(op, tflite)))
        return Graph(tensors, operators, [int(x) for x in sub.InputsAsNumpy()],
                     [int(x) for x in sub.OutputsAsNumpy()])
    except GraphError:
        raise
    except Exception as exc:  # flatbuffers raises bare struct/index errors on a damaged file
        raise GraphError(f"{path.name} is not a readable TensorFlow Lite model ({type(exc).__name__}: {exc})") from None
