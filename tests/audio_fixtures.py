"""Test speech made at test time: espeak-ng utterances, silence, noise at a given SNR, resampling.

Shared by the audio, VAD, ASR and voice-out tests. Nothing here is recorded: every WAV is
synthesised from text, so a test knows exactly what was said and where it was placed.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from assistant.audio.wav import read_wav, resample, write_wav

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
DEV_SET = Path(os.environ.get("ANIME_DEV_SET", "/work/shared/dev-set")) / "descriptions.jsonl"

# Plain `cmn` reads Latin tone digits aloud; the pinyin voice reads Chinese characters properly.
ESPEAK_VOICES = {"en": "en-us", "zh": "cmn-latn-pinyin"}


def have_espeak() -> bool:
    return shutil.which("espeak-ng") is not None


def artifact_dir(name: str) -> Path:
    path = ARTIFACTS / name
    path.mkdir(parents=True, exist_ok=True)
    return path


@functools.lru_cache(maxsize=256)
def _espeak(text: str, voice: str, wpm: int) -> tuple[bytes, int]:
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "say.wav")
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(wpm), "-w", out, text],
                       check=True, capture_output=True, timeout=60)
        samples, rate = read_wav(out)
    return samples.tobytes(), rate


def speak(text: str, lang: str = "en", rate: int = 16000, wpm: int = 160, trim: bool = True) -> np.ndarray:
    """`text` spoken by espeak-ng as float32 mono at `rate` (cached per text, a fresh copy each call).

    trim=True cuts espeak's own leading and trailing silence (keeping 20 ms), so silences a test
    adds are the pauses the segmenter really sees.
    """
    raw, native = _espeak(text, ESPEAK_VOICES.get(lang, lang), wpm)
    return _prepared(raw, native, rate, trim)


def _prepared(raw: bytes, native: int, rate: int, trim: bool) -> np.ndarray:
    """Cached float32 bytes at `native` as a fresh array at `rate`, less the voice's own leading
    and trailing silence (keeping 20 ms) when `trim`."""
    samples = resample(np.frombuffer(raw, dtype=np.float32).copy(), native, rate)
    if trim:
        a, b = speech_extent(samples, rate)
        pad = int(0.02 * rate)
        samples = samples[max(0, int(a * rate) - pad): int(b * rate) + pad]
    return samples


def speak_wav(text: str, lang: str, path, rate: int = 16000, channels: int = 1,
              lead_s: float = 0.0, trail_s: float = 0.0, snr_db: float | None = None,
              seed: int = 0) -> Path:
    """Write `text` spoken in `lang` ("en" or "zh") as a 16-bit WAV, optionally padded and noisy."""
    samples = with_silence(speak(text, lang, rate), rate, lead_s, trail_s)
    if snr_db is not None:
        samples = add_noise(samples, snr_db, seed=seed)
    return write_wav(path, to_channels(samples, channels), rate)


def silence(seconds: float, rate: int = 16000) -> np.ndarray:
    return np.zeros(int(round(seconds * rate)), dtype=np.float32)


def with_silence(samples: np.ndarray, rate: int, lead_s: float = 0.0, trail_s: float = 0.0) -> np.ndarray:
    return np.concatenate([silence(lead_s, rate), samples.astype(np.float32), silence(trail_s, rate)])


def active_power(samples: np.ndarray, rate: int = 16000, floor_db: float = -45.0) -> float:
    """Mean power over the 10 ms frames that are not silent, i.e. the power of the speech itself."""
    n = max(1, rate // 100)
    frames = samples[: len(samples) // n * n].reshape(-1, n)
    power = (frames.astype(np.float64) ** 2).mean(axis=1)
    loud = power[power > 10 ** (floor_db / 10)]
    return float(loud.mean()) if loud.size else float(power.mean())


def add_noise(samples: np.ndarray, snr_db: float, seed: int = 0, rate: int = 16000,
              reference_power: float | None = None) -> np.ndarray:
    """White noise over the whole signal at `snr_db` below the speech's power (silence included)."""
    rng = np.random.default_rng(seed)
    power = reference_power if reference_power is not None else active_power(samples, rate)
    noise = rng.standard_normal(len(samples)) * np.sqrt(power / 10 ** (snr_db / 10))
    return np.clip(samples + noise, -1.0, 1.0).astype(np.float32)


def white_noise(seconds: float, level_dbfs: float = -30.0, rate: int = 16000, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    rms = 10 ** (level_dbfs / 20)
    return np.clip(rng.standard_normal(int(seconds * rate)) * rms, -1, 1).astype(np.float32)


def to_channels(samples: np.ndarray, channels: int) -> np.ndarray:
    if channels == 1:
        return samples
    return np.repeat(samples[:, None], channels, axis=1)


def speech_extent(samples: np.ndarray, rate: int = 16000, floor_db: float = -40.0) -> tuple[float, float]:
    """(first, last) second where 10 ms frames rise above `floor_db` dBFS: where speech really is."""
    n = rate // 100
    frames = samples[: len(samples) // n * n].reshape(-1, n)
    db = 10 * np.log10((frames.astype(np.float64) ** 2).mean(axis=1) + 1e-12)
    loud = np.flatnonzero(db > floor_db)
    if loud.size == 0:
        return (0.0, 0.0)
    return (float(loud[0] * n / rate), float((loud[-1] + 1) * n / rate))


def compose(parts, rate: int = 16000) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """Concatenate parts (arrays of speech, or numbers = seconds of silence).

    Returns the audio and, for each array part, the (start, end) seconds of its audible speech
    in the result -- the reference times a segmenter's output is checked against.
    """
    chunks, extents, pos = [], [], 0
    for part in parts:
        if isinstance(part, (int, float)):
            part = silence(part, rate)
        else:
            a, b = speech_extent(part, rate)
            extents.append((pos / rate + a, pos / rate + b))
        chunks.append(part.astype(np.float32))
        pos += len(part)
    return np.concatenate(chunks) if chunks else silence(0, rate), extents


def dev_descriptions(lang: str) -> list[dict]:
    """The shared dev-set descriptions in one language ("en": no CJK characters, "zh": some)."""
    rows = [json.loads(line) for line in DEV_SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    def is_zh(text: str) -> bool:
        return any("\u4e00" <= ch <= "\u9fff" for ch in text)
    return [r for r in rows if is_zh(r["text"]) == (lang == "zh")]


# -- natural voices -------------------------------------------------------------------------------
# The person in a test or the demo can speak with the natural voices too (Piper for English, the
# Mandarin port for Chinese): whisper hears them as it hears people, which espeak-ng is not.
# espeak-ng stays in the tests as the hard case (robotic Mandarin above all).

@functools.lru_cache(maxsize=2)
def natural_voice(lang: str):
    """The natural voice for `lang`, loaded once per process; raises VoiceUnavailable."""
    from assistant.speech.natural import load_voice

    return load_voice(lang, threads=max(1, min(2, os.cpu_count() or 1)))


@functools.lru_cache(maxsize=512)
def _natural(text: str, lang: str) -> tuple[bytes, int]:
    voice = natural_voice(lang)
    return voice.synthesize(text).astype(np.float32).tobytes(), voice.info.sample_rate


def speak_natural(text: str, lang: str = "en", rate: int = 16000, trim: bool = True) -> np.ndarray:
    """`text` spoken by the natural voice for `lang` as float32 mono at `rate` (cached per text,
    a fresh copy each call); raises VoiceUnavailable when that voice cannot be loaded.

    trim=True cuts the voice's own leading and trailing silence (keeping 20 ms), as speak() does.
    """
    raw, native = _natural(text, lang)
    return _prepared(raw, native, rate, trim)


def natural_available(lang: str) -> str | None:
    """None when the natural voice for `lang` loads, else why not (one line)."""
    from assistant.speech.natural import VoiceUnavailable

    try:
        natural_voice(lang)
    except VoiceUnavailable as exc:
        return exc.line()
    return None
