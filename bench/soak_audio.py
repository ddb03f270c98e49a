"""The soak benchmark's audio: hours of scripted mixed sound, streamed to WAV parts block by block.

A seeded script of bilingual dialogs (dev-set descriptions and dialogs spoken by espeak-ng, with
confirmations, corrections, refusals, cancels and walk-aways), separated by pauses of varying
length, with stretches of noise (white, pink, brown, mains hum, a music-like chord sequence) and
long quiet periods. A faint room tone lies under everything, because digital silence never comes
from a microphone.

Nothing longer than one dialog or one noise stretch is ever held in memory. The stream is cut
into parts of a few minutes because `listen` reads each --audio-in file whole: one two-hour file
would sit in the daemon's memory as a 460 MB array and hide any growth the soak is looking for.
The parts play back to back as one stream (the audio clock runs on across files).

The schedule (every utterance's audible extent, every noise stretch, every quiet period, in
stream seconds) is returned for the report and written beside the parts as JSON.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

RATE = 16000
ROOM_TONE_DBFS = -68.0

EN_YES = ["yes", "yes please", "right", "sure, go ahead"]
ZH_YES = ["对", "好的", "可以", "是的"]
EN_CORRECTIONS = ["no, a boy", "make her hair pink", "change the background to the beach", "add a hat",
                  "not blue, green"]
ZH_CORRECTIONS = ["不对,是女孩", "头发换成白色", "背景改成海边", "再加一个王冠"]
EN_NO, ZH_NO = ["no", "no, that's wrong"], ["不对", "不是"]
EN_CANCEL, ZH_CANCEL = ["cancel", "never mind"], ["算了", "取消"]

NOISES = ("white", "pink", "brown", "hum", "chord")


def _rms_to(x: np.ndarray, level_dbfs: float) -> np.ndarray:
    rms = float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))) or 1.0
    return (x * (10 ** (level_dbfs / 20) / rms)).astype(np.float32)


def _colored(rng, n: int, exponent: float) -> np.ndarray:
    """Noise with power falling as 1/f**exponent (0 white, 1 pink, 2 brown), shaped in one FFT."""
    spectrum = np.fft.rfft(rng.standard_normal(n))
    f = np.fft.rfftfreq(n, 1 / RATE)
    f[0] = f[1]
    spectrum *= f ** (-exponent / 2)
    spectrum[0] = 0
    return np.fft.irfft(spectrum, n)


def _hum(rng, n: int) -> np.ndarray:
    mains = rng.choice([50.0, 60.0])
    t = np.arange(n) / RATE
    x = sum((0.6 ** k) * np.sin(2 * np.pi * mains * (k + 1) * t + rng.uniform(0, 2 * np.pi)) for k in range(6))
    return x + 0.05 * rng.standard_normal(n)


def _chord(rng, n: int) -> np.ndarray:
    """A slow sequence of triads with harmonics and a pluck envelope: tonal, loud, not speech."""
    out = np.zeros(n)
    pos = 0
    while pos < n:
        dur = int(rng.uniform(1.5, 3.0) * RATE)
        root = 110.0 * 2 ** (rng.integers(0, 12) / 12)
        t = np.arange(min(dur, n - pos)) / RATE
        env = (1 - np.exp(-t / 0.02)) * np.exp(-t / 1.2)
        note = np.zeros_like(t)
        for step in (0, 4, 7):
            f0 = root * 2 ** (step / 12)
            note += sum((0.5 ** k) * np.sin(2 * np.pi * f0 * (k + 1) * t) for k in range(4))
        out[pos:pos + len(t)] += note * env
        pos += dur
    return out


def noise(kind: str, seconds: float, level_dbfs: float, rng) -> np.ndarray:
    n = int(round(seconds * RATE))
    if kind in ("white", "pink", "brown"):
        x = _colored(rng, n, {"white": 0.0, "pink": 1.0, "brown": 2.0}[kind])
    elif kind == "hum":
        x = _hum(rng, n)
    else:
        x = _chord(rng, n)
    return _rms_to(x, level_dbfs)


class PartWriter:
    """A continuous 16-bit stream cut into WAV parts, written block by block with soundfile."""

    def __init__(self, folder: Path, part_s: float, seed: int):
        import soundfile as sf

        self._sf = sf
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.part_n = int(part_s * RATE)
        self.parts: list[Path] = []
        self.pos = 0  # samples written so far, over all parts
        self._file = None
        self._in_part = 0
        self._floor = np.random.default_rng(seed + 7919)

    @property
    def seconds(self) -> float:
        return self.pos / RATE

    def _open(self):
        path = self.folder / f"soak-{len(self.parts):03d}.wav"
        self.parts.append(path)
        self._file = self._sf.SoundFile(str(path), "w", samplerate=RATE, channels=1, subtype="PCM_16")
        self._in_part = 0

    def write(self, samples: np.ndarray) -> None:
        samples = np.asarray(samples, dtype=np.float32)
        while samples.size:
            if self._file is None or self._in_part >= self.part_n:
                self.close()
                self._open()
            take = min(samples.size, self.part_n - self._in_part)
            block = samples[:take] + self._floor.standard_normal(take).astype(np.float32) * 10 ** (ROOM_TONE_DBFS / 20)
            self._file.write(np.clip(block, -1.0, 1.0))
            self._in_part += take
            self.pos += take
            samples = samples[take:]

    def silence(self, seconds: float) -> None:
        left = int(seconds * RATE)
        while left > 0:  # a second at a time: a long quiet period is never one array
            n = min(left, RATE)
            self.write(np.zeros(n, dtype=np.float32))
            left -= n

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


class Voice:
    """espeak-ng renderings, one per (text, language): the same text is always the same samples."""

    def __init__(self):
        from tests.audio_fixtures import speak, speech_extent

        self._speak, self._extent = speak, speech_extent
        self._cache: dict[tuple[str, str], tuple[np.ndarray, float, float]] = {}

    def __call__(self, text: str, lang: str) -> tuple[np.ndarray, float, float]:
        key = (text, lang)
        if key not in self._cache:
            samples = self._speak(text, lang, RATE)
            a, b = self._extent(samples, RATE)
            self._cache[key] = (samples, a, b)
        return self._cache[key]


def _dialog_script(rng, lang: str, descriptions: dict, dialogs: dict) -> tuple[str, list[tuple[str, str]]]:
    """(ending, [(role, text)...]) for one conversation in `lang`."""
    if dialogs[lang] and rng.random() < 0.3:
        turns = dialogs[lang][rng.integers(len(dialogs[lang]))]
        return "scripted", [("description", turns[0])] + [("reply", t) for t in turns[1:]]
    text = descriptions[lang][rng.integers(len(descriptions[lang]))]
    yes, corr, no, cancel = ((EN_YES, EN_CORRECTIONS, EN_NO, EN_CANCEL) if lang == "en"
                             else (ZH_YES, ZH_CORRECTIONS, ZH_NO, ZH_CANCEL))
    pick = lambda options: options[rng.integers(len(options))]  # noqa: E731
    r = rng.random()
    if r < 0.55:
        return "yes", [("description", text), ("reply", pick(yes))]
    if r < 0.75:
        return "correct+yes", [("description", text), ("correction", pick(corr)), ("reply", pick(yes))]
    if r < 0.85:
        return "no", [("description", text), ("reply", pick(no))]
    if r < 0.95:
        return "cancel", [("description", text), ("reply", pick(cancel))]
    return "walk-away", [("description", text)]


def _load_texts():
    from tests.audio_fixtures import DEV_SET, dev_descriptions

    descriptions = {lang: [d["text"] for d in dev_descriptions(lang)] for lang in ("en", "zh")}
    dialogs = {"en": [], "zh": []}
    dialogs_file = DEV_SET.parent / "dialogs.jsonl"
    if dialogs_file.exists():
        for line in dialogs_file.read_text(encoding="utf-8").splitlines():
            if line.strip():
                turns = json.loads(line)["turns"]
                zh = any("\u4e00" <= ch <= "\u9fff" for ch in turns[0])
                dialogs["zh" if zh else "en"].append(turns)
    return descriptions, dialogs


def generate(folder: Path, minutes: float, seed: int = 0, part_minutes: float = 5.0) -> dict:
    """Write `minutes` of mixed audio under `folder`; return (and save) the schedule."""
    rng = np.random.default_rng(seed)
    descriptions, dialogs = _load_texts()
    voice = Voice()
    writer = PartWriter(folder, part_minutes * 60, seed)
    total_s = minutes * 60
    items: list[dict] = []
    dialog_id = 0
    writer.silence(1.0)
    while writer.seconds < total_s:
        r = rng.random()
        if r < 0.72:  # a conversation, sometimes over a background noise
            lang = "en" if rng.random() < 0.5 else "zh"
            ending, turns = _dialog_script(rng, lang, descriptions, dialogs)
            chunks, pos, utterances = [], 0, []
            for i, (role, text) in enumerate(turns):
                samples, a, b = voice(text, lang)
                if i:
                    gap = np.zeros(int(rng.uniform(1.5, 4.0) * RATE), dtype=np.float32)
                    chunks.append(gap)
                    pos += gap.size
                utterances.append({"role": role, "text": text, "start": pos / RATE + a, "end": pos / RATE + b})
                chunks.append(samples)
                pos += samples.size
            audio = np.concatenate(chunks)
            background = None
            if rng.random() < 0.2:
                kind = str(rng.choice(["pink", "brown", "hum", "white"]))
                snr = float(rng.uniform(12, 25))
                level = 20 * np.log10(0.1) - snr  # espeak speech sits near -20 dBFS RMS
                audio = audio + noise(kind, audio.size / RATE, level, rng)
                background = {"noise": kind, "level_dbfs": round(level, 1)}
            base = writer.seconds
            writer.write(audio)
            for u in utterances:
                items.append({"kind": "speech", "dialog": dialog_id, "lang": lang, "ending": ending, **u,
                              "start": round(base + u["start"], 3), "end": round(base + u["end"], 3),
                              **({"background": background} if background else {})})
            dialog_id += 1
        elif r < 0.94:  # a stretch of noise on its own
            kind = str(rng.choice(NOISES))
            seconds = float(rng.uniform(20, 120))
            level = float(rng.uniform(-48, -22))
            start = writer.seconds
            writer.write(noise(kind, seconds, level, rng))
            items.append({"kind": "noise", "noise": kind, "level_dbfs": round(level, 1),
                          "start": round(start, 3), "end": round(writer.seconds, 3)})
        else:  # a long quiet period: nobody there
            seconds = float(rng.uniform(60, 300))
            start = writer.seconds
            writer.silence(seconds)
            items.append({"kind": "quiet", "start": round(start, 3), "end": round(writer.seconds, 3)})
        writer.silence(float(rng.uniform(2.0, 20.0)))
    writer.close()
    schedule = {"minutes": minutes, "seed": seed, "part_minutes": part_minutes, "rate": RATE,
                "seconds": round(writer.seconds, 3), "parts": [p.name for p in writer.parts],
                "dialogs": dialog_id, "items": items}
    (Path(folder) / "schedule.json").write_text(json.dumps(schedule, ensure_ascii=False, indent=1), encoding="utf-8")
    return schedule
