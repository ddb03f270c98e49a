"""Output under strain: two runs sharing a reply folder, a stalled speaker, queues that fill up."""

from __future__ import annotations

import shutil
import threading
import time

import pytest

from assistant.config import Config
from assistant.events import EventBus, Recorder

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")


@needs_espeak
def test_two_runs_sharing_a_reply_folder_never_overwrite_each_other(tmp_path):
    from assistant.speech.tts import EspeakSpeaker

    # Both read the folder at start (empty), as two `listen --tts-out DIR` runs would.
    speakers = [EspeakSpeaker(Config(), EventBus(), tmp_path) for _ in range(2)]
    texts = {0: [f"first run reply {i}" for i in range(4)], 1: [f"second run reply {i}" for i in range(4)]}
    paths: dict[int, list[str]] = {0: [], 1: []}

    def talk(n):
        for text in texts[n]:
            paths[n].append(speakers[n].say(text, "en"))

    threads = [threading.Thread(target=talk, args=(n,)) for n in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    every = paths[0] + paths[1]
    assert len(set(every)) == 8  # eight replies, eight different files
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == [f"{i:03d}-en.wav" for i in range(1, 9)], files  # numbered, no temporary left
    for n in (0, 1):
        numbers = [int(p.rsplit("/", 1)[1][:3]) for p in paths[n]]
        assert numbers == sorted(numbers)  # each run's replies stay in order


class _StalledStream:
    """Fault injection: an output device that accepted the stream and never pulls a sample."""

    def __init__(self):
        self.done = threading.Event()
        self.aborted = False

    def start(self):
        pass

    def abort(self):
        self.aborted = True

    def close(self):
        pass


@needs_espeak
def test_a_stalled_output_device_stops_the_reply_reports_it_and_the_next_one_goes_on(monkeypatch):
    pytest.importorskip("sounddevice")
    from assistant.speech.playback import STALL_MARGIN_FRACTION, STALL_MARGIN_S, Player
    from assistant.speech.tts import EspeakSpeaker

    streams = []

    def stalled_open(self, sd, device, samples, rate):
        streams.append(_StalledStream())
        return streams[-1], rate, len(samples)

    monkeypatch.setattr(Player, "_open", stalled_open)
    bus = EventBus()
    recorder = Recorder()
    bus.subscribe(recorder)
    speaker = EspeakSpeaker(Config(), bus)  # live output, through the real synthesiser and Player
    speaker.say("hello", "en")
    duration = speaker._player.duration
    started = time.monotonic()
    speaker.say("are you still there", "en")  # waits for the first, which never ends
    waited = time.monotonic() - started
    bound = duration + STALL_MARGIN_S + STALL_MARGIN_FRACTION * duration
    assert bound - 0.1 < waited < bound + 3.0, (waited, bound)  # synthesis of the second reply included
    errors = recorder.of_type("error")
    assert len(errors) == 1 and errors[0]["stage"] == "speak" and "stalled" in errors[0]["message"]
    assert streams[0].aborted and len(streams) == 2  # the stuck one stopped, the next one started
    assert [e["text"] for e in recorder.of_type("say")] == ["hello", "are you still there"]
    speaker.close()


def test_the_screen_queue_drops_meter_readings_first_and_keeps_every_turn():
    from assistant.window.display import EventQueue
    from dialog.events import Image, Level, Transcript

    q = EventQueue(maxsize=50, hard_max=200)
    story = []
    for i in range(1000):
        q.put(Level(rms_db=-40.0, t=i))
        if i % 10 == 0:
            e = Transcript(text=f"turn {i}", lang="en", confidence=1.0, asr_seconds=0.1)
            story.append(e)
            q.put(e)
    assert q.qsize() <= 100 + 1  # bounded although nobody emptied it
    kept = []
    while True:
        try:
            kept.append(q.get_nowait())
        except Exception:
            break
    assert [e for e in kept if isinstance(e, Transcript)] == story  # every turn, in order
    assert q.dropped > 0 and q.dropped + len(kept) == 1000 + len(story)
    # Past the hard cap even turn events go, oldest first, so memory stays bounded.
    q = EventQueue(maxsize=5, hard_max=10)
    for i in range(30):
        q.put(Image(path=f"{i}.png", backend="sketch", style="hayao", seconds=1.0, attributes={}))
    assert q.qsize() == 10 and q.get_nowait().path == "20.png"


def test_a_far_behind_turn_thread_makes_the_audio_loop_wait_never_drops_a_turn():
    from assistant.audio.vad import Segment
    from assistant.pipeline import TURN_QUEUE_MAX, Pipeline

    import numpy as np

    class SlowRecognizer:
        """Stand-in for whisper: what the pipeline does when turns pile up, not what is heard;
        one real Transcript object every 20 ms, slower than segments are handed on here."""

        def transcribe(self, audio, lang_hint=None):
            from assistant.speech.asr import Transcript

            time.sleep(0.02)
            return Transcript(text="", lang="en", confidence=0.0, asr_seconds=0.02, no_speech_prob=1.0,
                              dropped="no speech")

    class Dialog:
        """Stand-in: no segment here has words, so the dialog is never asked anything."""

        state = "idle"
        idle = True

        def tick(self):
            pass

        def wait(self, timeout):
            return True

    bus = EventBus()
    recorder = Recorder()
    bus.subscribe(recorder)
    pipeline = Pipeline(Config(), bus, SlowRecognizer(), Dialog(), stop=threading.Event())
    n = TURN_QUEUE_MAX * 3
    pipeline._turn_thread.start()
    for i in range(n):
        pipeline._hand_on(Segment(audio=np.zeros(1600, dtype=np.float32), start=i, end=i + 0.1, voiced_s=0.1))
        assert pipeline._turns.qsize() <= TURN_QUEUE_MAX
    pipeline._put_turn(None)
    pipeline._turn_thread.join(30)
    assert len(recorder.of_type("ignored")) == n  # every segment answered (here: no words), none lost
    assert any(e["stage"] == "listen" and "waiting" in e["message"] for e in recorder.of_type("error"))
