"""The AnimeGANv2 generator network, and loading a checkpoint into it.

The network's parameter names and shapes are those of the public PyTorch port's checkpoints
(face_paint_512_v2, face_paint_512_v1, celeba_distill, paprika; see
shared/spec/animeganv2_state_dict.json), so they load with `load_state_dict(strict=True)`.

torch is imported only inside functions: `Generator` is built on first use (module
`__getattr__`), so importing this module costs nothing.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from assistant.errors import UserError

# Both stride-2 convolutions halve the size, so the input is padded to a multiple of this.
SIZE_MULTIPLE = 4


def _conv_norm_lrelu(nn, cin, cout, kernel=3, stride=1, groups=1, bias=False):
    # Index layout (pad, conv, norm, act) fixes the key names: "<block>.1.weight", "<block>.2.bias".
    if stride == 2:
        # TF "SAME" padding of the original: nothing on the top/left, one row/column bottom/right.
        pad = nn.ReflectionPad2d((0, 1, 0, 1))
    else:
        pad = nn.ReflectionPad2d(kernel // 2)
    return nn.Sequential(
        pad,
        nn.Conv2d(cin, cout, kernel, stride=stride, padding=0, groups=groups, bias=bias),
        nn.GroupNorm(1, cout),
        nn.LeakyReLU(0.2, inplace=True),
    )


@functools.cache
def _classes():
    import torch
    from torch import nn
    from torch.nn import functional as F

    class InvertedResBlock(nn.Module):
        """MobileNetV2 block: 1x1 expand, depthwise 3x3, 1x1 project; residual when shapes agree."""

        def __init__(self, cin: int, cout: int, expansion: int = 2):
            super().__init__()
            mid = cin * expansion
            self.residual = cin == cout
            self.layers = nn.Sequential(
                _conv_norm_lrelu(nn, cin, mid, kernel=1),
                _conv_norm_lrelu(nn, mid, mid, groups=mid, bias=True),
                nn.Conv2d(mid, cout, 1, bias=False),
                nn.GroupNorm(1, cout),
            )

        def forward(self, x):
            y = self.layers(x)
            return x + y if self.residual else y

    class Generator(nn.Module):
        """AnimeGANv2 generator; maps (N,3,H,W) in [-1,1] to (N,3,H,W) in [-1,1].

        `align_corners` picks the decoder's upsampling: True resizes bilinearly (corners aligned)
        to the encoder's sizes (face_paint_*, celeba_distill); False doubles with scale_factor=2
        (paprika). Either way H and W should be multiples of SIZE_MULTIPLE for False.
        """

        def __init__(self, align_corners: bool = True):
            super().__init__()
            self.align_corners = align_corners
            c = _conv_norm_lrelu
            self.block_a = nn.Sequential(c(nn, 3, 32, 7), c(nn, 32, 64, stride=2), c(nn, 64, 64))
            self.block_b = nn.Sequential(c(nn, 64, 128, stride=2), c(nn, 128, 128))
            self.block_c = nn.Sequential(
                c(nn, 128, 128),
                InvertedResBlock(128, 256),
                InvertedResBlock(256, 256),
                InvertedResBlock(256, 256),
                InvertedResBlock(256, 256),
                c(nn, 256, 128),
            )
            self.block_d = nn.Sequential(c(nn, 128, 128), c(nn, 128, 128))
            self.block_e = nn.Sequential(c(nn, 128, 64), c(nn, 64, 64), c(nn, 64, 32, 7))
            self.out_layer = nn.Sequential(nn.Conv2d(32, 3, 1, bias=False), nn.Tanh())

        def _up(self, x, like):
            if self.align_corners:
                return F.interpolate(x, size=like.shape[-2:], mode="bilinear", align_corners=True)
            return F.interpolate(x, scale_factor=2.0, mode="bilinear", align_corners=False)

        def forward(self, x):
            half = self.block_a(x)
            y = self.block_c(self.block_b(half))
            y = self.block_d(self._up(y, half))
            y = self.block_e(self._up(y, x))
            return self.out_layer(y)

    return Generator, InvertedResBlock, torch


def __getattr__(name):
    # `animegan.Generator` is the class; building it imports torch, so only on first use.
    if name == "Generator":
        return _classes()[0]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def build_generator(align_corners: bool = True):
    """A Generator with fresh (random) weights, in eval mode."""
    return _classes()[0](align_corners=align_corners).eval()


def load_generator(path: str | os.PathLike, align_corners: bool = True):
    """Build a Generator and load the checkpoint at `path` strictly; bad files raise UserError."""
    Generator, _, torch = _classes()
    path = Path(path)
    fix = f"delete it and run 'run_assistant.py fetch-weights {path.stem}'"
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise UserError(f"AnimeGANv2 checkpoint {path} does not exist", fix) from None
    except Exception as exc:  # noqa: BLE001 - any unpickling/zip error means a bad file
        reason = " ".join(str(exc).split())[:120] or type(exc).__name__
        raise UserError(f"AnimeGANv2 checkpoint {path} is not a readable PyTorch file ({reason})", fix) from None
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise UserError(f"AnimeGANv2 checkpoint {path} does not hold a state_dict of tensors", fix)
    model = Generator(align_corners=align_corners)
    expected = model.state_dict()
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    if missing or unexpected:
        parts = []
        if missing:
            parts.append(f"{len(missing)} missing (e.g. {missing[0]})")
        if unexpected:
            parts.append(f"{len(unexpected)} unexpected (e.g. {unexpected[0]})")
        raise UserError(f"AnimeGANv2 checkpoint {path} has the wrong parameter names: " + ", ".join(parts),
                        fix + " (only the AnimeGANv2 PyTorch generator checkpoints fit)")
    for key, tensor in expected.items():
        got = state[key]
        if tuple(got.shape) != tuple(tensor.shape):
            raise UserError(f"AnimeGANv2 checkpoint {path}: {key} has shape {tuple(got.shape)}, "
                            f"expected {tuple(tensor.shape)}", fix)
        if not got.is_floating_point():
            raise UserError(f"AnimeGANv2 checkpoint {path}: {key} is {got.dtype}, not floating point", fix)
    model.load_state_dict({k: v.float() for k, v in state.items()}, strict=True)
    return model.eval()


