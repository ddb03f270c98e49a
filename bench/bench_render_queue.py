"""What the shared render pool costs and gives: added latency per picture, and pictures per second.

Starts its own password-protected redis-server and two `render-worker` processes (sketch backend)
on 127.0.0.1, then prints:
- the median and 90th-percentile time of one picture drawn in this process (Artist) and through
  the queue on loopback (RemoteArtist, one kiosk, one picture at a time), and their difference:
  the queue's added latency (target: under 50 ms);
- pictures per second with the two workers and several kiosks sending at once.
Run: .venv/bin/python bench/bench_render_queue.py [--pictures 40] [--size 512]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# The tiny pipeline's tokenizer pads every prompt past CLIP's 77 tokens; its warning is noise here.
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

RECORDS = [{"subject": s, "hair_color": c, "setting": "beach"}
           for s in ("girl", "boy", "cat", "woman") for c in ("blue", "red", "silver", "green", "pink")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def percentiles(values: list[float]) -> tuple[float, float]:
    values = sorted(values)
    return statistics.median(values), values[min(len(values) - 1, int(0.9 * len(values)))]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pictures", type=int, default=40)
    ap.add_argument("--size", type=int, default=512)
    ap.add_argument("--kiosks", type=int, default=4)
    ap.add_argument("--sd", action="store_true",
                    help="draw with the tiny random Stable Diffusion pipeline tests/test_sd.py builds (torch)")
    args = ap.parse_args()
    if shutil.which("redis-server") is None:
        print("redis-server is not installed (make system-packages)")
        return 1
    from assistant import config as config_mod
    from assistant.image.artist import Artist
    from assistant.render import make_artist
    from assistant.render.app import make_app

    folder = Path(tempfile.mkdtemp(prefix="bench-render-"))
    procs: list[subprocess.Popen] = []
    try:
        password = os.urandom(8).hex()
        (folder / "password").write_text(password)
        port = free_port()
        procs.append(subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--requirepass", password,
             "--save", "", "--appendonly", "no", "--dir", str(folder)],
            stdout=subprocess.DEVNULL, start_new_session=True))
        backend, sd_section = "sketch", ""
        if args.sd:
            from tests.test_sd import build_tiny_pipeline

            build_tiny_pipeline(folder / "tiny").save_pretrained(folder / "tiny-sd")
            backend, sd_section = "sd", f'[sd]\nmodel = "{folder / "tiny-sd"}"\nthreads = 1\n'
        cfg_path = folder / "render.toml"
        cfg_path.write_text(f"""
{sd_section}
[image]
backend = "{backend}"
width = {args.size}
height = {args.size}
[render]
backend = "celery"
broker_url = "redis://127.0.0.1:{port}/0"
password_file = "{folder / 'password'}"
queue = "bench"
""")
        config = config_mod.load(cfg_path)
        time.sleep(0.3)
        for i in range(2):
            procs.append(subprocess.Popen(
                [sys.executable, "run_assistant.py", "render-worker", "--config", str(cfg_path)], cwd=ROOT,
                env=dict(os.environ, PYTHONPATH=str(ROOT)), stdout=open(folder / f"worker{i}.log", "wb"),
                stderr=subprocess.STDOUT, start_new_session=True))
        app = make_app(config)
        deadline = time.monotonic() + 60
        while len(app.control.inspect(timeout=0.5).ping() or {}) < 2:
            if time.monotonic() > deadline:
                print("workers did not start; see", folder)
                return 1

        def timed(artist, out: Path, n: int) -> list[float]:
            out.mkdir(parents=True, exist_ok=True)
            times = []
            for i in range(n):
                record = RECORDS[i % len(RECORDS)]
                plan = artist.plan(record)
                started = time.perf_counter()
                artist.render(plan, record, out)
                times.append(time.perf_counter() - started)
            return times

        local = Artist(config_mod.load(cfg_path))
        remote = make_artist(config)
        timed(local, folder / "warm-local", 3)
        timed(remote, folder / "warm-remote", 3)  # connections, the workers' first imports
        n = args.pictures
        local_t = timed(local, folder / "local", n)
        remote_t = timed(remote, folder / "remote", n)
        lm, l90 = percentiles(local_t)
        rm, r90 = percentiles(remote_t)
        print(f"{backend} {args.size}x{args.size}, {n} pictures, one at a time, {os.cpu_count()} CPUs")
        print(f"  in process   : median {lm * 1000:7.1f} ms   p90 {l90 * 1000:7.1f} ms")
        print(f"  through queue: median {rm * 1000:7.1f} ms   p90 {r90 * 1000:7.1f} ms")
        print(f"  added by the queue (median): {(rm - lm) * 1000:.1f} ms (target: under 50 ms)")

        kiosks = [make_artist(config) for _ in range(args.kiosks)]
        per = max(1, (2 * n) // args.kiosks)
        threads = [threading.Thread(target=timed, args=(k, folder / f"kiosk{i}", per)) for i, k in enumerate(kiosks)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        took = time.perf_counter() - started
        total = per * args.kiosks
        print(f"  2 workers, {args.kiosks} kiosks at once: {total} pictures in {took:.2f} s = "
              f"{total / took:.1f} pictures/s (in process, one core: {1 / lm:.1f}/s)")
        return 0
    finally:
        for p in reversed(procs):
            stop(p)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
