"""Where audio comes from: WAV files played as one stream, or the microphone.

Both sources yield `Block`s: block_ms of float32 mono at config.audio.sample_rate (16 kHz) with
their start time on the audio clock (seconds of audio since the stream began), so the VAD and
the event stream agree on times whatever the device's native rate.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass

import numpy as np

from assistant.audio.streams import abort_quietly
from assistant.audio.wav import check_wav, stream_for_pipeline
from assistant.errors import UserError
from dialog import events as ev

log = logging.getLogger(__name__)


@dataclass
class Block:
    samples: np.ndarray  # float32 mono at config.audio.sample_rate, block_ms long
    start: float  # seconds on the audio clock
    # True while the assistant speaks (MicSource.mute): samples are zeros and must not be heard.
    muted: bool = False


class Reblocker:
    """Native-rate chunks of any size and channel count in, fixed-size 16 kHz mono blocks out.

    Resampling is streaming (soxr.ResampleStream) so block edges leave no clicks and no drift.
    """

    def __init__(self, in_rate: int, out_rate: int, block_ms: int):
        self.in_rate, self.out_rate = int(in_rate), int(out_rate)
        self.block_len = int(out_rate * block_ms / 1000)
        self._pending = np.zeros(0, dtype=np.float32)
        self._stream = None
        if self.in_rate != self.out_rate:
            import soxr

            self._stream = soxr.ResampleStream(self.in_rate, self.out_rate, 1, dtype="float32")

    def push(self, chunk: np.ndarray, last: bool = False) -> list[np.ndarray]:
        chunk = np.asarray(chunk, dtype=np.float32)
        if chunk.ndim == 2:
            chunk = chunk.mean(axis=1) if chunk.shape[1] > 1 else chunk[:, 0]
        if self._stream is not None:
            chunk = self._stream.resample_chunk(np.ascontiguousarray(chunk), last=last)
        self._pending = np.concatenate([self._pending, chunk]) if self._pending.size else chunk
        blocks = []
        n = self.block_len
        whole = len(self._pending) // n
        for i in range(whole):
            blocks.append(self._pending[i * n:(i + 1) * n].copy())
        self._pending = self._pending[whole * n:]
        if last and self._pending.size:
            tail = np.zeros(n, dtype=np.float32)
            tail[: self._pending.size] = self._pending
            blocks.append(tail)
            self._pending = np.zeros(0, dtype=np.float32)
        return blocks


class FileSource:
    """WAV files played back to back as one stream; the audio clock runs on across files.

    Files are read and resampled a chunk at a time, so hours of audio cost the memory of a chunk.

    realtime=True paces the blocks at their natural speed (the `listen --realtime` mode and the
    idle-CPU benchmark); otherwise blocks come as fast as the consumer takes them.
    """

    def __init__(self, paths, config, realtime: bool = False):
        self.paths = [p for p in ([paths] if isinstance(paths, (str, bytes)) or hasattr(paths, "__fspath__")
                                  else paths)]
        if not self.paths:
            raise UserError("no audio files given", "pass at least one --audio-in FILE")
        for p in self.paths:  # every file is checked before the first block, so a bad one fails early
            check_wav(p)
        self.rate = config.audio.sample_rate
        self.block_ms = config.audio.block_ms
        self.realtime = realtime
        self._closed = threading.Event()

    def __iter__(self):
        n = int(self.rate * self.block_ms / 1000)
        emitted = 0
        wall0 = time.monotonic()
        blocks = self._blocks(n)
        try:
            for block in blocks:
                if self._closed.is_set():
                    return
                start = emitted / self.rate
                if self.realtime:
                    # Hand a block out when it would have finished arriving from a microphone.
                    delay = wall0 + start + self.block_ms / 1000 - time.monotonic()
                    if delay > 0 and self._closed.wait(delay):
                        return
                yield Block(block, start)
                emitted += n
        finally:
            blocks.close()  # closes the file being read now, not whenever the collector runs

    def _blocks(self, n: int):
        """n-sample blocks of all files as one stream, read a chunk at a time; the last is padded."""
        pending = np.zeros(0, dtype=np.float32)
        for path in self.paths:
            for chunk in stream_for_pipeline(path, self.rate):
                if self._closed.is_set():
                    return
                data = np.concatenate([pending, chunk]) if pending.size else chunk
                whole = len(data) // n
                for i in range(whole):
                    yield data[i * n:(i + 1) * n].copy()
                pending = data[whole * n:]
        if pending.size:
            tail = np.zeros(n, dtype=np.float32)
            tail[:pending.size] = pending
            yield tail

    def close(self):
        self._closed.set()


def _find_device(spec: str):
    """The input device named by config.audio.input_device: index, name substring, or default."""
    import sounddevice as sd

    try:
        devices = list(sd.query_devices())
    except Exception as exc:  # noqa: BLE001 - PortAudio reports missing hosts in many ways
        raise UserError(f"cannot list audio devices ({exc})", "check that PortAudio/ALSA work: run 'doctor'") from None
    inputs = [(i, d) for i, d in enumerate(devices) if d.get("max_input_channels", 0) > 0]
    names = ", ".join(f"{i}: {d['name']}" for i, d in inputs) or "none"
    spec = (spec or "").strip()
    if not spec:
        try:
            d = sd.query_devices(kind="input")
            return int(d["index"]), d
        except Exception:  # noqa: BLE001
            if inputs:
                return inputs[0]
            raise UserError("no microphone found (no audio input device)",
                            "plug in a microphone, or use 'listen --audio-in FILE' instead") from None
    if spec.lstrip("-").isdigit():
        idx = int(spec)
        for i, d in inputs:
            if i == idx:
                return i, d
        raise UserError(f"audio input device {idx} does not exist or has no input",
                        f"set [audio] input_device to one of: {names}")
    matches = [(i, d) for i, d in inputs if spec.lower() in d["name"].lower()]
    if not matches:
        raise UserError(f"no audio input device matches {spec!r}", f"set [audio] input_device to one of: {names}")
    return matches[0]


def _rescan_devices() -> None:
    """Make PortAudio list devices afresh, so a microphone plugged back in (often under a new
    ALSA card number) is found. PortAudio only enumerates on initialisation; re-initialising
    also stops any stream still open in this process, so it is done only after several failed
    reopen attempts, when the microphone has really gone."""
    import sounddevice as sd

    try:
        sd._terminate()
        sd._initialize()
    except Exception as exc:  # noqa: BLE001 - a failed rescan only means another retry
        log.warning("could not rescan audio devices: %s", exc)


def _dbfs(x: np.ndarray) -> float:
    rms = float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))) if x.size else 0.0
    return round(20 * np.log10(rms), 1) if rms > 1e-6 else -120.0


class MicSource:
    """The microphone as a stream of 16 kHz blocks, kept open for days.

    The device is opened at its native rate (many USB microphones only do 48 kHz) and resampled
    here. Overflows are counted and logged, never fatal. A device that disappears is reopened
    every reopen_delay_s until it comes back; only a device missing at the very start is an
    error (a kiosk, config.kiosk.enabled, waits for it instead).
    """

    LEVEL_EVERY_S = 0.1
    STALL_S = 2.0  # no audio for this long means the device is gone
    OVERFLOW_REPORT_S = 10.0
    RESCAN_EVERY = 3  # failed reopen attempts between PortAudio device rescans

    def __init__(self, config, bus=None):
        self.config = config
        self.bus = bus
        self.rate = config.audio.sample_rate
        self.block_ms = config.audio.block_ms
        self.overflows = 0
        self.reopens = 0
        self._queue: queue.Queue = queue.Queue(maxsize=2000)
        self._closed = threading.Event()
        self._mute_until = 0.0
        self._stream = None
        self._lock = threading.Lock()

    # -- control, from any thread --------------------------------------------------------
    def mute(self, until_monotonic: float) -> None:
        """Ignore the microphone until time.monotonic() reaches `until_monotonic` (TTS + tail)."""
        self._mute_until = max(self._mute_until, until_monotonic)
        self.flush()

    def unmute(self) -> None:
        self._mute_until = 0.0

    @property
    def muted(self) -> bool:
        return time.monotonic() < self._mute_until

    def flush(self) -> None:
        """Drop audio captured but not yet handed out (e.g. the assistant's own voice)."""
        try:
            while True:
                self._queue.get_nowait()
        except queue.Empty:
            pass

    def close(self) -> None:
        self._closed.set()
        self._close_stream()

    # -- device handling ---------------------------------------------------------------------
    def _callback(self, indata, frames, time_info, status):
        if status and status.input_overflow:
            self.overflows += 1
        try:
            self._queue.put_nowait(indata.copy())
        except queue.Full:  # the consumer is far behind: drop, count, keep going
            self.overflows += 1

    def _open(self):
        import sounddevice as sd

        index, info = _find_device(self.config.audio.input_device)
        native = int(info.get("default_samplerate") or 48000)
        channels = 1
        try:
            sd.check_input_settings(device=index, channels=1, samplerate=native, dtype="float32")
        except Exception:  # noqa: BLE001 - some devices only open in stereo
            channels = max(1, min(2, int(info.get("max_input_channels", 1))))
        stream = sd.InputStream(device=index, samplerate=native, channels=channels, dtype="float32",
                                blocksize=int(native * self.block_ms / 1000), callback=self._callback)
        stream.start()
        with self._lock:
            self._stream = stream
        log.info("microphone %r open at %d Hz, %d channel(s)", info.get("name"), native, channels)
        if self.bus is not None:
            self.bus.emit(ev.Microphone(status="open", device=str(info.get("name")), native_rate=native,
                                        channels=channels))
        return native

    def _close_stream(self):
        with self._lock:
            stream, self._stream = self._stream, None
        abort_quietly(stream)

    def _wait_for_device(self, first: bool) -> int | None:
        """Open the device, retrying every reopen_delay_s; None once closed."""
        wait_forever = not first or getattr(getattr(self.config, "kiosk", None), "enabled", False)
        told = False
        attempts = 0
        while not self._closed.is_set():
            try:
                native = self._open()
            except Exception as exc:  # noqa: BLE001
                attempts += 1
                if not wait_forever:
                    if isinstance(exc, UserError):
                        raise
                    raise UserError(f"cannot open the microphone ({' '.join(str(exc).split())})",
                                    "check [audio] input_device and that the device is plugged in") from None
                if not told:
                    log.warning("microphone unavailable (%s); retrying every %.1f s", exc,
                                self.config.audio.reopen_delay_s)
                    if self.bus is not None:
                        self.bus.emit(ev.Error(stage="audio", message=f"microphone unavailable: {exc}"))
                    told = True
                if attempts % self.RESCAN_EVERY == 0:
                    _rescan_devices()
                self._closed.wait(self.config.audio.reopen_delay_s)
                continue
            if told:
                log.warning("microphone is back after %d attempt(s)", attempts)
            return native
        return None

    def __iter__(self):
        native = self._wait_for_device(first=True)
        emitted = 0  # 16 kHz samples handed out, plus gaps while the device was away
        level_buf: list[np.ndarray] = []
        level_due = self.LEVEL_EVERY_S
        reported_overflows = 0
        next_report = 0.0
        while native is not None and not self._closed.is_set():
            reblocker = Reblocker(native, self.rate, self.block_ms)
            stall_since = time.monotonic()
            lost = False
            while not self._closed.is_set():
                try:
                    chunk = self._queue.get(timeout=0.25)
                except queue.Empty:
                    with self._lock:
                        active = self._stream is not None and self._stream.active
                    if not active or time.monotonic() - stall_since > self.STALL_S:
                        lost = True
                        break
                    continue
                stall_since = time.monotonic()
                muted = self.muted
                for samples in reblocker.push(chunk):
                    start = emitted / self.rate
                    emitted += len(samples)
                    if muted:
                        samples = np.zeros_like(samples)
                    level_buf.append(samples)
                    if start + self.block_ms / 1000 >= level_due:
                        if self.bus is not None:
                            self.bus.emit(ev.Level(rms_db=_dbfs(np.concatenate(level_buf)), muted=muted))
                        level_buf.clear()
                        level_due = start + self.LEVEL_EVERY_S
                    yield Block(samples, start, muted)
                if self.overflows != reported_overflows and time.monotonic() >= next_report:
                    # At most one line every OVERFLOW_REPORT_S: a struggling machine must not flood the log.
                    log.warning("microphone input overflow (%d so far); audio was dropped", self.overflows)
                    reported_overflows = self.overflows
                    next_report = time.monotonic() + self.OVERFLOW_REPORT_S
            if not lost or self._closed.is_set():
                break
            gone_at = time.monotonic()
            log.warning("microphone stopped delivering audio; reopening")
            if self.bus is not None:
                self.bus.emit(ev.Error(stage="audio", message="microphone disconnected; reopening"))
            self._close_stream()
            self.flush()
            self._closed.wait(self.config.audio.reopen_delay_s)
            native = self._wait_for_device(first=False)
            self.reopens += 1
            # The audio clock keeps pace with the wall clock across the gap.
            emitted += int((time.monotonic() - gone_at) * self.rate)
        self._close_stream()
