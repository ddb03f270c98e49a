"""Writing a file whole or not at all: the one helper every writer of the assistant uses.

A kiosk can lose power at any moment and readers (the window, the gallery page, a second kiosk
on shared storage) can look at any moment, so nothing is ever written in place: the bytes go to
a temporary file with a unique name in the target's folder, are flushed to the disk (fsync), and
the file is renamed over the target, which POSIX makes atomic. A failure removes the temporary
file and leaves the old target, if any, untouched.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from typing import IO, Iterator

TEMP_PREFIX = ".tmp-"  # the gallery clears files of this prefix a killed writer left behind


def create_temp(folder, suffix: str = "", prefix: str = TEMP_PREFIX) -> tuple[int, str]:
    """A new file with a unique name in `folder`, opened for writing: (fd, path).

    Like tempfile.mkstemp, but created with mode 0666 less the umask, as open() would, so a file
    renamed into place gets the same permissions as every other file the assistant writes
    (mkstemp's 0600 would make pictures unreadable to the web server or the person's other
    account while the database beside them is readable).
    """
    folder = os.fspath(folder)
    for _ in range(100):
        path = os.path.join(folder, f"{prefix}{secrets.token_hex(6)}{suffix}")
        try:
            return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666), path
        except FileExistsError:
            continue
    raise FileExistsError(f"no unused temporary name in {folder}")


def _fsync(path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_durably(tmp, path) -> None:
    """Move a finished temporary file (a download's .part, say) over `path`, its bytes on the disk first."""
    _fsync(tmp)
    os.replace(tmp, path)


@contextlib.contextmanager
def temp_path(path, prefix: str = TEMP_PREFIX) -> Iterator[Path]:
    """A temporary path beside `path` for a library that writes by file name (pygame, torch.onnx).

    When the block ends normally the file is fsynced and renamed over `path`; otherwise removed.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = create_temp(path.parent, path.suffix, prefix)
    os.close(fd)
    try:
        yield Path(tmp)
        replace_durably(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


@contextlib.contextmanager
def atomic_write(path, mode: str = "wb", encoding: str | None = None, prefix: str = TEMP_PREFIX) -> Iterator[IO]:
    """An open file that becomes `path` when the block ends normally, and nothing otherwise."""
    if "b" not in mode and encoding is None:
        encoding = "utf-8"
    with temp_path(path, prefix) as tmp, open(tmp, mode, encoding=encoding) as f:
        yield f
        f.flush()


def unused_path(path) -> Path:
    """`path`, or `stem-2.suffix`, `stem-3.suffix`, ... : the first name not taken yet in its folder."""
    path = Path(path)
    candidate, n = path, 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate


def write_text(path, text: str) -> Path:
    with atomic_write(path, "w") as f:
        f.write(text)
    return Path(path)
