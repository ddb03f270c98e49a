#!/usr/bin/env python3
"""Reply voices: for each language and voice (natural, espeak-ng), the load time, the first-sample
latency of a confirmation and the real-time factor, on the configured number of threads.

- load: a fresh process's time to make the voice ready (imports and model included), median of
  --loads processes: what the speaker's background warm-up costs once a session.
- first sample: say() called to the first clause's samples existing, through the real speaker
  with the voice warm (WAV output; live playback starts then, plus the device's latency).
- RTF: synthesis time over audio time for whole confirmations (lower is faster).

The confirmations are the project's own: dialog/phrasing.py with voices/<lang>.toml, ~5 a language.

usage: bench/bench_tts.py [--threads 2 [1 ...]] [--loads 3] [--reps 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RECORDS = [
    {"subject": "girl", "hair_color": "blue", "hair_style": "long", "action": "reading", "setting": "beach"},
    {"subject": "boy", "hair_color": "black", "setting": "classroom"},
    {"subject": "girl", "hair_color": "pink", "outfit": "kimono", "setting": "cherry blossoms"},
    {"subject": "cat", "action": "sleeping", "setting": "beach"},
    {"subject": "woman", "outfit": "dress", "outfit_color": "red", "time_of_day": "sunset", "setting": "lake"},
]


def confirmations(lang: str) -> list[str]:
    from dialog import phrasing

    return [phrasing.phrase("confirm", lang, i, description=phrasing.describe(r, lang)) for i, r in enumerate(RECORDS)]


def make_voice(lang: str, kind: str, threads: int):
    import voices
    from assistant.speech.natural import load_voice
    from assistant.speech.tts import EspeakVoice

    if kind == "espeak":
        return EspeakVoice(lang)
    return load_voice(lang, threads, voices.voice_settings(lang))


def child_load(lang: str, kind: str, threads: int) -> None:
    """In a fresh process: seconds to a voice ready to speak (or why it is unavailable)."""
    start = time.perf_counter()
    try:
        voice = make_voice(lang, kind, threads)
    except Exception as exc:  # noqa: BLE001 - VoiceUnavailable or worse: the table says which
        print(json.dumps({"error": getattr(exc, "problem", str(exc))}))
        return
    print(json.dumps({"load": time.perf_counter() - start, "rate": voice.info.sample_rate}))


def load_times(lang: str, kind: str, threads: int, runs: int) -> tuple[list[float], str | None]:
    times = []
    for _ in range(runs):
        done = subprocess.run([sys.executable, __file__, "--child", lang, kind, str(threads)], cwd=ROOT,
                              capture_output=True, text=True, timeout=300)
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        if not lines:
            return times, f"the load process failed: {done.stderr.strip().splitlines()[-1:]}"
        result = json.loads(lines[-1])
        if "error" in result:
            return times, result["error"]
        times.append(result["load"])
    return times, None


def one_voice_speaker(voice, config, bus, out_dir):
    """The real Speaker (clauses, numbering, WAV writing, first-audio hook) with just `voice`."""
    from assistant.speech.tts import Speaker

    class OneVoice(Speaker):
        engine = "bench"

        def voice(self, lang):
            return voice

    return OneVoice(config, bus, out_dir)


def measure(lang: str, kind: str, threads: int, reps: int) -> dict:
    from assistant.config import Config
    from assistant.events import EventBus

    voice = make_voice(lang, kind, threads)
    texts = confirmations(lang)
    voice.synthesize(texts[0])  # the first call pays for lazy set-up (phonemiser, caches)
    rate = voice.info.sample_rate
    synth = audio = 0.0
    for _ in range(reps):
        for text in texts:
            start = time.perf_counter()
            samples = voice.synthesize(text)
            synth += time.perf_counter() - start
            audio += len(samples) / rate
    firsts = []
    with tempfile.TemporaryDirectory(prefix="bench-tts-") as tmp:
        config = Config()
        speaker = one_voice_speaker(voice, config, EventBus(), Path(tmp))
        marks: list[float] = []
        speaker.add_first_audio_listener(lambda: marks.append(time.perf_counter()))
        for _ in range(reps):
            for text in texts:
                called = time.perf_counter()
                speaker.say(text, lang)
                firsts.append(marks[-1] - called)
        speaker.close()
    voice.close()
    return {"first": firsts, "rtf": synth / audio, "audio_s": audio / (reps * len(texts)), "rate": rate}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, nargs="+", default=[2])
    p.add_argument("--loads", type=int, default=3, help="fresh processes timed for each load")
    p.add_argument("--reps", type=int, default=3, help="passes over the confirmations")
    p.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        child_load(args.child[0], args.child[1], int(args.child[2]))
        return 0
    print(f"{'lang':<5}{'voice':<32}{'thr':>4}{'rate':>7}{'load s':>9}{'1st sample s (med / max)':>27}"
          f"{'RTF':>7}{'reply s':>9}")
    for lang in ("en", "zh"):
        for kind in ("natural", "espeak"):
            for threads in (args.threads if kind == "natural" else [1]):
                from assistant.speech.natural import VOICES

                name = VOICES[lang].name if kind == "natural" else "espeak-ng"
                loads, problem = load_times(lang, kind, threads, args.loads)
                if problem:
                    print(f"{lang:<5}{name[:31]:<32}{threads:>4}  unavailable: {problem}")
                    continue
                r = measure(lang, kind, threads, args.reps)
                first = f"{statistics.median(r['first']):.3f} / {max(r['first']):.3f}"
                print(f"{lang:<5}{name[:31]:<32}{threads:>4}{r['rate']:>7}{statistics.median(loads):>9.2f}"
                      f"{first:>27}{r['rtf']:>7.3f}{r['audio_s']:>9.2f}", flush=True)
    print("(espeak-ng is one subprocess a clause, so its thread count does not apply; reply s = mean "
          "confirmation length)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
