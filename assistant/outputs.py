"""Checking output locations up front, so a bad path fails before any work is done."""

from __future__ import annotations

import tempfile
import sys
from pathlib import Path

from assistant.errors import UserError
from assistant.events import JsonLinesSink


def writable_dir(path, option: str) -> Path:
    """Create `path` if needed and prove it is writable; UserError naming `option` otherwise."""
    p = Path(path).expanduser()
    try:
        p.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=p, prefix=".probe-"):
            pass
    except FileExistsError:
        raise UserError(f"{option} {p} is a file, not a folder", f"give {option} a folder path") from None
    except OSError as exc:
        raise UserError(f"{option} {p} is not writable ({exc.strerror or exc})",
                        f"give {option} a folder you can write to") from None
    return p


def open_events_file(path) -> JsonLinesSink:
    """An --events sink appending JSON lines to `path`."""
    p = Path(path).expanduser()
    try:
        if p.parent and not p.parent.exists():
            p.parent.mkdir(parents=True, exist_ok=True)
        stream = open(p, "a", encoding="utf-8")
    except OSError as exc:
        raise UserError(f"--events {p} cannot be written ({exc.strerror or exc})",
                        "give --events a file path in a writable folder") from None
    return JsonLinesSink(stream, close=True, name=str(p))


def exit_status(bus, code: int = 0, stream=None) -> int:
    """`code`, or 1 when a sink lost events: one line each on stderr, at the very end of the run.

    A run whose --events file or gallery could not keep everything did not do all it was asked,
    even if every turn was answered.
    """
    failures = bus.failures if bus is not None else []
    stream = stream or sys.stderr
    for failure in failures:
        print(f"error: {failure.line()}", file=stream, flush=True)
    return code or (1 if failures else 0)
