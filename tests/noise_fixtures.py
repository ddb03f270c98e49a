"""Generated (seeded) non-speech sounds for the noise tests and bench/bench_noise.py.

Each generator returns float32 mono at `rate`, its active part at `level_dbfs` RMS. Nothing is
recorded: white/pink/brown noise, mains hum, clicks, hand claps, a door slam, a music-like chord,
keyboard typing and far-off crowd babble (several espeak-ng voices, low-passed, reverberant).
"""

from __future__ import annotations

import numpy as np

from tests.audio_fixtures import active_power, silence, speak

RATE = 16000


def _at_level(x: np.ndarray, level_dbfs: float, rate: int = RATE) -> np.ndarray:
    """Scale so the non-silent part has `level_dbfs` RMS (bursts are measured where they sound)."""
    x = np.asarray(x, dtype=np.float64)
    power = active_power(x / (np.abs(x).max() + 1e-12), rate, floor_db=-50.0) * (np.abs(x).max() + 1e-12) ** 2
    if power <= 0:
        return x.astype(np.float32)
    return np.clip(x * 10 ** (level_dbfs / 20) / np.sqrt(power), -1, 1).astype(np.float32)


def _coloured(n: int, exponent: float, rng) -> np.ndarray:
    """Noise whose power falls as 1/f**exponent (0 white, 1 pink, 2 brown)."""
    spec = np.fft.rfft(rng.standard_normal(n))
    f = np.fft.rfftfreq(n, 1 / RATE)
    f[0] = f[1]
    spec *= f ** (-exponent / 2)
    spec[f < 20] *= 0.0  # no DC drift: a microphone does not pass it either
    return np.fft.irfft(spec, n)


def white(seconds: float, level_dbfs: float = -30.0, seed: int = 0, rate: int = RATE) -> np.ndarray:
    return _at_level(np.random.default_rng(seed).standard_normal(int(seconds * rate)), level_dbfs, rate)


def pink(seconds: float, level_dbfs: float = -30.0, seed: int = 0, rate: int = RATE) -> np.ndarray:
    return _at_level(_coloured(int(seconds * rate), 1.0, np.random.default_rng(seed)), level_dbfs, rate)


def brown(seconds: float, level_dbfs: float = -30.0, seed: int = 0, rate: int = RATE) -> np.ndarray:
    return _at_level(_coloured(int(seconds * rate), 2.0, np.random.default_rng(seed)), level_dbfs, rate)


def hum(seconds: float, level_dbfs: float = -30.0, mains_hz: float = 50.0, seed: int = 0,
        rate: int = RATE) -> np.ndarray:
    """Mains hum: the fundamental and odd/even harmonics falling off, as a transformer buzzes."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * rate)) / rate
    x = sum((0.7 ** k) * np.sin(2 * np.pi * mains_hz * (k + 1) * t + rng.uniform(0, 2 * np.pi)) for k in range(8))
    return _at_level(x, level_dbfs, rate)


def _burst(n: int, decay_s: float, rng, rate: int = RATE) -> np.ndarray:
    t = np.arange(n) / rate
    return rng.standard_normal(n) * np.exp(-t / decay_s)


def clicks(seconds: float, level_dbfs: float = -20.0, per_s: float = 3.0, seed: int = 0,
           rate: int = RATE) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = np.zeros(int(seconds * rate))
    for at in rng.uniform(0, seconds - 0.01, max(1, int(per_s * seconds))):
        i = int(at * rate)
        x[i:i + 40] += _burst(len(x[i:i + 40]), 0.0008, rng, rate) * rng.uniform(0.5, 1.0)
    return _at_level(x, level_dbfs, rate)


def claps(seconds: float, level_dbfs: float = -15.0, seed: int = 0, rate: int = RATE) -> np.ndarray:
    """Hand claps about twice a second: a sharp band of noise dying away in ~30 ms."""
    rng = np.random.default_rng(seed)
    x = np.zeros(int(seconds * rate))
    at = 0.1
    while at < seconds - 0.2:
        i = int(at * rate)
        n = int(0.15 * rate)
        b = np.diff(_burst(n + 1, 0.03, rng, rate))  # differentiated: bright, as a clap is
        x[i:i + n] += b[: len(x[i:i + n])] * rng.uniform(0.7, 1.0)
        at += rng.uniform(0.35, 0.6)
    return _at_level(x, level_dbfs, rate)


def door_slam(seconds: float = 1.5, level_dbfs: float = -12.0, seed: int = 0, rate: int = RATE) -> np.ndarray:
    """A thump (decaying 70-110 Hz body and low noise) with a short rattle after it."""
    rng = np.random.default_rng(seed)
    n = int(seconds * rate)
    t = np.arange(n) / rate
    body = np.sin(2 * np.pi * rng.uniform(70, 110) * t) * np.exp(-t / 0.12)
    low = _coloured(n, 2.0, rng)
    low = low / (np.abs(low).max() + 1e-12) * np.exp(-t / 0.08)
    rattle = np.zeros(n)
    start = int(0.05 * rate)
    rattle[start:] = _burst(n - start, 0.06, rng, rate) * 0.3
    return _at_level(body + 0.8 * low + rattle, level_dbfs, rate)


def chord(seconds: float, level_dbfs: float = -20.0, seed: int = 0, rate: int = RATE) -> np.ndarray:
    """Music-like: a few chords of harmonic tones with attack and decay, changing each beat."""
    rng = np.random.default_rng(seed)
    n = int(seconds * rate)
    x = np.zeros(n)
    beat = int(rng.uniform(0.4, 0.7) * rate)
    roots = [220.0, 246.9, 261.6, 196.0, 174.6]
    for k, i in enumerate(range(0, n, beat)):
        m = min(beat * 2, n - i)
        t = np.arange(m) / rate
        env = np.minimum(1, t / 0.01) * np.exp(-t / 0.5)
        root = roots[(k + seed) % len(roots)]
        for ratio in (1.0, 1.26, 1.5, 2.0):
            for h in range(1, 5):
                x[i:i + m] += env * np.sin(2 * np.pi * root * ratio * h * t) / h ** 1.5
    return _at_level(x, level_dbfs, rate)


def typing(seconds: float, level_dbfs: float = -25.0, seed: int = 0, rate: int = RATE) -> np.ndarray:
    """Keyboard typing: key clicks 80-250 ms apart, each a short band of noise with a second tap."""
    rng = np.random.default_rng(seed)
    x = np.zeros(int(seconds * rate))
    at = 0.05
    while at < seconds - 0.05:
        i = int(at * rate)
        for offset, gain in ((0, 1.0), (int(rng.uniform(0.02, 0.05) * rate), 0.5)):
            j = i + offset
            n = min(int(0.012 * rate), len(x) - j)
            if n > 0:
                x[j:j + n] += np.diff(_burst(n + 1, 0.003, rng, rate)) * gain * rng.uniform(0.6, 1.0)
        at += rng.uniform(0.08, 0.25)
    return _at_level(x, level_dbfs, rate)


BABBLE_LINES = [
    ("the meeting moved to thursday afternoon because of the trains", "en"),
    ("did you see the match last night it went on forever", "en"),
    ("I think the coffee machine on the second floor is broken again", "en"),
    ("我们下午三点在门口见面然后一起去吃饭", "zh"),
    ("she said the report would be ready by the end of next week", "en"),
    ("这个周末天气不错我们可以去爬山", "zh"),
]


def _lowpass(x: np.ndarray, cutoff_hz: float, rate: int = RATE) -> np.ndarray:
    spec = np.fft.rfft(x)
    f = np.fft.rfftfreq(len(x), 1 / rate)
    spec *= 1 / (1 + (f / cutoff_hz) ** 4)
    return np.fft.irfft(spec, len(x))


def _reverb(x: np.ndarray, rng, rt60_s: float = 0.6, rate: int = RATE) -> np.ndarray:
    n = int(rt60_s * rate)
    t = np.arange(n) / rate
    ir = rng.standard_normal(n) * np.exp(-6.9 * t / rt60_s)
    ir[0] = 0.0  # far from the microphone: no direct sound to speak of
    size = len(x) + n - 1
    return np.fft.irfft(np.fft.rfft(x, size) * np.fft.rfft(ir, size), size)[: len(x)]


def babble(seconds: float, level_dbfs: float = -35.0, voices: int = 4, seed: int = 0,
           rate: int = RATE) -> np.ndarray:
    """A crowd far from the microphone: overlapped espeak voices, low-passed, reverberant, quiet."""
    rng = np.random.default_rng(seed)
    n = int(seconds * rate)
    x = np.zeros(n)
    for v in range(voices):
        pos = int(rng.uniform(0, 0.5) * rate)
        while pos < n:
            text, lang = BABBLE_LINES[int(rng.integers(len(BABBLE_LINES)))]
            s = speak(text, lang, rate, wpm=int(rng.uniform(140, 190))).astype(np.float64)
            m = min(len(s), n - pos)
            x[pos:pos + m] += s[:m] * rng.uniform(0.6, 1.0)
            pos += m + int(rng.uniform(0.1, 0.6) * rate)
    x = _reverb(_lowpass(x, 1500.0, rate), rng)
    return _at_level(x, level_dbfs, rate)


KINDS = {
    "white": white, "pink": pink, "brown": brown, "hum50": lambda s, l, seed=0: hum(s, l, 50.0, seed),
    "hum60": lambda s, l, seed=0: hum(s, l, 60.0, seed), "clicks": clicks, "claps": claps,
    "slam": lambda s, l, seed=0: door_slam(min(s, 1.5), l, seed), "chord": chord, "typing": typing,
    "babble": babble,
}


def bursts(kind: str, level_dbfs: float, count: int = 3, burst_s: float = 3.0, gap_s: float = 2.0,
           seed: int = 0, room_dbfs: float | None = -65.0) -> np.ndarray:
    """`count` bursts of one noise between silences (with a faint room floor, as a microphone has)."""
    parts = [silence(gap_s)]
    for i in range(count):
        parts += [KINDS[kind](burst_s, level_dbfs, seed=seed * 101 + i), silence(gap_s)]
    audio = np.concatenate(parts).astype(np.float64)
    if room_dbfs is not None:
        audio += np.random.default_rng(seed + 7).standard_normal(len(audio)) * 10 ** (room_dbfs / 20)
    return np.clip(audio, -1, 1).astype(np.float32)


def reply_in_noise(text: str, lang: str, snr_db: float = 10.0, kind: str = "white", seed: int = 0,
                   lead_s: float = 1.0, trail_s: float = 1.2) -> np.ndarray:
    """A reply at conversational level (about -20 dBFS) with `kind` noise beneath it throughout."""
    voice = speak(text, lang)
    voice = voice * (10 ** (-20 / 20) / np.sqrt(active_power(voice)))
    audio = np.concatenate([silence(lead_s), voice, silence(trail_s)])
    level = -20.0 - snr_db
    noise = KINDS[kind](len(audio) / RATE + 0.01, level, seed=seed)[: len(audio)]
    noise = np.pad(noise, (0, len(audio) - len(noise)))  # a door slam is over before the reply is
    return np.clip(audio + noise, -1, 1).astype(np.float32)
