"""CPU used by the listening path while nobody speaks: source + VAD fed silence in real time.

Runs FileSource(realtime=True) over ~20 s of audio through the Segmenter and reports CPU time /
wall time as a percentage of one core (target, issue 13: under 2 %). Three inputs: digital silence, a quiet
room (white noise at -55 dBFS), and the microphone path's streaming resampler fed 48 kHz stereo
room noise in 30 ms chunks at real-time pace.

    .venv/bin/python bench/bench_idle_cpu.py [--seconds 20]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from assistant.audio.sources import Block, FileSource, Reblocker  # noqa: E402
from assistant.audio.vad import Segmenter  # noqa: E402
from assistant.audio.wav import write_wav  # noqa: E402
from assistant.config import Config  # noqa: E402


def measure(run):
    cpu0, wall0 = time.process_time(), time.perf_counter()
    segments = run()
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    return 100.0 * cpu / wall, wall, segments


def file_path(cfg, path):
    def run():
        seg = Segmenter(cfg.vad, cfg.audio.sample_rate)
        n = 0
        for block in FileSource([path], cfg, realtime=True):
            n += len(seg.feed(block))
        return n + len(seg.flush())
    return run


def mic_path(cfg, seconds):
    """The MicSource inner loop without a device: 48 kHz stereo chunks, resampled, segmented."""
    def run():
        rng = np.random.default_rng(1)
        reb = Reblocker(48000, cfg.audio.sample_rate, cfg.audio.block_ms)
        seg = Segmenter(cfg.vad, cfg.audio.sample_rate)
        chunk = 48000 * cfg.audio.block_ms // 1000
        wall0, emitted, n = time.monotonic(), 0, 0
        for i in range(int(seconds * 1000 / cfg.audio.block_ms)):
            due = wall0 + (i + 1) * cfg.audio.block_ms / 1000
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            data = (rng.standard_normal((chunk, 2)) * 10 ** (-55 / 20)).astype(np.float32)
            for samples in reb.push(data):
                n += len(seg.feed(Block(samples, emitted / cfg.audio.sample_rate)))
                emitted += len(samples)
        return n
    return run


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=20.0)
    args = ap.parse_args()
    cfg = Config()
    tmp = tempfile.mkdtemp(prefix="bench-idle-")
    rate = cfg.audio.sample_rate
    quiet = write_wav(os.path.join(tmp, "silence.wav"), np.zeros(int(args.seconds * rate), np.float32), rate)
    rng = np.random.default_rng(0)
    room = write_wav(os.path.join(tmp, "room.wav"),
                     (rng.standard_normal(int(args.seconds * rate)) * 10 ** (-55 / 20)).astype(np.float32), rate)
    print(f"listening path fed {args.seconds:.0f} s in real time ({cfg.audio.block_ms} ms blocks, "
          f"{cfg.vad.frame_ms} ms VAD frames); CPU as % of one core, target < 2 %")
    for name, run in (("digital silence (FileSource)", file_path(cfg, quiet)),
                      ("room noise -55 dBFS (FileSource)", file_path(cfg, room)),
                      ("mic path: 48k stereo resample + VAD", mic_path(cfg, args.seconds))):
        pct, wall, segs = measure(run)
        print(f"  {name:38} {pct:5.2f} %  (wall {wall:.1f} s, segments {segs})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
