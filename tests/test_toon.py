"""The weight-free cartoon filter on a photo-like picture and on every picture mode."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

pytest.importorskip("cv2")

from assistant.image.toon import toon  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def photo(w: int = 512, h: int = 384) -> Image.Image:
    """Sky gradient, hills, a sun, a house with a window, a tree; sensor noise and soft focus."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    arr = np.stack([110 + 90 * y / h, 160 + 60 * y / h, 240 - 20 * y / h], -1)
    im = Image.fromarray(arr.astype(np.uint8), "RGB")
    d = ImageDraw.Draw(im)
    d.ellipse((w * 0.72, h * 0.08, w * 0.86, h * 0.08 + w * 0.14), fill=(255, 226, 120))
    d.polygon([(0, h * 0.62), (w * 0.3, h * 0.45), (w * 0.6, h * 0.6), (w, h * 0.5), (w, h), (0, h)],
              fill=(88, 150, 70))
    d.rectangle((w * 0.18, h * 0.42, w * 0.46, h * 0.78), fill=(214, 190, 150))
    d.polygon([(w * 0.14, h * 0.43), (w * 0.32, h * 0.25), (w * 0.5, h * 0.43)], fill=(160, 60, 50))
    d.rectangle((w * 0.24, h * 0.5, w * 0.32, h * 0.6), fill=(90, 140, 200))
    d.rectangle((w * 0.36, h * 0.58, w * 0.42, h * 0.78), fill=(110, 70, 40))
    d.rectangle((w * 0.7, h * 0.5, w * 0.73, h * 0.8), fill=(100, 70, 40))
    d.ellipse((w * 0.62, h * 0.3, w * 0.81, h * 0.56), fill=(40, 120, 50))
    im = im.filter(ImageFilter.GaussianBlur(1.2))
    noisy = np.asarray(im).astype(np.float32) + np.random.default_rng(0).normal(0, 7, (h, w, 3))
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8), "RGB")


def test_toon_flattens_colours_and_draws_ink():
    src = photo()
    out = toon(src)
    assert out.size == src.size and out.mode == "RGB"
    ARTIFACTS.mkdir(exist_ok=True)
    side = Image.new("RGB", (src.width * 2, src.height))
    side.paste(src, (0, 0))
    side.paste(out, (src.width, 0))
    side.save(ARTIFACTS / "toon_photo.png")
    a = np.asarray(out).astype(np.int32)
    s = np.asarray(src).astype(np.int32)
    # flat areas: sensor noise is gone (neighbouring pixels in the sky nearly equal)
    sky = (slice(10, 60), slice(10, 200))
    assert np.abs(np.diff(a[sky], axis=1)).mean() < 0.3 * np.abs(np.diff(s[sky], axis=1)).mean()
    # few tones: far fewer distinct colours than the noisy photo
    assert len(np.unique(a.reshape(-1, 3), axis=0)) < 0.25 * len(np.unique(s.reshape(-1, 3), axis=0))
    # ink: the house's wall/sky border (column ~0.18 w) gets a dark line, the open sky does not
    lum = a.mean(axis=2)
    border = lum[int(384 * 0.5):int(384 * 0.7), int(512 * 0.18) - 4:int(512 * 0.18) + 4].min(axis=1)
    assert np.median(border) < 90
    assert lum[sky].min() > 120


@pytest.mark.parametrize("mode", ["L", "RGBA", "CMYK", "P", "I;16", "tiny"])
def test_toon_takes_every_mode(mode):
    src = photo(96, 64)
    if mode == "RGBA":
        src = src.convert("RGBA")
        src.putalpha(Image.linear_gradient("L").resize(src.size))
    elif mode == "I;16":
        grey = (np.asarray(src.convert("L")).astype(np.uint16) * 257)
        src = Image.frombytes("I;16", src.size, grey.tobytes())
    elif mode == "tiny":
        src = Image.new("RGB", (3, 2), (200, 10, 10))
    else:
        src = src.convert(mode)
    out = toon(src)
    assert out.size == src.size
    if mode == "RGBA":
        assert out.mode == "RGBA"
        assert np.array_equal(np.asarray(out.getchannel("A")), np.asarray(src.getchannel("A")))
    else:
        assert out.mode == "RGB"
    if mode == "I;16":  # scaled down from 16 bits, not clipped to white
        assert np.asarray(out).mean() < 230


def test_large_picture_is_filtered_at_the_working_size_and_scaled_back():
    src = photo(1024, 768).convert("RGBA")
    src.putalpha(Image.linear_gradient("L").resize(src.size))
    said = []
    out = toon(src, max_side=512, report=said.append)
    assert out.size == src.size and out.mode == "RGBA"
    assert said == ["scaled 1024x768 to 512x384 for the toon filter (the result is scaled back to 1024x768)"]
    # Alpha is the original's, at full resolution, not a scaled copy.
    assert np.array_equal(np.asarray(out.getchannel("A")), np.asarray(src.getchannel("A")))
    # The scaled-back cartoon looks like the one filtered at full size: same flat colours, same ink.
    full = np.asarray(toon(src, max_side=4096).convert("RGB")).astype(np.int32)
    diff = np.abs(np.asarray(out.convert("RGB")).astype(np.int32) - full)
    assert diff.mean() < 6 and np.median(diff) <= 2


def test_picture_within_the_working_size_is_not_scaled():
    said = []
    src = photo(200, 120)
    out = toon(src, max_side=200, report=said.append)
    assert said == [] and out.size == src.size
    assert np.array_equal(np.asarray(out), np.asarray(toon(src)))
