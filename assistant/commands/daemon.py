"""No sub-command: the always-listening daemon on the microphone and the speakers."""

from __future__ import annotations

from assistant.outputs import exit_status
from assistant.session import Session


def run(args, config) -> int:
    from assistant.audio.sources import MicSource

    if getattr(args, "kiosk", False):
        from assistant.kiosk import apply_kiosk

        # Fullscreen, and a missing microphone is waited for instead of failing at start.
        apply_kiosk(config)
    display = getattr(args, "display", None) or config.window.display
    session = Session(config, display=display, events=getattr(args, "events", None),
                      kiosk=config.kiosk.enabled)
    code = session.run(lambda bus: MicSource(config, bus), realtime=False, one_turn_at_a_time=False,
                       greet=True)
    return exit_status(session.bus, code)
