"""Spoken replies: real espeak-ng (program and pyttsx3 driver) and natural-voice audio, checked by
ear via whisper (the natural voices' own checks: tests/test_natural_voice.py)."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from assistant.audio.wav import load_for_pipeline, read_wav
from assistant.config import Config
from assistant.events import EventBus, Recorder
from assistant.speech.natural import voice_problem
from assistant.speech.tts import (EspeakSpeaker, NaturalSpeaker, Pyttsx3Speaker, SpeechOutputError,
                                  create_speaker)
from tests.audio_fixtures import artifact_dir, speech_extent

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")

EN_CONFIRM = "A blue-haired girl reading on the beach, is that right?"
ZH_CONFIRM = "一个在樱花树下的黑发男孩,对吗?"


def _speaker(kind, name):
    out = artifact_dir(f"tts/{name}")
    for old in out.glob("*.wav"):
        old.unlink()
    bus = EventBus()
    recorder = Recorder()
    bus.subscribe(recorder)
    return kind(Config(), bus, out), recorder, out


def _check_speech(path, words: int, wpm: int):
    samples, rate = read_wav(path)
    assert rate >= 16000
    duration = len(samples) / rate
    # Plausible for the text: espeak speaks near its words-per-minute rate, with a pause at the end.
    expected = words / wpm * 60
    assert 0.5 * expected < duration < 2.5 * expected + 1.0, (path, duration, expected)
    assert float(np.abs(samples).max()) > 0.1
    first, last = speech_extent(samples, rate)
    assert last - first > 0.5 * expected


_NATURAL = pytest.param(NaturalSpeaker, marks=pytest.mark.skipif(voice_problem("en") is not None,
                                                                  reason="the Piper English voice is not installed"))


@pytest.mark.parametrize("kind", [EspeakSpeaker, Pyttsx3Speaker, _NATURAL], ids=["espeak", "pyttsx3", "natural"])
def test_both_languages_give_numbered_non_silent_wavs_and_say_events(kind):
    speaker, recorder, out = _speaker(kind, kind.engine)
    en = speaker.say(EN_CONFIRM, "en")
    zh = speaker.say(ZH_CONFIRM, "zh")
    speaker.close()
    assert en == str(out / "001-en.wav") and zh == str(out / "002-zh.wav")
    _check_speech(en, words=11, wpm=165)
    _check_speech(zh, words=9, wpm=150)  # about two characters a "word" at espeak's Mandarin pace
    says = recorder.of_type("say")  # (a natural voice that could not load adds an `error` notice)
    assert [(e["text"], e["lang"], e["audio_path"]) for e in says] == [
        (EN_CONFIRM, "en", en), (ZH_CONFIRM, "zh", zh)]


def test_numbering_continues_after_files_already_there():
    speaker, _, out = _speaker(EspeakSpeaker, "numbering")
    speaker.say("one", "en")
    again = EspeakSpeaker(Config(), EventBus(), out)
    assert again.say("two", "en") == str(out / "002-en.wav")
    assert again.say("   ", "en") is None  # nothing to say: no file, no event


def test_live_output_without_a_device_reports_once_and_goes_on():
    config = Config()
    config.audio.output_device = "no such output device anywhere"
    bus = EventBus()
    recorder = Recorder()
    bus.subscribe(recorder)
    muted = []
    speaker = create_speaker(config, bus, out_dir=None, on_speaking=muted.append)
    assert speaker.live
    assert speaker.say("hello there", "en") is None
    assert speaker.say("still here", "en") is None
    errors = recorder.of_type("error")
    assert len(errors) == 1 and errors[0]["stage"] == "speak"
    assert "no such output device anywhere" in errors[0]["message"]
    assert [e["audio_path"] for e in recorder.of_type("say")] == [None, None]
    assert muted == []  # nothing played, so the microphone was never muted
    assert speaker.wait(0.1)


def test_unknown_voice_is_one_clear_error(tmp_path, monkeypatch):
    import voices

    speaker = EspeakSpeaker(Config(), EventBus(), tmp_path)
    monkeypatch.setattr(voices, "voice_settings", lambda lang: {"espeak_voice": "nosuchvoice"})
    with pytest.raises(SpeechOutputError) as info:
        speaker.say("hello", "en")
    assert "nosuchvoice" in info.value.line() and "espeak-ng --voices" in info.value.line()
    assert list(tmp_path.glob("*.wav")) == []  # no half-written reply left behind


# Confirmations as the dialog phrases them; what whisper hears back is parsed by the project's
# own parser, and most attributes must survive (one CPU heard "blue-aired", which loses a colour
# but not the picture).
SPOKEN_BACK = [
    {"subject": "girl", "hair_color": "blue", "action": "reading", "setting": "beach"},
    {"subject": "boy", "hair_color": "black", "setting": "classroom"},
    {"subject": "girl", "hair_color": "pink", "outfit": "kimono", "setting": "cherry blossoms"},
    {"subject": "cat", "action": "sleeping", "setting": "beach"},
]


@pytest.mark.slow
def test_spoken_confirmations_are_recognised_back_by_whisper():
    from assistant.speech.asr import Recognizer
    from dialog import phrasing
    from dialog.parse import parse

    speaker, _, _ = _speaker(EspeakSpeaker, "recognised")
    recognizer = Recognizer(Config())  # multilingual base, the default model
    recovered = total = 0
    for i, record in enumerate(SPOKEN_BACK):
        said = phrasing.phrase("confirm", "en", i, description=phrasing.describe(record, "en"))
        heard = recognizer.transcribe(load_for_pipeline(speaker.say(said, "en")))
        assert heard.lang == "en" and heard.text and not heard.dropped, (said, heard)
        got = parse(heard.text, "en").attributes
        assert got.get("subject") == record["subject"], (said, heard.text, got)
        recovered += sum(got.get(k) == v for k, v in record.items())
        total += len(record)
    assert recovered >= 0.8 * total, (recovered, total)
    zh = recognizer.transcribe(load_for_pipeline(speaker.say(ZH_CONFIRM, "zh")))
    # whisper base turns espeak-ng's Mandarin into mostly wrong characters (measured: about one
    # in ten right), so only the language and some text are checked: Chinese speech, not noise.
    assert zh.lang == "zh" and zh.text and not zh.dropped, zh
