"""The event bus with sinks that really fail: /dev/full (ENOSPC), a full SQLite gallery, a bug."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.events import EventBus, JsonLinesSink, Recorder, SinkError
from assistant.outputs import exit_status, open_events_file
from dialog import events as ev

ROOT = Path(__file__).resolve().parent.parent
needs_dev_full = pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full (not Linux)")


@needs_dev_full
def test_a_full_disk_is_reported_at_once_again_later_and_as_an_error_event(monkeypatch):
    import assistant.events as events

    err = io.StringIO()
    bus = EventBus(stderr=err)
    recorder = Recorder()
    sink = open_events_file("/dev/full")
    bus.subscribe(sink)
    bus.subscribe(recorder)
    for i in range(5):
        bus.emit(ev.Speech(start=i, end=i + 1))
    warnings = err.getvalue().strip().splitlines()
    assert len(warnings) == 1, warnings
    assert "the event log /dev/full could not be written (No space left on device)" in warnings[0]
    assert "fix:" in warnings[0]
    errors = recorder.of_type("error")
    assert len(errors) == 1 and errors[0]["stage"] == "events" and "/dev/full" in errors[0]["message"]
    # Still failing later: said again, with the count, not silent.
    monkeypatch.setattr(events, "REPEAT_S", 0.0)
    bus.emit(ev.Speech(start=9, end=10))
    again = err.getvalue().strip().splitlines()[1:]
    assert again and "still failing" in again[0]
    (failure,) = bus.failures
    # Every emit failed, and so did the error events about it, which reach the same sink.
    assert failure.important and failure.count >= 6
    sink.close()  # already reported: closing does not raise it again
    out = io.StringIO()
    assert exit_status(bus, 0, out) == 1
    line = out.getvalue().strip()
    assert line.startswith("error: the event log /dev/full could not be written (No space left on device)")
    assert "not kept" in line and "fix:" in line


def test_a_failing_consumer_is_counted_never_breaks_the_others_and_sets_the_status():
    err = io.StringIO()
    bus = EventBus(stderr=err)
    recorder = Recorder()

    def broken(event):
        raise KeyError("attributes")

    bus.subscribe(broken)
    bus.subscribe(recorder)
    for _ in range(3):
        bus.emit(ev.Image(path="x.png", backend="sketch", style="hayao", seconds=0.1, attributes={}))
    assert len(recorder.events) == 3  # no error events for a non-storing consumer, and nothing lost
    assert len(err.getvalue().splitlines()) == 1 and "broken" in err.getvalue()
    assert bus.failures[0].count == 3 and not bus.lost_something()
    assert exit_status(bus, 0, io.StringIO()) == 1
    assert exit_status(EventBus(), 0, io.StringIO()) == 0
    assert exit_status(bus, 130, io.StringIO()) == 130  # the more specific status wins


def test_a_full_gallery_keeps_the_session_going_and_says_what_was_lost(tmp_path):
    from assistant.config import Config
    from assistant.gallery import Gallery

    cfg = Config()
    cfg.general.data_dir = str(tmp_path / "data")
    g = Gallery(cfg)
    # SQLite's own cap on the file's size, set on the gallery's connection (it is per connection):
    # the real SQLITE_FULL "database or disk is full" that a full disk gives, through the same path.
    pages = g._db.execute("PRAGMA page_count").fetchone()[0]
    g._db.execute(f"PRAGMA max_page_count = {pages + 2}")
    err = io.StringIO()
    bus = EventBus(stderr=err)
    recorder = Recorder()
    g.subscribe(bus)
    bus.subscribe(recorder)
    for i in range(40):
        bus.emit(ev.Transcript(text="a girl with blue hair " * 40, lang="en", confidence=0.9, asr_seconds=0.1))
        bus.emit(ev.Understood(intent="describe", attributes={"subject": "girl"}, changed=["subject"]))
        bus.emit(ev.Image(path=str(tmp_path / f"{i}.png"), attributes={"subject": "girl"}, backend="sketch",
                 style="hayao", seconds=0.1))
    errors = [e for e in recorder.of_type("error") if e["stage"] == "gallery"]
    assert errors and "disk is full" in errors[0]["message"] and "fix:" in errors[0]["message"]
    (failure,) = bus.failures
    assert failure.important and failure.count == 40 - g.count()
    assert "could not record the picture" in err.getvalue()
    g.close()


@needs_dev_full
def test_chat_with_its_event_log_on_a_full_disk_ends_non_zero_with_one_line(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text(f'[general]\ndata_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    done = subprocess.run([sys.executable, str(ROOT / "run_assistant.py"), "chat", "--config", str(cfg),
                           "--turn", "a girl with blue hair on the beach", "--turn", "yes", "--json",
                           "--events", "/dev/full", "--image-out", str(tmp_path / "pictures")],
                          capture_output=True, text=True, timeout=120, cwd=ROOT,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and "unexpected" not in done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("error: the event log /dev/full could not be written (No space left on device)"), last
    import json

    events = [json.loads(line) for line in done.stdout.splitlines()]
    kinds = [e["type"] for e in events]
    assert "image" in kinds  # the conversation itself went on to the end
    assert any(e["type"] == "error" and e["stage"] == "events" for e in events)
    from assistant.config import load
    from assistant.gallery import Gallery

    config = load(str(cfg))
    g = Gallery(config, readonly=True)
    assert g.count() == 1  # the gallery, a different sink, kept its row
    g.close()


def test_sink_error_is_a_user_error_with_a_fix():
    exc = SinkError("k", "the event log X could not be written (Read-only file system)", "give --events another file")
    assert exc.line() == "the event log X could not be written (Read-only file system) — fix: give --events another file"
    plain = JsonLinesSink(io.StringIO())
    plain(ev.Speech(start=0.0, end=1.0))  # an unnamed stream (stdout) raises as before
