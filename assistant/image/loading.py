"""Reading pictures people hand us, whatever their file format, mode and orientation.

Phones write the camera's orientation into EXIF instead of rotating the pixels, scanners write
16-bit greyscale, print shops CMYK, and GIFs use palettes with a transparent index. Everything
downstream wants 8-bit RGB plus an optional alpha channel, the right way up; this module is the
one place that gets there, and the one place that turns unreadable files into one clear line.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from assistant.errors import UserError

# Modes Pillow can convert to RGB itself without losing anything that matters here.
_DIRECT_RGB = {"RGB", "CMYK", "YCbCr", "LAB", "HSV", "L", "1"}
# Modes whose samples are wider than 8 bits: converted by scaling, since Pillow's own
# conversion to "L" clips every value above 255 to white.
_WIDE = {"I;16", "I;16L", "I;16B", "I;16N", "I", "F"}
_ORIENTATION = 0x0112  # EXIF tag


# Pillow refuses pictures above this many megapixels itself (twice its MAX_IMAGE_PIXELS).
PIL_LIMIT_MP = 2 * Image.MAX_IMAGE_PIXELS / 1e6 if Image.MAX_IMAGE_PIXELS else float("inf")
LIMIT_KEY = "[image] max_input_megapixels"


def _too_big(p: Path, size: tuple[int, int] | None, limit_mp: float) -> UserError:
    shape = f"{size[0]}x{size[1]} ({size[0] * size[1] / 1e6:.1f} megapixels)" if size else "too large"
    return UserError(f"input picture {p} is {shape}, more than the {limit_mp:g}-megapixel limit",
                     f"scale it down first, or raise {LIMIT_KEY} (at most {int(PIL_LIMIT_MP)})")


def open_picture(path: str | os.PathLike, max_megapixels: float | None = None) -> Image.Image:
    """Open and fully decode the picture at `path`, the right way up; UserError if it cannot be.

    A picture with more than `max_megapixels` is refused from its header, before it is decoded,
    so an oversized upload costs neither the memory nor the minutes.
    """
    p = Path(path)
    fix = "give the path of a readable picture file (PNG, JPEG, WebP, GIF, TIFF, BMP)"
    if not p.exists():
        raise UserError(f"input picture {p} does not exist", fix)
    if p.is_dir():
        raise UserError(f"input picture {p} is a folder, not a file", fix)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(p) as im:
                if max_megapixels is not None and im.width * im.height > max_megapixels * 1e6:
                    raise _too_big(p, im.size, max_megapixels)
                im.load()  # decode now, so truncated files fail here and not halfway through
                image = ImageOps.exif_transpose(im)
                if image is im:
                    image = im.copy()
    except Image.DecompressionBombError:
        raise _too_big(p, None, min(max_megapixels or PIL_LIMIT_MP, PIL_LIMIT_MP)) from None
    except UnidentifiedImageError:
        raise UserError(f"input {p} is not a picture Pillow can read", fix) from None
    except PermissionError:
        raise UserError(f"input picture {p} cannot be read (permission denied)",
                        "check the file's permissions") from None
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        reason = " ".join(str(exc).split())[:120] or type(exc).__name__
        raise UserError(f"input picture {p} is damaged or truncated ({reason})",
                        "use an intact copy of the picture") from None
    if image.width < 1 or image.height < 1:
        raise UserError(f"input picture {p} is empty (0 pixels)", fix)
    return image


def _wide_to_l(image: Image.Image) -> Image.Image:
    a = np.asarray(image)
    if a.dtype.kind == "f":
        top = 1.0 if float(np.nanmax(a, initial=0.0)) <= 1.0 else 255.0
        a = np.nan_to_num(a) / top * 255.0
    elif image.mode.startswith("I;16") or a.max(initial=0) > 255:
        # 16-bit samples (also 32-bit "I" images that hold 16-bit data, as PNG decoding gives)
        a = a.astype(np.float64) / 257.0
    return Image.fromarray(np.clip(np.rint(a), 0, 255).astype(np.uint8), "L")


def split_alpha(image: Image.Image) -> tuple[Image.Image, Image.Image | None]:
    """(8-bit RGB image, alpha as mode "L" or None) for a picture of any mode, upright."""
    if image.getexif().get(_ORIENTATION, 1) != 1:
        image = ImageOps.exif_transpose(image)
    mode = image.mode
    if mode == "P":
        has_alpha = "transparency" in image.info or image.palette.mode == "RGBA"
        image = image.convert("RGBA" if has_alpha else "RGB")
        mode = image.mode
    elif mode in ("LA", "La", "RGBa", "PA"):
        image = image.convert("RGBA")
        mode = "RGBA"
    elif mode in ("L", "1") and "transparency" in image.info:
        image = image.convert("RGBA")
        mode = "RGBA"
    if mode == "RGBA":
        return image.convert("RGB"), image.getchannel("A")
    if mode in _WIDE:
        return _wide_to_l(image).convert("RGB"), None
    if mode in _DIRECT_RGB:
        return image.convert("RGB"), None
    try:
        return image.convert("RGB"), None
    except (ValueError, OSError):
        raise UserError(f"pictures in colour mode {mode!r} are not supported",
                        "save the picture as RGB (PNG or JPEG) first") from None


def join_alpha(rgb: Image.Image, alpha: Image.Image | None) -> Image.Image:
    """`rgb` with `alpha` put back (resized to fit, in case the RGB was resampled)."""
    if alpha is None:
        return rgb
    if alpha.size != rgb.size:
        alpha = alpha.resize(rgb.size, Image.Resampling.BILINEAR)
    out = rgb.convert("RGBA")
    out.putalpha(alpha)
    return out
