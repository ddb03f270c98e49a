"""Getting one weights file onto the disk safely: resumable download or local copy, checksum, rename.

Both paths write to `<file>.part` first and rename it over the final name only after the sha256
matched (or was computed, where the registry knows none), so a half-written file never looks
installed. A download that breaks off resumes from the `.part` with an HTTP Range request, both
within one run (a few retries) and in the next run.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import socket
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
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


def _finish(part: Path, dest: Path, sha256: str, label: str) -> str:
    """Check the finished .part against the expected checksum and move it into place."""
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


def download(url: str, dest: str | Path, sha256: str = "", *, label: str | None = None, retries: int = 3,
             timeout: float = 30.0, show_progress: bool = True) -> str:
    """Fetch `url` to `dest`, resuming a leftover `.part`; returns the file's sha256."""
    dest = Path(dest)
    label = label or dest.name
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = part_path(dest)
    failures = 0
    while True:
        have = part.stat().st_size if part.exists() else 0
        headers = {"User-Agent": USER_AGENT}
        if have:
            headers["Range"] = f"bytes={have}-"
        request = urllib.request.Request(url, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                if have and response.status != 206:
                    have = 0  # the server ignored the range: start over rather than append twice
                length = response.headers.get("Content-Length")
                total = have + int(length) if length is not None else None
                with open(part, "ab" if have else "wb") as out, _progress_bar(total, have, label,
                                                                               show_progress) as bar:
                    while chunk := response.read(CHUNK):
                        out.write(chunk)
                        bar.update(len(chunk))
                    out.flush()
                    os.fsync(out.fileno())
                if total is not None and part.stat().st_size < total:
                    raise http.client.IncompleteRead(b"", total - part.stat().st_size)
            return _finish(part, dest, sha256, label)
        except urllib.error.HTTPError as exc:
            if exc.code == 416 and have:
                # Asked for bytes past the end: a previous run already got the whole file.
                return _finish(part, dest, sha256, label)
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
            if not isinstance(reason, socket.gaierror) and failures < retries:
                failures += 1
                time.sleep(0.3 * failures)
                continue
            raise OfflineError(f"cannot reach {_host(url)} to download {label} ({reason})",
                               "connect this machine to the internet, or copy the weights from one that is "
                               "and run fetch-weights --from DIR") from None
        except (http.client.HTTPException, ConnectionError, TimeoutError, socket.timeout) as exc:
            # The transfer broke off mid-way: keep the .part and resume from where it stopped.
            if failures < retries:
                failures += 1
                time.sleep(0.3 * failures)
                continue
            kept = part.stat().st_size if part.exists() else 0
            raise UserError(f"{label}: the download from {_host(url)} broke off {failures + 1} times "
                            f"({type(exc).__name__}); {kept} bytes are kept",
                            "run fetch-weights again: it resumes where it stopped") from None


def copy_in(src: str | Path, dest: str | Path, sha256: str = "", *, label: str | None = None,
            show_progress: bool = True) -> str:
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
        raise UserError(f"{label}: cannot copy {src} ({exc.strerror})",
                        "check that the folder is readable and the disk has room") from None
    return _finish(part, dest, sha256, label)
