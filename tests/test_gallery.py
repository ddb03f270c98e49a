"""The gallery on a real SQLite file: recording from events, concurrent writers (threads and
processes), a writer killed inside a transaction, retention, export, and the command line."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from assistant.cli import main
from assistant.config import Config
from assistant.events import EventBus
from assistant.gallery import Gallery, database_path
from assistant.image.png import save_png
from dialog import events as ev

ROOT = Path(__file__).resolve().parent.parent


def make_config(tmp_path: Path, **gallery) -> Config:
    cfg = Config()
    cfg.general.data_dir = str(tmp_path / "data")
    for k, v in gallery.items():
        setattr(cfg.gallery, k, v)
    return cfg


def picture(cfg: Config, name: str, color=(200, 80, 120)) -> Path:
    return save_png(Image.new("RGB", (64, 64), color), cfg.pictures_dir() / name)


def integrity(path: Path) -> str:
    con = sqlite3.connect(str(path))
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


def test_records_a_dialog_from_the_event_stream(tmp_path):
    cfg = make_config(tmp_path)
    bus = EventBus()
    g = Gallery(cfg)
    g.subscribe(bus)
    pic = picture(cfg, "girl.png")
    attrs = {"subject": "girl", "hair_color": "blue", "setting": "beach"}
    bus.emit(ev.Transcript(text="a girl with red hair on the beach", lang="en", confidence=0.8, asr_seconds=0.5))
    bus.emit(ev.Understood(intent="describe", attributes=dict(attrs, hair_color="red"), changed=["subject"]))
    bus.emit(ev.Transcript(text="no, blue hair", lang="en", confidence=0.9, asr_seconds=0.4))
    bus.emit(ev.Understood(intent="correct", attributes=attrs, changed=["hair_color"]))
    bus.emit(ev.Transcript(text="yes", lang="en", confidence=0.9, asr_seconds=0.2))
    bus.emit(ev.Understood(intent="confirm", attributes=attrs, changed=[]))
    bus.emit(ev.Generate(prompt="1girl, blue hair, beach", negative_prompt="lowres", backend="sketch",
             style="hayao", seed=4242))
    bus.emit(ev.Image(path=str(pic), backend="sketch", style="hayao", seconds=1.25, attributes=attrs))
    bus.emit(ev.Transcript(text="画一只猫", lang="zh", confidence=0.8, asr_seconds=0.5))
    bus.emit(ev.Understood(intent="describe", attributes={"subject": "cat"}, changed=["subject"]))
    bus.emit(ev.Transcript(text="对", lang="zh", confidence=0.8, asr_seconds=0.5))
    bus.emit(ev.Understood(intent="confirm", attributes={"subject": "cat"}, changed=[]))
    bus.emit(ev.Generate(prompt="cat", negative_prompt="", backend="sketch", style="shinkai", seed=7))
    bus.emit(ev.Image(path=str(picture(cfg, "cat.png")), backend="sketch", style="shinkai", seconds=0.5,
             attributes={"subject": "cat"}))

    cat, girl = g.list(10)
    assert girl.transcript == "no, blue hair"  # the last words before the "yes"
    assert girl.language == "en" and girl.attributes == attrs
    assert (girl.prompt, girl.negative_prompt, girl.backend, girl.style, girl.seed) == \
        ("1girl, blue hair, beach", "lowres", "sketch", "hayao", 4242)
    assert girl.seconds == pytest.approx(1.25) and girl.path == str(pic)
    assert (cat.transcript, cat.language, cat.seed) == ("画一只猫", "zh", 7)
    assert g.get(girl.id).attributes == attrs and g.get(9999) is None
    assert girl.audio_path is None
    g.close()
    con = sqlite3.connect(str(database_path(cfg)))
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.close()


def test_recorded_audio_only_kept_when_asked(tmp_path):
    wav = tmp_path / "segment.wav"
    wav.write_bytes(b"RIFF....WAVE")
    for keep in (False, True):
        cfg = make_config(tmp_path / str(keep), keep_audio=keep)
        bus = EventBus()
        g = Gallery(cfg)
        g.subscribe(bus)
        bus.emit(ev.Transcript(text="a cat", lang="en", confidence=0.9, asr_seconds=0.1, audio_path=str(wav)))
        bus.emit(ev.Understood(intent="describe", attributes={"subject": "cat"}, changed=["subject"]))
        bus.emit(ev.Image(path=str(picture(cfg, "c.png")), backend="sketch", style="hayao", seconds=0.1,
                 attributes={"subject": "cat"}))
        (rec,) = g.list(5)
        if keep:
            assert rec.audio_path and Path(rec.audio_path).read_bytes() == wav.read_bytes()
            assert Path(rec.audio_path).parent == database_path(cfg).parent / "audio"
        else:
            assert rec.audio_path is None and not (database_path(cfg).parent / "audio").exists()
        g.close()


def test_concurrent_writers_in_threads(tmp_path):
    cfg = make_config(tmp_path)
    Gallery(cfg).close()
    errors = []

    def writer(n):
        g = Gallery(cfg)  # one connection each, as separate components would have
        try:
            for i in range(25):
                g.add(f"/pics/{n}-{i}.png", {"subject": "cat", "count": i + 1}, f"thread {n} picture {i}", "en")
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            g.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    g = Gallery(cfg)
    rows = g.list(0)
    assert len(rows) == 100 and len({r.id for r in rows}) == 100
    assert {r.path for r in rows} == {f"/pics/{n}-{i}.png" for n in range(4) for i in range(25)}
    g.close()


def _process_writer(data_dir: str, n: int, count: int) -> None:
    cfg = Config()
    cfg.general.data_dir = data_dir
    g = Gallery(cfg)
    for i in range(count):
        g.add(f"/pics/p{n}-{i}.png", {"subject": "dog"}, "process", "en", seed=i)
    g.close()


def test_concurrent_writers_in_processes(tmp_path):
    cfg = make_config(tmp_path)
    Gallery(cfg).close()
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_process_writer, args=(cfg.general.data_dir, n, 20)) for n in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    g = Gallery(cfg)
    assert g.count() == 60
    g.close()
    assert integrity(database_path(cfg)) == "ok"


_KILLED_WRITER = """
import sys, time
sys.path.insert(0, {root!r})
from assistant.config import Config
from assistant.gallery import Gallery
cfg = Config(); cfg.general.data_dir = {data!r}
g = Gallery(cfg)
with g._transaction() as db:
    for i in range(50):
        db.execute("INSERT INTO pictures (path, attributes, created) VALUES (?, ?, ?)",
                   ("/half/%d.png" % i, '{{"subject": "girl"}}', time.time()))
    print("inside", flush=True)
    time.sleep(60)
"""


def test_writer_killed_mid_transaction_leaves_no_half_row(tmp_path):
    cfg = make_config(tmp_path)
    g = Gallery(cfg)
    g.add("/whole/1.png", {"subject": "cat"}, "a cat", "en")
    g.close()
    script = _KILLED_WRITER.format(root=str(ROOT), data=cfg.general.data_dir)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "inside"
    os.kill(proc.pid, signal.SIGKILL)  # a power cut, as far as the database can tell
    proc.wait(10)
    g = Gallery(cfg)  # opens, recovers, and takes new writes
    assert [r.path for r in g.list(0)] == ["/whole/1.png"]
    g.add("/whole/2.png", {"subject": "dog"}, "a dog", "en")
    assert g.count() == 2
    g.close()
    assert integrity(database_path(cfg)) == "ok"


def test_writer_killed_at_a_random_moment_keeps_every_row_whole(tmp_path):
    cfg = make_config(tmp_path)
    Gallery(cfg).close()
    code = (f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
            "from tests.test_gallery import _process_writer\n"
            f"_process_writer({cfg.general.data_dir!r}, 9, 100000)\n")
    proc = subprocess.Popen([sys.executable, "-c", code])
    watcher = Gallery(cfg)
    deadline = time.monotonic() + 30
    while watcher.count() < 20 and time.monotonic() < deadline:  # writing in full swing
        time.sleep(0.05)
    watcher.close()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    assert integrity(database_path(cfg)) == "ok"
    g = Gallery(cfg)
    rows = g.list(0)
    assert rows, "the writer should have committed some pictures before it was killed"
    assert all(r.path.startswith("/pics/p9-") and r.attributes == {"subject": "dog"} for r in rows)
    assert sorted(r.seed for r in rows) == list(range(len(rows)))  # no gap, no half row
    g.close()


def test_retention_keeps_the_newest_and_recent(tmp_path):
    now = time.time()
    cfg = make_config(tmp_path, keep_newest=3)
    g = Gallery(cfg, clock=lambda: now)
    paths = [picture(cfg, f"p{i}.png") for i in range(5)]
    for i, p in enumerate(paths):
        g.add(p, {"subject": "girl"}, f"picture {i}", "en", created=now - 100 + i)
    kept = g.list(0)
    assert [Path(r.path).name for r in kept] == ["p4.png", "p3.png", "p2.png"]
    assert not paths[0].exists() and not paths[1].exists() and paths[2].exists()
    g.close()

    cfg2 = make_config(tmp_path / "days", keep_days=2.0)
    g = Gallery(cfg2, clock=lambda: now)
    old = picture(cfg2, "old.png")
    new = picture(cfg2, "new.png")
    g.add(old, {}, "old", "en", created=now - 3 * 86400)
    g.add(new, {}, "new", "en", created=now - 1 * 86400)
    assert [Path(r.path).name for r in g.list(0)] == ["new.png"]
    assert not old.exists() and new.exists()
    g.close()


def test_export_folder_and_zip_with_index_page(tmp_path):
    cfg = make_config(tmp_path)
    g = Gallery(cfg)
    g.add(picture(cfg, "girl.png"), {"subject": "girl", "hair_color": "blue"}, "a girl with blue hair", "en",
          style="hayao", backend="sketch", seed=1)
    g.add(picture(cfg, "cat.png", (20, 20, 20)), {"subject": "cat"}, "一只猫 <b>", "zh", style="shinkai")
    g.add(tmp_path / "gone.png", {"subject": "dog"}, "a dog", "en")  # its file is missing

    folder = g.export(tmp_path / "export")
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert page.count("<figure") == 3 and "picture file missing" in page
    assert "一只猫 &lt;b&gt;" in page  # escaped, never raw HTML from speech
    srcs = [line.split('src="')[1].split('"')[0] for line in page.splitlines() if 'src="' in line]
    assert len(srcs) == 2 and all((folder / s).is_file() for s in srcs)
    assert Image.open(folder / srcs[0]).size == (64, 64)

    target = g.export(tmp_path / "export-zip", zip=True)
    assert target.suffix == ".zip"
    with zipfile.ZipFile(target) as zf:
        names = set(zf.namelist())
        assert "index.html" in names and len([n for n in names if n.startswith("pictures/")]) == 2
        assert "a girl with blue hair" in zf.read("index.html").decode("utf-8")
    assert not list(tmp_path.glob(".tmp-*"))
    g.close()


def test_command_line(tmp_path, capsys):
    cfg_file = tmp_path / "c.toml"
    cfg_file.write_text(f'[general]\ndata_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    assert main(["gallery", "--config", str(cfg_file), "list"]) == 0
    assert "no pictures yet" in capsys.readouterr().out
    cfg = make_config(tmp_path)
    g = Gallery(cfg)
    pid = g.add(picture(cfg, "a.png"), {"subject": "girl", "hair_color": "pink"}, "a pink-haired girl", "en",
                prompt="1girl, pink hair", backend="sketch", style="hayao", seed=5)
    g.close()
    assert main(["gallery", "--config", str(cfg_file), "list"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].split()[0] == str(pid) and "a.png" in out[0]
    assert main(["gallery", "--config", str(cfg_file), "show", str(pid)]) == 0
    shown = capsys.readouterr().out
    assert "a pink-haired girl" in shown and "1girl, pink hair" in shown and str(cfg.pictures_dir()) in shown
    assert json.loads(next(ln for ln in shown.splitlines() if ln.startswith("attributes:")).split(":", 1)[1]) == \
        {"subject": "girl", "hair_color": "pink"}
    assert main(["gallery", "--config", str(cfg_file), "show", "77"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no picture with id 77" in err[0] and "gallery list" in err[0]
    assert main(["gallery", "--config", str(cfg_file), "export", str(tmp_path / "out"), "--zip"]) == 0
    assert (tmp_path / "out.zip").is_file()


def test_damaged_database_is_one_clear_line(tmp_path, capsys):
    cfg_file = tmp_path / "c.toml"
    cfg_file.write_text(f'[general]\ndata_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    db = tmp_path / "data" / "gallery.sqlite3"
    db.parent.mkdir(parents=True)
    db.write_bytes(b"this is not a database at all" * 100)
    assert main(["gallery", "--config", str(cfg_file), "list"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "cannot be opened" in err[0] and "move the file aside" in err[0]


# -- edges: read-only folders, files that are not galleries, leftovers, permissions ---------------

def _cli(cfg_file: Path, *args, read_only: Path | None = None):
    """The command line in a subprocess; with `read_only`, that folder cannot be written to.

    Root writes through permissions, so as root the folder is bind-mounted read-only in a private
    mount namespace of the child (the filesystem says EROFS, for real); otherwise chmod does it.
    """
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    cmd = [sys.executable, str(ROOT / "run_assistant.py"), "gallery", "--config", str(cfg_file), *map(str, args)]
    if read_only is not None and os.geteuid() == 0:
        import shlex

        d = shlex.quote(str(read_only))
        cmd = ["unshare", "-m", "sh", "-c", f"mount --bind {d} {d} && mount -o remount,bind,ro {d} && exec "
               + " ".join(map(shlex.quote, cmd))]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=env, cwd="/")


def _config_file(data: Path) -> Path:
    cfg_file = data.parent / "c.toml"
    cfg_file.write_text(f'[general]\ndata_dir = "{data}"\n', encoding="utf-8")
    return cfg_file


def _can_make_read_only() -> bool:
    if os.geteuid() != 0:
        return True
    import shutil

    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True) if shutil.which("unshare") else None
    return probe is not None and probe.returncode == 0


@pytest.mark.skipif(not _can_make_read_only(), reason="running as root without mount namespaces")
def test_listing_works_in_a_read_only_folder_and_writes_nothing(tmp_path):
    data = tmp_path / "data"
    cfg = Config()
    cfg.general.data_dir = str(data)
    g = Gallery(cfg)
    pid = g.add(picture(cfg, "a.png"), {"subject": "girl"}, "a girl", "en")
    g.close()
    before = sorted(p.name for p in data.iterdir())
    cfg_file = _config_file(data)
    for p in [data, *data.rglob("*")]:
        p.chmod(0o555 if p.is_dir() else 0o444)
    try:
        done = _cli(cfg_file, "list", read_only=data)
        assert done.returncode == 0, done.stderr
        assert str(pid) == done.stdout.split()[0] and "a.png" in done.stdout
        shown = _cli(cfg_file, "show", pid, read_only=data)
        assert shown.returncode == 0 and "a girl" in shown.stdout, shown.stderr
        # The same folder, writable: proof the check above would have caught a write.
        assert sorted(p.name for p in data.iterdir()) == before  # no -wal, -shm or journal left
    finally:
        for p in [data, *data.rglob("*")]:
            p.chmod(0o755 if p.is_dir() else 0o644)


def test_a_zero_byte_database_is_not_a_gallery_and_is_left_alone(tmp_path, capsys):
    db = tmp_path / "data" / "gallery.sqlite3"
    db.parent.mkdir(parents=True)
    db.touch()
    cfg_file = _config_file(tmp_path / "data")
    for action in (["list"], ["show", "1"], ["export", str(tmp_path / "out")]):
        assert main(["gallery", "--config", str(cfg_file), *action]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "empty (0 bytes)" in err[0] and "fix:" in err[0] and str(db) in err[0], err
        assert db.stat().st_size == 0  # the read paths created no schema in it
    # A writer has nothing to lose in it and starts a gallery there.
    g = Gallery(make_config(tmp_path))
    g.add(tmp_path / "x.png", {"subject": "cat"})
    assert g.count() == 1
    g.close()


def test_damaged_pages_are_one_line_naming_the_file_and_the_fix(tmp_path, capsys):
    cfg = make_config(tmp_path)
    g = Gallery(cfg)
    for i in range(300):  # enough rows for the table to span many pages
        g.add(tmp_path / f"{i}.png", {"subject": "girl"}, "a girl with long blue hair " * 5, "en")
    g.close()
    db = database_path(cfg)
    raw = bytearray(db.read_bytes())
    page = 4096
    for start in range(2 * page, len(raw), page):  # keep the header and schema, ruin the table pages
        raw[start:start + page] = os.urandom(page)
    db.write_bytes(bytes(raw))
    cfg_file = _config_file(tmp_path / "data")
    for action in (["list"], ["show", "5"]):
        code = main(["gallery", "--config", str(cfg_file), *action])
        err = capsys.readouterr().err.strip().splitlines()
        assert code == 2 and len(err) == 1, err
        assert str(db) in err[0] and "damaged" in err[0] and "fix:" in err[0] and "unexpected" not in err[0]


def test_old_temporary_files_of_a_killed_write_are_cleaned_at_open(tmp_path):
    cfg = make_config(tmp_path)
    pictures = cfg.pictures_dir()
    pictures.mkdir(parents=True)
    old = pictures / ".tmp-abandoned.png"
    fresh = pictures / ".tmp-being-written.png"
    kept = pictures / "a.png"
    for p in (old, fresh, kept):
        p.write_bytes(b"x")
    hour_ago = time.time() - 3600
    os.utime(old, (hour_ago, hour_ago))
    os.utime(kept, (hour_ago, hour_ago))
    Gallery(cfg).close()
    assert not old.exists()
    assert fresh.exists() and kept.exists()  # a live writer's file, and a real picture


def test_pictures_and_exports_follow_the_umask_like_the_database(tmp_path):
    previous = os.umask(0o022)
    try:
        cfg = make_config(tmp_path)
        g = Gallery(cfg)
        pic = picture(cfg, "a.png")
        g.add(pic, {"subject": "girl"})
        zipped = g.export(tmp_path / "e", zip=True)
        folder = g.export(tmp_path / "f")
        g.close()
        mode = lambda p: p.stat().st_mode & 0o777  # noqa: E731
        assert mode(database_path(cfg)) == 0o644
        assert mode(pic) == 0o644 and mode(zipped) == 0o644 and mode(folder / "index.html") == 0o644
        assert {mode(p) for p in (folder / "pictures").iterdir()} == {0o644}
        os.umask(0o077)
        private = picture(cfg, "b.png")
        assert mode(private) == 0o600  # a person who wants them private still gets that
    finally:
        os.umask(previous)


def test_export_to_an_empty_path_is_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cfg = make_config(tmp_path)
    g = Gallery(cfg)
    g.add(picture(cfg, "a.png"), {"subject": "girl"})
    g.close()
    cfg_file = _config_file(tmp_path / "data")
    for dest in ("", "  "):
        assert main(["gallery", "--config", str(cfg_file), "export", dest]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "empty" in err[0] and "fix:" in err[0]
    assert not (tmp_path / "index.html").exists() and not (tmp_path / "pictures").exists()
    with pytest.raises(Exception) as info:
        Gallery(cfg).export("")
    assert "empty" in str(info.value)


def test_show_with_an_id_beyond_64_bits_is_one_line(tmp_path, capsys):
    cfg = make_config(tmp_path)
    g = Gallery(cfg)
    g.add(picture(cfg, "a.png"), {"subject": "girl"})
    g.close()
    cfg_file = _config_file(tmp_path / "data")
    for huge in (str(2**63), str(10**30), str(-(10**30))):
        assert main(["gallery", "--config", str(cfg_file), "show", huge]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and f"no picture with id {huge}" in err[0] and "Overflow" not in err[0]


def test_two_exports_into_one_folder_at_once_both_finish_whole(tmp_path):
    cfg = make_config(tmp_path)
    g = Gallery(cfg)
    for i in range(30):
        g.add(save_png(Image.effect_noise((256, 256), 60 + i).convert("RGB"), cfg.pictures_dir() / f"{i}.png"),
              {"subject": "girl"}, f"picture {i}", "en")
    g.close()
    cfg_file = _config_file(tmp_path / "data")
    dest = tmp_path / "shared"
    # Another export's files in progress, under the names a fixed scheme would pick: untouched.
    (dest / "pictures").mkdir(parents=True)
    theirs = [dest / ".tmp-index.html", dest / "pictures" / ".tmp-00001-0.png"]
    for p in theirs:
        p.write_text("another export, half written")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    procs = [subprocess.Popen([sys.executable, str(ROOT / "run_assistant.py"), "gallery", "--config",
                               str(cfg_file), "export", str(dest)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env) for _ in range(3)]
    results = [p.communicate(timeout=120) + (p.returncode,) for p in procs]
    assert all(code == 0 for _, _, code in results), results
    page = (dest / "index.html").read_text(encoding="utf-8")
    assert page.count("<figure") == 30
    assert all(p.read_text() == "another export, half written" for p in theirs)
    for p in theirs:
        p.unlink()
    files = sorted((dest / "pictures").iterdir())
    assert len(files) == 30 and not list(dest.rglob(".tmp-*"))
    for f in files:
        with Image.open(f) as im:
            im.load()  # whole, never a file two writers wrote into
