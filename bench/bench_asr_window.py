"""Sized encoder window vs whisper's 30 s: how often the spoken test sets end in the right result,
and the recognition time, both measured in the same run (each utterance decoded both ways, back
to back, so load on the machine hits both alike).

The utterances are the ones the tests speak: the shared dev-set descriptions (right = every
expected attribute parsed), tests/test_asr.py's words (right = at least half the key words, or
the key Chinese word), tests/test_listen.py's descriptions and replies (right = the attributes or
the reply's intent), tests/test_tts.py's confirmations in the voices/<lang>.toml voices, and the
English set again at 10 dB SNR. Voices: espeak en-us and cmn-latn-pinyin at 160 wpm as the tests
make them, plus the reply voices.

    .venv/bin/python bench/bench_asr_window.py [--models base tiny.en] [--floors 10 5] [--threads 2]

A floor of 0 means "the audio plus the margin" (the shortest window); 30 is the 30 s window.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

from tests.audio_fixtures import add_noise, dev_descriptions, speak, with_silence  # noqa: E402


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z']+", text.lower()))


def _attrs_match(expect: dict):
    def check(text: str, lang: str) -> bool:
        from dialog.parse import parse

        got = parse(text, lang).attributes
        for key, want in expect.items():
            have = got.get(key)
            if isinstance(want, list):
                if not set(want) <= set(have or []):
                    return False
            elif have != want:
                return False
        return True
    return check


def _keywords(keys: set[str]):
    return lambda text, lang: len(keys & _words(text)) >= len(keys) / 2


def _contains(word: str):
    return lambda text, lang: word in text


def _intent(*intents: str, current=None):
    current = current or {"subject": "boy", "hair_color": "black", "action": "reading", "setting": "beach"}

    def check(text: str, lang: str) -> bool:
        from dialog.corrections import interpret

        return bool(text) and interpret(text, current, lang).intent in intents
    return check


def _espeak_voice(text: str, voice: str, wpm: int, pitch: int = 50) -> np.ndarray:
    from assistant.audio.wav import read_wav, resample
    from assistant.speech.tts import espeak_to_wav

    with tempfile.TemporaryDirectory() as tmp:
        samples, rate = read_wav(espeak_to_wav(text, os.path.join(tmp, "v.wav"), voice, wpm, pitch))
    return resample(samples, rate, 16000)


def cases(multilingual: bool) -> list[tuple[str, str, str, np.ndarray, object]]:
    """(set name, lang, text, audio, check) for every utterance the tests speak."""
    from assistant.speech.tts import voice_for

    def spoken(text, lang, snr=None, seed=0):
        audio = with_silence(speak(text, lang), 16000, 0.3, 0.3)
        return add_noise(audio, snr, seed=seed) if snr is not None else audio

    out = []
    for row in dev_descriptions("en"):
        out.append(("dev", "en", row["text"], spoken(row["text"], "en"), _attrs_match(row["expect"])))
    english = [("Draw a girl with blue hair standing under a cherry blossom tree", {"girl", "blue", "hair", "cherry"}),
               ("a smiling boy in a school uniform waving in the classroom", {"smiling", "school", "uniform", "classroom"}),
               ("a blonde girl with a ponytail playing guitar", {"blonde", "ponytail", "guitar"}),
               ("a sad girl with an umbrella in the rain", {"sad", "umbrella", "rain"}),
               ("yes", {"yes"}), ("no, a girl", {"no", "girl"})]
    for text, keys in english:
        out.append(("test_asr", "en", text, spoken(text, "en"), _keywords(keys)))
    for i, (text, keys) in enumerate(english):
        out.append(("asr 10dB", "en", text, spoken(text, "en", snr=10, seed=i), _keywords(keys)))
    listen = [("I want a boy with black hair reading on the beach",
               _attrs_match({"subject": "boy", "hair_color": "black", "action": "reading", "setting": "beach"})),
              ("a girl with blue hair on the beach", _attrs_match({"subject": "girl", "hair_color": "blue", "setting": "beach"})),
              ("no, a girl", _intent("correct", "deny")), ("a girl", _intent("correct", "confirm", "describe")),
              ("yes", _intent("confirm")), ("yes, that's right", _intent("confirm")),
              ("no, make her hair pink", _intent("correct"))]
    for text, check in listen:
        out.append(("test_listen", "en", text, spoken(text, "en"), check))
    en_voice = voice_for("en")
    confirm_en = "A blue-haired girl reading on the beach, is that right?"
    out.append(("test_tts", "en", confirm_en,
                with_silence(_espeak_voice(confirm_en, en_voice["voice"], en_voice["rate"], en_voice["pitch"]), 16000, 0.3, 0.3),
                _keywords({"blue", "girl", "reading", "beach", "right"})))
    if not multilingual:
        return out
    for row in dev_descriptions("zh"):
        out.append(("dev", "zh", row["text"], spoken(row["text"], "zh"), _attrs_match(row["expect"])))
    for text, word in [("戴眼镜的男孩看书", "书"), ("新海诚风格的黄昏天台,一个穿白衬衫的少年", "新海诚"),
                       ("两个女孩在公园里跳舞", "跳舞"), ("一个金发扎马尾的女孩在弹吉他", "吉他")]:
        out.append(("test_asr", "zh", text, spoken(text, "zh"), _contains(word)))
    said = "画一个蓝发少女站在樱花树下"
    out.append(("test_listen", "zh", said, spoken(said, "zh"),
                _attrs_match({"subject": "girl", "hair_color": "blue", "action": "standing", "setting": "cherry blossoms"})))
    out.append(("test_listen", "zh", "不对,是女孩", spoken("不对,是女孩", "zh"), _intent("correct", "deny")))
    zh_voice = voice_for("zh")
    confirm_zh = "一个在樱花树下的黑发男孩,对吗?"
    out.append(("test_tts", "zh", confirm_zh,
                with_silence(_espeak_voice(confirm_zh, zh_voice["voice"], zh_voice["rate"], zh_voice["pitch"]), 16000, 0.3, 0.3),
                lambda text, lang: sum(w in text for w in ("樱花", "男孩", "黑")) >= 2))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", nargs="+", default=["base", "tiny.en"])
    ap.add_argument("--floors", nargs="+", type=float, default=[10.0],
                    help="window floors (s) to compare with 30 s; 0 = audio plus margin only")
    ap.add_argument("--margin", type=float, default=1.0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--verbose", action="store_true", help="print every text that differs")
    args = ap.parse_args()
    if args.verbose:
        import logging

        logging.basicConfig(level=logging.WARNING, format="      %(message)s")
        logging.getLogger("assistant.speech.asr").setLevel(logging.INFO)
    from assistant.config import Config
    from assistant.speech.asr import Recognizer

    data_dir = Config().general.data_dir  # the joined base model is cached there once
    print(f"sized window vs 30 s, {args.threads} threads, margin {args.margin} s, "
          f"CT2_FORCE_CPU_ISA={os.environ.get('CT2_FORCE_CPU_ISA', '(native)')}, load {os.getloadavg()[0]:.1f}")
    modes = [("30 s", None)] + [(f"floor {f:g} s", f) for f in args.floors]
    for name in args.models:
        recognizers = {}
        for label, floor in modes:
            cfg = Config()
            cfg.general.data_dir = data_dir
            cfg.asr.model = name
            cfg.asr.threads = args.threads
            cfg.asr.sized_window = floor is not None
            cfg.asr.window_floor_s = max(1.0, floor) if floor is not None else 10.0
            cfg.asr.window_margin_s = args.margin
            recognizers[label] = Recognizer(cfg)
        # One loaded model for all modes: the window is per call, so they share the weights.
        first = recognizers[modes[0][0]]
        first.warm()
        for rec in recognizers.values():
            rec._model, rec._model_path = first._model, first._model_path
            rec.warm()
        items = cases(first.multilingual)
        right = {label: {} for label, _ in modes}
        times = {label: [] for label, _ in modes}
        fallbacks = {label: 0 for label, _ in modes}
        for set_name, lang, text, audio, check in items:
            heard = {}
            for label, _ in modes:  # back to back: the same load for both
                rec = recognizers[label]
                before = rec.window_fallbacks
                t = rec.transcribe(audio, lang_hint=None)
                fallbacks[label] += rec.window_fallbacks - before
                times[label].append(t.asr_seconds)
                ok = bool(t.text) and bool(check(t.text, t.lang))
                right[label].setdefault((set_name, lang), []).append(ok)
                heard[label] = (t.text or f"<{t.dropped}>", ok)
            if args.verbose and len({h[0] for h in heard.values()}) > 1:
                print(f"    {lang} {text!r}: " + " | ".join(f"{k}: {v[0]!r}{'' if v[1] else ' (WRONG)'}"
                                                            for k, v in heard.items()), flush=True)
        print(f"{name}: {len(items)} utterances")
        groups = sorted(right[modes[0][0]])
        header = f"  {'set':14}" + "".join(f"{label:>16}" for label, _ in modes)
        print(header)
        for g in groups:
            print(f"  {g[0] + ' ' + g[1]:14}" + "".join(
                f"{sum(right[label][g]):>10}/{len(right[label][g]):<5}" for label, _ in modes))
        print(f"  {'all right':14}" + "".join(
            f"{sum(sum(v) for v in right[label].values()):>10}/{len(items):<5}" for label, _ in modes))
        base_t = times[modes[0][0]]
        print(f"  {'ASR median s':14}" + "".join(f"{statistics.median(times[l]):>16.3f}" for l, _ in modes))
        print(f"  {'ASR worst s':14}" + "".join(f"{max(times[l]):>16.3f}" for l, _ in modes))
        print(f"  {'ratio to 30 s':14}" + "".join(
            f"{statistics.median(a / b for a, b in zip(times[l], base_t)):>16.2f}" for l, _ in modes))
        print(f"  {'fallbacks':14}" + "".join(f"{fallbacks[l]:>16}" for l, _ in modes), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
