"""Short yes/no replies heard while confirming, and noise that must not become one.

Every reply is said (natural voices and espeak-ng, English and Mandarin) at -20 and -32 dBFS
clean and at -20 dBFS over white (10 dB SNR), babble (10 dB) and pink (5 dB) noise, after a
typed description, through the real Pipeline, Segmenter, Recognizer (whisper base) and Dialog.
Then noise bursts of every kind (tests/noise_fixtures.py) at five levels and three lengths are
played in the same state. Each setting of [asr] reply_min_token_prob given is run on the same
audio in one process, so the counts compare:

    PYTHONPATH=. python bench/bench_replies.py --token-prob 1.0 0.6

right: the reply became its intent; wrong: the opposite intent (the costly mistake); lost:
nothing or "asked again". noise turns: a yes or no made from noise (target 0).
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests import noise_fixtures as nf  # noqa: E402
from tests.audio_fixtures import active_power, natural_available, silence, speak, speak_natural  # noqa: E402

DESCRIBED = {"zh": "一个蓝色头发的女孩在海边", "en": "a girl with blue hair on the beach"}
REPLIES = {
    "zh": [("对", "confirm"), ("对的", "confirm"), ("对啊", "confirm"), ("好", "confirm"), ("好的", "confirm"),
           ("好啊", "confirm"), ("行", "confirm"), ("嗯", "confirm"), ("是", "confirm"), ("是的", "confirm"),
           ("可以", "confirm"), ("没错", "confirm"), ("不", "deny"), ("不对", "deny"), ("不是", "deny"),
           ("不要", "deny")],
    "en": [("yes", "confirm"), ("yeah", "confirm"), ("yep", "confirm"), ("sure", "confirm"), ("okay", "confirm"),
           ("yes please", "confirm"), ("no", "deny"), ("nope", "deny"), ("not really", "deny")],
}
CONDITIONS = [(-20, None, None), (-32, None, None), (-20, "white", 10), (-20, "babble", 10), (-20, "pink", 5)]


def reply_audio(voice: np.ndarray, level: float, kind: str | None, snr: float | None) -> np.ndarray:
    x = voice * (10 ** (level / 20) / np.sqrt(active_power(voice)))
    audio = np.concatenate([silence(1.0), x, silence(1.2)]).astype(np.float64)
    audio += np.random.default_rng(0).standard_normal(len(audio)) * 10 ** (-65 / 20)
    if kind:
        noise = nf.KINDS[kind](len(audio) / 16000 + 0.01, level - snr, seed=3)[: len(audio)]
        audio += np.pad(noise, (0, len(audio) - len(noise)))
    return np.clip(audio, -1, 1).astype(np.float32)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--token-prob", type=float, nargs="+", default=[1.0, 0.6],
                    help="[asr] reply_min_token_prob values to compare (1.0 is off)")
    ap.add_argument("--noise", action=argparse.BooleanOptionalAction, default=True, help="play the noise bursts")
    ap.add_argument("--draws", type=int, default=1, help="noise draws per kind, level and length (default 1)")
    args = ap.parse_args()
    from assistant.config import Config
    from assistant.speech.asr import Recognizer
    from tests.test_noise import _play

    recognizer = Recognizer(Config())
    recognizer.warm()
    tmp = Path(tempfile.mkdtemp(prefix="bench_replies_"))

    heard_from_noise = {p: [] for p in args.token_prob}

    def intents(audio, lang, prob, noise=False):
        recognizer.config.asr.reply_min_token_prob = prob
        recorder, _ = _play(recognizer, audio, tmp / "run", described=DESCRIBED[lang])
        if noise:
            heard_from_noise[prob] += [(e["confidence"], e["text"]) for e in recorder.of_type("transcript")[1:]]
        return [e["intent"] for e in recorder.of_type("understood")][1:]

    voices = ["espeak"] + (["natural"] if natural_available("en") is None and natural_available("zh") is None else [])
    counts = {p: collections.Counter() for p in args.token_prob}
    wrongs = {p: [] for p in args.token_prob}
    for lang in ("en", "zh"):
        for voice in voices:
            for word, want in REPLIES[lang]:
                said = speak_natural(word, lang) if voice == "natural" else speak(word, lang)
                for level, kind, snr in CONDITIONS:
                    audio = reply_audio(said, level, kind, snr)
                    for p in args.token_prob:
                        heard = intents(audio, lang, p)
                        got = heard[0] if heard else "lost"
                        verdict = "right" if got == want else ("wrong" if got in ("confirm", "deny") else "lost")
                        counts[p][(lang, voice, verdict)] += 1
                        if verdict == "wrong":
                            wrongs[p].append(f"{voice} {word!r} {level} dBFS {kind or 'clean'}")
    noise_turns = {p: [] for p in args.token_prob}
    runs = 0
    if args.noise:
        rng = np.random.default_rng(7)
        for lang in ("zh", "en"):
            for kind in nf.KINDS:
                for level in (-40, -30, -22, -15, -9):
                    for burst_s in [b for b in (0.4, 1.0, 3.0) for _ in range(args.draws)]:
                        audio = nf.bursts(kind, level, count=2, burst_s=burst_s, seed=int(rng.integers(1 << 30)))
                        runs += 1
                        for p in args.token_prob:
                            heard = [i for i in intents(audio, lang, p, noise=True) if i in ("confirm", "deny")]
                            if heard:
                                noise_turns[p].append(f"{lang} {kind} {level} dBFS {burst_s} s: {heard}")
    for p in args.token_prob:
        c = counts[p]
        print(f"reply_min_token_prob {p}:")
        for lang in ("en", "zh"):
            for voice in voices:
                n = sum(c[(lang, voice, v)] for v in ("right", "wrong", "lost"))
                print(f"  {lang} {voice:8s} right {c[(lang, voice, 'right')]:3d}/{n}  wrong {c[(lang, voice, 'wrong')]}"
                      f"  lost {c[(lang, voice, 'lost')]}")
        for w in wrongs[p]:
            print(f"    wrong: {w}")
        if args.noise:
            top = sorted(heard_from_noise[p], reverse=True)[:3]
            print(f"  noise runs {runs}: turns {len(noise_turns[p])}; transcripts from noise {len(heard_from_noise[p])}"
                  + (", most confident: " + ", ".join(f"{t!r} {c:.2f}" for c, t in top) if top else ""))
            for t in noise_turns[p]:
                print(f"    noise turn: {t}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
