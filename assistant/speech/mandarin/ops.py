"""The TensorFlow Lite operators FastSpeech2 and MB-MelGAN use, one torch function each.

Each function takes (inputs, op, tin, tout): the input values (torch tensors, None for an absent
optional input), the Operator (options) and the graph's Tensor records of its inputs and outputs
(dtypes, quantisation), and returns the list of output values. Layouts are TFLite's (NHWC
activations), except that the executor hands FULLY_CONNECTED and CONV_2D their weights
already as [inputs, outputs] matrices (`weight_matrix`). Int8 weights of FULLY_CONNECTED and CONV_2D are run the way TFLite's
hybrid kernels run them: the float input is quantised symmetrically to int8 per batch row
(FULLY_CONNECTED) or per batch (CONV_2D), multiplied in integers and rescaled by
input_scale * weight_scale; emulating that, rather than multiplying by dequantised weights, is
what keeps the port within float rounding of the reference interpreter.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

_TORCH_DTYPES = {"float32": torch.float32, "float16": torch.float16, "int32": torch.int32,
                 "uint8": torch.uint8, "int64": torch.int64, "bool": torch.bool, "int16": torch.int16,
                 "int8": torch.int8}


def torch_dtype(np_dtype) -> torch.dtype:
    import numpy as np

    return _TORCH_DTYPES[np.dtype(np_dtype).name]


def weight_matrix(data, dtype_is_int8: bool) -> torch.Tensor:
    """An [O, ...] weight (OHWI filter or [O, K] matrix) as a contiguous [K, O] float matrix for matmul."""
    w = torch.from_numpy(data.astype("float32") if dtype_is_int8 else data)
    return w.reshape(w.shape[0], -1).t().contiguous()


def _act(x, code: int):
    if code == 0:
        return x
    if code == 1:
        return torch.relu(x)
    if code == 3:
        return torch.clamp(x, 0.0, 6.0)
    if code == 4:
        return torch.tanh(x)
    raise NotImplementedError(f"fused activation {code}")


def _ints(t) -> list[int]:
    return [int(v) for v in t.reshape(-1).tolist()]


def _round_away(x):
    """TfLiteRound (std::round): halves away from zero, unlike torch.round."""
    return torch.sign(x) * torch.floor(torch.abs(x) + 0.5)


def _quantise_rows(x2d):
    """TFLite's SymmetricQuantizeFloats per row: int8 values (as float) and one scale per row."""
    peak = x2d.abs().amax(dim=1, keepdim=True)
    scale = peak / 127.0
    inv = torch.where(peak > 0, 127.0 / torch.where(peak > 0, peak, torch.ones_like(peak)),
                      torch.zeros_like(peak))
    q = torch.clamp(_round_away(x2d * inv), -127.0, 127.0)
    return q, scale


# ----------------------------------------------------------------- elementwise and comparisons

def _binary(fn):
    def run(ins, op, tin, tout):
        return [_act(fn(ins[0], ins[1]), op.options.get("FusedActivationFunction", 0))]
    return run


def _unary(fn):
    return lambda ins, op, tin, tout: [fn(ins[0])]


def cast(ins, op, tin, tout):
    return [ins[0].to(torch_dtype(tout[0].dtype))]


def leaky_relu(ins, op, tin, tout):
    return [F.leaky_relu(ins[0], op.options["Alpha"])]


def softmax(ins, op, tin, tout):
    return [torch.softmax(ins[0] * op.options.get("Beta", 1.0), dim=-1)]


def quantize(ins, op, tin, tout):
    t = tout[0]
    q = _round_away(ins[0] / float(t.scale[0])) + int(t.zero_point[0])
    return [torch.clamp(q, -128, 127).to(torch.int8)]


def dequantize(ins, op, tin, tout):
    t = tin[0]
    x = ins[0]
    if x.dtype == torch.float16:
        return [x.float()]
    scale = torch.from_numpy(t.scale)
    zero = torch.from_numpy(t.zero_point).float()
    if scale.numel() > 1:
        shape = [1] * x.dim()
        shape[t.axis] = -1
        scale, zero = scale.reshape(shape), zero.reshape(shape)
    return [(x.float() - zero) * scale]


# ----------------------------------------------------------------- shapes and indexing

def shape(ins, op, tin, tout):
    return [torch.tensor(list(ins[0].shape), dtype=torch_dtype(tout[0].dtype))]


def reshape(ins, op, tin, tout):
    new = _ints(ins[1]) if len(ins) > 1 and ins[1] is not None else list(op.options["NewShape"])
    return [ins[0].reshape(new)]


def expand_dims(ins, op, tin, tout):
    axis = int(ins[1].reshape(-1)[0])
    if axis < 0:
        axis += ins[0].dim() + 1
    return [ins[0].unsqueeze(axis)]


def squeeze(ins, op, tin, tout):
    x = ins[0]
    dims = op.options.get("SqueezeDims") or [i for i, s in enumerate(x.shape) if s == 1]
    dims = sorted((d + x.dim()) % x.dim() for d in dims)
    for d in reversed(dims):
        x = x.squeeze(d)
    return [x]


def strided_slice(ins, op, tin, tout):
    x, begin, end, strides = ins[0], _ints(ins[1]), _ints(ins[2]), _ints(ins[3])
    o = op.options
    if o.get("EllipsisMask") or o.get("NewAxisMask") or o.get("Offset"):
        raise NotImplementedError("STRIDED_SLICE with ellipsis/new-axis/offset")
    index = []
    for i, (b, e, s) in enumerate(zip(begin, end, strides)):
        if s <= 0:
            raise NotImplementedError("STRIDED_SLICE with a non-positive stride")
        if o.get("ShrinkAxisMask", 0) >> i & 1:
            index.append(b)
            continue
        index.append(slice(None if o.get("BeginMask", 0) >> i & 1 else b,
                           None if o.get("EndMask", 0) >> i & 1 else e, s))
    return [x[tuple(index)]]


def gather(ins, op, tin, tout):
    params, idx = ins
    axis = op.options.get("Axis", 0) % params.dim()
    flat = params.index_select(axis, idx.reshape(-1).long())
    return [flat.reshape(tuple(params.shape[:axis]) + tuple(idx.shape) + tuple(params.shape[axis + 1:]))]


def pack(ins, op, tin, tout):
    return [torch.stack(list(ins), dim=op.options.get("Axis", 0))]


def concatenation(ins, op, tin, tout):
    return [_act(torch.cat(list(ins), dim=op.options.get("Axis", 0)), op.options.get("FusedActivationFunction", 0))]


def transpose(ins, op, tin, tout):
    return [ins[0].permute(_ints(ins[1]))]


def tile(ins, op, tin, tout):
    return [ins[0].repeat(_ints(ins[1]))]


def fill(ins, op, tin, tout):
    return [torch.full(_ints(ins[0]), ins[1].item(), dtype=ins[1].dtype)]


def range_(ins, op, tin, tout):
    start, limit, delta = (v.item() for v in ins)
    return [torch.arange(start, limit, delta, dtype=ins[0].dtype)]


def where(ins, op, tin, tout):
    if len(ins) != 1:
        raise NotImplementedError("WHERE with x and y")
    return [torch.nonzero(ins[0]).to(torch_dtype(tout[0].dtype))]


def _reduce(fn):
    def run(ins, op, tin, tout):
        axes = sorted({a % ins[0].dim() for a in _ints(ins[1])})
        out = fn(ins[0], axes, op.options.get("KeepDims", False))
        return [out.to(ins[0].dtype)]  # torch sums and multiplies int32 into int64; TFLite keeps the type
    return run


def _prod(x, axes, keep):
    for a in reversed(axes):
        x = torch.prod(x, dim=a, keepdim=keep)
    return x


def pad(ins, op, tin, tout):
    pads = _ints(ins[1])
    spec = []
    for i in reversed(range(ins[0].dim())):
        spec += [pads[2 * i], pads[2 * i + 1]]
    return [F.pad(ins[0], spec)]


def mirror_pad(ins, op, tin, tout):
    x, pads = ins[0], _ints(ins[1])
    symmetric = op.options.get("Mode", 0) == 1
    for d in range(x.dim()):
        before, after = pads[2 * d], pads[2 * d + 1]
        if not before and not after:
            continue
        n = x.shape[d]
        shift = 0 if symmetric else 1
        left = torch.arange(before - 1 + shift, -1 + shift, -1)
        right = torch.arange(n - 1 - shift, n - 1 - shift - after, -1)
        x = x.index_select(d, torch.cat([left, torch.arange(n), right]))
    return [x]


def space_to_batch_nd(ins, op, tin, tout):
    x, block, pads = ins[0], _ints(ins[1]), _ints(ins[2])
    spec = [0, 0]  # channels
    for i in reversed(range(len(block))):
        spec += [pads[2 * i], pads[2 * i + 1]]
    x = F.pad(x, spec)
    b, spatial, c = x.shape[0], list(x.shape[1:1 + len(block)]), x.shape[-1]
    split = [b]
    for s, k in zip(spatial, block):
        split += [s // k, k]
    x = x.reshape(split + [c])
    m = len(block)
    perm = [2 + 2 * i for i in range(m)] + [0] + [1 + 2 * i for i in range(m)] + [1 + 2 * m]
    x = x.permute(perm)
    return [x.reshape([b * _product(block)] + [s // k for s, k in zip(spatial, block)] + [c])]


def batch_to_space_nd(ins, op, tin, tout):
    x, block, crops = ins[0], _ints(ins[1]), _ints(ins[2])
    m = len(block)
    b = x.shape[0] // _product(block)
    spatial, c = list(x.shape[1:1 + m]), x.shape[-1]
    x = x.reshape(block + [b] + spatial + [c])
    perm = [m]
    for i in range(m):
        perm += [m + 1 + i, i]
    x = x.permute(perm + [2 * m + 1]).reshape([b] + [s * k for s, k in zip(spatial, block)] + [c])
    index = [slice(None)]
    for i in range(m):
        index.append(slice(crops[2 * i], x.shape[1 + i] - crops[2 * i + 1]))
    return [x[tuple(index)]]


def _product(values) -> int:
    out = 1
    for v in values:
        out *= v
    return out


# ----------------------------------------------------------------- matrix products and convolutions

def batch_matmul(ins, op, tin, tout):
    a, b = ins
    if op.options.get("AdjX"):
        a = a.transpose(-1, -2)
    if op.options.get("AdjY"):
        b = b.transpose(-1, -2)
    return [torch.matmul(a, b)]


def fully_connected(ins, op, tin, tout):
    x, w, bias = ins[0], ins[1], ins[2] if len(ins) > 2 else None
    if op.options.get("KeepNumDims"):
        raise NotImplementedError("FULLY_CONNECTED keep_num_dims")
    x2d = x.reshape(-1, w.shape[0])
    if tin[1].dtype.__name__ == "int8":
        if op.options.get("AsymmetricQuantizeInputs"):
            raise NotImplementedError("asymmetric hybrid FULLY_CONNECTED")
        q, scale = _quantise_rows(x2d)
        out = torch.matmul(q, w) * (scale * float(tin[1].scale[0]))
    else:
        out = torch.matmul(x2d, w)
    if bias is not None:
        out = out + bias
    return [_act(out, op.options.get("FusedActivationFunction", 0))]


def _same_padding(size: int, kernel: int, stride: int, dilation: int) -> tuple[int, int]:
    out = -(-size // stride)
    total = max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0)
    return total // 2, total - total // 2


def _conv_1d(x, w, k: int, stride: int, dilation: int, same: bool):
    """x [N, W, C] by the filter as a [K*C, O] matrix: one product over im2col columns (faster than conv2d)."""
    if same:
        left, right = _same_padding(x.shape[1], k, stride, dilation)
        if left or right:
            x = F.pad(x, (0, 0, left, right))
    if k == 1:
        cols = x[:, ::stride]
    else:
        cols = x.unfold(1, (k - 1) * dilation + 1, stride)      # [N, W_out, C, span]
        if dilation > 1:
            cols = cols[..., ::dilation]
        # contiguous, not the overlapping view reshape would give: BLAS is several times faster on it
        cols = cols.transpose(-1, -2).contiguous().reshape(x.shape[0], cols.shape[1], -1)
    n = cols.shape[0]
    return torch.matmul(cols.reshape(-1, cols.shape[-1]), w).reshape(n, -1, w.shape[1])


def conv_2d(ins, op, tin, tout):
    x, w, bias = ins[0], ins[1], ins[2] if len(ins) > 2 else None
    o = op.options
    sh, sw = o.get("StrideH", 1), o.get("StrideW", 1)
    dh, dw = o.get("DilationHFactor", 1), o.get("DilationWFactor", 1)
    same = o.get("Padding", 0) == 0
    hybrid = tin[1].dtype.__name__ == "int8"
    scale = None
    if hybrid:
        if tin[1].scale.size > 1:
            raise NotImplementedError("per-channel hybrid CONV_2D")
        q, scale = _quantise_rows(x.reshape(x.shape[0], -1))
        x = q.reshape(x.shape)
    n, h, wd, c = x.shape
    _, kh, kw, _ = tin[1].shape
    if h == 1 and kh == 1:       # conv1d laid out as [N, 1, W, C]
        y = _conv_1d(x.reshape(n, wd, c), w, kw, sw, dw, same).unsqueeze(1)
    elif wd == 1 and kw == 1:    # conv1d laid out as [N, H, 1, C]
        y = _conv_1d(x.reshape(n, h, c), w, kh, sh, dh, same).unsqueeze(2)
    else:
        w = w.t().reshape(tin[1].shape)
        xc = x.permute(0, 3, 1, 2)
        if same:
            top, bottom = _same_padding(xc.shape[2], w.shape[1], sh, dh)
            left, right = _same_padding(xc.shape[3], w.shape[2], sw, dw)
            xc = F.pad(xc, [left, right, top, bottom])
        y = F.conv2d(xc, w.permute(0, 3, 1, 2), None, (sh, sw), 0, (dh, dw)).permute(0, 2, 3, 1).contiguous()
    if hybrid:
        y = y * (scale.reshape(-1, 1, 1, 1) * float(tin[1].scale[0]))
    if bias is not None:
        y = y + bias
    return [_act(y, o.get("FusedActivationFunction", 0))]


def transpose_conv(ins, op, tin, tout):
    out_shape, w, x = _ints(ins[0]), ins[1], ins[2]
    bias = ins[3] if len(ins) > 3 else None
    o = op.options
    sh, sw = o.get("StrideH", 1), o.get("StrideW", 1)
    y = F.conv_transpose2d(x.permute(0, 3, 1, 2), w.permute(3, 0, 1, 2), None, (sh, sw))
    kh, kw = w.shape[1], w.shape[2]
    if o.get("Padding", 0) == 0:  # SAME: TFLite crops the full output symmetrically, extra at the end
        top = max((x.shape[1] - 1) * sh + kh - out_shape[1], 0) // 2
        left = max((x.shape[2] - 1) * sw + kw - out_shape[2], 0) // 2
    else:
        top = left = 0
    y = y[:, :, top:top + out_shape[1], left:left + out_shape[2]].permute(0, 2, 3, 1).contiguous()
    if bias is not None:
        y = y + bias
    return [_act(y, o.get("FusedActivationFunction", 0))]


OPS = {
    "ADD": _binary(torch.add), "SUB": _binary(torch.sub), "MUL": _binary(torch.mul),
    "MAXIMUM": _binary(torch.maximum), "FLOOR_MOD": _binary(torch.remainder),
    "SQUARED_DIFFERENCE": _binary(lambda a, b: (a - b) * (a - b)),
    "NOT_EQUAL": _binary(torch.ne), "GREATER_EQUAL": _binary(torch.ge), "LESS": _binary(torch.lt),
    "RSQRT": _unary(torch.rsqrt), "EXP": _unary(torch.exp), "LOG": _unary(torch.log),
    "TANH": _unary(torch.tanh), "ROUND": _unary(torch.round),  # TFLite ROUND is half-to-even too
    "CAST": cast, "LEAKY_RELU": leaky_relu, "SOFTMAX": softmax,
    "QUANTIZE": quantize, "DEQUANTIZE": dequantize,
    "SHAPE": shape, "RESHAPE": reshape, "EXPAND_DIMS": expand_dims, "SQUEEZE": squeeze,
    "STRIDED_SLICE": strided_slice, "GATHER": gather, "PACK": pack, "CONCATENATION": concatenation,
    "TRANSPOSE": transpose, "TILE": tile, "FILL": fill, "RANGE": range_, "WHERE": where,
    "MEAN": _reduce(lambda x, a, k: torch.mean(x, dim=a, keepdim=k)),
    "SUM": _reduce(lambda x, a, k: torch.sum(x, dim=a, keepdim=k)),
    "REDUCE_MAX": _reduce(lambda x, a, k: torch.amax(x, dim=a, keepdim=k)),
    "REDUCE_PROD": _reduce(_prod),
    "PAD": pad, "MIRROR_PAD": mirror_pad,
    "SPACE_TO_BATCH_ND": space_to_batch_nd, "BATCH_TO_SPACE_ND": batch_to_space_nd,
    "BATCH_MATMUL": batch_matmul, "FULLY_CONNECTED": fully_connected,
    "CONV_2D": conv_2d, "TRANSPOSE_CONV": transpose_conv,
}
