"""Shared handling of PortAudio streams (sounddevice) for the microphone and the speakers."""

from __future__ import annotations


def abort_quietly(stream) -> None:
    """Stop and close `stream` at once, whatever state its device is in.

    abort, not stop: stop waits for buffers that a vanished device will never deliver; and a
    device that is already gone raises, which must not stop the caller from going on.
    """
    if stream is None:
        return
    try:
        stream.abort()
        stream.close()
    except Exception:  # noqa: BLE001 - the device may already be gone
        pass
