"""Kiosk helpers: the watchdog restarts a real stalled worker thread and says so on the bus, and
gives up on a drawing that hangs (the person is told, and the next picture is drawn); the daily
summary line counts turns, pictures and errors per day."""

from __future__ import annotations

import threading
import time

import pytest

from assistant.config import Config, from_dict
from assistant.errors import ConfigError
from assistant.events import EventBus, Recorder
from assistant.image.artist import Artist
from assistant.kiosk import DailySummary, KioskServices, Watchdog, apply_kiosk
from assistant.pipeline import Pipeline
from assistant.speech.text_speaker import TextSpeaker
from dialog import phrasing
from dialog.machine import Dialog
from dialog import events as ev


class Worker:
    """A worker thread that beats while it works and can hang (stop beating without exiting)."""

    def __init__(self, watchdog: Watchdog, name: str):
        self.watchdog = watchdog
        self.name = name
        self.hang = threading.Event()
        self.quit = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.quit.is_set():
            if not self.hang.is_set():
                self.watchdog.beat(self.name)
            time.sleep(0.02)


def test_watchdog_restarts_a_stalled_worker_and_emits_the_event():
    bus = EventBus()
    rec = Recorder()
    bus.subscribe(rec)
    workers: dict[str, Worker] = {}
    restarted = []

    def restart(name):
        restarted.append(name)
        workers[name].quit.set()
        workers[name] = Worker(dog, name)  # a fresh one takes over

    dog = Watchdog(bus, timeout_s=0.3, restart=restart, interval_s=0.05).start()
    workers["asr"] = Worker(dog, "asr")
    workers["audio"] = Worker(dog, "audio")
    time.sleep(0.6)
    assert restarted == [] and rec.of_type("watchdog") == []  # healthy workers are left alone
    workers["asr"].hang.set()
    deadline = time.monotonic() + 5
    while not restarted and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.5)  # the new worker beats, so no second restart
    dog.close()
    assert restarted == ["asr"]
    (event,) = rec.of_type("watchdog")
    assert event["worker"] == "asr" and 0.3 <= event["stalled_s"] < 2.0
    assert dog.restarts == {"asr": 1}
    for w in workers.values():
        w.quit.set()


def test_watchdog_forgets_finished_workers_and_reports_failed_restarts():
    bus = EventBus()
    rec = Recorder()
    bus.subscribe(rec)
    now = [100.0]

    def broken_restart(name):
        raise RuntimeError("device busy")

    dog = Watchdog(bus, timeout_s=10, restart=broken_restart, clock=lambda: now[0])
    dog.beat("generate")
    dog.beat("tts")
    dog.done("tts")
    now[0] = 111.0
    assert dog.check() == ["generate"]
    assert dog.check() == []  # once per stall
    (err,) = rec.of_type("error")
    assert err["stage"] == "watchdog" and "device busy" in err["message"]


def _local(y, m, d, hh, mm=0):
    return time.mktime((y, m, d, hh, mm, 0, 0, 0, -1))


def test_daily_summary_line_when_the_day_changes_and_on_close():
    now = [_local(2026, 11, 24, 23, 50)]
    bus = EventBus()
    rec = Recorder()
    bus.subscribe(rec)
    lines = []
    summary = DailySummary(bus, clock=lambda: now[0], sink=lines.append)
    for text in ("a girl on the beach", "no, a boy", "yes"):
        bus.emit(ev.Transcript(text=text, lang="en", confidence=0.9, asr_seconds=0.3))
    bus.emit(ev.Image(path="/p/1.png", backend="sketch", style="hayao", seconds=1.0, attributes={}))
    bus.emit(ev.Error(stage="generate", message="out of memory"))
    bus.emit(ev.Error(stage="speak", message="espeak failed"))
    bus.emit(ev.Watchdog(worker="asr", stalled_s=130.0))
    assert lines == []
    now[0] = _local(2026, 11, 25, 0, 5)
    bus.emit(ev.Transcript(text="画一只猫", lang="zh", confidence=0.9, asr_seconds=0.3))
    assert lines == ["daily summary 2026-11-24: 3 turns, 1 pictures, 2 errors (generate 1, speak 1), "
                     "1 watchdog restarts"]
    bus.emit(ev.Image(path="/p/2.png", backend="sketch", style="hayao", seconds=1.0, attributes={}))
    last = summary.close()
    assert last == "daily summary 2026-11-25 (so far): 1 turns, 1 pictures, 0 errors"
    assert lines[-1] == last
    events = rec.of_type("summary")
    assert [(e["day"], e["turns"], e["pictures"], e["errors"]) for e in events] == \
        [("2026-11-24", 3, 1, 2), ("2026-11-25", 1, 1, 0)]
    bus.emit(ev.Transcript(text="after close", lang="en", confidence=1.0, asr_seconds=0.1))
    assert len(lines) == 2  # closed: no longer counting


def test_quiet_day_rolls_over_without_events():
    now = [_local(2026, 1, 1, 12)]
    bus = EventBus()
    lines = []
    summary = DailySummary(bus, clock=lambda: now[0], sink=lines.append)
    assert summary.roll() is None
    now[0] = _local(2026, 1, 3, 9)
    assert summary.roll() == "daily summary 2026-01-01: 0 turns, 0 pictures, 0 errors"


def test_apply_kiosk():
    cfg = Config()
    apply_kiosk(cfg)
    assert cfg.kiosk.enabled and cfg.window.fullscreen


def test_summary_timer_rolls_over_and_services_close_cleanly():
    now = [_local(2026, 3, 1, 23, 59)]
    bus = EventBus()
    lines = []
    summary = DailySummary(bus, clock=lambda: now[0], sink=lines.append).start(interval_s=0.05)
    bus.emit(ev.Image(path="/p.png", backend="sketch", style="hayao", seconds=0.1, attributes={}))
    now[0] = _local(2026, 3, 2, 0, 1)
    deadline = time.monotonic() + 3
    while not lines and time.monotonic() < deadline:
        time.sleep(0.02)
    assert lines == ["daily summary 2026-03-01: 0 turns, 1 pictures, 0 errors"]
    summary.close()

    cfg = Config()
    cfg.kiosk.watchdog_s = 60
    services = KioskServices(cfg, EventBus(), restart=lambda name: None)
    services.beat("audio")
    services.close()
    assert services.summary.lines[-1].endswith("0 turns, 0 pictures, 0 errors")


def test_watchdog_keeps_a_worker_own_limit():
    bus = EventBus()
    now = [0.0]
    restarted = []
    dog = Watchdog(bus, timeout_s=10, restart=restarted.append, clock=lambda: now[0])
    dog.beat("asr")
    dog.beat("generate", timeout_s=3)
    now[0] = 2.0
    dog.beat("generate")  # a later beat without a limit keeps the worker's own
    now[0] = 5.5
    assert dog.check() == ["generate"] and restarted == ["generate"]
    dog.done("generate")  # what the drawing's restart does: nothing is drawing now
    now[0] = 10.5
    assert dog.check() == ["asr"]


# -- a drawing that hangs, through the daemon's wiring: Dialog in the background, the Pipeline's
#    restart, the kiosk's Watchdog --------------------------------------------------------------

class StuckModelArtist(Artist):
    """The real artist whose text-to-image model hangs after loading, as a deadlocked torch thread
    or a stalled GPU driver does: Artist.render holds the artist's lock around it until `wake`."""

    def __init__(self, config):
        super().__init__(config)
        self.stuck = threading.Event()
        self.wake = threading.Event()
        self.calls = 0
        self.thread = None

    def backend_name(self) -> str:
        return "sd"

    def _render_sd(self, plan, progress, cancel):
        self.calls += 1
        self.thread = threading.current_thread()
        progress(0, 4)  # loaded, then nothing more
        self.stuck.set()
        self.wake.wait()
        return None  # never drawn: by then the drawing is cancelled


class SteppingArtist(Artist):
    """The real sketch artist, with drawing spread over slow steps that each report progress."""

    def __init__(self, config, steps, step_s):
        super().__init__(config)
        self.steps, self.step_s = steps, step_s

    def render(self, plan, attributes, out_dir, progress=None, cancel=None):
        for i in range(self.steps):
            progress(i + 1, self.steps)
            time.sleep(self.step_s)
        return super().render(plan, attributes, out_dir, progress, cancel)


def _kiosk(tmp_path, artist, stall_s):
    config = Config()
    config.image.backend = "sketch"
    config.image.stall_s = stall_s
    config.kiosk.watchdog_s = 30.0
    bus = EventBus()
    rec = Recorder()
    bus.subscribe(rec)
    dialog = Dialog(bus.emit, config, artist, TextSpeaker(bus), tmp_path, background=True,
                    new_artist=lambda: Artist(config))
    pipeline = Pipeline(config, bus, None, dialog)
    services = KioskServices(config, bus, restart=pipeline.restart)
    pipeline.watch(services.watchdog)
    return dialog, pipeline, services, rec


def _until(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def _wind_down(dialog, pipeline, services):
    dialog.close()
    pipeline.run([])  # no audio: ends the turn thread and the recognizer worker
    services.close()


def test_hung_drawing_is_abandoned_said_and_offered_again_and_retried_by_a_fresh_artist(tmp_path):
    stuck = StuckModelArtist(Config())
    dialog, pipeline, services, rec = _kiosk(tmp_path, stuck, stall_s=0.5)
    t0 = time.monotonic()
    dialog.hear("a cat on a rooftop")
    dialog.hear("yes")
    assert stuck.stuck.wait(10)
    assert _until(lambda: rec.of_type("watchdog"))
    waited = time.monotonic() - t0
    (event,) = rec.of_type("watchdog")
    assert event["worker"] == "generate" and 0.5 <= event["stalled_s"] < 5.0
    assert waited < 10.0  # told within the deadline, not after minutes of silence
    # Told aloud, and back where "yes" draws the same picture again.
    record = {"subject": "cat", "setting": "rooftop"}
    assert dialog.state == "confirming" and dialog.record == record and dialog.idle
    assert rec.of_type("state")[-1]["trigger"] == "stall"
    said = rec.of_type("say")[-1]["text"]
    assert said == phrasing.phrase("drawing_stuck", "en", description=phrasing.describe(record, "en"))
    assert "stuck" in said and "cat on a rooftop" in said
    assert not rec.of_type("image") and not rec.of_type("error")

    dialog.hear("yes")
    assert dialog.wait(30)
    assert dialog.state == "showing"
    (image,) = rec.of_type("image")
    assert image["attributes"] == record and image["backend"] == "sketch"
    assert (tmp_path / image["path"]).exists()
    assert stuck.calls == 1  # the retry went to the fresh artist, not into the queue behind the hung one
    time.sleep(1.0)  # the fresh drawing finished: nothing is left for the watchdog to see
    assert len(rec.of_type("watchdog")) == 1 and services.watchdog.restarts == {"generate": 1}

    # If the hung call ever returns, its result is ignored and the dialog is undisturbed.
    states = len(rec.of_type("state"))
    stuck.wake.set()
    stuck.thread.join(5)
    assert not stuck.thread.is_alive()
    assert len(rec.of_type("image")) == 1 and not rec.of_type("error")
    assert len(rec.of_type("state")) == states and dialog.state == "showing"
    _wind_down(dialog, pipeline, services)


def test_drawing_asked_for_behind_a_hung_one_shares_its_deadline(tmp_path):
    stuck = StuckModelArtist(Config())
    dialog, pipeline, services, rec = _kiosk(tmp_path, stuck, stall_s=4.0)
    dialog.hear("a cat on a rooftop")
    dialog.hear("yes")
    assert stuck.stuck.wait(10)
    dialog.hear("stop")  # cancelled, but the hung model still holds the artist
    assert dialog.state == "idle"
    time.sleep(2.5)
    dialog.hear("a dog in the park")
    dialog.hear("yes")  # waits behind the hung drawing, which never lets go
    t_promised = time.monotonic()
    assert dialog.state == "generating" and not rec.of_type("watchdog")
    assert _until(lambda: rec.of_type("watchdog"))
    # The deadline ran from the hung drawing's last sign of life (about 1.5 s from now), not
    # from the new promise (4 s from now).
    assert time.monotonic() - t_promised < 3.5
    (event,) = rec.of_type("watchdog")
    assert event["worker"] == "generate" and event["stalled_s"] >= 4.0
    assert dialog.state == "confirming" and dialog.record == {"subject": "dog", "setting": "park"}
    assert "stuck" in rec.of_type("say")[-1]["text"]
    dialog.hear("yes")
    assert dialog.wait(30) and dialog.state == "showing"
    assert [e["attributes"] for e in rec.of_type("image")] == [{"subject": "dog", "setting": "park"}]
    assert stuck.calls == 1
    stuck.wake.set()
    _wind_down(dialog, pipeline, services)


def test_a_slow_drawing_that_reports_steps_is_not_hung(tmp_path):
    config = Config()
    artist = SteppingArtist(config, steps=12, step_s=0.25)  # 3 s in all, 4 steps a second
    dialog, pipeline, services, rec = _kiosk(tmp_path, artist, stall_s=1.5)
    dialog.hear("a girl with blue hair")
    dialog.hear("yes")
    assert dialog.wait(30) and dialog.state == "showing"
    time.sleep(2.0)  # past the deadline after the last step: a finished drawing is not watched
    assert rec.of_type("image") and not rec.of_type("watchdog")
    _wind_down(dialog, pipeline, services)


def test_stall_s_is_checked():
    assert from_dict({"image": {"stall_s": 300}}).image.stall_s == 300.0
    with pytest.raises(ConfigError, match=r"\[image\] stall_s"):
        from_dict({"image": {"stall_s": -1}})
