"""Every finished picture, kept: a SQLite index (WAL mode) beside the pictures folder.

A kiosk runs for days and can lose power at any moment, so every write is one short transaction
(BEGIN IMMEDIATE, synchronous=FULL): after a crash a row is either whole or absent, and the
database always opens. Pictures themselves are already written atomically by `save_png`.
Several writers (the daemon, a `chat` run, an export) share the file through busy_timeout.

`Gallery.subscribe(bus)` records each `image` event together with what led to it: the last
transcript that described or corrected the picture, its language, and the prompt and seed of the
`generate` event. Recorded speech is never kept unless [gallery] keep_audio is on.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import sqlite3
import threading
import time
import urllib.parse
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

from assistant.errors import UserError
from assistant.events import SinkError
from assistant.atomic import TEMP_PREFIX, atomic_write, write_text
from dialog import events as ev

DB_NAME = "gallery.sqlite3"
BUSY_TIMEOUT_MS = 10000
SCHEMA_VERSION = 1
ORPHAN_AGE_S = 15 * 60  # far longer than any one picture or export takes to write
INT64_MAX = 2**63 - 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pictures (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    path            TEXT NOT NULL,
    attributes      TEXT NOT NULL DEFAULT '{}',
    transcript      TEXT NOT NULL DEFAULT '',
    language        TEXT NOT NULL DEFAULT '',
    prompt          TEXT NOT NULL DEFAULT '',
    negative_prompt TEXT NOT NULL DEFAULT '',
    backend         TEXT NOT NULL DEFAULT '',
    style           TEXT NOT NULL DEFAULT '',
    seed            INTEGER,
    seconds         REAL,
    audio_path      TEXT,
    created         REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS pictures_created ON pictures (created);
"""
_COLUMNS = ("id", "path", "attributes", "transcript", "language", "prompt", "negative_prompt", "backend",
            "style", "seed", "seconds", "audio_path", "created")


@dataclass
class PictureRecord:
    id: int
    path: str
    attributes: dict
    transcript: str
    language: str
    prompt: str
    negative_prompt: str
    backend: str
    style: str
    seed: int | None
    seconds: float | None
    audio_path: str | None
    created: float

    def created_text(self) -> str:
        return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.created))

    def caption(self) -> str:
        """The picture's description in the speaker's language, as the dialog said it."""
        from dialog.phrasing import describe

        try:
            return describe(self.attributes, self.language or "en")
        except Exception:  # noqa: BLE001 - a row written by an older version must still list
            return ", ".join(str(v) for v in self.attributes.values())

    def as_dict(self) -> dict:
        d = asdict(self)
        d["created_text"] = self.created_text()
        return d


def database_path(config) -> Path:
    return Path(config.general.data_dir).expanduser() / DB_NAME


class Gallery:
    """The gallery index. `readonly=True` (list, show, export) opens the file as it is, read-only:
    it works in a read-only folder and never creates a schema, so a file that is not a gallery
    is reported, not silently turned into an empty one."""

    def __init__(self, config, path: str | os.PathLike | None = None, clock=time.time, readonly: bool = False):
        self.config = config
        self.path = Path(path) if path else database_path(config)
        self.readonly = readonly
        self._clock = clock
        self._lock = threading.Lock()
        self._pending: dict = {}
        self._bus = None
        if readonly:
            self._db = self._open_readonly()
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # A 0-byte file holds nothing to lose (a run killed before its first write): it is
            # initialised like a missing one. Read paths say what it is instead.
            self._db = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_MS / 1000,
                                       isolation_level=None, check_same_thread=False)
            self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = FULL")
            with self._transaction():
                for stmt in filter(None, (s.strip() for s in _SCHEMA.split(";"))):
                    self._db.execute(stmt)
                self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except sqlite3.DatabaseError as exc:
            raise UserError(f"the gallery database {self.path} cannot be opened ({exc})",
                            "move the file aside (the pictures themselves are kept in "
                            f"{config.pictures_dir()}) and start again") from None
        self._clean_orphans()

    def _open_readonly(self):
        path = self.path
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            raise UserError(f"there is no gallery at {path}", "draw a picture first, or check [general] data_dir") \
                from None
        except OSError as exc:
            raise UserError(f"the gallery database {path} cannot be read ({exc.strerror or exc})",
                            "check its permissions, or [general] data_dir") from None
        if size == 0:
            raise UserError(f"the gallery database {path} is empty (0 bytes): it is not a gallery, no picture "
                            "was ever recorded in it or it was cut short",
                            f"if it was copied from elsewhere, copy it again; otherwise delete it (the next "
                            f"picture starts a new gallery; the pictures are kept in {self.config.pictures_dir()})")
        uri = "file:" + urllib.parse.quote(str(path.resolve())) + "?mode=ro"
        try:
            db = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                 check_same_thread=False)
            try:
                tables = self._tables(db)
            except sqlite3.OperationalError:
                # WAL needs a -shm file beside the database; in a read-only folder (or filesystem)
                # it cannot be made. With no -wal file there is no unfinished write to see: the
                # file is read as it stands.
                if Path(str(path) + "-wal").exists():
                    raise
                db.close()
                db = sqlite3.connect(uri + "&immutable=1", uri=True, isolation_level=None,
                                     check_same_thread=False)
                tables = self._tables(db)
        except sqlite3.DatabaseError as exc:
            raise self._damaged(exc) from None
        if "pictures" not in tables:
            db.close()
            raise UserError(f"{path} is an SQLite database but not a gallery (it has no pictures table)",
                            "give [general] data_dir a folder of its own, or move the file aside")
        return db

    @staticmethod
    def _tables(db) -> set:
        return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}

    def _damaged(self, exc: Exception) -> UserError:
        if isinstance(exc, sqlite3.OperationalError) and "malformed" not in str(exc):
            return UserError(f"the gallery database {self.path} cannot be read ({exc})",
                             "check the permissions of the file and its folder, or [general] data_dir")
        if "not a database" in str(exc):
            return UserError(f"the gallery database {self.path} cannot be opened ({exc})",
                             "move the file aside (the pictures themselves are kept in "
                             f"{self.config.pictures_dir()}) and start again")
        return UserError(f"the gallery database {self.path} is damaged ({exc})",
                         f"move it aside (mv {self.path} {self.path}.damaged) and draw again; `sqlite3 "
                         f"{self.path} .recover` may rescue its rows; the pictures are kept in "
                         f"{self.config.pictures_dir()}")

    def _read(self, sql: str, params=()):
        with self._lock:
            try:
                return self._db.execute(sql, params).fetchall()
            except sqlite3.DatabaseError as exc:
                raise self._damaged(exc) from None

    def _clean_orphans(self) -> None:
        """Remove temporary files a killed write left behind (only old ones: a live writer's are new)."""
        cutoff = time.time() - ORPHAN_AGE_S
        for folder in {Path(self.config.pictures_dir()), self.path.parent / "audio"}:
            try:
                candidates = list(folder.glob(TEMP_PREFIX + "*"))
            except OSError:
                continue
            for tmp in candidates:
                try:
                    if tmp.is_file() and tmp.stat().st_mtime < cutoff:
                        tmp.unlink()
                except OSError:
                    pass

    # -- writing -----------------------------------------------------------------------------------
    class _Tx:
        def __init__(self, db):
            self.db = db

        def __enter__(self):
            # IMMEDIATE takes the write lock up front, so two writers queue on busy_timeout
            # instead of failing half-way with "database is locked".
            self.db.execute("BEGIN IMMEDIATE")
            return self.db

        def __exit__(self, exc_type, exc, tb):
            if exc_type is None:
                self.db.execute("COMMIT")
            elif self.db.in_transaction:
                # A full disk (SQLITE_FULL) has SQLite roll back by itself; rolling back again
                # would raise "no transaction is active" and hide the error that matters.
                self.db.execute("ROLLBACK")
            return False

    def _transaction(self):
        return Gallery._Tx(self._db)

    def add(self, path, attributes: dict | None = None, transcript: str = "", language: str = "",
            prompt: str = "", negative_prompt: str = "", backend: str = "", style: str = "",
            seed: int | None = None, seconds: float | None = None, audio_path: str | None = None,
            created: float | None = None) -> int:
        """Record one picture; returns its id. Retention runs after each addition."""
        row = (str(path), json.dumps(attributes or {}, ensure_ascii=False, sort_keys=True), transcript or "",
               language or "", prompt or "", negative_prompt or "", backend or "", style or "",
               None if seed is None else int(seed), None if seconds is None else float(seconds),
               audio_path, float(self._clock() if created is None else created))
        with self._lock, self._transaction() as db:
            cur = db.execute("INSERT INTO pictures (path, attributes, transcript, language, prompt, "
                             "negative_prompt, backend, style, seed, seconds, audio_path, created) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
            new_id = int(cur.lastrowid)
        self.apply_retention()
        return new_id

    def apply_retention(self, now: float | None = None) -> list[int]:
        """Delete rows (and their files) beyond keep_newest or older than keep_days; returns their ids."""
        keep_newest = int(self.config.gallery.keep_newest or 0)
        keep_days = float(self.config.gallery.keep_days or 0.0)
        if keep_newest <= 0 and keep_days <= 0:
            return []
        now = self._clock() if now is None else now
        with self._lock:
            with self._transaction() as db:
                doomed: dict[int, tuple] = {}
                if keep_newest > 0:
                    for r in db.execute("SELECT id, path, audio_path FROM pictures ORDER BY created DESC, id DESC "
                                        "LIMIT -1 OFFSET ?", (keep_newest,)):
                        doomed[r[0]] = r
                if keep_days > 0:
                    for r in db.execute("SELECT id, path, audio_path FROM pictures WHERE created < ?",
                                        (now - keep_days * 86400.0,)):
                        doomed[r[0]] = r
                db.executemany("DELETE FROM pictures WHERE id = ?", [(i,) for i in doomed])
                still_used = {row[0] for row in db.execute("SELECT path FROM pictures")}
        # Files go after the rows are gone: a crash here leaves a stray file, never a row
        # that points at nothing.
        for _id, path, audio in doomed.values():
            for p in (path if path not in still_used else None, audio):
                if p:
                    try:
                        os.unlink(p)
                    except FileNotFoundError:
                        pass
                    except OSError:
                        pass
        return sorted(doomed)

    # -- reading -----------------------------------------------------------------------------------
    def list(self, limit: int = 50) -> list[PictureRecord]:
        """The newest `limit` pictures, newest first."""
        limit = max(0, int(limit)) if limit else -1
        rows = self._read(f"SELECT {', '.join(_COLUMNS)} FROM pictures ORDER BY created DESC, id DESC "
                          "LIMIT ?", (min(limit, INT64_MAX),))
        return [_record(r) for r in rows]

    def get(self, picture_id: int) -> PictureRecord | None:
        picture_id = int(picture_id)
        if not -INT64_MAX <= picture_id <= INT64_MAX:  # SQLite ids are 64-bit: no such picture
            return None
        rows = self._read(f"SELECT {', '.join(_COLUMNS)} FROM pictures WHERE id = ?", (picture_id,))
        return _record(rows[0]) if rows else None

    def count(self) -> int:
        return int(self._read("SELECT COUNT(*) FROM pictures")[0][0])

    # -- the event stream ---------------------------------------------------------------------------
    def subscribe(self, bus) -> None:
        self._bus = bus
        bus.subscribe(self._on_event)

    def _on_event(self, e: ev.Event) -> None:
        p = self._pending
        if isinstance(e, ev.Transcript):
            p["last_transcript"] = str(e.text or "")
            p["last_lang"] = str(e.lang or "")
            p["last_audio"] = e.audio_path
        elif isinstance(e, ev.Understood):
            # The words that described or corrected the picture, not the final "yes".
            if e.intent in ("describe", "correct") and "last_transcript" in p:
                p["transcript"] = p["last_transcript"]
                p["language"] = p.get("last_lang", "")
                p["audio"] = p.get("last_audio")
        elif isinstance(e, ev.Say):
            # The assistant answers in the speaker's language: the fallback when no transcript
            # carried one (typed turns in `chat`).
            p["say_lang"] = str(e.lang or "")
        elif isinstance(e, ev.Generate):
            p.update(prompt=e.prompt, negative_prompt=e.negative_prompt, backend=e.backend, style=e.style,
                     seed=e.seed)
        elif isinstance(e, ev.Image):
            self._record_image(e)

    def _record_image(self, e: ev.Image) -> None:
        p = self._pending
        try:
            try:
                audio = self._keep_audio(p.get("audio")) if self.config.gallery.keep_audio else None
            except OSError as exc:
                # The picture is still recorded, without its recording; say what was not kept.
                audio = None
                if self._bus is not None:
                    self._bus.emit(ev.Error(stage="gallery",
                                            message=f"the recorded description could not be kept in "
                                                    f"{self.path.parent / 'audio'} ({exc.strerror or exc})"))
            self.add(e.path or "", attributes=e.attributes or {},
                     transcript=p.get("transcript", p.get("last_transcript", "")),
                     language=p.get("language") or p.get("last_lang") or p.get("say_lang", ""),
                     prompt=p.get("prompt") or "", negative_prompt=p.get("negative_prompt") or "",
                     backend=e.backend or p.get("backend") or "", style=e.style or p.get("style") or "",
                     seed=p.get("seed"), seconds=e.seconds, audio_path=audio)
        except (sqlite3.Error, OSError, UserError) as exc:
            # Raised to the bus: it counts the loss, reports it and the command's exit status says so.
            reason = exc.line() if isinstance(exc, UserError) else (getattr(exc, "strerror", None) or str(exc))
            raise SinkError(f"gallery:{self.path}",
                            f"the gallery {self.path} could not record the picture {e.path or ''} ({reason})",
                            "free space on its disk or make [general] data_dir writable; the picture file "
                            "itself is kept", stage="gallery") from None
        finally:
            for key in ("prompt", "negative_prompt", "seed", "transcript", "language", "audio"):
                p.pop(key, None)

    def _keep_audio(self, audio_path) -> str | None:
        """Copy the recorded description into the gallery's audio folder (only with keep_audio)."""
        if not audio_path or not os.path.exists(audio_path):
            return None
        dest_dir = self.path.parent / "audio"
        dest_dir.mkdir(parents=True, exist_ok=True)
        dest = dest_dir / f"{int(self._clock() * 1000)}-{Path(audio_path).name}"
        _copy_atomically(audio_path, dest)
        return str(dest)

    # -- export ---------------------------------------------------------------------------------------
    def export(self, dest: str | os.PathLike, zip: bool = False, limit: int = 0) -> Path:  # noqa: A002
        """Copy the pictures and an index.html page into folder `dest`, or into a zip file.

        Written to temporary names first and renamed, so a half-finished export never looks done;
        the names are unique, so two exports into one folder never write into each other's file.
        """
        if not str(dest).strip():
            raise UserError("the export needs a folder name and got an empty one",
                            "give a folder, e.g. gallery export ~/anime-gallery (or a .zip name with --zip)")
        records = self.list(limit or 0)
        dest = Path(dest).expanduser()
        if zip:
            target = dest if dest.suffix.lower() == ".zip" else dest.with_name(dest.name + ".zip")
            with atomic_write(target) as f, zipfile.ZipFile(f, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                entries = []
                for rec in records:
                    name = _export_name(rec)
                    if os.path.exists(rec.path):
                        zf.write(rec.path, f"pictures/{name}")
                        entries.append((rec, name))
                    else:
                        entries.append((rec, None))
                zf.writestr("index.html", _index_html(entries))
            return target
        if dest.exists() and not dest.is_dir():
            raise UserError(f"{dest} exists and is not a folder", "give a new folder name, or use --zip")
        dest.mkdir(parents=True, exist_ok=True)
        pictures = dest / "pictures"
        pictures.mkdir(exist_ok=True)
        entries = []
        for rec in records:
            name = _export_name(rec)
            if os.path.exists(rec.path):
                _copy_atomically(rec.path, pictures / name)
                entries.append((rec, name))
            else:
                entries.append((rec, None))
        write_text(dest / "index.html", _index_html(entries))
        return dest

    def close(self) -> None:
        if self._bus is not None:
            self._bus.unsubscribe(self._on_event)
            self._bus = None
        with self._lock:
            self._db.close()


def _copy_atomically(src, dest: Path) -> None:
    """Copy whole or not at all, under a unique temporary name: two exports never share one."""
    with open(src, "rb") as fin, atomic_write(dest) as fout:
        shutil.copyfileobj(fin, fout)


def _record(row) -> PictureRecord:
    d = dict(zip(_COLUMNS, row))
    try:
        d["attributes"] = json.loads(d["attributes"] or "{}")
    except ValueError:
        d["attributes"] = {}
    return PictureRecord(**d)


def _export_name(rec: PictureRecord) -> str:
    return f"{rec.id:05d}-{Path(rec.path).name}"


def _index_html(entries) -> str:
    cards = []
    for rec, name in entries:
        img = (f'<img src="pictures/{html.escape(name, quote=True)}" alt="{html.escape(rec.caption(), quote=True)}">'
               if name else '<div class="missing">picture file missing</div>')
        said = f'<p class="said">“{html.escape(rec.transcript)}”</p>' if rec.transcript else ""
        meta = " · ".join(x for x in (f"#{rec.id}", rec.created_text(), rec.style, rec.backend,
                                       f"seed {rec.seed}" if rec.seed is not None else "") if x)
        cards.append(f'<figure lang="{html.escape(rec.language or "en")}">{img}<figcaption>'
                     f'<p class="caption">{html.escape(rec.caption())}</p>{said}'
                     f'<p class="meta">{html.escape(meta)}</p></figcaption></figure>')
    body = "\n".join(cards) or "<p>No pictures yet.</p>"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>anime-assistant gallery · 画廊</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body {{ background:#16182a; color:#f0eef6; font-family: "Noto Sans CJK SC", "Noto Sans", sans-serif; margin:2rem; }}
h1 {{ color:#ff7ab2; font-weight:600; }}
main {{ display:grid; grid-template-columns:repeat(auto-fill, minmax(280px, 1fr)); gap:1.5rem; }}
figure {{ background:#2c2c44; border-radius:14px; margin:0; padding:12px; }}
img {{ width:100%; border-radius:8px; display:block; }}
.caption {{ font-size:1.1rem; margin:.6rem 0 .2rem; }}
.said {{ color:#a0a0c0; margin:.2rem 0; }}
.meta {{ color:#8080a0; font-size:.85rem; margin:.2rem 0; }}
.missing {{ height:200px; display:flex; align-items:center; justify-content:center; color:#a0a0c0; }}
</style></head>
<body><h1>anime-assistant · 画廊</h1>
<p>{len(entries)} pictures</p>
<main>
{body}
</main></body></html>
"""
