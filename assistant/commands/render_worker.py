"""`render-worker`: draw pictures for the kiosks of an exhibition, taken from the Redis render queue.

One worker process per GPU: the solo pool runs one job at a time in this process, so the image
models are loaded once and stay loaded between jobs. Without text-to-image weights the worker
draws sketches (assistant.image.artist), so the whole path works, and is tested, without a GPU.
"""

from __future__ import annotations

import os
import socket
import sys
import tempfile

from assistant.errors import UserError


def _warm_up(artist) -> None:
    """Load the heavy model before taking jobs, so the first visitor does not wait for it."""
    if artist.backend_name() != "sd":
        return
    with tempfile.TemporaryDirectory(prefix="render-warmup-") as tmp:
        artist.render(artist.plan({"subject": "girl"}), {"subject": "girl"}, tmp)


def run(args, config) -> int:
    try:
        import redis
        from celery import __version__  # noqa: F401 - a clear message when the extra is missing
    except ImportError:
        raise UserError("the render worker needs celery and redis",
                        ".venv/bin/pip install -e '.[render]'") from None
    from assistant.image.artist import Artist
    from assistant.render.app import make_app, urls
    from assistant.render.tasks import register

    artist = Artist(config)
    backend = artist.backend_name()
    name = f"render-{os.getpid()}@{socket.gethostname()}"
    app = make_app(config, info={"backend": backend, "pid": os.getpid()})
    client = redis.Redis.from_url(urls(config)[1], socket_connect_timeout=config.render.probe_s)
    try:
        client.ping()
    except (redis.RedisError, OSError) as exc:
        raise UserError(f"the render queue at {config.render.broker_url} does not answer ({exc})",
                        "start redis-server there, or check [render] broker_url and the password") from None
    register(app, config, artist, client, name)
    _warm_up(artist)
    print(f"render worker {name}: backend {backend}, queue {config.render.queue!r}", file=sys.stderr, flush=True)
    level = "INFO" if config.general.log_level in ("debug", "info") else "WARNING"
    app.worker_main(["worker", "--pool=solo", "--concurrency=1", "--prefetch-multiplier=1",
                     f"--queues={config.render.queue}", f"--hostname={name}", f"--loglevel={level}",
                     "--without-gossip", "--without-mingle", "--without-heartbeat"])
    return 0
