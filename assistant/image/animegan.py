"""AnimeGANv2 photo-to-anime generator: the network, finding and loading checkpoints, stylizing.

The network's parameter names and shapes are those of the public PyTorch port's checkpoints
(face_paint_512_v2, face_paint_512_v1, celeba_distill, paprika; see
shared/spec/animeganv2_state_dict.json), so they load with `load_state_dict(strict=True)`.
There is no public PyTorch checkpoint for the "hayao" and "shinkai" styles; `STYLE_CHECKPOINTS`
says which released checkpoint stands in for each style (data, so it is easy to change).

torch is imported only inside functions: `find_checkpoint` is cheap and `Generator` is built on
first use (module `__getattr__`), so importing this module costs nothing.
"""

from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.errors import UserError

# Preference order of released checkpoints per style; the first one installed is used.
# paprika, hayao and shinkai are all scenery styles of the original AnimeGANv2, so the scenery
# checkpoint (paprika) stands in for the two that were never ported to PyTorch; the face
# portrait checkpoints are the fallback when paprika is not installed.
STYLE_CHECKPOINTS: dict[str, tuple[str, ...]] = {
    "hayao": ("paprika", "face_paint_512_v1", "face_paint_512_v2"),
    "shinkai": ("paprika", "face_paint_512_v2", "face_paint_512_v1"),
    "paprika": ("paprika",),
    "face_paint": ("face_paint_512_v2", "face_paint_512_v1", "celeba_distill"),
}

# How each checkpoint upsamples in its decoder: it was trained (or converted) in that mode and
# gives visibly different pictures in the other one.
CHECKPOINT_ALIGN_CORNERS: dict[str, bool] = {
    "face_paint_512_v2": True,
    "face_paint_512_v1": True,
    "celeba_distill": True,
    "paprika": False,
}

# Both stride-2 convolutions halve the size, so the input is padded to a multiple of this.
SIZE_MULTIPLE = 4


def weights_folder(config) -> Path:
    if config.animegan.weights_dir:
        return Path(config.animegan.weights_dir).expanduser()
    return config.weights_dir() / "animegan"


def checkpoint_names(style: str) -> tuple[str, ...]:
    try:
        return STYLE_CHECKPOINTS[style]
    except KeyError:
        raise UserError(f"unknown style {style!r}", "use one of: " + ", ".join(STYLE_CHECKPOINTS)) from None


def find_checkpoint(config, style: str) -> Path | None:
    """The checkpoint file that renders `style`, or None when none is installed (no torch import)."""
    folder = weights_folder(config)
    for name in STYLE_CHECKPOINTS.get(style, ()):  # an unknown style simply has no checkpoint
        path = folder / f"{name}.pt"
        if path.is_file():
            return path
    return None


def missing_weights_error(config, style: str) -> UserError:
    name = checkpoint_names(style)[0]
    return UserError(f"no AnimeGANv2 weights for style {style!r} in {weights_folder(config)}",
                     f"run 'run_assistant.py fetch-weights {name}', or use --backend toon")


# --------------------------------------------------------------------------- the network

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


# --------------------------------------------------------------------------- checkpoints

@dataclass(frozen=True)
class Checkpoint:
    path: Path
    name: str
    align_corners: bool

    def fingerprint(self) -> str:
        """Changes whenever the file does; keys the on-disk export cache."""
        st = self.path.stat()
        h = hashlib.sha256()
        h.update(f"{self.path.resolve()}|{st.st_size}|{st.st_mtime_ns}|{self.align_corners}".encode())
        with open(self.path, "rb") as f:
            h.update(f.read(1 << 20))
        return h.hexdigest()[:16]


def checkpoint_for(config, style: str) -> Checkpoint:
    path = find_checkpoint(config, style)
    if path is None:
        raise missing_weights_error(config, style)
    name = path.stem
    return Checkpoint(path=path, name=name, align_corners=CHECKPOINT_ALIGN_CORNERS.get(name, True))


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


# --------------------------------------------------------------------------- stylizing

def _pad_amount(n: int) -> int:
    # Up to the next multiple of SIZE_MULTIPLE, and at least 16 pixels: the 7x7 reflection pad
    # and the 3x3 pads at quarter resolution need a few pixels on every side.
    return max(16, -(-n // SIZE_MULTIPLE) * SIZE_MULTIPLE) - n


def run_whole(engine, rgb: np.ndarray) -> np.ndarray:
    """Generator output (H, W, 3) float32 in [-1, 1] for an (H, W, 3) uint8 picture in one pass."""
    h, w = rgb.shape[:2]
    x = rgb.astype(np.float32) * (2.0 / 255.0) - 1.0
    ph, pw = _pad_amount(h), _pad_amount(w)
    if ph or pw:
        # Reflection keeps the border statistics natural; a 1-pixel side can only be repeated.
        mode = "reflect" if min(h, w) > 1 else "edge"
        x = np.pad(x, ((0, ph), (0, pw), (0, 0)), mode=mode)
    y = engine(np.ascontiguousarray(x.transpose(2, 0, 1)[None]))
    return y[0, :, :h, :w].transpose(1, 2, 0)


def _starts(n: int, tile: int, overlap: int) -> list[int]:
    if n <= tile:
        return [0]
    step = tile - overlap
    return list(range(0, n - tile, step)) + [n - tile]


def _ramp(n: int, overlap: int) -> np.ndarray:
    # Weight rising over `overlap` pixels from each edge; where tiles overlap their ramps cross.
    edge = np.minimum(np.arange(1, n + 1), np.arange(n, 0, -1)).astype(np.float32)
    return np.minimum(edge / (overlap + 1), 1.0)


def run_tiled(engine, rgb: np.ndarray, tile: int, overlap: int) -> np.ndarray:
    """Like run_whole, in overlapping tile x tile pieces blended linearly (bounded memory)."""
    h, w = rgb.shape[:2]
    out = np.zeros((h, w, 3), np.float32)
    weight = np.zeros((h, w, 1), np.float32)
    for y0 in _starts(h, tile, overlap):
        for x0 in _starts(w, tile, overlap):
            piece = rgb[y0:y0 + tile, x0:x0 + tile]
            th, tw = piece.shape[:2]
            wgt = (_ramp(th, overlap)[:, None] * _ramp(tw, overlap)[None, :])[..., None]
            out[y0:y0 + th, x0:x0 + tw] += run_whole(engine, piece) * wgt
            weight[y0:y0 + th, x0:x0 + tw] += wgt
    return out / weight


def to_uint8(y: np.ndarray) -> np.ndarray:
    return np.clip((y + 1.0) * 127.5 + 0.5, 0, 255).astype(np.uint8)


class Stylizer:
    """Keeps loaded engines between pictures (a daemon stylizes many; loading costs ~0.5 s)."""

    def __init__(self, config, report=None):
        self._config = config
        self._report = report
        self._engines: dict = {}

    def engine(self, checkpoint: Checkpoint):
        from assistant.image import animegan_runtime

        key = (checkpoint.path, checkpoint.fingerprint())
        if key not in self._engines:
            self._engines.clear()  # one checkpoint at a time keeps memory bounded
            self._engines[key] = animegan_runtime.make_engine(self._config, checkpoint, self._report)
        return self._engines[key]

    def stylize(self, image, style: str):
        from PIL import Image

        from assistant.image import loading

        checkpoint = checkpoint_for(self._config, style)
        engine = self.engine(checkpoint)
        rgb, alpha = loading.split_alpha(image)
        arr = np.asarray(rgb)
        cfg = self._config.animegan
        tile = max(64, cfg.tile - cfg.tile % SIZE_MULTIPLE)
        overlap = min(max(0, cfg.tile_overlap), tile // 2)
        if max(arr.shape[:2]) > max(cfg.max_side, 16):
            y = run_tiled(engine, arr, tile, overlap)
        else:
            y = run_whole(engine, arr)
        return loading.join_alpha(Image.fromarray(to_uint8(y), "RGB"), alpha)

    def release(self) -> None:
        self._engines.clear()


def stylize_image(config, image, style: str):
    """`image` (any PIL mode and size) in the AnimeGANv2 look of `style`; same size, alpha kept.

    Raises UserError when no checkpoint for `style` is installed or the file is bad.
    """
    return Stylizer(config).stylize(image, style)
