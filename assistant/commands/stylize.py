"""`stylize IN OUT`: a photo (or any picture) in anime style.

Backends: `animegan` (AnimeGANv2, needs a checkpoint from fetch-weights) and `toon` (a classical
cartoon filter, no weights). Without --backend, animegan is used when its checkpoint for the
style is installed, else toon, and stderr says so in one line. OUT's extension picks the format;
it is written to a temporary file beside it and renamed, so OUT is never half written.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from assistant.errors import UserError

_FORMATS_WITHOUT_ALPHA = {"JPEG", "BMP", "PPM", "PCX", "EPS", "PDF"}


def _format_for(path: Path) -> str:
    from PIL import Image

    ext = path.suffix.lower()
    fmt = Image.registered_extensions().get(ext)
    if fmt is None or fmt not in Image.SAVE:
        raise UserError(f"cannot tell which picture format to write for {path} (extension {ext or 'none'!r})",
                        "end OUT with .png, .jpg, .webp, .tif or .bmp")
    return fmt


def _flatten(image, fmt: str):
    """Pictures with alpha over white for formats that cannot store it."""
    from PIL import Image

    if image.mode == "RGBA" and fmt in _FORMATS_WITHOUT_ALPHA:
        paper = Image.new("RGB", image.size, (255, 255, 255))
        paper.paste(image, mask=image.getchannel("A"))
        return paper
    return image


def write_picture(image, path: Path, metadata: dict) -> None:
    """Save `image` at `path` atomically in the format its extension names; UserError on failure."""
    from assistant.image.png import save_atomically, save_png

    fmt = _format_for(path)
    if path.is_dir():
        raise UserError(f"output {path} is a folder", "give a file name such as out.png")
    try:
        if fmt == "PNG":
            save_png(image, path, metadata)
            return
        options = {"quality": 92} if fmt in ("JPEG", "WEBP") else {}
        save_atomically(_flatten(image, fmt), path, fmt, **options)
    except PermissionError:
        raise UserError(f"cannot write {path} (permission denied)",
                        "choose an OUT in a folder you can write to") from None
    except OSError as exc:
        reason = exc.strerror or " ".join(str(exc).split())[:120]
        raise UserError(f"cannot write {path} ({reason})", "check the OUT path and free disk space") from None


def _note(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def run(args, config) -> int:
    from assistant.image import animegan, loading

    style = args.style or config.image.default_style
    out_path = Path(args.output).expanduser()
    _format_for(out_path)  # a bad OUT fails before any slow work
    image = loading.open_picture(Path(args.input).expanduser(), config.image.max_input_megapixels)

    backend = args.backend
    if backend is None:
        if animegan.find_checkpoint(config, style) is not None:
            backend = "animegan"
        else:
            name = animegan.checkpoint_names(style)[0]
            _note(f"note: no AnimeGANv2 weights for style {style!r}, using the toon filter "
                  f"(run 'run_assistant.py fetch-weights {name}' for AnimeGANv2)")
            backend = "toon"

    started = time.perf_counter()
    if backend == "animegan":
        checkpoint = animegan.find_checkpoint(config, style)
        if checkpoint is None:
            raise animegan.missing_weights_error(config, style)
        result = animegan.Stylizer(config, report=_note).stylize(image, style)
        what = f"animegan {style} ({checkpoint.stem})"
    else:
        from assistant.image import toon

        result = toon.toon(image, max_side=config.image.toon_max_side,
                           report=lambda line: _note("note: " + line))
        what = "toon"
    seconds = time.perf_counter() - started
    write_picture(result, out_path, {"backend": backend, "style": style if backend == "animegan" else "toon",
                                     "source": Path(args.input).name})
    print(f"wrote {out_path} ({what}, {result.width}x{result.height}, {seconds:.1f} s)")
    return 0
