"""Kiosk helpers: the watchdog restarts a real stalled worker thread and says so on the bus;
the daily summary line counts turns, pictures and errors per day."""

from __future__ import annotations

import threading
import time

from assistant.config import Config
from assistant.events import EventBus, Recorder
from assistant.kiosk import DailySummary, KioskServices, Watchdog, apply_kiosk


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
        bus.emit("transcript", text=text, lang="en", confidence=0.9, asr_seconds=0.3)
    bus.emit("image", path="/p/1.png", backend="sketch", style="hayao", seconds=1.0, attributes={})
    bus.emit("error", stage="generate", message="out of memory")
    bus.emit("error", stage="speak", message="espeak failed")
    bus.emit("watchdog", worker="asr", stalled_s=130.0)
    assert lines == []
    now[0] = _local(2026, 11, 25, 0, 5)
    bus.emit("transcript", text="画一只猫", lang="zh", confidence=0.9, asr_seconds=0.3)
    assert lines == ["daily summary 2026-11-24: 3 turns, 1 pictures, 2 errors (generate 1, speak 1), "
                     "1 watchdog restarts"]
    bus.emit("image", path="/p/2.png", backend="sketch", style="hayao", seconds=1.0, attributes={})
    last = summary.close()
    assert last == "daily summary 2026-11-25 (so far): 1 turns, 1 pictures, 0 errors"
    assert lines[-1] == last
    events = rec.of_type("summary")
    assert [(e["day"], e["turns"], e["pictures"], e["errors"]) for e in events] == \
        [("2026-11-24", 3, 1, 2), ("2026-11-25", 1, 1, 0)]
    bus.emit("transcript", text="after close", lang="en", confidence=1.0, asr_seconds=0.1)
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
    bus.emit("image", path="/p.png", backend="sketch", style="hayao", seconds=0.1, attributes={})
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
