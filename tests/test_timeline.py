"""The readable timeline prints one line per event a person watching a terminal cares about."""

import io

from assistant.events import EventBus
from assistant.timeline import Timeline
from dialog import events as ev


def test_timeline_lines():
    out = io.StringIO()
    bus = EventBus()
    bus.subscribe(Timeline(out))
    bus.emit(ev.State(source="idle", to="confirming", trigger="describe"))
    bus.emit(ev.Transcript(text="a cat", lang="en", confidence=0.9, asr_seconds=0.4))
    bus.emit(ev.Progress(step=1, total=4))  # mid-drawing steps stay out of the timeline
    bus.emit(ev.Progress(step=4, total=4))
    bus.emit(ev.Ignored(start=1.0, end=2.0, text="Thanks for watching", reason="hallucination"))
    bus.emit(ev.Watchdog(worker="asr", stalled_s=130.0))
    bus.emit(ev.Level(rms_db=-40.0))  # unknown to the timeline: ignored
    lines = out.getvalue().splitlines()
    assert len(lines) == 5
    assert "idle -> confirming (describe)" in lines[0]
    assert "[en] a cat" in lines[1] and "0.90" in lines[1]
    assert "4/4" in lines[2]
    assert "hallucination" in lines[3] and "Thanks for watching" in lines[3]
    assert "restarted asr" in lines[4]
