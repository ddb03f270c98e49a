"""The worker's side of the pool: the render task, bound to one Artist that keeps its models warm.

Each message back to the kiosk is pushed on the job's reply list (assistant.render.job.reply_key):
Redis keeps it until the kiosk reads it, so no progress step or picture is lost to a subscriber
that was a moment late, and a job drawn again after its first worker died simply pushes again.
The kiosk's cancel is a Redis key the step callback checks, so a cancelled job stops within one
step on whichever machine is drawing it.
"""

from __future__ import annotations

import base64
import json
import tempfile
import threading
import time
from pathlib import Path

from assistant.image.artist import Artist, Cancelled, Plan
from assistant.render.job import TASK_NAME, JobRefused, busy_key, cancel_key, check_job, reply_key
from dialog import prompts

REPLY_TTL_S = 3600  # an unread reply (its kiosk gone) expires rather than piling up


class Replies:
    """Pushes a job's messages for its kiosk and reads the kiosk's cancel."""

    def __init__(self, client, task_id: str):
        self._client = client
        self._key = reply_key(task_id)
        self._cancel = cancel_key(task_id)

    def push(self, kind: str, **fields) -> None:
        self._client.pipeline().rpush(self._key, json.dumps({"kind": kind, **fields})) \
            .expire(self._key, REPLY_TTL_S).execute()

    def cancelled(self) -> bool:
        return bool(self._client.exists(self._cancel))


def draw(config, artist: Artist, job: dict, replies: Replies) -> dict:
    """Draw one checked job; returns the `done` message (the PNG in base64) or raises Cancelled."""
    cancel = threading.Event()

    def progress(step: int, total: int) -> None:
        replies.push("progress", step=step, total=total)
        if replies.cancelled():
            cancel.set()  # the SD loop stops before its next step

    attributes, style = job["attributes"], job["style"]
    prompt, negative = prompts.build_prompt(attributes, style)
    plan = Plan(prompt=prompt, negative_prompt=negative, backend=artist.backend_name(), style=style,
                seed=job["seed"], width=job["width"], height=job["height"])
    started = time.perf_counter()
    delay = config.render.test_step_delay_s
    if plan.backend == "sketch" and delay > 0:
        steps = config.sd.steps
        for step in range(steps):
            time.sleep(delay)
            progress(step + 1, steps)
            if cancel.is_set():
                raise Cancelled()
        inner = None  # the steps above were this picture's progress
    else:
        inner = progress
    if replies.cancelled():
        raise Cancelled()
    with tempfile.TemporaryDirectory(prefix="render-") as tmp:
        picture = artist.render(plan, attributes, tmp, progress=inner, cancel=cancel)
        data = Path(picture.path).read_bytes()
        name = Path(picture.path).name
    return {"name": name, "png": base64.b64encode(data).decode("ascii"), "backend": picture.backend,
            "style": picture.style, "seconds": round(time.perf_counter() - started, 3)}


def register(app, config, artist: Artist, client, worker_name: str) -> None:
    """Adds the render task to `app`; `client` is a redis.Redis on the reply store."""

    @app.task(name=TASK_NAME, bind=True, acks_late=True, reject_on_worker_lost=True)
    def render(self, job=None):
        replies = Replies(client, self.request.id)
        try:
            job = check_job(job)
        except JobRefused as exc:
            replies.push("refused", reason=str(exc), worker=worker_name)
            raise  # stored as the task's failure; acknowledged, never retried
        if replies.cancelled():
            replies.push("cancelled", worker=worker_name)
            return {"cancelled": True, "worker": worker_name}
        busy = busy_key(worker_name)
        client.set(busy, self.request.id, ex=int(config.render.visibility_timeout_s) + 1)
        try:
            done = draw(config, artist, job, replies)
        except Cancelled:
            replies.push("cancelled", worker=worker_name)
            return {"cancelled": True, "worker": worker_name}
        except Exception as exc:  # noqa: BLE001 - the kiosk says so; the worker takes the next job
            replies.push("failed", reason=f"{type(exc).__name__}: {exc}", worker=worker_name)
            raise
        finally:
            client.delete(busy)
        replies.push("done", worker=worker_name, **done)
        # The result store gets the summary only; the picture went to the kiosk's list.
        return {"name": done["name"], "backend": done["backend"], "seconds": done["seconds"],
                "worker": worker_name, "kiosk": job["kiosk"]}
