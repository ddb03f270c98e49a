"""Speech segments from a stream of blocks: webrtcvad gated by energy above a tracked noise floor.

A frame is voiced when webrtcvad says speech AND its energy is energy_margin_db above the noise
floor (a low percentile of recent frame energies). The gate is what keeps a fan or steady noise
from opening turn after turn: whatever is always there becomes the floor. A denser background
that still keeps "speech" going (a hall full of talk, music) is noticed -- a segment runs into
max_segment_s, or speech fills 80 % of 20 s -- and the segmenter turns `busy`: frames must then
clear a high percentile of recent energies, which a voice close to the microphone still does.
Busy ends when quiet gaps show between sounds again.

A segment opens when most of the last ~150 ms is voiced and starts preroll_s earlier, so the
first syllable is never cut. It closes after end_silence_s of silence (relaxed_end_silence_s
for slow speakers), keeping pause_s of silence after the last voiced frame. Segments with less
than min_speech_s of voiced audio are dropped; one that reaches max_segment_s is cut, emitted,
and the speech goes on in a new segment.

Early close (assistant/endpoint.py): from early_silence_s of silence on, `may_close` is asked each
frame whether the turn is already complete; when it says so the segment is emitted then, with
the same audio a normal close would keep. The segmenter then stays `closing` until end_silence_s
has passed: speech that resumes in that time continues the same segment (from its first frame,
so it is emitted whole, marked `rejoined`), and only silence lets it go.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Callable

import numpy as np

TRIGGER_S = 0.15  # window that must be mostly voiced to open a segment
TRIGGER_RATIO = 0.6
FLOOR_DB = -120.0  # energy of digital silence
# While the background is busy, frames must clear this percentile of recent energies instead:
# a voice close to the microphone still does, the hall's average murmur no longer does.
BUSY_PERCENTILE = 70.0
BUSY_EXIT_SPREAD_DB = 12.0  # back to normal once that percentile is this far above the floor
# Also busy when "speech" has filled this share of the last OCCUPANCY_WINDOW_S (judged once half
# of it has been heard): people pause, and the assistant's own turns are muted, so a real
# conversation stays well below it.
BUSY_ENTER_OCCUPANCY = 0.8
OCCUPANCY_WINDOW_S = 20.0


@dataclass
class Segment:
    audio: np.ndarray  # float32 mono at the segmenter's rate, pre-roll and trailing pause included
    start: float  # audio clock seconds of audio[0]
    end: float  # audio clock seconds just after audio[-1]
    voiced_s: float = 0.0  # how much of it the VAD heard as speech
    cut: bool = False  # True when max_segment_s forced it closed mid-speech
    early: bool = False  # closed before end_silence_s because the turn was judged complete
    # It continues a segment that closed early (its audio starts with that one's): speech
    # resumed within end_silence_s, so it replaces that turn.
    rejoined: bool = False


class Segmenter:
    def __init__(self, vad_config, rate: int = 16000,
                 on_pause: Callable[[np.ndarray, float, float], None] | None = None,
                 may_close: Callable[[], bool] | None = None, early_silence_s: float | None = None):
        import webrtcvad

        if rate not in (8000, 16000, 32000, 48000):
            raise ValueError(f"webrtcvad needs 8, 16, 32 or 48 kHz audio, not {rate}")
        if vad_config.frame_ms not in (10, 20, 30):
            raise ValueError(f"[vad] frame_ms must be 10, 20 or 30, not {vad_config.frame_ms}")
        self.cfg = vad_config
        self.rate = rate
        self.on_pause = on_pause
        self.may_close = may_close
        self._vad = webrtcvad.Vad(int(vad_config.aggressiveness))
        self.frame_len = rate * vad_config.frame_ms // 1000
        self.frame_s = vad_config.frame_ms / 1000
        f = self.frame_s
        self._trigger_frames = max(1, round(TRIGGER_S / f))
        self._preroll_frames = max(0, round(vad_config.preroll_s / f))
        self._pause_frames = max(1, round(vad_config.pause_s / f))
        end_s = vad_config.relaxed_end_silence_s if vad_config.slow_speaker else vad_config.end_silence_s
        self._end_frames = max(self._pause_frames + 1, round(end_s / f))
        # Early close is asked from here on; never before the pause that started the guess.
        self._early_frames = None if may_close is None or early_silence_s is None else \
            min(self._end_frames, max(self._pause_frames, round(early_silence_s / f)))
        self._min_voiced = max(1, round(vad_config.min_speech_s / f))
        self._max_frames = max(self._end_frames + 1, round(vad_config.max_segment_s / f))
        # Noise floor: ring of frame energies, percentile refreshed every few frames.
        self._hist = np.full(max(10, round(vad_config.noise_window_s / f)), np.nan)
        self._hist_n = 0
        self._floor = FLOOR_DB
        self._busy_floor = FLOOR_DB
        self._floor_age = 0
        self.busy = False
        self._occ_ring = np.zeros(max(2, round(OCCUPANCY_WINDOW_S / f)), dtype=np.int8)
        self._occ_n = 0
        self._occ_sum = 0
        self.reset()

    # -- public state ----------------------------------------------------------------------------
    @property
    def speaking(self) -> bool:
        return self.state == "speech"

    @property
    def noise_floor_db(self) -> float:
        """The floor frames must clear (the raised one while the background is busy)."""
        return self._busy_floor if self.busy else self._floor

    def reset(self) -> None:
        """Forget any speech in progress (after the assistant spoke); the noise floor is kept."""
        self.state = "silence"
        self._buf = np.zeros(0, dtype=np.float32)
        self._buf_start = None
        self._ring: deque = deque(maxlen=self._preroll_frames + self._trigger_frames)
        self._frames: list[np.ndarray] = []
        self._seg_start = 0.0
        self._last_voiced = -1
        self._voiced = 0
        self._paused_told = False
        self._rejoined = False
        self._closing_voiced: deque = deque(maxlen=self._trigger_frames)

    # -- feeding -----------------------------------------------------------------------------------
    def feed(self, block) -> list:
        """Process one Block; returns the segments it closed (usually none)."""
        samples = np.asarray(block.samples, dtype=np.float32)
        muted = bool(getattr(block, "muted", False))
        if self._buf_start is None or not self._buf.size:
            self._buf_start = float(block.start)
            self._buf = samples
        else:
            self._buf = np.concatenate([self._buf, samples])
        n = self.frame_len
        count = len(self._buf) // n
        if not count:
            return []
        frames = self._buf[: count * n].reshape(count, n)
        self._buf = self._buf[count * n:]
        energies = 10 * np.log10(np.mean(np.square(frames, dtype=np.float64), axis=1) + 1e-12)
        pcm = (np.clip(frames, -1.0, 1.0) * 32767).astype(np.int16)
        out = []
        t = self._buf_start
        for i in range(count):
            e = float(energies[i])
            if muted:
                voiced = False
            else:
                margin = self.cfg.energy_margin_db
                self._track_floor(e)
                floor = self._busy_floor if self.busy else self._floor
                voiced = e > floor + margin and self._vad.is_speech(pcm[i].tobytes(), self.rate)
                self._track_occupancy(self.state == "speech")
            seg = self._step(frames[i], t, voiced)
            if seg is not None:
                out.append(seg)
            t += self.frame_s
        self._buf_start = t
        return out

    def flush(self) -> list:
        """End of stream: close a segment in progress if it holds enough speech."""
        out = []
        if self.state == "speech" and self._voiced >= self._min_voiced:
            out.append(self._emit(cut=False))
        self.reset()  # the noise floor and busy state describe the room, and are kept
        return out

    # -- internals ---------------------------------------------------------------------------------
    def _track_floor(self, energy_db: float) -> None:
        self._hist[self._hist_n % len(self._hist)] = energy_db
        self._hist_n += 1
        self._floor_age += 1
        # Refresh every frame while the history is short (start of stream), then every ~0.3 s.
        if self._hist_n < 34 or self._floor_age >= 10:
            filled = min(self._hist_n, len(self._hist))
            energies = self._hist[:filled]
            self._floor, self._busy_floor = (float(v) for v in np.percentile(
                energies, [self.cfg.noise_percentile, BUSY_PERCENTILE]))
            self._floor_age = 0
            # A busy background is a dense texture: its loud and quiet frames lie close together.
            # Once quiet gaps open up again (wide spread), it is over.
            if self.busy and self._busy_floor - self._floor > BUSY_EXIT_SPREAD_DB:
                self.busy = False
                self._occ_ring[:] = 0  # no flapping straight back in
                self._occ_sum = 0
                self._occ_n = 0

    def _track_occupancy(self, in_speech: bool) -> None:
        slot = self._occ_n % len(self._occ_ring)
        self._occ_sum += int(in_speech) - int(self._occ_ring[slot])
        self._occ_ring[slot] = in_speech
        self._occ_n += 1
        seen = min(self._occ_n, len(self._occ_ring))
        if not self.busy and seen * 2 >= len(self._occ_ring) and self._occ_sum > BUSY_ENTER_OCCUPANCY * seen:
            self.busy = True

    def _step(self, frame: np.ndarray, t: float, voiced: bool):
        if self.state == "silence":
            self._ring.append((frame, t, voiced))
            recent = list(self._ring)[-self._trigger_frames:]
            if len(recent) == self._trigger_frames and \
                    sum(v for _, _, v in recent) >= TRIGGER_RATIO * self._trigger_frames:
                self.state = "speech"
                ring = list(self._ring)
                first = next(i for i, (_, _, v) in enumerate(ring) if v)
                ring = ring[max(0, first - self._preroll_frames):]  # pre-roll before the first voiced frame
                self._frames = [fr for fr, _, _ in ring]
                self._seg_start = ring[0][1]
                flags = [v for _, _, v in ring]
                self._voiced = sum(flags)
                self._last_voiced = max(i for i, v in enumerate(flags) if v)
                self._paused_told = False
                self._ring.clear()
            return None

        if self.state == "closing":
            return self._step_closing(frame, voiced)

        self._frames.append(frame)
        if voiced:
            self._voiced += 1
            self._last_voiced = len(self._frames) - 1
            self._paused_told = False
        trailing = len(self._frames) - 1 - self._last_voiced
        if trailing >= self._end_frames:
            if self._voiced >= self._min_voiced:
                return self._emit(cut=False)
            self._close_silently()
            return None
        if (self._early_frames is not None and trailing >= self._early_frames and self._paused_told
                and self.may_close()):
            return self._emit_early()
        if trailing == self._pause_frames and not self._paused_told and self._voiced >= self._min_voiced:
            self._paused_told = True
            if self.on_pause is not None:
                pause_start = self._seg_start + (self._last_voiced + 1) * self.frame_s
                self.on_pause(np.concatenate(self._frames), round(self._seg_start, 4), round(pause_start, 4))
        if len(self._frames) >= self._max_frames:
            seg = self._emit(cut=True) if self._voiced >= self._min_voiced else None
            if seg is None:
                self._close_silently()
                return None
            # Nobody talks max_segment_s without a breath: treat the background as busy.
            self.busy = True
            # Speech goes on: the next segment starts right here, no pre-roll needed.
            self.state = "speech"
            self._frames = []
            self._seg_start = seg.end
            self._voiced = 0
            self._last_voiced = -1
            self._paused_told = False
            self._rejoined = False
            return seg
        return None

    def _emit_early(self) -> Segment:
        """Close now, but keep every frame until end_silence_s: the person may go on."""
        frames, voiced, last, start = list(self._frames), self._voiced, self._last_voiced, self._seg_start
        rejoined = self._rejoined
        seg = self._emit(cut=False)
        seg.early, seg.rejoined = True, rejoined
        self.state = "closing"
        self._frames, self._voiced, self._last_voiced, self._seg_start = frames, voiced, last, start
        self._rejoined = rejoined
        self._closing_voiced.clear()
        return seg

    def _step_closing(self, frame: np.ndarray, voiced: bool):
        """After an early close: speech within end_silence_s continues the segment, silence ends it."""
        self._frames.append(frame)
        self._closing_voiced.append(voiced)
        if voiced:
            self._voiced += 1
            self._last_voiced = len(self._frames) - 1
        if sum(self._closing_voiced) >= TRIGGER_RATIO * self._trigger_frames:
            # The same rule that opens a segment: a click does not rejoin, a word does.
            self.state = "speech"
            self._rejoined = True
            self._paused_told = False
            return None
        if len(self._frames) - 1 - self._last_voiced >= self._end_frames or len(self._frames) >= self._max_frames:
            self._close_silently()  # the early turn stands
        return None

    def _emit(self, cut: bool) -> Segment:
        keep = len(self._frames) if cut else min(len(self._frames), self._last_voiced + 1 + self._pause_frames)
        audio = np.concatenate(self._frames[:keep]) if keep else np.zeros(0, dtype=np.float32)
        seg = Segment(audio=audio, start=round(self._seg_start, 4),
                      end=round(self._seg_start + keep * self.frame_s, 4),
                      voiced_s=round(self._voiced * self.frame_s, 3), cut=cut, rejoined=self._rejoined)
        self._close_silently()
        return seg

    def _close_silently(self) -> None:
        self.state = "silence"
        self._rejoined = False
        self._frames = []
        self._voiced = 0
        self._last_voiced = -1
        self._paused_told = False
        self._ring.clear()


# -- what a closed segment sounds like -----------------------------------------------------------
# Measured on the generated noise suite (tests/noise_fixtures.py, bursts at -40..-8 dBFS) and on
# espeak replies ("yes", "no", "对", "行", "好", "是", "不对") clean and at 10 dB SNR over white,
# pink, brown, babble and hum (bench/bench_noise.py prints them again):
LOUD_RANGE_DB = 25.0  # frames within this of the loudest are the sound itself, not the pre-roll
FLAT_BAND_HZ = (100.0, 4000.0)
FLAT_NOISE = 0.3  # spectral flatness above this is a hiss, not a voice (white 0.57, pink 0.36)
HIGH_BAND_HZ = (2500.0, 7000.0)  # sibilants and upper formants: what distance and walls take away first
TOP_RANGE_DB = 10.0  # the loudest frames, where a near voice's own spectrum shows over the noise


@dataclass
class Acoustics:
    # Spread (90th - 10th percentile, dB) of the loud frames' energies. Speech rises and falls
    # with its syllables: replies 9.1-17 dB clean, >= 7.1 at 10 dB SNR; steady noise does not:
    # white 0.7-0.8, pink 1.8-2.4, mains hum 0.5-0.9 (brown 5.6-7.0, babble 5.9-8.3, chords 5.6-8.0).
    modulation_db: float
    # Share of loud voiced frames whose spectrum is noise-flat: white 1.0, pink 0.79-0.89, typing
    # 0.85-0.95, clicks 1.0; replies with white or pink noise beneath them 0.33-0.67, clean 0.0.
    noise_like: float
    voiced_fraction: float  # of the loud frames, how many webrtcvad calls speech
    # Share (dB) of the 100-7000 Hz energy above 2.5 kHz, 90th percentile over the frames within
    # TOP_RANGE_DB of the loudest. A talker at the microphone keeps the sibilants and upper
    # formants; a far, reverberant crowd or music has lost or never had them ([asr] min_high_db):
    # decoded babble -23.7 dB or less, chords -37 or less, espeak replies and descriptions at 10 dB
    # SNR over every noise kind -16.3 or more (most -10 or more); white/pink/typing/claps -0.1..-15.
    high_db: float = 0.0


def acoustics(audio: np.ndarray, rate: int = 16000, aggressiveness: int = 2, frame_ms: int = 30) -> Acoustics:
    """Modulation, noise-likeness and voicing of one segment (a few ms of numpy for a turn)."""
    import webrtcvad

    n = rate * frame_ms // 1000
    count = len(audio) // n
    if count < 3:
        return Acoustics(0.0, 1.0, 0.0, -60.0)
    frames = np.asarray(audio[: count * n], dtype=np.float64).reshape(count, n)
    energy = 10 * np.log10(np.mean(np.square(frames), axis=1) + 1e-12)
    loud = energy > energy.max() - LOUD_RANGE_DB
    vad = webrtcvad.Vad(int(aggressiveness))
    pcm = (np.clip(frames, -1.0, 1.0) * 32767).astype(np.int16)
    voiced = np.array([vad.is_speech(p.tobytes(), rate) for p in pcm])
    power = np.abs(np.fft.rfft(frames * np.hanning(n), axis=1)) ** 2 + 1e-12
    freqs = np.fft.rfftfreq(n, 1 / rate)
    band = power[:, (freqs >= FLAT_BAND_HZ[0]) & (freqs <= FLAT_BAND_HZ[1])]
    flatness = np.exp(np.mean(np.log(band), axis=1)) / np.mean(band, axis=1)
    sel = loud & voiced
    p10, p90 = np.percentile(energy[loud], [10, 90])
    speech_band = power[:, (freqs >= FLAT_BAND_HZ[0]) & (freqs <= HIGH_BAND_HZ[1])].sum(axis=1)
    high = power[:, (freqs >= HIGH_BAND_HZ[0]) & (freqs <= HIGH_BAND_HZ[1])].sum(axis=1)
    top = energy > energy.max() - TOP_RANGE_DB
    high_db = float(np.percentile(10 * np.log10(high[top] / speech_band[top]), 90))
    return Acoustics(modulation_db=round(float(p90 - p10), 2),
                     noise_like=round(float(np.mean(flatness[sel] > FLAT_NOISE)) if sel.any() else 1.0, 3),
                     voiced_fraction=round(float(np.mean(voiced[loud])), 3), high_db=round(high_db, 1))
