"""Reply latency: from the last voiced frame of a spoken description to the first sample of the
spoken confirmation, through the real pipeline at natural pace.

Dev-set descriptions are spoken by espeak-ng and played in real time (the session clock and the
audio clock share their origin), through the VAD, the speculative recognition, the dialog and
espeak-ng writing the reply. The reply's first sample exists when its WAV is written, which is
when the `say` event is emitted; live playback adds only the device's output latency.
The last voiced frame is measured on the audio itself (10 ms frames above -40 dBFS).

    .venv/bin/python bench/bench_latency.py [--per-lang 8] [--models tiny.en base] [--threads 2]

Targets: under 1.2 s with tiny.en, under 2.0 s with base, on 2 CPU threads.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from tests.audio_fixtures import dev_descriptions, silence, speak, speech_extent  # noqa: E402

LEAD_S = 0.5
GAP_S = 5.0  # room for the reply before the next description, so turns never queue


def _stream(texts: list[tuple[str, str]], rate: int = 16000):
    parts, ends, pos = [silence(LEAD_S, rate)], [], LEAD_S
    for lang, text in texts:
        speech = speak(text, lang, rate)
        _, last = speech_extent(speech, rate)
        ends.append(pos + last)
        parts += [speech, silence(GAP_S, rate)]
        pos += (len(speech) + int(GAP_S * rate)) / rate
    return np.concatenate(parts), ends


class _Blocks:
    def __init__(self, audio, config):
        from assistant.audio.sources import Block

        n = config.audio.sample_rate * config.audio.block_ms // 1000
        self._blocks = [Block(audio[i:i + n], i / config.audio.sample_rate)
                        for i in range(0, len(audio) - n + 1, n)]

    def __iter__(self):
        return iter(self._blocks)


def run(model: str, threads: int, texts: list[tuple[str, str]]) -> dict:
    from assistant.config import Config
    from assistant.events import EventBus, Recorder
    from assistant.image.artist import Artist
    from assistant.pipeline import Pipeline, paced
    from assistant.speech.asr import Recognizer
    from assistant.speech.tts import EspeakSpeaker
    from dialog.machine import Dialog

    config = Config()
    config.asr.model = model
    config.asr.threads = threads
    config.image.backend = "sketch"
    config.gallery.enabled = False
    audio, ends = _stream(texts, config.audio.sample_rate)
    recognizer = Recognizer(config)
    recognizer.warm()
    with tempfile.TemporaryDirectory(prefix="bench-latency-") as tmp:
        stop = threading.Event()
        bus = EventBus()  # its origin is audio position 0: paced() plays the stream against it
        recorder = Recorder()
        bus.subscribe(recorder)
        speaker = EspeakSpeaker(config, bus, Path(tmp) / "tts")
        dialog = Dialog(bus.emit, config, Artist(config), speaker, Path(tmp) / "pictures", background=True)
        pipeline = Pipeline(config, bus, recognizer, dialog, speaker, stop=stop)
        pipeline.run(paced(_Blocks(audio, config), bus.origin, config.audio.sample_rate, stop))
        dialog.close()
    events = recorder.events
    latencies, asr, overhead, missed = [], [], [], 0
    for end in ends:
        # The first reply after this description's speech ended (and before the next one).
        reply = next((e for e in events if e["type"] == "say" and end < e["t"] < end + GAP_S), None)
        if reply is None:
            missed += 1
            continue
        latencies.append(reply["t"] - end)
        heard = [e for e in events if e["type"] == "transcript" and end < e["t"] <= reply["t"]]
        if heard:
            # What is not recognition: waiting for the pause, queueing, the dialog, espeak-ng.
            overhead.append(reply["t"] - end - heard[-1]["asr_seconds"])
    for e in events:
        if e["type"] == "transcript":
            asr.append(e["asr_seconds"])
    return {"latencies": latencies, "asr": asr, "missed": missed, "overhead": overhead,
            "hits": pipeline.speculation_hits, "misses": pipeline.speculation_misses,
            "confirmations": sum(1 for e in events if e["type"] == "say" and "?" in e["text"]),
            "heard": [e["text"] for e in events if e["type"] == "transcript"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-lang", type=int, default=8)
    parser.add_argument("--models", nargs="+", default=["tiny.en", "base"])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--verbose", action="store_true", help="print what was heard")
    args = parser.parse_args()
    targets = {"tiny.en": 1.2, "base": 2.0}
    print(f"reply latency, last voiced frame -> first sample of the spoken reply "
          f"({args.threads} threads, real-time feed, {args.per_lang} descriptions per language)")
    for model in args.models:
        langs = ["en"] if model.endswith(".en") else ["en", "zh"]
        for lang in langs:
            texts = [(lang, row["text"]) for row in dev_descriptions(lang)[: args.per_lang]]
            r = run(model, args.threads, texts)
            lat = r["latencies"]
            if not lat:
                print(f"  {model:8s} {lang}: no replies")
                continue
            target = targets.get(model)
            verdict = "" if target is None else (" (target < %.1f s: %s)" % (
                target, "met" if statistics.median(lat) < target else "NOT met"))
            print(f"  {model:8s} {lang}: median {statistics.median(lat):.2f} s, worst {max(lat):.2f} s, "
                  f"best {min(lat):.2f} s over {len(lat)} replies{verdict}; "
                  f"ASR median {statistics.median(r['asr']):.2f} s, the rest median "
                  f"{statistics.median(r['overhead']):.2f} s; speculative ASR reused "
                  f"{r['hits']}/{r['hits'] + r['misses']}; {r['confirmations']} confirmations"
                  + (f"; {r['missed']} without reply" if r["missed"] else ""), flush=True)
            if args.verbose:
                for text in r["heard"]:
                    print(f"      heard: {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
