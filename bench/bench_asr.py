"""Speech recognition speed: real-time factor of whisper base and tiny.en on 2 CPU threads.

Utterances are synthesised with espeak-ng (dev-set descriptions and short replies), each model
is warmed first, then every utterance is transcribed --repeat times. Prints, per model, the
median seconds per utterance and the median real-time factor (processing time / audio time;
below 1 is faster than real time).

    .venv/bin/python bench/bench_asr.py [--models base tiny.en] [--threads 2] [--repeat 2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from assistant.config import Config  # noqa: E402
from assistant.speech.asr import Recognizer  # noqa: E402
from tests.audio_fixtures import dev_descriptions, speak, with_silence  # noqa: E402


def utterances(multilingual: bool):
    items = [(r["text"], "en") for r in dev_descriptions("en")[:6]] + [("yes", "en"), ("no, a girl", "en")]
    if multilingual:
        items += [(r["text"], "zh") for r in dev_descriptions("zh")[:4]] + [("不对,是女孩", "zh")]
    return [(text, lang, with_silence(speak(text, lang), 16000, 0.3, 0.3)) for text, lang in items]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", nargs="+", default=["base", "tiny.en"])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args()
    data_dir = tempfile.mkdtemp(prefix="bench-asr-")
    print(f"cpu threads: {args.threads}, compute: int8, cores on this machine: {os.cpu_count()}")
    print(f"load average now: {os.getloadavg()[0]:.1f} (wall times grow with other work on the machine;"
          " CPU seconds much less)")
    print(f"{'model':8} {'lang':4} {'n':>3} {'audio s':>8} {'median s':>9} {'median RTF':>11} {'max RTF':>8}"
          f" {'median CPU s':>13}")
    for name in args.models:
        cfg = Config()
        cfg.general.data_dir = data_dir
        cfg.asr.model = name
        cfg.asr.threads = args.threads
        rec = Recognizer(cfg)
        t0 = time.perf_counter()
        rec.warm()
        load_s = time.perf_counter() - t0
        rows = {}
        for text, lang, audio in utterances(rec.multilingual):
            secs, cpus = [], []
            for _ in range(args.repeat):
                c0 = time.process_time()
                t = rec.transcribe(audio, lang_hint=None)
                cpus.append(time.process_time() - c0)
                secs.append(t.asr_seconds)
            rows.setdefault(lang, []).append((len(audio) / 16000, statistics.median(secs), t.text,
                                              statistics.median(cpus)))
        for lang, results in rows.items():
            dur = [r[0] for r in results]
            sec = [r[1] for r in results]
            rtf = [s / d for s, d in zip(sec, dur)]
            print(f"{name:8} {lang:4} {len(results):>3} {statistics.median(dur):>8.2f} {statistics.median(sec):>9.3f}"
                  f" {statistics.median(rtf):>11.3f} {max(rtf):>8.3f} {statistics.median(r[3] for r in results):>13.3f}")
        print(f"  ({name}: load + warm-up {load_s:.2f} s; e.g. {rows['en'][0][2]!r})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
