"""Reply latency: from the last voiced frame of a spoken description to the first sample of the
spoken confirmation, through the real pipeline at natural pace.

Dev-set descriptions are spoken by espeak-ng (or, --speaker natural, the natural voices) and played in real time (the session clock and the
audio clock share their origin), through the VAD, the speculative recognition, the dialog and
espeak-ng writing the reply. The reply's first sample exists when its WAV is written, which is
when the `say` event is emitted; live playback adds only the device's output latency.
The last voiced frame is measured on the audio itself (10 ms frames above -40 dBFS).

    .venv/bin/python bench/bench_latency.py [--per-lang 5] [--models tiny.en base] [--windows sized 30s]
        [--endpoint early full]

The parts of each reply are printed (end silence waited, recognition, understanding, first
audio sample), with the early endpointer ([endpoint] early) on and off side by side in the same
run, so their ratio holds even when the machine is loaded; --windows 30s adds whisper's 30 s
encoder window.
The first sample is when the first clause's samples exist (EspeakSpeaker's first-audio
listener): live playback starts there, the rest of the reply is synthesised while it plays.
Targets (issue 13): median <= 0.6 s with tiny.en, <= 0.8 s with base; worst within 1.5x.
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

from tests.audio_fixtures import dev_descriptions, silence, speak, speak_natural, speech_extent  # noqa: E402

LEAD_S = 0.5
GAP_S = 5.0  # room for the reply before the next description, so turns never queue


def _stream(texts: list[tuple[str, str]], rate: int = 16000, speaker: str = "espeak"):
    parts, ends, pos = [silence(LEAD_S, rate)], [], LEAD_S
    for lang, text in texts:
        speech = speak_natural(text, lang, rate) if speaker == "natural" else speak(text, lang, rate)
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


def run(model: str, threads: int, texts: list[tuple[str, str]], sized: bool = True,
        recognizer=None, end_silence_s: float | None = None, early: bool = True,
        pause_s: float | None = None, voice: str = "espeak", floor_s: float | None = None,
        speaker: str = "espeak") -> dict:
    from assistant.config import Config
    from assistant.events import EventBus, Recorder
    from assistant.image.artist import Artist
    from assistant.pipeline import Pipeline, paced
    from assistant.speech.asr import Recognizer
    from assistant.speech.tts import EspeakSpeaker, NaturalSpeaker
    from dialog.machine import Dialog

    config = Config()
    config.asr.model = model
    config.asr.threads = threads
    config.asr.sized_window = sized
    config.endpoint.early = early
    if pause_s is not None:
        config.vad.pause_s = pause_s
    if floor_s is not None:
        config.asr.window_floor_s = floor_s
    if end_silence_s is not None:
        config.vad.end_silence_s = end_silence_s
    config.image.backend = "sketch"
    config.gallery.enabled = False
    audio, ends = _stream(texts, config.audio.sample_rate, speaker)
    if recognizer is None:
        recognizer = Recognizer(config)
        recognizer.warm()
    else:
        recognizer.config = config  # the loaded model, this run's window setting
    fallbacks = recognizer.window_fallbacks
    with tempfile.TemporaryDirectory(prefix="bench-latency-") as tmp:
        stop = threading.Event()
        bus = EventBus()  # its origin is audio position 0: paced() plays the stream against it
        recorder = Recorder()
        bus.subscribe(recorder)
        said, first_audio = [], []

        base = NaturalSpeaker if voice == "natural" else EspeakSpeaker

        class TimedSpeaker(base):
            def say(self, text, lang):
                said.append(bus.now())  # the dialog has understood and answers
                return super().say(text, lang)

        speaker = TimedSpeaker(config, bus, Path(tmp) / "tts")
        if voice == "natural":
            speaker.wait_warm()  # a kiosk loads its voices once at start; the bench times replies
        # When the first clause's samples exist: live playback starts then (plus the device's latency).
        speaker.add_first_audio_listener(lambda: first_audio.append(bus.now()))
        dialog = Dialog(bus.emit, config, Artist(config), speaker, Path(tmp) / "pictures", background=True)
        pipeline = Pipeline(config, bus, recognizer, dialog, speaker, stop=stop)
        pipeline.run(paced(_Blocks(audio, config), bus.origin, config.audio.sample_rate, stop))
        dialog.close()
        speaker.close()
    events = recorder.events
    parts = {"latency": [], "end_silence": [], "asr": [], "asr_after_close": [], "understanding": [],
             "first_clause": [], "whole_reply": []}
    missed = 0
    for end in ends:
        window = (end, end + GAP_S)
        first = next((t for t in first_audio if window[0] < t < window[1]), None)
        reply = next((e for e in events if e["type"] == "say" and window[0] < e["t"] < window[1]), None)
        closed = next((e for e in events if e["type"] == "speech" and window[0] < e["t"] < window[1]), None)
        heard = next((e for e in events if e["type"] == "transcript" and window[0] < e["t"] < window[1]), None)
        called = next((t for t in said if window[0] < t < window[1]), None)
        if first is None or reply is None or closed is None or heard is None or called is None:
            missed += 1
            continue
        parts["latency"].append(first - end)
        parts["end_silence"].append(closed["t"] - end)  # the segmenter confirming the turn is over
        parts["asr"].append(heard["asr_seconds"])
        parts["asr_after_close"].append(heard["t"] - closed["t"])  # what speculation did not hide
        parts["understanding"].append(called - heard["t"])  # dialog: parse, state, phrasing
        parts["first_clause"].append(first - called)  # espeak-ng on the first clause
        parts["whole_reply"].append(reply["t"] - end)  # the whole reply's WAV written
    return {**parts, "missed": missed, "early": pipeline.early_closes, "rejoins": pipeline.rejoins, "hits": pipeline.speculation_hits, "misses": pipeline.speculation_misses,
            "fallbacks": recognizer.window_fallbacks - fallbacks, "recognizer": recognizer,
            "all_asr": [e["asr_seconds"] for e in events if e["type"] == "transcript"],
            "confirmations": sum(1 for e in events if e["type"] == "say" and "?" in e["text"]),
            "heard": [e["text"] for e in events if e["type"] == "transcript"]}


def _med(xs) -> float:
    return statistics.median(xs) if xs else float("nan")


def main() -> int:
    import os

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-lang", type=int, default=5)
    parser.add_argument("--models", nargs="+", default=["tiny.en", "base"])
    parser.add_argument("--langs", nargs="+", default=["en", "zh"])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--windows", nargs="+", default=["sized"], choices=["sized", "30s"])
    parser.add_argument("--endpoint", nargs="+", default=["early", "full"], choices=["early", "full"],
                        help="early: [endpoint] early on; full: every turn waits [vad] end_silence_s")
    parser.add_argument("--end-silence", type=float, default=None,
                        help="[vad] end_silence_s for this run (default: the config's); it is the floor of the latency")
    parser.add_argument("--pause", type=float, default=None,
                        help="[vad] pause_s for this run: when the speculative decode starts")
    parser.add_argument("--speaker", default="espeak", choices=["espeak", "natural"],
                        help="the voice that speaks the person's descriptions (natural: Piper / the Mandarin port)")
    parser.add_argument("--floor", type=float, default=None,
                        help="[asr] window_floor_s for this run: the shortest encoder window")
    parser.add_argument("--voice", default="espeak", choices=["espeak", "natural"],
                        help="the reply voice timed to its first sample (natural: Piper / the Mandarin port)")
    parser.add_argument("--verbose", action="store_true", help="print what was heard")
    args = parser.parse_args()
    targets = {"tiny.en": 0.6, "base": 0.8}
    print(f"reply latency, last voiced frame -> first sample of the spoken confirmation "
          f"({args.threads} threads, real-time feed, {args.per_lang} descriptions per language, "
          f"CT2_FORCE_CPU_ISA={os.environ.get('CT2_FORCE_CPU_ISA', '(native)')}, load {os.getloadavg()[0]:.1f}, "
          f"end silence {args.end_silence if args.end_silence is not None else 'from config'}, "
          f"pause {args.pause if args.pause is not None else 'from config'}, "
          f"window floor {args.floor if args.floor is not None else 'from config'}, reply voice {args.voice}, "
          f"person's voice {args.speaker})")
    print("  parts (medians): end silence = last voiced frame to the turn's close; ASR = recognition time "
          "(speculative, from the first pause); ASR after close = what speculation did not hide; "
          "understand = transcript to the dialog's reply; 1st clause = espeak-ng on the first clause")
    for model in args.models:
        langs = ["en"] if model.endswith(".en") else args.langs
        for lang in langs:
            texts = [(lang, row["text"]) for row in dev_descriptions(lang)[: args.per_lang]]
            recognizer, asr_med, lat_med = None, {}, {}
            for window, endpoint in [(w, e) for w in args.windows for e in args.endpoint]:
                r = run(model, args.threads, texts, sized=window == "sized", recognizer=recognizer,
                        end_silence_s=args.end_silence, early=endpoint == "early", pause_s=args.pause, voice=args.voice,
                        floor_s=args.floor, speaker=args.speaker)
                recognizer = r["recognizer"]
                lat = r["latency"]
                label = f"{window:5s} {endpoint:5s}"
                if not lat:
                    print(f"  {model:8s} {lang} {label}: no replies")
                    continue
                if endpoint == args.endpoint[0]:
                    asr_med[window] = _med(r["asr"])
                lat_med[(window, endpoint)] = _med(lat)
                target = targets.get(model)
                med, worst = _med(lat), max(lat)
                verdict = "" if target is None else " [target <= %.1f s: %s; worst/median %.2f%s]" % (
                    target, "met" if med <= target else "NOT met", worst / med,
                    "" if worst <= 1.5 * med else " > 1.5")
                print(f"  {model:8s} {lang} {label}: median {med:.2f} s, worst {worst:.2f} s, best {min(lat):.2f} s "
                      f"over {len(lat)}{verdict}", flush=True)
                print(f"      end silence {_med(r['end_silence']):.2f} (worst {max(r['end_silence']):.2f}) | "
                      f"ASR {_med(r['asr']):.3f} "
                      f"(worst {max(r['asr']):.3f}) | ASR after close {_med(r['asr_after_close']):.3f} | "
                      f"understand {_med(r['understanding']):.3f} | 1st clause {_med(r['first_clause']):.3f} | "
                      f"whole reply written {_med(r['whole_reply']):.2f}; speculative ASR reused "
                      f"{r['hits']}/{r['hits'] + r['misses']}; 30 s fallbacks {r['fallbacks']}; "
                      f"{r['confirmations']} confirmations; early closes {r['early']}, rejoined {r['rejoins']}" + (f"; {r['missed']} without reply" if r["missed"] else ""),
                      flush=True)
                if args.verbose:
                    for text in r["heard"]:
                        print(f"      heard: {text}")
            if ("sized", "early") in lat_med and ("sized", "full") in lat_med:
                print(f"  {model:8s} {lang}: latency early / full endpoint = "
                      f"{lat_med[('sized', 'early')] / lat_med[('sized', 'full')]:.2f}")
            if "sized" in asr_med and "30s" in asr_med:
                print(f"  {model:8s} {lang}: recognition time sized / 30 s = {asr_med['sized'] / asr_med['30s']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
