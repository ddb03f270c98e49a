#!/usr/bin/env python3
"""The toon filter: ms per picture at 512x512 (and other sizes), single process.

    .venv/bin/python bench/bench_toon.py [--sizes 512 1024] [--runs 10]

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
    args = ap.parse_args()

    import cv2

    from assistant.image.toon import toon
    from tests.test_toon import photo

    print(f"opencv {cv2.__version__}, cv2 threads {cv2.getNumThreads()}, cpus {os.cpu_count()}, "
          f"loadavg {os.getloadavg()[0]:.2f}")
    for size in args.sizes:
        image = photo(size, size)
        toon(image)  # warm-up
        times, cpu = [], []
        c0, w0 = time.process_time(), time.perf_counter()
        for _ in range(args.runs):
            c1, t0 = time.process_time(), time.perf_counter()
            toon(image)
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c1) * 1000)
        cpu_wall = (time.process_time() - c0) / (time.perf_counter() - w0)
        print(f"toon {size}x{size}: median {statistics.median(times):.1f} ms, min {min(times):.1f} ms, "
              f"cpu time {statistics.median(cpu):.1f} ms, cpu/wall {cpu_wall:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
