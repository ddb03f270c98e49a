"""`listen --audio-in FILE...`: the daemon with WAV files in place of the microphone.

Without --realtime the audio is fed as fast as the pipeline takes it and each speech segment is
one turn, handled to the end (spoken reply and picture included) before the next; with
--realtime it flows at its natural pace and event times line up with audio times.
"""

from __future__ import annotations

from assistant.pipeline import Session


def run(args, config) -> int:
    from assistant.audio.sources import FileSource

    # Every file's header is checked here, before any model loads, so a bad file fails at once.
    source = FileSource(args.audio_in, config, realtime=False)
    session = Session(config, display=args.display, tts_out=args.tts_out, image_out=args.image_out,
                      events=args.events, json_out=args.json)
    return session.run(source, realtime=args.realtime, one_turn_at_a_time=not args.realtime)
