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
import enum
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

from assistant.atomic import replace_durably
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
    replace_durably(part, dest)
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


def _size_of(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


@dataclass
class _Transfer:
    """One file's download across its attempts: what every attempt needs and what they learned."""
    url: str
    part: Path
    label: str
    size: int
    limits: Limits
    deadline: float
    retries: int
    show_progress: bool
    failures: int = 0
    resumable: bool = True  # until a server shows it cannot serve ranges

    def keep_if_resumable(self) -> int:
        # A .part helps only a server that can continue it; otherwise it is dead weight on the disk.
        if not self.resumable:
            self.part.unlink(missing_ok=True)
        return _size_of(self.part)

    def retry(self, step_s: float, *, mind_deadline: bool = True) -> bool:
        """Count one more failure and back off before the next attempt, if one is left."""
        if self.failures >= self.retries or (mind_deadline and time.monotonic() >= self.deadline):
            return False
        self.failures += 1
        time.sleep(step_s * self.failures)
        return True


class _Next(enum.Enum):
    """What the loop does after a failed attempt that did not end the download with a UserError."""
    RETRY = "retry"
    FINISH = "finish"  # the .part already holds the whole file


def _resume_point(part: Path, size: int) -> int:
    """How many bytes of the .part a Range request can build on."""
    have = _size_of(part)
    if size and have > size:
        part.unlink()  # longer than the file can be: not a prefix of it
        have = 0
    return have


def _attempt(t: _Transfer, have: int) -> None:
    """One request for the bytes from `have` on into the .part; returns once all of them arrived.

    Raises what broke it off: _WriteFailed, StallError, _Broken or urllib's and http.client's errors."""
    headers = {"User-Agent": USER_AGENT}
    if have:
        headers["Range"] = f"bytes={have}-"
    request = urllib.request.Request(t.url, headers=headers)
    # The socket timeout bounds a silent server; the window and the deadline bound a slow one.
    left = t.deadline - time.monotonic()
    sock_timeout = max(0.05, min(t.limits.timeout_s, t.limits.stall_window_s, left))
    if left <= 0:
        raise StallError("deadline")
    with urllib.request.urlopen(request, timeout=sock_timeout) as response:
        if have and response.status != 206:
            have = 0  # the server ignored the range: start over rather than append twice
        t.resumable = response.status == 206 or \
            response.headers.get("Accept-Ranges", "").strip().lower() == "bytes"
        length = response.headers.get("Content-Length")
        total = have + int(length) if length is not None else (t.size or None)
        _write_body(response, t, have, total)
        got = t.part.stat().st_size
        if total is not None and got < total:
            raise _Broken(f"{got} of {total} bytes")


def _write_body(response, t: _Transfer, have: int, total: int | None) -> None:
    """Append (or, from byte 0, write) the response body to the .part and put it on the disk."""
    try:
        out = open(t.part, "ab" if have else "wb")
    except OSError as exc:
        raise _WriteFailed(exc) from None
    with out, _progress_bar(total, have, t.label, t.show_progress) as bar:
        _copy_stream(response, out, bar, t.limits, t.deadline)
        try:
            out.flush()
            os.fsync(out.fileno())
        except OSError as exc:
            raise _WriteFailed(exc) from None


def _stall_error(t: _Transfer, exc: StallError) -> StallError:
    kept = t.keep_if_resumable()
    note = f"{kept} bytes are kept to resume" if kept else "nothing is kept (the server cannot resume)"
    if str(exc) == "deadline":
        return StallError(f"{t.label}: the download from {_host(t.url)} passed its {t.limits.deadline_s:g} s "
                          f"deadline; {note}",
                          "run fetch-weights again on a faster link, or raise [weights] deadline_s "
                          "(or --deadline)")
    return StallError(f"{t.label}: the download from {_host(t.url)} stalled (under {t.limits.stall_min_bytes} "
                      f"bytes in {t.limits.stall_window_s:g} s); {note}",
                      "check the network or the mirror and run fetch-weights again, or tune [weights] "
                      "stall_window_s / stall_min_bytes (--stall-window / --stall-bytes)")


def _http_error(t: _Transfer, exc: urllib.error.HTTPError) -> UserError:
    if exc.code == 404:
        return UserError(f"{t.label}: {t.url} answered 404 Not Found",
                         "the registry's address is outdated: update weights/registry.toml, set "
                         "[weights] mirror, or install the file with fetch-weights --from DIR")
    return UserError(f"{t.label}: {t.url} answered HTTP {exc.code} {exc.reason}",
                     "try again later, or install the file with fetch-weights --from DIR")


def _offline_error(t: _Transfer, exc: urllib.error.URLError) -> OfflineError:
    return OfflineError(f"cannot reach {_host(t.url)} to download {t.label} ({exc.reason})",
                        "connect this machine to the internet, or copy the weights from one that is "
                        "and run fetch-weights --from DIR")


def _broken_error(t: _Transfer, exc: Exception) -> UserError:
    kept = t.keep_if_resumable()
    note = f"{kept} bytes are kept" if kept else "nothing is kept (the server cannot resume)"
    return UserError(f"{t.label}: the download from {_host(t.url)} broke off {t.failures + 1} times "
                     f"({type(exc).__name__}); {note}",
                     "run fetch-weights again: it resumes where it stopped")


# What one attempt may end with short of success. HTTPError is a URLError, which is an OSError.
_ATTEMPT_FAILURES = (_WriteFailed, StallError, http.client.HTTPException, OSError, _Broken)


def _after_failure(t: _Transfer, exc: BaseException, have: int) -> _Next:
    """Retry, finish or give up after a failed attempt; giving up raises the failure's UserError."""
    if isinstance(exc, _WriteFailed):
        raise _disk_error(exc.error, t.label, t.part, t.keep_if_resumable()) from None
    if isinstance(exc, StallError):
        raise _stall_error(t, exc) from None
    if isinstance(exc, urllib.error.HTTPError):
        if exc.code == 416 and have:
            return _Next.FINISH  # asked for bytes past the end: a previous run already got the whole file
        if exc.code >= 500 and t.retry(0.5, mind_deadline=False):
            return _Next.RETRY
        raise _http_error(t, exc) from None
    if isinstance(exc, urllib.error.URLError):
        # Nothing was received: no route, no DNS, or nothing listening. Retrying a name that
        # does not resolve only wastes time, so only a refused or timed-out connect is retried.
        if not isinstance(exc.reason, socket.gaierror) and t.retry(0.3):
            return _Next.RETRY
        raise _offline_error(t, exc) from None
    # The transfer broke off mid-way (reset, timeout, short body): resume from the .part.
    if t.retry(0.3):
        return _Next.RETRY
    raise _broken_error(t, exc) from None


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
    t = _Transfer(url, part_path(dest), label, size, limits, time.monotonic() + limits.deadline_s, retries,
                  show_progress)
    while True:
        have = _resume_point(t.part, size)
        if size and have == size:
            return _finish(t.part, dest, sha256, label, size)
        try:
            _attempt(t, have)
            return _finish(t.part, dest, sha256, label, size)
        except _ATTEMPT_FAILURES as exc:
            if _after_failure(t, exc, have) is _Next.FINISH:
                return _finish(t.part, dest, sha256, label, size)


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
