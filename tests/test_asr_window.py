"""The sized encoder window: its size, the degenerate-decode test, and the fall back to 30 s,
driven with real whisper (tiny.en) on real espeak speech."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from assistant.config import Config
from assistant.speech.asr import FULL_WINDOW_FRAMES, Recognizer, degenerate, window_frames
from tests.audio_fixtures import have_espeak, speak, with_silence

needs_espeak = pytest.mark.skipif(not have_espeak(), reason="espeak-ng is not installed")

SAID = [
    ("a smiling boy in a school uniform waving in the classroom", {"smiling", "school", "uniform", "classroom"}),
    ("a girl with silver hair and red eyes wearing a crown in a castle", {"silver", "hair", "crown", "castle"}),
    ("Ghibli style, a girl with a straw hat in a field", {"girl", "straw", "hat", "field"}),
    ("a sad girl with an umbrella in the rain", {"sad", "umbrella", "rain"}),
    ("a blonde girl with a ponytail playing guitar", {"blonde", "ponytail", "guitar"}),
    ("no, a girl", {"no", "girl"}),
]


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z']+", text.lower()))


def test_window_grows_with_the_turn_between_floor_and_30_s():
    assert window_frames(16000, 10.0, 1.0) == 1000  # a 1 s reply: the floor
    assert window_frames(12 * 16000, 10.0, 1.0) == 1300  # 12 s + 1 s margin
    assert window_frames(12 * 16000 + 1, 10.0, 1.0) == 1400  # rounded up to whole seconds
    assert window_frames(40 * 16000, 1.0, 1.0) == FULL_WINDOW_FRAMES
    cfg = Config()
    cfg.asr.model = "tiny.en"
    rec = Recognizer(cfg)
    assert rec.window_for(2 * 16000) == window_frames(2 * 16000, cfg.asr.window_floor_s, cfg.asr.window_margin_s)
    cfg.asr.sized_window = False
    assert rec.window_for(2 * 16000) is None


def _seg(text, tokens=10, logprob=-0.2, ratio=1.2):
    return SimpleNamespace(text=text, tokens=list(range(tokens)), avg_logprob=logprob, compression_ratio=ratio)


@pytest.mark.parametrize("segment,seconds,bad", [
    (_seg("A smiling boy in a school uniform waving in the classroom."), 3.5, False),
    (_seg("A smiling boy in a school uniform, waving in the classroom, smiling, smiling boy in a "
          "school uniform, waving in the classroom."), 3.5, True),  # seen with a 10 s window
    (_seg("A girl with a straw hat in a field, a girl with a straw hat in a field."), 3.0, True),
    (_seg("Yes."), 0.6, False),
    (_seg("yes yes yes yes"), 0.6, True),
    (_seg("No, a girl.", ratio=2.9), 1.0, True),  # whisper's own looping threshold
    (_seg("No, a girl.", logprob=-1.8), 1.0, True),  # the decoder gave up
    (_seg("No, a girl.", logprob=-1.2), 1.0, False),  # unsure, as espeak Mandarin always is
    (_seg("two girls dancing in the park while a dog runs after a red ball"), 1.0, True),  # too fast to say
    (_seg("一个金发扎马尾的女孩在弹吉他"), 3.0, False),
    (_seg("女孩女孩女孩女孩"), 3.0, True),
])
def test_degenerate_decodes_are_recognised(segment, seconds, bad):
    assert (degenerate([segment], int(seconds * 16000), "en") is not None) == bad


@pytest.fixture(scope="module")
def tiny():
    cfg = Config()
    cfg.asr.model = "tiny.en"
    # The shortest window (the audio itself, no margin, 1 s floor) loops often: the provocation.
    cfg.asr.window_floor_s, cfg.asr.window_margin_s = 1.0, 0.0
    rec = Recognizer(cfg)
    rec.warm()
    return rec


@pytest.mark.slow
@needs_espeak
def test_degenerate_short_window_decodes_fall_back_to_the_full_window(tiny):
    model = tiny._load()
    degenerate_seen, sized_right, full_right = 0, 0, 0
    for text, keys in SAID:
        audio = with_silence(speak(text, "en"), 16000, 0.3, 0.3)
        window = tiny.window_for(len(audio))
        assert window is not None and window < FULL_WINDOW_FRAMES
        with tiny._lock:
            try:
                model.window = window
                short = tiny._decode(audio, "en")
                model.window = None
                full = tiny._decode(audio, "en")
            finally:
                model.window = None
                model.forget()
        why = degenerate(short, len(audio), "en")
        before = tiny.window_fallbacks
        got = tiny.transcribe(audio)
        assert tiny.window_fallbacks - before == (1 if why else 0), (text, why)
        full_text = " ".join("".join(s.text for s in full).strip().split())
        if why:
            degenerate_seen += 1
            # Greedy decoding of the same 30 s window: exactly what main heard.
            assert " ".join(got.raw_text.split()) == full_text, (text, why, got.raw_text, full_text)
        full_right += len(keys & _words(full_text)) >= len(keys) / 2
        sized_right += bool(got.text) and len(keys & _words(got.text)) >= len(keys) / 2
    assert degenerate_seen >= 1, "no short-window decode was degenerate: the provocation failed"
    assert sized_right >= full_right, (sized_right, full_right)
