"""Time the offline sketch renderer on one core over a varied set of attribute records.

Prints milliseconds per picture (median, 90th percentile, max) for render() and layout(), and
checks that drawing pulled in neither torch nor numpy. Run: .venv/bin/python bench/bench_sketch.py
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def records(n: int, seed: int) -> list[dict]:
    """Random records over every slot of the spec, with some slots left out as people do."""
    from assistant.image import palette
    from assistant.image.sketch.look import (ACCESSORIES, ACTIONS, EXPRESSIONS, HAIR_STYLES, OUTFITS, SETTINGS,
                                             STYLES, SUBJECTS, TIMES, WEATHERS)
    rng = random.Random(seed)
    colours = list(palette.COLORS)
    out = []
    for _ in range(n):
        r: dict = {}
        for slot, values in (("subject", SUBJECTS), ("hair_color", colours), ("hair_style", HAIR_STYLES),
                             ("eye_color", colours), ("outfit", OUTFITS), ("outfit_color", colours),
                             ("action", ACTIONS), ("expression", EXPRESSIONS), ("setting", SETTINGS),
                             ("time_of_day", TIMES), ("weather", WEATHERS), ("style", STYLES)):
            if rng.random() < 0.7:
                r[slot] = rng.choice(values)
        if rng.random() < 0.5:
            r["accessories"] = rng.sample(ACCESSORIES, rng.randint(1, 3))
        if rng.random() < 0.2:
            r["count"] = rng.randint(2, 5)
        out.append(r)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=80, help="number of pictures")
    parser.add_argument("--size", type=int, default=512)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core, as the target says
    from assistant.image import sketch

    recs = records(args.n, seed=1)
    sketch.render(recs[0], seed=0)  # warm up imports and font-free caches
    render_ms, layout_ms = [], []
    for i, rec in enumerate(recs):
        t = time.perf_counter()
        sketch.render(rec, seed=i, width=args.size, height=args.size, style=rec.get("style", "hayao"))
        render_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        sketch.layout(rec, seed=i, width=args.size, height=args.size, style=rec.get("style", "hayao"))
        layout_ms.append((time.perf_counter() - t) * 1000)

    def row(name, values):
        values = sorted(values)
        p90 = values[int(0.9 * (len(values) - 1))]
        print(f"{name:8s} median {statistics.median(values):7.1f} ms   p90 {p90:7.1f} ms   max {values[-1]:7.1f} ms")

    print(f"sketch renderer, {len(recs)} varied records, {args.size}x{args.size}, supersample x{sketch.SUPERSAMPLE}, one core")
    row("render", render_ms)
    row("layout", layout_ms)
    heavy = [m for m in ("torch", "numpy", "diffusers") if m in sys.modules]
    print("heavy modules imported:", ", ".join(heavy) if heavy else "none")
    return 1 if "torch" in heavy else 0


if __name__ == "__main__":
    raise SystemExit(main())
