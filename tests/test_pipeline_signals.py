"""What the window needs from the pipeline: the VAD's "I'm listening / I heard you" signal, and
push-to-talk (SPACE held) for halls too loud for the VAD. Real espeak-ng speech, real VAD, real
whisper tiny.en, the real dialog."""

import threading

import numpy as np
import pytest

from assistant.audio.sources import Block
from assistant.config import Config
from assistant.events import EventBus, Recorder
from assistant.image.artist import Artist
from assistant.pipeline import Pipeline
from assistant.speech.asr import Recognizer
from assistant.speech.text_speaker import TextSpeaker
from dialog import events as ev
from dialog.machine import Dialog
from tests.audio_fixtures import have_espeak, speak, white_noise, with_silence

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not have_espeak(), reason="espeak-ng is not installed")]
RATE = 16000


@pytest.fixture(scope="module")
def recognizer():
    config = Config()
    config.asr.model = "tiny.en"
    rec = Recognizer(config)
    rec.warm()
    return rec


def blocks_of(audio, block_ms=30, on_block=None):
    n = int(RATE * block_ms / 1000)
    for i in range(0, len(audio) - n + 1, n):
        start = i / RATE
        if on_block:
            on_block(start)
        yield Block(samples=audio[i:i + n].astype(np.float32), start=start)


def run_pipeline(tmp_path, recognizer, audio, on_block=None):
    config = Config()
    config.asr.model = "tiny.en"
    bus = EventBus()
    rec = Recorder()
    bus.subscribe(rec)
    dialog = Dialog(bus.emit, config, Artist(config), TextSpeaker(bus), tmp_path, background=True)
    pipeline = Pipeline(config, bus, recognizer, dialog, one_turn_at_a_time=True)
    feed_on = on_block(bus) if on_block else None
    pipeline.run(blocks_of(audio, on_block=feed_on))
    dialog.close()
    return rec


def test_vad_drives_listening_signal(tmp_path, recognizer):
    speech = speak("a cat on the beach", "en", RATE)
    audio = with_silence(speech, RATE, lead_s=1.0, trail_s=1.5)
    rec = run_pipeline(tmp_path, recognizer, audio)
    flags = [e["speaking"] for e in rec.of_type("listening")]
    assert flags[:2] == [True, False]
    first_on = rec.of_type("listening")[0]["t"]
    speech_event = rec.of_type("speech")[0]
    assert rec.events.index(rec.of_type("listening")[0]) < rec.events.index(speech_event)
    assert first_on >= 0
    assert rec.of_type("understood")[0]["attributes"] == {"subject": "cat", "setting": "beach"}


def test_push_to_talk_turns_held_audio_into_one_turn_even_in_noise(tmp_path, recognizer):
    speech = speak("a girl with blue hair on the beach", "en", RATE)
    lead, trail = 1.5, 1.5
    audio = with_silence(speech, RATE, lead_s=lead, trail_s=trail)
    # A loud hall: constant noise the VAD gate learns as floor.
    audio = audio + white_noise(len(audio) / RATE, level_dbfs=-32, rate=RATE)[: len(audio)]
    held = (lead - 0.3, lead + len(speech) / RATE + 0.3)
    pressed = threading.Event()

    def on_block(bus):
        def at(start):
            if held[0] <= start < held[1] and not pressed.is_set():
                pressed.set()
                bus.emit(ev.Ptt(down=True))
            elif start >= held[1] and pressed.is_set():
                pressed.clear()
                bus.emit(ev.Ptt(down=False))
        return at

    rec = run_pipeline(tmp_path, recognizer, audio, on_block=on_block)
    ptt = [e for e in rec.of_type(ev.Listening) if e.ptt]
    assert [e.speaking for e in ptt] == [True, False]
    speech_events = rec.of_type("speech")
    assert len(speech_events) == 1
    assert speech_events[0]["start"] == pytest.approx(held[0], abs=0.05)
    assert speech_events[0]["end"] == pytest.approx(held[1], abs=0.05)
    assert rec.of_type("understood")[0]["attributes"] == {"subject": "girl", "hair_color": "blue", "setting": "beach"}
