"""What travels on the render queue: one JSON object per picture, checked by the worker before it draws.

A job names the picture, never how to draw it: the attribute record, the style, the seed, the
size and the kiosk that asked. The worker builds the prompt itself from the record, so nothing
put on the queue by hand can reach the model except words from the attribute schema. Messages
back to the kiosk (progress, the picture, a refusal) go on a Redis list named after the task id.
"""

from __future__ import annotations

import dataclasses
import json
import re

from assistant.config import ImageConfig
from dialog import attributes as schema
from dialog.attributes import STYLES

TASK_NAME = "anime_assistant.render"
VERSION = 1
MAX_JOB_BYTES = 16 * 1024  # a full record is well under 1 KiB; anything bigger is not ours
_KIOSK_ID = re.compile(r"[A-Za-z0-9._@:-]{1,64}")
_FIELDS = ("v", "attributes", "style", "seed", "width", "height", "kiosk")
_SEED_MAX = 2**63 - 1


def reply_key(task_id: str) -> str:
    return f"anime-assistant:reply:{task_id}"


def cancel_key(task_id: str) -> str:
    return f"anime-assistant:cancel:{task_id}"


def busy_key(worker: str) -> str:
    """Holds the task id a worker is drawing (for doctor and operators), gone when it is idle."""
    return f"anime-assistant:busy:{worker}"


class JobRefused(ValueError):
    """The worker will not draw this job; the message says why."""


def make_job(attributes: dict, style: str, seed: int, width: int, height: int, kiosk: str) -> dict:
    return {"v": VERSION, "attributes": attributes, "style": style, "seed": seed,
            "width": width, "height": height, "kiosk": kiosk}


def _size_bounds(name: str) -> tuple[int, int, int]:
    f = {f.name: f for f in dataclasses.fields(ImageConfig)}[name]
    lo, hi = f.metadata["range"]
    return lo, hi, f.metadata["step"] or 1


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_job(job) -> dict:
    """The job, normalised, or JobRefused naming the first problem (the bounds are [image]'s)."""
    size = len(json.dumps(job, ensure_ascii=False).encode("utf-8"))
    if size > MAX_JOB_BYTES:
        raise JobRefused(f"job of {size} bytes is over the {MAX_JOB_BYTES}-byte limit")
    if not isinstance(job, dict):
        raise JobRefused(f"a job is a JSON object, not {type(job).__name__}")
    if set(job) != set(_FIELDS):
        raise JobRefused("a job has exactly the fields " + ", ".join(_FIELDS) +
                         f" (got {', '.join(sorted(map(str, job)))})")
    if job["v"] != VERSION:
        raise JobRefused(f"job version {job['v']!r} is not {VERSION} (update the kiosk or the worker)")
    if not isinstance(job["attributes"], dict):
        raise JobRefused("attributes must be a JSON object")
    try:
        record = schema.validate(job["attributes"])
    except schema.InvalidRecord as exc:
        raise JobRefused(f"attributes: {exc}") from None
    except TypeError as exc:  # a set slot given a number, say
        raise JobRefused(f"attributes: {exc}") from None
    if job["style"] not in STYLES:
        raise JobRefused(f"style {job['style']!r} is not one of {', '.join(STYLES)}")
    if not _whole(job["seed"]) or not 0 <= job["seed"] <= _SEED_MAX:
        raise JobRefused(f"seed {job['seed']!r} is not a whole number from 0 to {_SEED_MAX}")
    for name in ("width", "height"):
        lo, hi, step = _size_bounds(name)
        value = job[name]
        if not _whole(value) or not lo <= value <= hi or value % step:
            raise JobRefused(f"{name} {value!r} is not a whole number from {lo} to {hi} in steps of {step}")
    if not isinstance(job["kiosk"], str) or not _KIOSK_ID.fullmatch(job["kiosk"]):
        raise JobRefused("kiosk must be 1 to 64 letters, digits or ._@:-")
    return {**job, "attributes": record}
