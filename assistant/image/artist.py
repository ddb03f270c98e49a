"""Turns an attribute record into a picture file, choosing the backend per the configuration.

Fallback order: `sd` (Stable Diffusion, then AnimeGANv2 when its weights are present) when text-
to-image weights exist, else the built-in `sketch` renderer that needs no weights at all. The
plan (prompt, backend, style, seed) is made before drawing so the dialog can announce it in the
`generate` event; the heavy backends are imported only when they are used.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from assistant.atomic import unused_path
from assistant.config import Config
# Cancelled lives in a leaf module (sd raises it too); re-exported here for the artist's callers.
from assistant.image.cancel import Cancelled
from dialog import prompts

Progress = Callable[[int, int], None]


@dataclass
class Plan:
    prompt: str
    negative_prompt: str
    backend: str
    style: str
    seed: int
    width: int
    height: int


@dataclass
class Picture:
    path: Path
    backend: str
    style: str
    seconds: float
    # A phrase (voices/*.toml key) the dialog says before presenting the picture, e.g. that it
    # was sketched here because the shared render pool did not answer.
    note: str | None = None


def seed_for(attributes: dict) -> int:
    """A stable seed per description, so the same words redraw the same picture."""
    blob = json.dumps(attributes, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return int.from_bytes(hashlib.sha256(blob).digest()[:4], "big") & 0x7FFFFFFF


def _slug(attributes: dict) -> str:
    words = [attributes.get(k) for k in ("hair_color", "subject", "action", "setting")]
    text = "-".join(str(w).replace(" ", "_") for w in words if w)
    return text or "picture"


class Artist:
    def __init__(self, config: Config):
        self._config = config
        self._sd = None  # loaded lazily, kept warm between pictures
        self._stylizer = None  # AnimeGANv2 engines, likewise
        self._lock = threading.Lock()

    def backend_name(self) -> str:
        choice = self._config.image.backend
        if choice == "sketch":
            return "sketch"
        from assistant.image import sd

        if choice == "sd" or sd.find_model(self._config) is not None:
            return "sd"
        return "sketch"

    def plan(self, attributes: dict, seed: int | None = None) -> Plan:
        style = attributes.get("style") or self._config.image.default_style
        prompt, negative = prompts.build_prompt(attributes, style)
        if seed is None:
            seed = self._config.image.seed if self._config.image.seed >= 0 else seed_for(attributes)
        return Plan(prompt=prompt, negative_prompt=negative, backend=self.backend_name(), style=style,
                    seed=seed, width=self._config.image.width, height=self._config.image.height)

    def render(self, plan: Plan, attributes: dict, out_dir: str | Path,
               progress: Progress | None = None, cancel: threading.Event | None = None) -> Picture:
        from assistant.image.png import save_png

        progress = progress or (lambda step, total: None)
        cancel = cancel or threading.Event()
        started = time.perf_counter()
        with self._lock:
            if plan.backend == "sd":
                image = self._render_sd(plan, progress, cancel)
            else:
                from assistant.image import sketch

                progress(0, 1)
                image = sketch.render(attributes, seed=plan.seed, width=plan.width, height=plan.height,
                                      style=plan.style)
                progress(1, 1)
        if cancel.is_set():
            raise Cancelled()
        out = Path(out_dir)
        name = f"{time.strftime('%Y%m%d-%H%M%S')}-{plan.seed}-{_slug(attributes)}.png"
        path = unused_path(out / name)
        save_png(image, path, {
            "attributes": attributes, "prompt": plan.prompt, "negative_prompt": plan.negative_prompt,
            "seed": str(plan.seed), "backend": plan.backend, "style": plan.style,
        })
        return Picture(path=path, backend=plan.backend, style=plan.style,
                       seconds=round(time.perf_counter() - started, 3))

    def _render_sd(self, plan: Plan, progress: Progress, cancel: threading.Event):
        from assistant.image import animegan, sd

        if self._sd is None:
            self._sd = sd.SdBackend(self._config)
        image = self._sd.generate(plan.prompt, plan.negative_prompt, seed=plan.seed, width=plan.width,
                                  height=plan.height, progress=progress, cancel=cancel)
        if cancel.is_set():
            raise Cancelled()
        if self._config.image.animegan_after_sd:
            checkpoint = animegan.find_checkpoint(self._config, plan.style)
            if checkpoint is not None:
                if self._stylizer is None:
                    self._stylizer = animegan.Stylizer(self._config)
                image = self._stylizer.stylize(image, plan.style)
        return image

    def release(self) -> None:
        """Free a loaded text-to-image model (kiosks call this when idle for long)."""
        with self._lock:
            if self._sd is not None:
                self._sd.release()
                self._sd = None
            if self._stylizer is not None:
                self._stylizer.release()
                self._stylizer = None
