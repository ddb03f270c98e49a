#!/usr/bin/env python3
"""The toon filter: ms per picture at 512x512 (and other sizes), single process.

    .venv/bin/python bench/bench_toon.py [--sizes 512 1024 6000] [--runs 10] [--max-side 2048]

Pictures larger than --max-side ([image] toon_max_side) are filtered at that size and scaled
back up, so time per picture stops growing with the picture beyond it; the ratio column is the
time relative to the first size. Sizes above 2048 get at most 2 runs (each is seconds).

The input is a photo-like synthetic picture (gradients, shapes, sensor noise). OpenCV's own
thread pool is used as configured (cv2.getNumThreads() is printed); cpu/wall shows how much of
the machine the filter had.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", nargs="+", type=int, default=[512, 1024])
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--max-side", type=int, default=None, help="working size limit (default: the filter's)")
    args = ap.parse_args()

    import cv2

    from assistant.image import toon as toon_mod
    from tests.test_toon import photo

    max_side = args.max_side or toon_mod.MAX_SIDE

    def toon(image, report=None):
        return toon_mod.toon(image, max_side=max_side, report=report)

    print(f"opencv {cv2.__version__}, cv2 threads {cv2.getNumThreads()}, cpus {os.cpu_count()}, "
          f"loadavg {os.getloadavg()[0]:.2f}")
    first = None
    for size in args.sizes:
        image = photo(size, size)
        notes = []
        big = size > 2048
        if not big:
            toon(image)  # warm-up
        runs = min(args.runs, 2) if big else args.runs
        times, cpu = [], []
        c0, w0 = time.process_time(), time.perf_counter()
        for _ in range(runs):
            c1, t0 = time.process_time(), time.perf_counter()
            toon(image, report=notes.append)
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c1) * 1000)
        cpu_wall = (time.process_time() - c0) / (time.perf_counter() - w0)
        median = statistics.median(times)
        first = first or median
        print(f"toon {size}x{size}: median {median:.1f} ms, min {min(times):.1f} ms, "
              f"cpu time {statistics.median(cpu):.1f} ms, cpu/wall {cpu_wall:.2f}, ratio {median / first:.1f}"
              + (f" ({notes[0].split(' (')[0]})" if notes else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
