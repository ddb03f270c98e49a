"""Getting one weights file onto the disk safely: resumable download or local copy, checksum, rename.

Both paths write to `<file>.part` first and rename it over the final name only after the size and
sha256 matched (or the sha256 was computed, where the registry knows none and the user allowed
that), so a half-written file never looks installed. A download that breaks off resumes from the
`.part` with an HTTP Range request, both within one run (a few retries) and in the next run; the
`.part` is kept only where the server can continue it. A stall detector and a deadline end a
transfer that crawls.
"""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import http.client
import os
import socket
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import UserError

CHUNK = 1 << 20
USER_AGENT = "anime-assistant-fetch-weights/0.1"


class OfflineError(UserError):
    """The host cannot be reached at all: no network, no DNS, or nothing listening."""


class ChecksumError(UserError):
    """The bytes arrived but are not the file the registry describes."""


def part_path(dest: Path) -> Path:
    return dest.with_name(dest.name + ".part")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _progress_bar(total: int | None, initial: int, label: str, show: bool):
    from tqdm import tqdm

    # disable=None lets tqdm switch itself off when stderr is not a terminal (logs, kiosks).
    return tqdm(total=total, initial=initial, unit="B", unit_scale=True, unit_divisor=1024, desc=label,
                disable=None if show else True, file=sys.stderr, leave=False)


@dataclass(frozen=True)
class Limits:
    """When a transfer counts as dead. A per-read socket timeout alone lets a server that sends a
    byte every few seconds hold the command forever, so a slow window and an overall deadline too."""
    timeout_s: float = 30.0        # connect, and the longest wait for any single read
    stall_window_s: float = 60.0   # a window in which at least stall_min_bytes must arrive...
    stall_min_bytes: int = 16384
    deadline_s: float = 21600.0    # ...and the whole file (all retries) within this


class StallError(UserError):
    """The server sends too slowly (stall detector) or the deadline passed."""


def _finish(part: Path, dest: Path, sha256: str, label: str, size: int = 0) -> str:
    """Check the finished .part against the expected size and checksum and move it into place."""
    got = part.stat().st_size
    if size and got != size:
        part.unlink(missing_ok=True)
        raise ChecksumError(f"{label}: {got} bytes arrived, the registry expects {size}; the file was removed",
                            "run fetch-weights again; if it repeats, the source serves a different file than the "
                            "registry describes (check the mirror or the registry entry)")
    digest = sha256_of(part)
    if sha256 and digest != sha256.lower():
        part.unlink(missing_ok=True)
        raise ChecksumError(
            f"{label}: checksum mismatch (expected sha256 {sha256[:16]}…, got {digest[:16]}…); "
            f"the damaged file was removed",
            "run fetch-weights again; if it repeats, the source serves a different file than the registry "
            "describes (check the mirror or the registry entry)")
    os.replace(part, dest)
    return digest


def _host(url: str) -> str:
    return urllib.parse.urlsplit(url).netloc or url


def _disk_error(exc: OSError, label: str, part: Path, kept: int) -> UserError:
    left = f"{kept} bytes are kept to resume" if kept else "nothing is kept"
    if exc.errno == errno.ENOSPC:
        return UserError(f"{label}: the disk holding {part.parent} is full; {left}",
                         "free some space there (or set [weights] dir to a bigger disk) and run fetch-weights again")
    return UserError(f"{label}: cannot write {part} ({exc.strerror or exc}); {left}",
                     "check that the weights folder is writable ([weights] dir) and run fetch-weights again")


class _Broken(Exception):
    """The transfer ended early in a way a Range request can continue."""


class _WriteFailed(Exception):
    """Writing the .part failed (full disk, read-only folder): not the network's fault."""

    def __init__(self, error: OSError):
        super().__init__(str(error))
        self.error = error


def _copy_stream(response, out, bar, limits: Limits, deadline: float) -> None:
    window_start, window_bytes = time.monotonic(), 0
    while True:
        # read1 returns what has arrived; read(n) would wait for all n bytes however slowly they come.
        chunk = response.read1(CHUNK)
        now = time.monotonic()
        if chunk:
            try:
                out.write(chunk)
            except OSError as exc:
                raise _WriteFailed(exc) from None
            bar.update(len(chunk))
            window_bytes += len(chunk)
        if now > deadline:
            raise StallError("deadline")
        if now - window_start >= limits.stall_window_s:
            if window_bytes < limits.stall_min_bytes:
                raise StallError("stall")
            window_start, window_bytes = now, 0
        if not chunk:
            return


def download(url: str, dest: str | Path, sha256: str = "", *, label: str | None = None, retries: int = 3,
             timeout: float | None = None, show_progress: bool = True, size: int = 0,
             limits: Limits | None = None) -> str:
    """Fetch `url` to `dest`, resuming a leftover `.part`; returns the file's sha256.

    `size` (bytes, 0 = unknown) and `sha256` ("" = unknown) describe the file as the registry knows
    it; a transfer that ends short of `size` is a break to resume, never an installed file."""
    limits = limits or Limits()
    if timeout is not None:
        limits = dataclasses.replace(limits, timeout_s=timeout)
    dest = Path(dest)
    label = label or dest.name
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = part_path(dest)
    failures = 0
    resumable = True  # until a server shows it cannot serve ranges
    deadline = time.monotonic() + limits.deadline_s

    def keep_if_resumable() -> int:
        # A .part helps only a server that can continue it; otherwise it is dead weight on the disk.
        if not resumable:
            part.unlink(missing_ok=True)
        return part.stat().st_size if part.exists() else 0

    while True:
        have = part.stat().st_size if part.exists() else 0
        if size and have > size:
            part.unlink()  # longer than the file can be: not a prefix of it
            have = 0
        if size and have == size:
            return _finish(part, dest, sha256, label, size)
        headers = {"User-Agent": USER_AGENT}
        if have:
            headers["Range"] = f"bytes={have}-"
        request = urllib.request.Request(url, headers=headers)
        # The socket timeout bounds a silent server; the window and the deadline bound a slow one.
        left = deadline - time.monotonic()
        sock_timeout = max(0.05, min(limits.timeout_s, limits.stall_window_s, left))
        try:
            if left <= 0:
                raise StallError("deadline")
            with urllib.request.urlopen(request, timeout=sock_timeout) as response:
                if have and response.status != 206:
                    have = 0  # the server ignored the range: start over rather than append twice
                resumable = response.status == 206 or \
                    response.headers.get("Accept-Ranges", "").strip().lower() == "bytes"
                length = response.headers.get("Content-Length")
                total = have + int(length) if length is not None else (size or None)
                try:
                    out = open(part, "ab" if have else "wb")
                except OSError as exc:
                    raise _WriteFailed(exc) from None
                with out, _progress_bar(total, have, label, show_progress) as bar:
                    _copy_stream(response, out, bar, limits, deadline)
                    try:
                        out.flush()
                        os.fsync(out.fileno())
                    except OSError as exc:
                        raise _WriteFailed(exc) from None
                got = part.stat().st_size
                if total is not None and got < total:
                    raise _Broken(f"{got} of {total} bytes")
            return _finish(part, dest, sha256, label, size)
        except _WriteFailed as exc:
            raise _disk_error(exc.error, label, part, keep_if_resumable()) from None
        except StallError as exc:
            kept = keep_if_resumable()
            note = f"{kept} bytes are kept to resume" if kept else "nothing is kept (the server cannot resume)"
            if str(exc) == "deadline":
                raise StallError(f"{label}: the download from {_host(url)} passed its {limits.deadline_s:g} s "
                                 f"deadline; {note}",
                                 "run fetch-weights again on a faster link, or raise [weights] deadline_s "
                                 "(or --deadline)") from None
            raise StallError(f"{label}: the download from {_host(url)} stalled (under {limits.stall_min_bytes} "
                             f"bytes in {limits.stall_window_s:g} s); {note}",
                             "check the network or the mirror and run fetch-weights again, or tune [weights] "
                             "stall_window_s / stall_min_bytes (--stall-window / --stall-bytes)") from None
        except urllib.error.HTTPError as exc:
            if exc.code == 416 and have:
                # Asked for bytes past the end: a previous run already got the whole file.
                return _finish(part, dest, sha256, label, size)
            if exc.code == 404:
                raise UserError(f"{label}: {url} answered 404 Not Found",
                                "the registry's address is outdated: update weights/registry.toml, set "
                                "[weights] mirror, or install the file with fetch-weights --from DIR") from None
            if exc.code >= 500 and failures < retries:
                failures += 1
                time.sleep(0.5 * failures)
                continue
            raise UserError(f"{label}: {url} answered HTTP {exc.code} {exc.reason}",
                            "try again later, or install the file with fetch-weights --from DIR") from None
        except urllib.error.URLError as exc:
            # Nothing was received: no route, no DNS, or nothing listening. Retrying a name that
            # does not resolve only wastes time, so only a refused or timed-out connect is retried.
            reason = exc.reason
            if not isinstance(reason, socket.gaierror) and failures < retries and time.monotonic() < deadline:
                failures += 1
                time.sleep(0.3 * failures)
                continue
            raise OfflineError(f"cannot reach {_host(url)} to download {label} ({reason})",
                               "connect this machine to the internet, or copy the weights from one that is "
                               "and run fetch-weights --from DIR") from None
        except (http.client.HTTPException, OSError, _Broken) as exc:
            # The transfer broke off mid-way (reset, timeout, short body): resume from the .part.
            if failures < retries and time.monotonic() < deadline:
                failures += 1
                time.sleep(0.3 * failures)
                continue
            kept = keep_if_resumable()
            note = f"{kept} bytes are kept" if kept else "nothing is kept (the server cannot resume)"
            raise UserError(f"{label}: the download from {_host(url)} broke off {failures + 1} times "
                            f"({type(exc).__name__}); {note}",
                            "run fetch-weights again: it resumes where it stopped") from None


def copy_in(src: str | Path, dest: str | Path, sha256: str = "", *, label: str | None = None,
            show_progress: bool = True, size: int = 0) -> str:
    """Install a file from a local folder or USB stick the same safe way; returns its sha256."""
    src, dest = Path(src), Path(dest)
    label = label or dest.name
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = part_path(dest)
    try:
        with open(src, "rb") as fin, open(part, "wb") as out, \
                _progress_bar(src.stat().st_size, 0, label, show_progress) as bar:
            while chunk := fin.read(CHUNK):
                out.write(chunk)
                bar.update(len(chunk))
            out.flush()
            os.fsync(out.fileno())
    except OSError as exc:
        part.unlink(missing_ok=True)
        if exc.errno == errno.ENOSPC:
            raise _disk_error(exc, label, part, 0) from None
        raise UserError(f"{label}: cannot copy {src} ({exc.strerror})",
                        "check that the folder is readable and the disk has room") from None
    return _finish(part, dest, sha256, label, size)
