"""Which AnimeGANv2 checkpoint renders each style, and where it is installed (no torch import).

There is no public PyTorch checkpoint for the "hayao" and "shinkai" styles; `STYLE_CHECKPOINTS`
says which released checkpoint stands in for each style (data, so it is easy to change).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

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
