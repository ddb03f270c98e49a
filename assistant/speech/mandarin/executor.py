"""Runs a Graph (graph.py) with the torch operators of ops.py.

Constants become torch tensors once, at load. FlexRandomUniform -- TensorFlow's RandomUniform,
which the standalone LiteRT lacks -- only ever feeds dropout in these models (FastSpeech2 keeps
`training=True` dropout on its f0 and energy embeddings at inference, so the reference
interpreter speaks slightly differently on every call). Three ways to run it:
- "expected" (the default): each dropout is rewritten to its expectation, the identity, which
  makes the voice deterministic; this is what `model.eval()` dropout means everywhere else;
- "sample": draw the mask as TensorFlow does, from a seeded torch generator;
- `replay`: the uniform draws given per tensor name, which lets the parity test reproduce the
  masks the reference interpreter drew.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from assistant.speech.mandarin.graph import Graph, GraphError, Operator
from assistant.speech.mandarin.ops import OPS, weight_matrix

RANDOM_UNIFORM = "FlexRandomUniform"


@dataclass
class _Step:
    fn: object
    op: Operator
    tin: list
    tout: list
    free: list[int]        # tensors whose last use is this step


class Executor:
    def __init__(self, graph: Graph, dropout: str = "expected"):
        if dropout not in ("expected", "sample"):
            raise ValueError(f"dropout must be 'expected' or 'sample', not {dropout!r}")
        unknown = sorted({op.kind for op in graph.operators if op.kind not in OPS and op.kind != RANDOM_UNIFORM})
        if unknown:
            raise GraphError(f"the model uses operators this port does not have: {', '.join(unknown)}")
        self.graph = graph
        # weights become [K, O] matrices; hybrid int8 ones as float-valued integers (the scale stays in Tensor)
        multiplied = {op.inputs[1] for op in graph.operators if op.kind in ("FULLY_CONNECTED", "CONV_2D")}
        self._consts = {t.index: weight_matrix(t.data, t.data.dtype == np.int8) if t.index in multiplied
                        else torch.from_numpy(t.data) for t in graph.tensors if t.data is not None}
        operators = graph.operators
        self._alias: dict[int, int] = {}
        if dropout == "expected":
            operators = self._drop_dropout(operators)
        self._steps = self._schedule(operators)

    def _drop_dropout(self, operators: list[Operator]) -> list[Operator]:
        """x * (1/(1-p)) * (uniform >= p)  ->  x, checked op by op so another use of RandomUniform fails loudly."""
        producer = {o: op for op in operators for o in op.outputs}
        consumers: dict[int, list[Operator]] = {}
        for op in operators:
            for i in op.inputs:
                consumers.setdefault(i, []).append(op)
        removed: set[int] = set()
        for op in operators:
            if op.kind != RANDOM_UNIFORM:
                continue
            try:
                shape_op = producer[op.inputs[0]]
                (ge,) = consumers[op.outputs[0]]
                (cast,) = consumers[ge.outputs[0]]
                (final,) = consumers[cast.outputs[0]]
                scaled = next(i for i in final.inputs if i != cast.outputs[0])
                scale_op = producer[scaled]
                x = shape_op.inputs[0]
                rate = float(self._consts[ge.inputs[1]])
                factor = float(self._consts[next(i for i in scale_op.inputs if i != x)])
                ok = (shape_op.kind, ge.kind, cast.kind, final.kind, scale_op.kind) == \
                    ("SHAPE", "GREATER_EQUAL", "CAST", "MUL", "MUL") and x in scale_op.inputs and \
                    abs(factor * (1.0 - rate) - 1.0) < 1e-5
            except (KeyError, ValueError, StopIteration, TypeError):
                ok = False
            if not ok:
                raise GraphError(f"RandomUniform at operator {op.index} does not feed a dropout")
            self._alias[final.outputs[0]] = x
            removed.update(id(o) for o in (op, ge, cast, final))  # SHAPE and x*c go if unused
        return _live([op for op in operators if id(op) not in removed], self.graph.outputs, self._alias)

    def _schedule(self, operators: list[Operator]) -> list[_Step]:
        t = self.graph.tensors
        last: dict[int, int] = {}
        for n, op in enumerate(operators):
            for i in op.inputs:
                if i >= 0:
                    last[self._alias.get(i, i)] = n
        keep = set(self.graph.outputs) | set(self._consts)
        steps = []
        for n, op in enumerate(operators):
            ins = [self._alias.get(i, i) for i in op.inputs]
            op = Operator(op.index, op.kind, ins, op.outputs, op.options)
            free = [i for i in set(ins) if i >= 0 and last.get(i) == n and i not in keep]
            fn = OPS.get(op.kind)
            steps.append(_Step(fn, op, [t[i] if i >= 0 else None for i in ins], [t[o] for o in op.outputs], free))
        return steps

    def run(self, feeds: dict[int, np.ndarray], replay: dict[str, np.ndarray] | None = None,
            generator: torch.Generator | None = None) -> dict[int, torch.Tensor]:
        """Values of the graph's outputs for `feeds` (tensor index -> array)."""
        if replay and not any(step.fn is None for step in self._steps):
            raise ValueError("replay needs dropout='sample': 'expected' has no random draws left to replace")
        env: dict[int, torch.Tensor] = dict(self._consts)
        for index, value in feeds.items():
            env[index] = torch.from_numpy(np.ascontiguousarray(value))
        with torch.inference_mode():
            for step in self._steps:
                ins = [env[i] if i >= 0 else None for i in step.op.inputs]
                if step.fn is None:  # RandomUniform, "sample" mode or replay
                    name = step.tout[0].name
                    if replay is not None and name in replay:
                        outs = [torch.from_numpy(np.asarray(replay[name], np.float32))]
                    else:
                        outs = [torch.rand([int(v) for v in ins[0].tolist()], generator=generator)]
                else:
                    outs = step.fn(ins, step.op, step.tin, step.tout)
                for o, value in zip(step.op.outputs, outs):
                    env[o] = value
                for i in step.free:
                    env.pop(i, None)
        return {o: env[self._alias.get(o, o)] for o in self.graph.outputs}


def _live(operators: list[Operator], outputs: list[int], alias: dict[int, int]) -> list[Operator]:
    """The operators some graph output depends on, in their order."""
    needed = {alias.get(o, o) for o in outputs}
    kept = []
    for op in reversed(operators):
        if any(o in needed for o in op.outputs):
            kept.append(op)
            needed.update(alias.get(i, i) for i in op.inputs if i >= 0)
    return kept[::-1]
