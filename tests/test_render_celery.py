"""The shared render pool through its real parts: a password-protected redis-server on 127.0.0.1,
`run_assistant.py render-worker` processes (sketch backend, slowed per step by [render]
test_step_delay_s so jobs last long enough to kill or cancel), and kiosks that are real Dialogs
with a RemoteArtist and their own gallery.

One Redis and two workers serve the whole module (starting Celery costs seconds on a busy CPU);
the tests run in file order: the worker-kill test replaces the worker it kills, and the Redis
outage test comes last.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import voices

from assistant import config as config_mod
from assistant.events import EventBus
from assistant.gallery import Gallery
from assistant.image.artist import Cancelled
from assistant.image.png import read_metadata
from assistant.render import make_artist
from assistant.render.app import make_app
from assistant.render.job import TASK_NAME, busy_key, cancel_key, make_job
from assistant.speech.text_speaker import TextSpeaker
from dialog import events as ev
from dialog.machine import Dialog

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "test-pw-" + os.urandom(4).hex()
STEPS = 4
STEP_DELAY_S = 0.1  # a job lasts about STEPS * STEP_DELAY_S on the worker
VISIBILITY_S = 3.0  # longer than any job here, short so a killed worker's job is redrawn soon


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _kill_group(proc: subprocess.Popen, sig=signal.SIGTERM, wait_s: float = 10.0) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, sig)
        proc.wait(timeout=wait_s)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=wait_s)


def _needs_redis():
    pytest.importorskip("celery")
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (make system-packages)")
    return pytest.importorskip("redis")


class RedisServer:
    def __init__(self, folder: Path):
        self.folder = folder
        self.port = _free_port()
        self.proc = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--requirepass", PASSWORD,
             "--save", "", "--appendonly", "no", "--dir", str(self.folder)],
            stdout=open(self.folder / "redis.log", "ab"), stderr=subprocess.STDOUT, start_new_session=True)
        client = self.client()
        import redis

        for _ in range(100):
            try:
                if client.ping():
                    return
            except redis.RedisError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start: " + (self.folder / "redis.log").read_text())

    def stop(self) -> None:
        _kill_group(self.proc)

    def client(self):
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, password=PASSWORD, socket_timeout=5)


@pytest.fixture(scope="module")
def pool(tmp_path_factory):
    """Redis, the configuration file the kiosks and workers share, and two running workers."""
    _needs_redis()
    folder = tmp_path_factory.mktemp("render-pool")
    server = RedisServer(folder)
    server.start()
    (folder / "password").write_text(PASSWORD + "\n")
    cfg_path = folder / "render.toml"
    cfg_path.write_text(f"""
[general]
log_level = "info"
[image]
backend = "sketch"
width = 128
height = 128
[sd]
steps = {STEPS}
[render]
backend = "celery"
broker_url = "redis://127.0.0.1:{server.port}/0"
password_file = "{folder / 'password'}"
queue = "render-test"
deadline_s = 30.0
probe_s = 0.3
visibility_timeout_s = {VISIBILITY_S}
test_step_delay_s = {STEP_DELAY_S}
""")
    state = Pool(server, cfg_path, folder)
    try:
        state.start_worker()
        state.start_worker()
        state.wait_ready(2)
        yield state
    finally:
        for w in state.workers:
            _kill_group(w)
        server.stop()


class Pool:
    def __init__(self, server: RedisServer, cfg_path: Path, folder: Path):
        self.server = server
        self.cfg_path = cfg_path
        self.folder = folder
        self.workers: list[subprocess.Popen] = []

    def config(self, **render):
        cfg = config_mod.load(self.cfg_path)
        for key, value in render.items():
            setattr(cfg.render, key, value)
        return cfg

    def start_worker(self) -> subprocess.Popen:
        n = len(self.workers)
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        proc = subprocess.Popen([sys.executable, "run_assistant.py", "render-worker", "--config", str(self.cfg_path)],
                                cwd=ROOT, env=env, stdout=open(self.folder / f"worker{n}.log", "ab"),
                                stderr=subprocess.STDOUT, start_new_session=True)
        self.workers.append(proc)
        return proc

    def name(self, proc: subprocess.Popen) -> str:
        return f"render-{proc.pid}@{socket.gethostname()}"

    def wait_ready(self, count: int, timeout_s: float = 60.0) -> None:
        """Until `count` live workers answer a ping (their queues are consumed from then on)."""
        app = make_app(self.config())
        live = {self.name(w) for w in self.workers if w.poll() is None}
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            replies = app.control.inspect(timeout=0.5).ping() or {}
            if len(live & set(replies)) >= count:
                return
            for i, w in enumerate(self.workers):
                if w.poll() is not None and self.name(w) in live:
                    raise RuntimeError(f"worker {i} exited: " + (self.folder / f"worker{i}.log").read_text()[-3000:])
        raise RuntimeError("workers not ready: " + (self.folder / "worker0.log").read_text()[-3000:])


class Kiosk:
    """One exhibition kiosk: a Dialog drawing through a RemoteArtist, with its own folder and gallery."""

    def __init__(self, config, folder: Path):
        self.out = folder / "pictures"
        self.out.mkdir(parents=True)
        self.bus = EventBus()
        self.events: list = []
        self.bus.subscribe(self.events.append)
        self.gallery = Gallery(config, path=folder / "gallery.db")
        self.gallery.subscribe(self.bus)
        self.artist = make_artist(config, self.bus)
        self.dialog = Dialog(self.bus.emit, config, self.artist, TextSpeaker(self.bus), self.out, background=False)

    def draw(self, description: str) -> None:
        self.dialog.hear(description)
        self.dialog.hear("yes")
        self.dialog.hear("cancel")  # back to idle for the next description

    def of(self, cls) -> list:
        return [e for e in self.events if isinstance(e, cls)]


def test_local_is_the_default_and_needs_nothing():
    from assistant.image.artist import Artist

    assert type(make_artist(config_mod.Config())) is Artist


def test_render_settings_are_checked_with_the_fix(tmp_path):
    from assistant.errors import ConfigError
    from assistant.render.app import PASSWORD_ENV, urls

    def line_of(fn, *a) -> str:
        with pytest.raises(ConfigError) as info:
            fn(*a)
        return info.value.line()

    assert "fix: use one of: 'local', 'celery'" in line_of(config_mod.from_dict, {"render": {"backend": "remote"}})
    assert "out of range" in line_of(config_mod.from_dict, {"render": {"deadline_s": 0}})
    line = line_of(urls, config_mod.from_dict({"render": {"broker_url": "http://host/0"}}))
    assert "not a Redis URL" in line and "redis://HOST:6379/0" in line
    line = line_of(urls, config_mod.from_dict({"render": {"password_file": str(tmp_path / "absent")}}))
    assert "cannot be read" in line and "fix:" in line
    (tmp_path / "pw").write_text("p@ss:word\n")
    cfg = config_mod.from_dict({"render": {"password_file": str(tmp_path / "pw"),
                                           "broker_url": "redis://10.0.0.5:6379/1"}})
    assert urls(cfg) == ("redis://:p%40ss%3Aword@10.0.0.5:6379/1",) * 2
    os.environ[PASSWORD_ENV] = "from-env"
    try:
        assert urls(config_mod.Config())[0] == "redis://:from-env@127.0.0.1:6379/0"
    finally:
        del os.environ[PASSWORD_ENV]


SUBJECTS = ("girl", "boy", "woman", "man", "cat")
COLORS = ("black", "brown", "red", "orange", "white", "green", "blue", "purple", "pink", "silver")


def test_five_kiosks_fifty_jobs_two_workers(pool, tmp_path):
    config = pool.config()
    kiosks = [Kiosk(config, tmp_path / f"kiosk{k}") for k in range(len(SUBJECTS))]
    failures = []

    def visit(k: int) -> None:
        try:
            for color in COLORS:
                kiosks[k].draw(f"a {SUBJECTS[k]} with {color} hair")
        except Exception as exc:  # noqa: BLE001 - reported below with the kiosk's number
            failures.append((k, repr(exc)))

    threads = [threading.Thread(target=visit, args=(k,)) for k in range(len(kiosks))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=150)
    assert not failures
    for k, kiosk in enumerate(kiosks):
        assert not kiosk.of(ev.Error), kiosk.of(ev.Error)
        images = kiosk.of(ev.Image)
        assert len(images) == len(COLORS)
        files = sorted(kiosk.out.glob("*.png"))
        assert len(files) == len(COLORS)  # each picture exactly once, and only in its own kiosk's folder
        assert {Path(e.path) for e in images} == set(files)
        drawn = sorted((m["attributes"]["subject"], m["attributes"]["hair_color"])
                       for m in map(read_metadata, files))
        assert drawn == sorted((SUBJECTS[k], c) for c in COLORS)
        assert kiosk.gallery.count() == len(COLORS)
        # Every step of every job came back from the worker, as the window's progress events.
        steps = [(e.step, e.total) for e in kiosk.of(ev.Progress)]
        assert steps == [(s, STEPS) for _ in COLORS for s in range(1, STEPS + 1)]
        assert all(e.backend == "sketch" for e in images)
        kiosk.gallery.close()
    # Both workers took a share.
    logs = [(pool.folder / f"worker{i}.log").read_text() for i in range(2)]
    assert all(log.count("succeeded in") > 0 for log in logs)


def test_bad_jobs_put_on_the_queue_are_refused(pool):
    app = make_app(pool.config())
    good = make_job({"subject": "girl"}, "hayao", 7, 128, 128, "kiosk-a")
    bad = [
        ({**good, "attributes": {"hair_color": "plaid"}}, "hair_color"),
        ({**good, "attributes": {"subject": "girl", "prompt": "anything"}}, "unknown slot"),
        ({**good, "width": 100000}, "width"),
        ({**good, "height": 130}, "steps of 8"),
        ({**good, "seed": -5}, "seed"),
        ({**good, "style": "photoreal"}, "style"),
        ({**good, "kiosk": "../../etc"}, "kiosk"),
        ({**good, "attributes": {"subject": "girl" * 5000}}, "byte"),
        ({**good, "extra": 1}, "exactly the fields"),
        ("not a job", "JSON object"),
    ]
    results = [(app.send_task(TASK_NAME, kwargs={"job": job}, queue="render-test"), why) for job, why in bad]
    for result, why in results:
        with pytest.raises(Exception) as info:
            result.get(timeout=20)
        assert type(info.value).__name__ == "JobRefused"
        assert why in str(info.value)
    # The refusals stopped nothing: a good job is still drawn.
    result = app.send_task(TASK_NAME, kwargs={"job": good}, queue="render-test")
    assert result.get(timeout=20)["backend"] == "sketch"


def test_cancel_stops_the_remote_job_and_leaves_no_picture(pool, tmp_path):
    config = pool.config()
    artist = make_artist(config)
    record = {"subject": "girl", "hair_color": "pink"}
    plan = artist.plan(record)
    cancel = threading.Event()
    seen = []

    def progress(step, total):
        seen.append(step)
        cancel.set()  # the person says "stop" as soon as drawing starts

    started = time.monotonic()
    with pytest.raises(Cancelled):
        artist.render(plan, record, tmp_path, progress=progress, cancel=cancel)
    assert time.monotonic() - started < STEPS * STEP_DELAY_S + 5
    assert seen == [1]
    client = pool.server.client()
    # The worker gives the job up within a step: no worker stays busy with it.
    deadline = time.monotonic() + 5
    while any(client.exists(busy_key(pool.name(w))) for w in pool.workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(client.exists(busy_key(pool.name(w))) for w in pool.workers)
    assert list(tmp_path.glob("*.png")) == []
    # The redraw the person asks for next is drawn at once.
    picture = artist.render(plan, record, tmp_path)
    assert list(tmp_path.glob("*.png")) == [picture.path]


def test_a_job_whose_worker_is_killed_is_drawn_by_another(pool, tmp_path):
    config = pool.config()
    artist = make_artist(config)
    record = {"subject": "boy", "hair_color": "green"}
    client = pool.server.client()
    killed = {}

    def progress(step, total):
        if killed:
            return
        for w in pool.workers:
            task = client.get(busy_key(pool.name(w))) if w.poll() is None else None
            if task:
                _kill_group(w, signal.SIGKILL)
                killed.update(worker=w, task=task.decode())
                return

    started = time.monotonic()
    picture = artist.render(artist.plan(record), record, tmp_path, progress=progress)
    took = time.monotonic() - started
    assert killed, "no worker was seen drawing the job"
    assert killed["worker"].returncode == -signal.SIGKILL
    assert list(tmp_path.glob("*.png")) == [picture.path]
    assert read_metadata(picture.path)["attributes"] == record
    # Redelivered after the visibility timeout, by a worker that is not the dead one.
    assert took >= VISIBILITY_S
    result = make_app(config).AsyncResult(killed["task"]).get(timeout=10)
    assert result["worker"] != pool.name(killed["worker"])
    pool.start_worker()  # the next tests have two again
    pool.wait_ready(2)


def test_doctor_sees_the_broker_and_the_workers(pool, tmp_path):
    from assistant.commands.doctor import OK, WARN, check_render

    checks = {c.name: c for c in check_render(pool.config())}
    assert checks["render broker"].status == OK
    assert checks["render workers"].status == OK
    live = [pool.name(w) for w in pool.workers if w.poll() is None]
    assert checks["render workers"].detail.startswith(f"{len(live)}: ")
    assert all(f"{name} (sketch)" in checks["render workers"].detail for name in live)
    wrong = tmp_path / "wrong-password"
    wrong.write_text("not-it")
    (check,) = check_render(pool.config(password_file=str(wrong)))
    assert check.status == WARN and "password" in check.detail


def test_a_missed_deadline_is_drawn_locally_and_dropped_on_the_pool(pool, tmp_path):
    # A queue no worker serves: the job waits until the deadline, then the kiosk sketches it.
    config = pool.config(queue="nobody-serves-this", deadline_s=1.0)
    kiosk = Kiosk(config, tmp_path / "kiosk")
    started = time.monotonic()
    kiosk.draw("a cat with orange hair")
    assert 1.0 <= time.monotonic() - started < 5.0
    (error,) = kiosk.of(ev.Error)
    assert error.stage == "render" and "deadline" in error.message
    assert len(list(kiosk.out.glob("*.png"))) == 1 == kiosk.gallery.count()
    kiosk.gallery.close()
    # The job left behind is marked cancelled, so a worker that takes it later draws nothing.
    client = pool.server.client()
    (message,) = client.lrange("nobody-serves-this", 0, -1)
    task_id = json.loads(message)["headers"]["id"]
    assert client.exists(cancel_key(task_id))
    client.delete("nobody-serves-this")


def test_the_worker_says_in_one_line_when_redis_is_not_there(tmp_path):
    _needs_redis()
    cfg = tmp_path / "worker.toml"
    cfg.write_text(f'[render]\nbackend = "celery"\nbroker_url = "redis://127.0.0.1:{_free_port()}/0"\n'
                   'probe_s = 0.2\n[image]\nbackend = "sketch"\n')
    p = subprocess.run([sys.executable, "run_assistant.py", "render-worker", "--config", str(cfg)], cwd=ROOT,
                       env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True, text=True, timeout=60)
    assert p.returncode != 0
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: the render queue at ") and "fix: start redis-server" in lines[0]


def test_redis_outage_falls_back_to_local_and_back(pool, tmp_path):
    config = pool.config()
    kiosk = Kiosk(config, tmp_path / "kiosk")
    kiosk.draw("a girl with red hair")
    assert not kiosk.of(ev.Error)
    pool.server.stop()
    try:
        started = time.monotonic()
        kiosk.draw("a girl with blue hair")
        took = time.monotonic() - started
        errors = kiosk.of(ev.Error)
        assert [e.stage for e in errors] == ["render"]  # the person is told, once
        assert "sketching it here" in errors[0].message
        assert took < config.render.deadline_s  # within the deadline, not after it: one short probe
        images = kiosk.of(ev.Image)
        assert len(images) == 2 and Path(images[1].path).exists()
        # ...and hears it, just before the picture is presented.
        said = [e.text for e in kiosk.of(ev.Say)]
        here = said.index(voices.phrase("drawing_here", "en"))
        assert said[here + 1] == voices.phrase("done", "en"), said
        assert read_metadata(images[1].path)["attributes"]["hair_color"] == "blue"
    finally:
        pool.server.start()
    # Back on the pool with the next picture: the worker's steps come back again, no new error.
    before = len(kiosk.of(ev.Progress))
    kiosk.draw("a girl with silver hair")
    assert len(kiosk.of(ev.Error)) == 1
    assert [e.total for e in kiosk.of(ev.Progress)[before:]] == [STEPS] * STEPS
    assert len(list(kiosk.out.glob("*.png"))) == 3 == kiosk.gallery.count()
    kiosk.gallery.close()
