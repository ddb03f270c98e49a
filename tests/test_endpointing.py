"""The early endpointer: a complete turn closes after [endpoint] silence_s, a broken-off one waits
for [vad] end_silence_s, and speech resuming after an early close is heard whole.

Real espeak-ng speech, real VAD and whisper tiny.en, the real dialog, played at natural pace.
end_silence_s is 4 s here so an early close (about silence_s plus the speculative decode) stands
apart from a normal one however loaded the machine is; the latency itself is bench_latency's.
No transcript is asserted: closes, intents and attributes are.
"""

from __future__ import annotations

import shutil
import threading

import numpy as np
import pytest

from assistant.audio.sources import Block
from assistant.config import Config
from assistant.endpoint import open_ended
from assistant.events import EventBus, Recorder
from dialog import events as ev
from tests.audio_fixtures import silence, speak, speech_extent

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")

END_SILENCE_S = 4.0
RATE = 16000


class _QuietSpeaker:
    """Says nothing aloud: the replies are not under test here, only when turns close."""

    live = False

    def __init__(self, bus):
        self._bus = bus
        self.speaking = False
        self.stops = 0

    def say(self, text, lang):
        self._bus.emit(ev.Say(text=text, lang=lang, audio_path=None))

    def stop(self):
        self.stops += 1

    def wait(self, timeout=None):
        return True


@pytest.fixture(scope="module")
def recognizer():
    from assistant.speech.asr import Recognizer

    config = Config()
    config.asr.model = "tiny.en"
    rec = Recognizer(config)
    rec.warm()
    return rec


def _config(early=True) -> Config:
    config = Config()
    config.asr.model = "tiny.en"
    config.vad.end_silence_s = END_SILENCE_S
    config.endpoint.early = early
    config.image.backend = "sketch"
    config.gallery.enabled = False
    return config


def _play(recognizer, parts, tmp_path, early=True):
    """Play `parts` (text or seconds of silence) in real time; returns the events, the pipeline,
    the dialog and the audio-clock end of each spoken part's last voiced frame."""
    from assistant.image.artist import Artist
    from assistant.pipeline import Pipeline, paced
    from dialog.machine import Dialog

    config = _config(early)
    recognizer.config = config
    audio, ends, pos = [], [], 0.0
    for part in parts:
        chunk = silence(part, RATE) if isinstance(part, (int, float)) else speak(part, "en", RATE)
        if not isinstance(part, (int, float)):
            ends.append(pos + speech_extent(chunk, RATE)[1])
        audio.append(chunk)
        pos += len(chunk) / RATE
    audio = np.concatenate(audio)
    bus = EventBus()
    recorder = Recorder()
    bus.subscribe(recorder)
    speaker = _QuietSpeaker(bus)
    dialog = Dialog(bus.emit, config, Artist(config), speaker, tmp_path / "pictures", background=True)
    stop = threading.Event()
    pipeline = Pipeline(config, bus, recognizer, dialog, speaker, stop=stop)
    n = RATE * config.audio.block_ms // 1000
    blocks = [Block(audio[i:i + n], i / RATE) for i in range(0, len(audio) - n + 1, n)]
    fed, closes = [0.0], []
    bus.subscribe(lambda e: closes.append(fed[0]) if isinstance(e, ev.Speech) else None)

    def played():
        for block in paced(blocks, bus.origin, RATE, stop):
            assert pipeline.await_guess(60.0), "a speculative decode took over a minute"
            fed[0] = block.start + len(block.samples) / RATE
            yield block

    pipeline.run(played())
    dialog.close()
    return recorder.events, pipeline, dialog, ends, closes


def _waited(closes, after: float) -> float:
    """Seconds of audio heard from `after` (audio clock) until the first turn closed after it."""
    return next(c for c in closes if c > after) - after


@pytest.mark.parametrize("text,open_", [
    ("A girl with blue hair.", False),
    ("A girl with...", True),
    ("a girl with blue hair and", True),
    ("A girl with blue hair, um", True),
    ("A girl with blue hair,", True),
    ("Yes.", False),
    ("一个蓝色头发的女孩", False),
    ("一个穿着", True),
    ("一个女孩和", True),
])
def test_words_that_promise_more_keep_the_turn_open(text, open_):
    assert open_ended(text) is open_


def test_a_complete_description_closes_early(recognizer, tmp_path):
    events, pipeline, dialog, ends, closes = _play(
        recognizer, [0.5, "a smiling boy in a school uniform waving in the classroom", 5.0], tmp_path)
    assert pipeline.early_closes == 1 and pipeline.rejoins == 0
    # Closed after silence_s plus what is left of the decode, not after end_silence_s.
    assert _waited(closes, ends[0]) < 1.0
    understood = [e for e in events if e["type"] == "understood"]
    assert len(understood) == 1 and understood[0]["intent"] == "describe"
    assert dialog.state == "confirming"


def test_the_same_description_waits_end_silence_with_the_endpointer_off(recognizer, tmp_path):
    events, pipeline, _, ends, closes = _play(
        recognizer, [0.5, "a smiling boy in a school uniform waving in the classroom", 5.0], tmp_path, early=False)
    assert pipeline.early_closes == 0
    assert _waited(closes, ends[0]) >= END_SILENCE_S - 0.1


def test_a_sentence_broken_off_mid_pause_reaches_the_dialog_whole(recognizer, tmp_path):
    events, pipeline, dialog, ends, closes = _play(recognizer, [0.5, "a girl with", 1.2, "blue hair and red eyes", 5.0],
                                           tmp_path)
    understood = [e for e in events if e["type"] == "understood"]
    # One turn, the whole description: the pause after "with" never closed it (its end may).
    assert pipeline.rejoins == 0
    assert len([e for e in events if e["type"] == "speech"]) == 1 and closes[0] > ends[1]
    assert len(understood) == 1 and understood[0]["intent"] == "describe"
    assert understood[0]["attributes"].get("hair_color") == "blue"
    assert understood[0]["attributes"].get("eye_color") == "red"


def test_speech_resuming_after_an_early_close_is_heard_whole(recognizer, tmp_path):
    events, pipeline, dialog, ends, closes = _play(
        recognizer, [0.5, "a girl with blue hair on the beach", 1.0, "and a red dress", 5.0], tmp_path)
    # The first sentence is complete and closes early; the second resumes within end_silence_s,
    # so the segment goes on and the dialog ends up with the whole description.
    assert pipeline.early_closes >= 1 and pipeline.rejoins == 1
    assert closes[0] < ends[1] < closes[1]  # closed early, then again after the second part
    speech = [e for e in events if e["type"] == "speech"]
    assert len(speech) == 2 and speech[1]["start"] == speech[0]["start"]  # the first part is in it
    heard = [e["text"] for e in events if e["type"] == "transcript"]
    assert len(heard) == 2 and len(heard[1].split()) >= len(heard[0].split()) + 2
    understood = [e for e in events if e["type"] == "understood"]
    assert understood[-1]["attributes"].get("hair_color") == "blue"
    assert dialog.record.get("hair_color") == "blue" and dialog.state == "confirming"


def test_a_clear_yes_while_confirming_closes_early(recognizer, tmp_path):
    events, pipeline, dialog, ends, closes = _play(
        recognizer, [0.5, "a girl with blue hair on the beach", 5.0, "yes", 5.0], tmp_path)
    understood = [e for e in events if e["type"] == "understood"]
    assert [u["intent"] for u in understood] == ["describe", "confirm"]
    assert _waited(closes, ends[1]) < 1.0
    assert pipeline.early_closes == 2
    assert dialog.state in ("generating", "showing")


def test_a_correction_while_confirming_closes_early(recognizer, tmp_path):
    events, pipeline, dialog, ends, closes = _play(
        recognizer, [0.5, "a girl with blue hair on the beach", 5.0, "no, make her hair red", 5.0], tmp_path)
    understood = [e for e in events if e["type"] == "understood"]
    assert [u["intent"] for u in understood] == ["describe", "correct"]
    assert dialog.record.get("hair_color") == "red" and dialog.state == "confirming"
    assert _waited(closes, ends[1]) < 1.0
    assert pipeline.early_closes == 2
