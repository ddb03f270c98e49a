"""`listen --audio-in FILE...`: the daemon with WAV files in place of the microphone.

Without --realtime the audio is fed as fast as the pipeline takes it and each speech segment is
one turn, handled to the end (spoken reply and picture included) before the next; with
--realtime it flows at its natural pace and event times line up with audio times.

Ctrl-C (SIGINT) ends the run early with status 130, as the shell convention has it, and a line
saying so: a script that runs `listen` must not take a cut-short run for a finished one. SIGTERM
is a supervisor's orderly stop and still ends with 0, also with the line.
"""

from __future__ import annotations

import signal
import sys

from assistant.outputs import exit_status
from assistant.session import Session

INTERRUPTED = 128 + signal.SIGINT


def run(args, config) -> int:
    from assistant.audio.sources import FileSource

    # Every file's header is checked here, before any model loads, so a bad file fails at once.
    source = FileSource(args.audio_in, config, realtime=False)
    session = Session(config, display=args.display, tts_out=args.tts_out, image_out=args.image_out,
                      events=args.events, json_out=args.json)
    code = session.run(source, realtime=args.realtime, one_turn_at_a_time=not args.realtime)
    if session.signal_received is not None:
        name = signal.Signals(session.signal_received).name
        print(f"listen: interrupted by {name} before the end of the audio; the replies and pictures so far "
              "are kept", file=sys.stderr, flush=True)
        if session.signal_received == signal.SIGINT and not code:
            code = INTERRUPTED
    return exit_status(session.bus, code)
