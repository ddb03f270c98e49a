"""`chat`: the dialog alone, each --turn one utterance in place of speech.

Prints the event stream (`--json`) or a readable timeline. Pictures are drawn inline, so the
command ends when the last turn has been answered.
"""

from __future__ import annotations

import sys

from assistant.errors import UserError
from assistant.events import EventBus, JsonLinesSink
from assistant.outputs import exit_status, open_events_file, writable_dir
from assistant.timeline import Timeline


def run(args, config) -> int:
    from assistant.render import make_artist
    from assistant.speech.text_speaker import TextSpeaker
    from dialog.machine import Dialog

    out_dir = writable_dir(args.image_out or config.pictures_dir(), "--image-out")
    bus = EventBus()
    bus.subscribe(JsonLinesSink(sys.stdout) if args.json else Timeline(sys.stdout))
    events_file = open_events_file(args.events) if getattr(args, "events", None) else None
    if events_file:
        bus.subscribe(events_file)
    gallery = _attach_gallery(config, bus) if config.gallery.enabled else None
    dialog = Dialog(bus.emit, config, make_artist(config, bus), TextSpeaker(bus), out_dir, background=False)
    try:
        for turn in args.turn:
            dialog.hear(turn)
    finally:
        dialog.close()
        if events_file:
            bus.unsubscribe(events_file)
            try:
                events_file.close()
            except UserError as exc:
                bus.sink_failed(exc)
        if gallery is not None:
            gallery.close()
    return exit_status(bus)


def _attach_gallery(config, bus):
    """Keep finished pictures in the gallery; a gallery that cannot open never stops the chat."""
    from assistant.gallery import Gallery

    try:
        gallery = Gallery(config)
    except UserError as exc:
        print(f"warning: gallery disabled: {exc.line()}", file=sys.stderr)
        return None
    gallery.subscribe(bus)
    return gallery
