"""False turns per hour of mixed noise, and the miss rate of clear short replies at 10 dB SNR.

Plays generated (seeded) noise -- white/pink/brown, hum, clicks, claps, door slams, chords,
typing, crowd babble at -40..-8 dBFS, bursts between silences -- through the real Segmenter,
Recognizer (whisper base) and Dialog in 30 ms streaming blocks, as fast as the pipeline takes it.
Target: 0 false turns an hour (an `understood` event from noise is a false turn).

    PYTHONPATH=. python bench/bench_noise.py --minutes 60
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.audio.sources import Block  # noqa: E402
from assistant.config import Config  # noqa: E402
from tests import noise_fixtures as nf  # noqa: E402
from tests.test_noise import noise_pipeline  # noqa: E402


def _blocks(chunks, n=480):
    """Stream generated chunks as 30 ms blocks without holding the hour in memory."""
    pos, rest = 0, np.zeros(0, dtype=np.float32)
    for chunk in chunks:
        rest = np.concatenate([rest, chunk])
        whole = len(rest) // n * n
        for i in range(0, whole, n):
            yield Block(rest[i:i + n], (pos + i) / 16000)
        pos += whole
        rest = rest[whole:]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=60.0, help="simulated minutes of noise (default 60)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    from assistant.speech.asr import Recognizer

    recognizer = Recognizer(Config())
    recognizer.warm()
    rng = np.random.default_rng(args.seed)
    kinds = list(nf.KINDS)
    played = collections.Counter()
    seconds = [0.0]
    schedule = []  # (start s, end s, kind, level dBFS, burst s) of every burst, to name a false turn's source

    def chunks():
        while seconds[0] < args.minutes * 60:
            kind = kinds[int(rng.integers(len(kinds)))]
            level = float(rng.uniform(-40, -8))
            burst = nf.KINDS[kind](float(rng.uniform(0.5, 4.0)), level, seed=int(rng.integers(1 << 30)))
            gap = nf.silence(float(rng.uniform(0.5, 4.0)))
            room = (rng.standard_normal(len(gap) + len(burst)) * 10 ** (-65 / 20)).astype(np.float32)
            chunk = np.concatenate([burst, gap]) + room
            played[kind] += 1
            schedule.append((seconds[0], seconds[0] + len(burst) / 16000, kind, level, len(burst) / 16000))
            seconds[0] += len(chunk) / 16000
            yield chunk.astype(np.float32)

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        pipeline, recorder, dialog = noise_pipeline(recognizer, Path(tmp))
        pipeline.run(_blocks(chunks()))
        dialog.close()
        wall = time.perf_counter() - t0
        hours = max(seconds[0], 1e-9) / 3600  # --minutes 0 measures the replies only
        false_turns = recorder.of_type("understood")
        reasons = collections.Counter(e["reason"].split(" (")[0] for e in recorder.of_type("ignored"))
        print(f"noise: {seconds[0] / 60:.1f} simulated min in {wall / 60:.1f} min wall, "
              f"{len(recorder.of_type('speech'))} segments, bursts {dict(played)}")
        print(f"false turns: {len(false_turns)} ({len(false_turns) / hours:.1f} per hour)  target 0")
        events = recorder.events
        for i, e in enumerate(events):
            if e["type"] == "understood":
                heard = next((x for x in reversed(events[:i]) if x["type"] == "transcript"), {})
                seg = next((x for x in reversed(events[:i]) if x["type"] == "speech"), None)
                source = [f"{k} {lv:.0f} dBFS {d:.1f} s" for a, b, k, lv, d in schedule
                          if seg and a < seg["end"] and b > seg["start"]]
                print(f"  false turn: {e['intent']} from {heard.get('text')!r} (confidence {heard.get('confidence')})"
                      f" at {seg['start'] if seg else '?'} s, noise: {', '.join(source) or '?'}")
        print("ignored by reason:", dict(reasons))

        # Clear replies at conversational level with each kind of noise 10 dB beneath them. The
        # Mandarin one-syllable answers are a recognition limit of whisper base on espeak (another
        # issue): they are counted apart.
        replies = [("yes", "en", {"confirm"}), ("no", "en", {"deny"}), ("yep", "en", {"confirm"}),
                   ("okay", "en", {"confirm"}), ("make it a cat", "en", {"correct"}),
                   ("a boy with a red hat", "en", {"correct", "describe"}),
                   ("对", "zh", {"confirm"}), ("行", "zh", {"confirm"}), ("不对", "zh", {"deny"})]
        misses = collections.Counter()
        tries = collections.Counter()
        for kind in nf.KINDS:
            for i, (word, lang, intents) in enumerate(replies):
                described = "a girl with blue hair on the beach" if lang == "en" else "一个蓝色头发的女孩在海边"
                pipeline, recorder, dialog = noise_pipeline(recognizer, Path(tmp), described)
                pipeline.run(_blocks([nf.reply_in_noise(word, lang, 10.0, kind, seed=i)]))
                dialog.close()
                heard = [e["intent"] for e in recorder.of_type("understood")][1:]
                tries[word] += 1
                if len(heard) != 1 or heard[0] not in intents:
                    misses[word] += 1
                    print(f"  missed {word!r} over {kind}: heard {heard}, ignored "
                          f"{[e['reason'][:60] for e in recorder.of_type('ignored')]}")
        for word in tries:
            print(f"reply {word!r} at 10 dB SNR: missed {misses[word]}/{tries[word]}")
        for lang in ("en", "zh"):
            words = [w for w, l, _ in replies if l == lang]
            print(f"miss rate, {lang} replies over {len(nf.KINDS)} noise kinds: "
                  f"{sum(misses[w] for w in words)}/{sum(tries[w] for w in words)} "
                  f"({sum(misses[w] for w in words) / sum(tries[w] for w in words):.0%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
