"""Stylizing a picture with a loaded engine: padding, tiling big pictures, alpha kept."""

from __future__ import annotations

import numpy as np

from assistant.image.animegan import runtime
from assistant.image.animegan.checkpoints import Checkpoint, checkpoint_for
from assistant.image.animegan.model import SIZE_MULTIPLE


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
        key = (checkpoint.path, checkpoint.fingerprint())
        if key not in self._engines:
            self._engines.clear()  # one checkpoint at a time keeps memory bounded
            self._engines[key] = runtime.make_engine(self._config, checkpoint, self._report)
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
