"""The Celery application of the render pool, built from [render] (kiosks and workers alike).

There is no module-level app: `make_app(config)` builds one per process (the worker command starts
it with `worker_main`, so Celery's CLI never needs an importable global). Every setting that makes
the pool safe to lose a machine lives here, in one place both sides share:

- JSON only (no pickle): a message from the network can never run code when decoded.
- Late acknowledgement with prefetch 1: a job is removed from Redis only once drawn, so a worker
  killed mid-job leaves it to be handed to another once the visibility timeout passes.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from assistant.errors import ConfigError

PASSWORD_ENV = "ANIME_ASSISTANT_REDIS_PASSWORD"


def password(config) -> str | None:
    """The Redis password from [render] password_file, else $ANIME_ASSISTANT_REDIS_PASSWORD, else None."""
    path = config.render.password_file
    if path:
        p = Path(path).expanduser()
        try:
            text = p.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"[render] password_file {p} cannot be read ({exc.strerror})",
                              "point it at a readable file holding the Redis password") from None
        if not text:
            raise ConfigError(f"[render] password_file {p} is empty", "write the Redis password into it")
        return text
    return os.environ.get(PASSWORD_ENV) or None


def redis_url(url: str, secret: str | None, what: str = "[render] broker_url") -> str:
    """`url` checked to be a Redis URL, with `secret` as its password when it names none itself."""
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss") or not parts.hostname:
        raise ConfigError(f"{what} = {url!r} is not a Redis URL", "write it as redis://HOST:6379/0")
    if secret and parts.password is None:
        user = quote(parts.username or "", safe="")
        netloc = f"{user}:{quote(secret, safe='')}@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
        parts = parts._replace(netloc=netloc)
    return urlunsplit(parts)


def urls(config) -> tuple[str, str]:
    """(broker, results) with the password filled in."""
    secret = password(config)
    broker = redis_url(config.render.broker_url, secret)
    results = redis_url(config.render.result_url, secret, "[render] result_url") if config.render.result_url else broker
    return broker, results


def make_app(config, info: dict | None = None):
    """A Celery app for the pool; `info` (a worker's backend, say) is readable by `inspect conf`."""
    from celery import Celery

    r = config.render
    if not r.queue.strip():
        raise ConfigError("[render] queue is empty", 'name the queue, e.g. queue = "render"')
    broker, results = urls(config)
    app = Celery("anime_assistant", broker=broker, backend=results, set_as_current=False)
    visibility = float(r.visibility_timeout_s)
    app.conf.update(
        task_serializer="json", result_serializer="json", event_serializer="json",
        accept_content=["json"], result_accept_content=["json"],
        task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1,
        task_default_queue=r.queue, task_create_missing_queues=True,
        broker_transport_options={
            "visibility_timeout": visibility,
            # kombu looks for jobs of dead workers every interval*throttle seconds (100 s by default);
            # look a few times per visibility timeout so a lost job waits little longer than that.
            "unacked_restore_interval": max(1.0, min(10.0, visibility / 4)),
            "unacked_restore_throttle": 1,
            "socket_connect_timeout": r.probe_s,
        },
        broker_connection_timeout=r.probe_s,
        broker_connection_retry_on_startup=True,
        redis_socket_connect_timeout=r.probe_s,
        result_expires=3600,
        worker_hijack_root_logger=False,
        worker_redirect_stdouts=False,
        worker_cancel_long_running_tasks_on_connection_loss=False,
        anime_assistant=info or {},
    )
    return app
