"""WAV files in and out: 16-bit PCM only, read as float32 mono, written atomically.

Everything downstream works on float32 mono in [-1, 1] at one rate, so reading mixes down and
`load_for_pipeline` resamples with soxr; `stream_for_pipeline` does the same a chunk at a time, so a
long recording costs memory for one chunk, not for the file. Anything that is not a readable 16-bit
PCM WAV at a sound-card rate ends as one UserError line naming the file and how to convert it,
never a libsndfile traceback (nor gigabytes of resampled audio from a header that says 1 Hz).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from assistant.atomic import atomic_write
from assistant.errors import UserError

_CONVERT = "convert it with: sox IN.wav -b 16 -e signed-integer OUT.wav"
# Sample rates accepted from files: telephone (8 kHz) to studio (192 kHz). Outside this, resampling
# to 16 kHz either makes no sense or allocates without bound (1 Hz in, 16000 samples out per sample).
MIN_RATE, MAX_RATE = 8000, 192000
# Frames read from a file at a time when streaming: about a second of audio at 48 kHz.
CHUNK_FRAMES = 1 << 16


def _info(path: Path):
    import soundfile as sf

    if not path.exists():
        raise UserError(f"audio file {path} does not exist", "check the path")
    if path.is_dir():
        raise UserError(f"audio file {path} is a folder, not a WAV file", "give the path of a .wav file")
    if path.stat().st_size == 0:
        raise UserError(f"audio file {path} is empty", "record it again or give another WAV file")
    try:
        info = sf.info(str(path))
    except (RuntimeError, sf.LibsndfileError) as exc:  # libsndfile: unknown or damaged format
        raise UserError(f"audio file {path} is not a readable WAV file ({_short(exc)})",
                        f"give a 16-bit PCM WAV file; {_CONVERT}") from None
    if info.format not in ("WAV", "WAVEX"):
        raise UserError(f"audio file {path} is {info.format_info or info.format}, not WAV",
                        f"give a 16-bit PCM WAV file; {_CONVERT}")
    if info.subtype != "PCM_16":
        raise UserError(f"audio file {path} is {info.subtype_info or info.subtype} WAV, not 16-bit PCM",
                        _CONVERT)
    if not MIN_RATE <= info.samplerate <= MAX_RATE:
        raise UserError(f"audio file {path} is at {info.samplerate} Hz, outside the {MIN_RATE}-{MAX_RATE} Hz "
                        "this reads", "resample it with: sox IN.wav -r 16000 OUT.wav")
    if info.frames <= 0:
        raise UserError(f"audio file {path} contains no audio", "record it again or give another WAV file")
    return info


def _short(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    # libsndfile repeats the path; keep only its reason.
    return text.split(": ", 1)[-1] if ": " in text else text


def read_wav(path) -> tuple[np.ndarray, int]:
    """A 16-bit PCM WAV of any rate and channel count as float32 mono in [-1, 1], at its own rate."""
    import soundfile as sf

    path = Path(path)
    info = _info(path)
    try:
        data, rate = sf.read(str(path), dtype="float32", always_2d=True)
    except (RuntimeError, sf.LibsndfileError) as exc:
        raise UserError(f"audio file {path} is damaged ({_short(exc)})",
                        f"record it again; {_CONVERT}") from None
    if data.shape[0] == 0:
        raise UserError(f"audio file {path} contains no audio", "record it again or give another WAV file")
    mono = data.mean(axis=1) if data.shape[1] > 1 else data[:, 0]
    return np.ascontiguousarray(mono, dtype=np.float32), int(rate or info.samplerate)


def resample(samples: np.ndarray, rate_in: int, rate_out: int) -> np.ndarray:
    if rate_in == rate_out:
        return np.asarray(samples, dtype=np.float32)
    import soxr

    return soxr.resample(np.asarray(samples, dtype=np.float32), rate_in, rate_out).astype(np.float32, copy=False)


def load_for_pipeline(path, rate: int = 16000) -> np.ndarray:
    """read_wav, mixed down and resampled to `rate` (16 kHz for the VAD and whisper)."""
    samples, rate_in = read_wav(path)
    return resample(samples, rate_in, rate)


def stream_for_pipeline(path, rate: int = 16000, chunk_frames: int = CHUNK_FRAMES):
    """The audio of load_for_pipeline(path, rate) as consecutive float32 chunks of any length.

    The file is read chunk_frames at a time and resampled by one soxr stream, so memory stays
    bounded by a chunk however long the file is; joined, the chunks equal the whole-file
    resample to within soxr's float rounding.
    """
    import soundfile as sf

    path = Path(path)
    info = _info(path)
    stream = None
    if info.samplerate != rate:
        import soxr

        stream = soxr.ResampleStream(info.samplerate, rate, 1, dtype="float32")
    try:
        with sf.SoundFile(str(path)) as f:
            while True:
                data = f.read(chunk_frames, dtype="float32", always_2d=True)
                last = len(data) < chunk_frames
                mono = data.mean(axis=1, dtype=np.float32) if data.shape[1] > 1 else data[:, 0]
                mono = np.ascontiguousarray(mono, dtype=np.float32)
                if stream is not None:
                    mono = stream.resample_chunk(mono, last=last)
                if mono.size:
                    yield mono
                if last:
                    return
    except (RuntimeError, sf.LibsndfileError) as exc:
        raise UserError(f"audio file {path} is damaged ({_short(exc)})",
                        f"record it again; {_CONVERT}") from None


def write_wav(path, samples: np.ndarray, rate: int) -> Path:
    """Write float samples (mono, or frames x channels) as 16-bit PCM; readers never see half a file."""
    import soundfile as sf

    data = np.clip(np.asarray(samples, dtype=np.float32), -1.0, 1.0)
    with atomic_write(path) as f:
        sf.write(f, data, int(rate), subtype="PCM_16", format="WAV")
    return Path(path)


def check_wav(path) -> None:
    """Raise the same one-line UserError read_wav would, reading only the header."""
    _info(Path(path))
