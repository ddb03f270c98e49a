"""How responsive the window stays while a picture is generated in a worker thread.

Runs the real pygame loop on the main thread (SDL's dummy video driver unless --real-display)
on the Generating screen for a few seconds per condition, and prints frame times: work per
loop iteration (events, and drawing + flip when the frame changed) and the interval between
iterations (the target is 1/fps; each iteration takes in events and keys). Conditions: no load
(progress events only), a pure-Python CPU loop in a worker (the worst case: it holds the GIL
between bytecodes), PIL drawing and blurring, and the sketch renderer when it is present.

    .venv/bin/python bench/bench_window.py [--seconds 5] [--fps 30] [--real-display]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path
from dialog import events as ev

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _stats(values: list[float]) -> str:
    if not values:
        return "no frames"
    ms = sorted(v * 1000 for v in values)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    return f"median {statistics.median(ms):6.1f} ms  p95 {p95:6.1f} ms  max {ms[-1]:6.1f} ms  ({len(ms)} frames)"


def _busy_python(ms: float) -> None:
    end = time.perf_counter() + ms / 1000
    x = 0
    while time.perf_counter() < end:
        for i in range(2000):
            x += i * i
    return None


def _pil_step():
    """PIL drawing and filtering on a 512x512 picture: the kind of work the sketch renderer does."""
    from PIL import Image, ImageDraw, ImageFilter

    def step(i: int) -> None:
        im = Image.new("RGB", (512, 512), (200, 220, 240))
        d = ImageDraw.Draw(im)
        for k in range(200):
            d.ellipse((k * 2 % 480, (k * 7 + i) % 480, k * 2 % 480 + 30, (k * 7 + i) % 480 + 30),
                      fill=(k % 255, 120, 200))
        im.filter(ImageFilter.GaussianBlur(4)).filter(ImageFilter.SMOOTH_MORE)

    return step


def _sketch_step():
    try:
        from assistant.image import sketch
    except ImportError:
        return None
    attrs = {"subject": "girl", "hair_color": "blue", "setting": "cherry blossoms", "outfit": "dress",
             "outfit_color": "red"}

    def step(i: int) -> None:
        sketch.render(attrs, seed=i, width=512, height=512, style="hayao")

    return step


def run_condition(name: str, load, seconds: float, fps: int) -> tuple[list, list, int]:
    from assistant.config import Config
    from assistant.events import EventBus
    from assistant.window import create_display

    cfg = Config()
    cfg.general.data_dir = "/tmp/anime-assistant-bench"
    cfg.gallery.enabled = False
    cfg.window.fps = fps
    bus = EventBus()
    display = create_display(cfg, bus, "window")
    stop = threading.Event()
    steps_done = [0]

    def worker():
        bus.emit(ev.Understood(intent="confirm", changed=[],
                 attributes={"subject": "girl", "hair_color": "blue", "outfit": "dress", "outfit_color": "red",
                             "setting": "cherry blossoms"}))
        total = 20
        while not stop.is_set():
            bus.emit(ev.Generate(prompt="1girl", negative_prompt="", backend="sketch", style="hayao", seed=1))
            for step in range(1, total + 1):
                if stop.is_set():
                    break
                if load is None:
                    time.sleep(0.05)
                else:
                    load(step)
                steps_done[0] += 1
                bus.emit(ev.Progress(step=step, total=total))

    threading.Thread(target=worker, daemon=True).start()
    threading.Timer(seconds, stop.set).start()
    display.run(stop)
    # Drop the first frames: window creation and font loading are start-up, not steady state.
    return list(display.frame_work_s)[5:], list(display.frame_interval_s)[5:], steps_done[0], display.frames_drawn


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--fps", type=int, default=30)
    ap.add_argument("--real-display", action="store_true", help="use $DISPLAY instead of SDL's dummy driver")
    args = ap.parse_args()
    if not args.real_display:
        os.environ["SDL_VIDEODRIVER"] = "dummy"
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    conditions = [("no load (progress events only)", None),
                  ("pure-Python CPU loop in a worker", lambda i: _busy_python(100))]
    conditions.append(("PIL drawing + blur in a worker (sketch-like load)", _pil_step()))
    sketch = _sketch_step()
    if sketch is not None:
        conditions.append(("sketch renderer in a worker", sketch))
    else:
        print("(assistant.image.sketch not present: the sketch condition is skipped)")
    print(f"window frame times, target {args.fps} fps = {1000 / args.fps:.1f} ms/frame, "
          f"{args.seconds:.0f} s per condition, video driver "
          f"{'real display' if args.real_display else 'SDL dummy'}")
    for name, load in conditions:
        work, interval, steps, drawn = run_condition(name, load, args.seconds, args.fps)
        fps_seen = len(interval) / sum(interval) if interval else 0.0
        print(f"\n{name}: {steps} worker steps, loop {fps_seen:.1f} Hz, {drawn / args.seconds:.1f} frames/s "
              f"drawn (unchanged frames are not redrawn)")
        print(f"  work/frame      {_stats(work)}")
        print(f"  frame interval  {_stats(interval)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
