"""The kiosk's side of the pool: an artist with Artist's plan/render/release that draws on the workers.

Each picture first asks the broker whether it is there (one PING, [render] probe_s at most), so a
kiosk whose pool is gone notices at once and draws a sketch itself, and is back on the pool with
the next picture once Redis answers again. A job that is queued but not drawn within deadline_s
is cancelled on the pool and drawn here too: nothing a person asked for is lost, and the person
is told (an `error` event at stage `render` carrying the voice file's `drawing_here` phrase).
"""

from __future__ import annotations

import base64
import dataclasses
import json
import socket
import threading
import time
import uuid
from pathlib import Path

from assistant.atomic import atomic_write, unused_path
from assistant.image.artist import Artist, Cancelled, Picture, Plan
from assistant.render.job import TASK_NAME, cancel_key, make_job, reply_key

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
POLL_S = 0.1  # how often a waiting kiosk looks at its cancel flag; replies themselves wake it at once


class RenderRefused(RuntimeError):
    """A worker would not draw the job (a reason the kiosk cannot fix by drawing it locally)."""

    def line(self) -> str:
        return f"the render pool refused the picture: {self}"


class _Unavailable(Exception):
    """The pool cannot draw this one now; draw it locally."""


def kiosk_name(config) -> str:
    return config.render.kiosk_id or socket.gethostname()[:64] or "kiosk"


class RemoteArtist:
    def __init__(self, config, notify=None):
        """`notify(message)` tells the person the pool is not drawing this one (default: nothing)."""
        self._config = config
        self._notify = notify or (lambda message: None)
        sketch_only = dataclasses.replace(config, image=dataclasses.replace(config.image, backend="sketch"))
        self._local = Artist(sketch_only)  # a kiosk has no GPU: its fallback is the sketch
        self._app = None
        self._client = None
        self._lock = threading.Lock()

    # -- the Artist interface --------------------------------------------------------------------
    def backend_name(self) -> str:
        return "celery"

    def plan(self, attributes: dict, seed: int | None = None) -> Plan:
        return dataclasses.replace(self._local.plan(attributes, seed=seed), backend="celery")

    def render(self, plan: Plan, attributes: dict, out_dir, progress=None, cancel=None) -> Picture:
        progress = progress or (lambda step, total: None)
        cancel = cancel or threading.Event()
        started = time.perf_counter()
        try:
            return self._remote(plan, attributes, Path(out_dir), progress, cancel, started)
        except _Unavailable as exc:
            if cancel.is_set():
                raise Cancelled() from None
            self._notify(str(exc))
            local = dataclasses.replace(plan, backend="sketch")
            picture = self._local.render(local, attributes, out_dir, progress=progress, cancel=cancel)
            return dataclasses.replace(picture, note="drawing_here")  # the person hears why it is a sketch

    def release(self) -> None:
        self._local.release()

    # -- the pool --------------------------------------------------------------------------------
    def _connect(self):
        with self._lock:
            if self._app is None:
                import redis

                from assistant.render.app import make_app, urls

                self._app = make_app(self._config)
                probe = self._config.render.probe_s
                # The socket timeout covers the longest blocking read (POLL_S) plus the probe.
                self._client = redis.Redis.from_url(urls(self._config)[1], socket_connect_timeout=probe,
                                                    socket_timeout=probe + POLL_S + 1.0)
            return self._app, self._client

    def _remote(self, plan: Plan, attributes: dict, out_dir: Path, progress, cancel, started) -> Picture:
        import redis

        app, client = self._connect()
        r = self._config.render
        try:
            client.ping()
        except (redis.RedisError, OSError) as exc:
            raise _Unavailable(f"render queue unreachable ({type(exc).__name__})") from None
        task_id = uuid.uuid4().hex
        job = make_job(attributes, plan.style, plan.seed, plan.width, plan.height, kiosk_name(self._config))
        try:
            app.send_task(TASK_NAME, kwargs={"job": job}, task_id=task_id, queue=r.queue, retry=True,
                          retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.1,
                                        "interval_max": 0.2})
        except Exception as exc:  # noqa: BLE001 - kombu's OperationalError, redis errors, socket errors
            raise _Unavailable(f"render queue unreachable ({type(exc).__name__})") from None
        deadline = time.monotonic() + r.deadline_s
        key = reply_key(task_id)
        try:
            while True:
                if cancel.is_set():
                    self._cancel(client, task_id)
                    raise Cancelled()
                left = deadline - time.monotonic()
                if left <= 0:
                    self._cancel(client, task_id)
                    raise _Unavailable(f"the render pool missed the {r.deadline_s:g} s deadline")
                item = client.blpop([key], timeout=min(POLL_S, left))
                if item is None:
                    continue
                msg = json.loads(item[1])
                kind = msg.get("kind")
                if kind == "progress":
                    if not cancel.is_set():
                        progress(int(msg["step"]), int(msg["total"]))
                elif kind == "done":
                    client.delete(key)
                    if cancel.is_set():
                        raise Cancelled()
                    return self._save(msg, plan, out_dir, started)
                elif kind == "cancelled":
                    raise Cancelled()
                elif kind in ("refused", "failed"):
                    client.delete(key)
                    raise RenderRefused(msg.get("reason") or kind)
        except (redis.RedisError, OSError) as exc:
            raise _Unavailable(f"lost the render queue ({type(exc).__name__})") from None

    def _cancel(self, client, task_id: str) -> None:
        """Marks the job cancelled for whichever worker has it or will take it (best effort)."""
        import redis

        try:
            ttl = int(self._config.render.deadline_s + self._config.render.visibility_timeout_s) + 60
            client.set(cancel_key(task_id), b"1", ex=ttl)
            client.delete(reply_key(task_id))
        except (redis.RedisError, OSError):
            pass  # the broker is gone: the job is lost with it, or expires unread

    def _save(self, msg: dict, plan: Plan, out_dir: Path, started: float) -> Picture:
        data = base64.b64decode(msg["png"], validate=True)
        if not data.startswith(PNG_SIGNATURE):
            raise RenderRefused("the worker sent something that is not a PNG")
        name = Path(str(msg.get("name") or f"{plan.seed}.png")).name  # a bare name, never a path
        if not name.endswith(".png") or name.startswith("."):
            name = f"{plan.seed}.png"
        out_dir.mkdir(parents=True, exist_ok=True)
        path = unused_path(out_dir / name)
        with atomic_write(path) as f:  # the PNG already carries its metadata (written by the worker's Artist)
            f.write(data)
        return Picture(path=path, backend=str(msg.get("backend") or "celery"), style=plan.style,
                       seconds=round(time.perf_counter() - started, 3))
