"""Spoken replies to the speakers: one reply at a time, started without blocking, stoppable.

`Player.start` opens a PortAudio output stream that pulls the reply from memory in its callback,
so the caller (the dialog's thread) goes on while the reply plays, and `stop` can cut it short
when the person talks over it (barge-in). A device that does not take the synthesiser's rate
gets the reply resampled to its own default rate.
"""

from __future__ import annotations

import threading
import time

import numpy as np

from assistant.audio.streams import abort_quietly
from assistant.errors import UserError

_LIST_DEVICES = "list the devices with `python -m sounddevice` and set [audio] output_device"
# A reply may end this much later than its length says (device latency, a busy machine) before
# the device counts as stalled.
STALL_MARGIN_S = 2.0
STALL_MARGIN_FRACTION = 0.5


class PlaybackError(UserError):
    """No usable output device, or the device refused the stream."""


def resolve_output_device(spec: str):
    """config.audio.output_device as PortAudio wants it: None (default), an index, or a matched index."""
    spec = (spec or "").strip()
    if not spec:
        return None
    if spec.isdigit():
        return int(spec)
    sd = _sounddevice()
    wanted = spec.lower()
    for index, device in enumerate(sd.query_devices()):
        if device["max_output_channels"] > 0 and wanted in device["name"].lower():
            return index
    raise PlaybackError(f"no audio output device matches {spec!r}", _LIST_DEVICES)


def _sounddevice():
    try:
        import sounddevice
    except OSError as exc:  # PortAudio itself is missing
        raise PlaybackError(f"audio output is unavailable ({exc})",
                            "install PortAudio: sudo apt install libportaudio2") from None
    return sounddevice


class Player:
    def __init__(self, config):
        self._config = config
        self._lock = threading.Lock()
        self._stream = None
        self._done = threading.Event()
        self._done.set()
        self.duration = 0.0
        self._ends_at = 0.0  # monotonic time the reply in progress should have played out

    @property
    def playing(self) -> bool:
        return not self._done.is_set()

    def start(self, samples: np.ndarray, rate: int, before_start=None) -> float:
        """Begin playing float32 mono `samples`; returns the reply's duration in seconds.

        `before_start(duration)` runs once the device has accepted the stream and just before
        its first sample, so the microphone is muted only for audio that really plays.
        """
        sd = _sounddevice()
        device = resolve_output_device(self._config.audio.output_device)
        samples = np.ascontiguousarray(samples, dtype=np.float32)
        self.stop()
        try:
            stream, rate, frames = self._open(sd, device, samples, rate)
        except (sd.PortAudioError, ValueError) as exc:  # ValueError: no such device
            raise PlaybackError(f"cannot play on the audio output device ({exc})", _LIST_DEVICES) from None
        duration = frames / rate
        if before_start is not None:
            before_start(duration)
        with self._lock:
            self._stream = stream
            self._done = stream.done
            self.duration = duration
            self._ends_at = time.monotonic() + duration
        stream.start()
        return duration

    def _open(self, sd, device, samples, rate):
        try:
            return self._stream_for(sd, device, samples, rate), rate, len(samples)
        except sd.PortAudioError:
            # Some devices only take their own rate (48 kHz is common); espeak-ng speaks 22.05 kHz.
            native = int(sd.query_devices(device, "output")["default_samplerate"])
            if native == rate:
                raise
            from assistant.audio.wav import resample

            samples = resample(samples, rate, native)
            return self._stream_for(sd, device, samples, native), native, len(samples)

    def _stream_for(self, sd, device, samples, rate):
        position = [0]

        def callback(outdata, frames, _time, _status):
            chunk = samples[position[0]:position[0] + frames]
            outdata[:len(chunk), 0] = chunk
            outdata[len(chunk):, 0] = 0.0
            position[0] += frames
            if position[0] >= len(samples):
                raise sd.CallbackStop

        # Each stream has its own event, so an aborted stream finishing late never ends the next one.
        done = threading.Event()
        stream = sd.OutputStream(samplerate=rate, channels=1, dtype="float32", device=device,
                                 callback=callback, finished_callback=done.set)
        stream.done = done
        return stream

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the reply has played out (or was stopped); False on timeout."""
        return self._done.wait(timeout)

    def wait_for_end(self) -> bool:
        """Wait as long as the reply in progress should take, plus a margin; False when the device
        stalled (the reply has not ended by then). The caller holds a lock the dialog needs, so
        this never waits for ever on a device that stopped pulling samples."""
        if self._done.is_set():
            return True
        margin = STALL_MARGIN_S + STALL_MARGIN_FRACTION * self.duration
        return self._done.wait(max(0.0, self._ends_at - time.monotonic()) + margin)

    def stop(self) -> None:
        with self._lock:
            stream, self._stream = self._stream, None
        abort_quietly(stream)
        self._done.set()

    def close(self) -> None:
        self.stop()
