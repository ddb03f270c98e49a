"""A classical cartoon filter that needs no model weights (OpenCV).

The look of hand-painted cels comes from three things, done in this order:

1. flat areas: edge-preserving smoothing (a few passes of a bilateral filter, at half size
   for speed) removes texture and noise but keeps the outlines of things;
2. few tones: lightness is cut into a handful of bands (cel shading) with narrow soft steps, and
   colour is made a little more vivid and rounded to a coarse grid in Lab;
3. ink: dark lines along the edges of the smoothed picture (a soft-thresholded difference of
   Gaussians, which draws outlines but ignores gentle shading).

Parameters are tuned for a 512-pixel picture and scaled with the picture's size. The bilateral
filter's window grows with the picture, so its cost grows with the square of the pixel count (a
6000x6000 photo took over five minutes); pictures larger than `max_side` are therefore filtered as
a downscaled copy and the result scaled back up, which keeps time and memory proportional to a
bounded working size. The cartoon look has no fine detail for the upscaling to lose.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PIL import Image

from assistant.errors import UserError
from assistant.image import loading

# Lightness bands of the cel shading; more bands look more like the photo, fewer more like a cel.
BANDS = 6
# Chroma (Lab a, b) is multiplied by this: anime colours are cleaner and brighter than a photo's.
VIVID = 1.45
# Lab a/b are rounded to multiples of this: few hues inside one region.
CHROMA_STEP = 10.0
INK_THRESHOLD = 2.0
INK_SOFTNESS = 5.0
# Long side of the largest picture filtered at full size (config.image.toon_max_side).
MAX_SIDE = 2048


def _smooth(bgr, cv2, scale: float):
    h, w = bgr.shape[:2]
    small = cv2.resize(bgr, (max(1, w // 2), max(1, h // 2)), interpolation=cv2.INTER_AREA)
    d = max(5, int(round(7 * scale)) | 1)
    for _ in range(3):
        small = cv2.bilateralFilter(small, d, 28, 4 * scale)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


def _cel(lab: np.ndarray) -> np.ndarray:
    # OpenCV's 8-bit Lab: L in 0..255, a and b offset by 128.
    light = lab[..., 0].astype(np.float32) / 255.0
    pos = light * BANDS
    band = np.floor(pos)
    frac = pos - band
    # Narrow smooth step between bands, so band borders are not jagged.
    step = np.clip((frac - 0.85) / 0.15, 0.0, 1.0)
    step = step * step * (3 - 2 * step)
    # Each band takes its middle lightness, lifted a little: shadows in cels are coloured, not black.
    level = np.clip((band + step + 0.5) / BANDS, 0.0, 1.0)
    light = 0.06 + 0.94 * level
    chroma = (lab[..., 1:].astype(np.float32) - 128.0) * VIVID
    chroma = np.round(chroma / CHROMA_STEP) * CHROMA_STEP
    out = np.empty_like(lab)
    out[..., 0] = np.clip(light * 255.0, 0, 255).astype(np.uint8)
    out[..., 1:] = np.clip(chroma + 128.0, 0, 255).astype(np.uint8)
    return out


def _ink(smooth_bgr, cv2, scale: float) -> np.ndarray:
    """Mask (float32, 1 = paper, 0 = ink) of the outlines: a difference of Gaussians.

    Subtracting a wider blur from a narrow one leaves a thin dark ridge along the dark side of
    every edge; thresholding it softly gives continuous, anti-aliased strokes whose weight
    follows the edge's contrast, while flat (already smoothed) areas stay clean.
    """
    grey = cv2.cvtColor(smooth_bgr, cv2.COLOR_BGR2GRAY).astype(np.float32)
    sigma = max(0.6, 0.9 * scale)
    narrow = cv2.GaussianBlur(grey, (0, 0), sigma)
    wide = cv2.GaussianBlur(grey, (0, 0), sigma * 1.6)
    dog = narrow - wide
    # Edges weaker than INK_THRESHOLD grey levels draw nothing; INK_SOFTNESS more turns them black.
    return np.clip(1.0 - (-dog - INK_THRESHOLD) / INK_SOFTNESS, 0.0, 1.0)


def working_size(width: int, height: int, max_side: int) -> tuple[int, int]:
    """(width, height) scaled down, aspect kept, so the long side is at most `max_side`."""
    long_side = max(width, height)
    if long_side <= max_side:
        return width, height
    k = max_side / long_side
    return max(1, round(width * k)), max(1, round(height * k))


def toon(image: Image.Image, max_side: int = MAX_SIDE,
         report: Callable[[str], None] | None = None) -> Image.Image:
    """`image` (any mode, any size) as a flat-coloured, ink-lined cartoon; same size, alpha kept.

    Pictures whose long side exceeds `max_side` are filtered at that size and scaled back up;
    `report` (if given) is told so in one line.
    """
    try:
        import cv2
    except ImportError:
        raise UserError("the toon filter needs OpenCV, which is not installed",
                        "pip install opencv-python-headless") from None

    rgb, alpha = loading.split_alpha(image)
    arr = np.asarray(rgb)
    h, w = arr.shape[:2]
    if min(h, w) < 8:  # too small for any filter to mean anything
        return loading.join_alpha(rgb.copy(), alpha)
    ww, wh = working_size(w, h, max_side)
    if (ww, wh) != (w, h):
        if report is not None:
            report(f"scaled {w}x{h} to {ww}x{wh} for the toon filter (the result is scaled back to {w}x{h})")
        arr = cv2.resize(arr, (ww, wh), interpolation=cv2.INTER_AREA)
    out = _filter(arr, cv2)
    if (ww, wh) != (w, h):
        out = cv2.resize(out, (w, h), interpolation=cv2.INTER_CUBIC)
    # Alpha stays the original's, at full resolution.
    return loading.join_alpha(Image.fromarray(out, "RGB"), alpha)


def _filter(arr: np.ndarray, cv2) -> np.ndarray:
    """The cartoon of an 8-bit RGB array, same shape."""
    h, w = arr.shape[:2]
    scale = max(h, w) / 512.0
    bgr = cv2.cvtColor(arr, cv2.COLOR_RGB2BGR)
    smooth = _smooth(bgr, cv2, scale)
    lab = cv2.cvtColor(smooth, cv2.COLOR_BGR2LAB)
    # Colour varies slowly compared with lightness; blurring it before rounding keeps the rounded
    # hues from fraying into stripes on gradients such as skies (edges are kept by the lightness).
    lab[..., 1:] = cv2.GaussianBlur(lab[..., 1:], (0, 0), 2.0 * scale)
    cel = _cel(lab)
    # Noise makes band borders ragged; a median keeps the borders where they are but straightens them.
    cel = cv2.medianBlur(cel, max(3, int(round(5 * min(scale, 3.0))) | 1))
    flat = cv2.cvtColor(cel, cv2.COLOR_LAB2RGB).astype(np.float32)
    paper = _ink(smooth, cv2, scale)
    ink_colour = np.array([25, 20, 30], np.float32)  # a soft dark, not pure black
    out = flat * paper[..., None] + ink_colour * (1.0 - paper[..., None])
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)
