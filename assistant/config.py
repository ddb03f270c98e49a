"""The one typed place for configuration: defaults here, overrides from a TOML file.

Every option has a default, so an empty or missing file is a valid configuration. A TOML file
only names what it changes, section by section:

    [asr]
    model = "tiny.en"

    [vad]
    end_silence_s = 1.0

Unknown sections or keys and values of the wrong type are rejected at start with a message
naming the key, so a typo never silently falls back to a default.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import ConfigError


def _default_data_dir() -> str:
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(base, "anime-assistant")


@dataclass
class GeneralConfig:
    # Pictures, the gallery database and cached model exports live under this folder.
    data_dir: str = field(default_factory=_default_data_dir)
    # Language used for speech before the person has said anything: "auto", "en" or "zh".
    language: str = "auto"
    log_level: str = "warning"


@dataclass
class AudioConfig:
    # Microphone by name (substring match) or index; empty means the system default.
    input_device: str = ""
    output_device: str = ""
    # The rate everything downstream works at; the microphone is opened at its native rate.
    sample_rate: int = 16000
    block_ms: int = 30
    # Seconds to wait before reopening a microphone that disappeared.
    reopen_delay_s: float = 2.0


@dataclass
class VadConfig:
    aggressiveness: int = 2
    frame_ms: int = 30
    preroll_s: float = 0.3
    end_silence_s: float = 0.7
    # Used instead of end_silence_s when slow_speaker is on (people who pause mid-sentence).
    relaxed_end_silence_s: float = 1.2
    slow_speaker: bool = False
    # Shorter voiced bursts are dropped; 0.15 s keeps one-syllable replies such as "对" (~0.2 s).
    min_speech_s: float = 0.15
    max_segment_s: float = 15.0
    # A frame counts as speech only when it is this many dB above the tracked noise floor.
    energy_margin_db: float = 6.0
    # This much silence after speech starts recognition speculatively (on_pause) while the
    # rest of end_silence_s is confirmed; it is also the silence kept after the last word.
    pause_s: float = 0.2
    # The noise floor is this percentile of frame energies over the last noise_window_s, so
    # constant noise or music becomes "floor" and stops opening turns.
    noise_window_s: float = 8.0
    noise_percentile: float = 10.0


@dataclass
class AsrConfig:
    # "base" (multilingual, default), "tiny.en", a folder with a CTranslate2 model, or a name in weights/.
    model: str = "base"
    model_path: str = ""
    compute_type: str = "int8"
    device: str = "cpu"
    threads: int = 2
    languages: list[str] = field(default_factory=lambda: ["en", "zh"])
    beam_size: int = 1
    no_speech_threshold: float = 0.6
    # Below this confidence the assistant asks again instead of guessing.
    min_confidence: float = 0.35
    # Offer the attribute vocabulary to the decoder as a prompt.
    vocabulary_prompt: bool = True
    # A one-word yes/no below this is asked again, never acted on (espeak "yes"/"no" measured
    # 0.59-0.78 clean and at 10 dB SNR; what noise decoded to, 0.10-0.22).
    min_reply_confidence: float = 0.5
    # Segments whose loud frames vary less than this (dB) are steady noise and never decoded
    # (white 0.7-0.8, pink 1.8-2.4, hum 0.5-0.9; speech 7.1 or more, even at 10 dB SNR).
    min_modulation_db: float = 4.5
    # ... or whose voiced frames are hiss-flat more often than this (white/pink/typing/clicks
    # 0.79-1.0; replies with white or pink noise beneath them 0.33-0.67).
    max_noise_like: float = 0.74


@dataclass
class TtsConfig:
    # "espeak" drives espeak-ng directly, "pyttsx3" goes through pyttsx3's espeak driver.
    engine: str = "espeak"
    # The microphone is ignored while speaking plus this tail, so the assistant never hears itself.
    tail_s: float = 0.5
    # Speech while the assistant talks stops the reply. The microphone then stays open during
    # replies, so use it only with headphones or an echo-cancelling microphone.
    barge_in: bool = False


@dataclass
class DialogConfig:
    # Seconds of silence in a state before it goes back to idle.
    confirm_timeout_s: float = 30.0
    showing_timeout_s: float = 90.0
    # Nonsense or silence while confirming: ask again this many times, then give up.
    max_reprompts: int = 1


@dataclass
class ImageConfig:
    # "auto": Stable Diffusion when its weights are present, else the built-in sketch renderer.
    backend: str = "auto"
    # Style used when the description names none.
    default_style: str = "hayao"
    # Where pictures are written; empty means <data_dir>/pictures.
    out_dir: str = ""
    width: int = 512
    height: int = 512
    # Fixed seed for every picture; -1 derives it from the description, so a description redraws the same.
    seed: int = -1
    # Run AnimeGANv2 over Stable Diffusion's output when its weights are present.
    animegan_after_sd: bool = True
    # Free the loaded image models after this many idle seconds (gigabytes on a kiosk that
    # waits all night); 0 keeps them loaded. The next picture loads them again.
    release_after_s: float = 600.0


@dataclass
class SdConfig:
    # A diffusers folder or a single .safetensors/.ckpt file; empty means the one in weights/.
    model: str = ""
    # Local original config (v1-inference.yaml) or diffusers config folder for single files.
    single_file_config: str = ""
    scheduler: str = "auto"
    steps: int = 4
    guidance_scale: float = 1.0
    device: str = "auto"
    safety_checker: bool = True
    blocked_words: list[str] = field(default_factory=list)
    # CPU threads for torch while drawing; 0 keeps torch's default. On a small shared machine 1 can
    # be many times faster than 2, because busy cores make torch's threads wait on each other.
    threads: int = 0


@dataclass
class AnimeganConfig:
    weights_dir: str = ""
    # "auto" benchmarks once and caches the choice (it may pick "openvino", usually the fastest);
    # or "eager", "channels_last", "onnx".
    runtime: str = "auto"
    threads: int = 2
    # Images larger than this on their long side are processed in overlapping tiles.
    max_side: int = 1024
    tile: int = 512
    # Pixels neighbouring tiles share; blended linearly so tile seams do not show.
    tile_overlap: int = 64
    # "f32" keeps the reference output; "bf16" lets OpenVINO use bf16 units (AMX/AVX-512) where the
    # CPU has them: about 4x faster, outputs differ by up to ~2e-2 (of the [-1, 1] range).
    precision: str = "f32"


@dataclass
class WindowConfig:
    display: str = "window"
    fullscreen: bool = False
    width: int = 1280
    height: int = 800
    fps: int = 30
    # Folder for headless frames; empty means <data_dir>/frames.
    frames_dir: str = ""
    font: str = ""
    # Headless mode keeps only this many numbered frames (plus latest.png), so a headless kiosk
    # never fills its disk; 0 keeps them all.
    keep_frames: int = 1000


@dataclass
class GalleryConfig:
    enabled: bool = True
    # 0 means no limit.
    keep_newest: int = 0
    keep_days: float = 0.0
    keep_audio: bool = False


@dataclass
class KioskConfig:
    enabled: bool = False
    idle_s: float = 60.0
    burn_in_shift_s: float = 120.0
    quit_hold_s: float = 3.0
    watchdog_s: float = 120.0
    # A key combination that quits at once (staff with a keyboard), besides holding Esc; "" = none.
    quit_keys: str = "ctrl+shift+q"


@dataclass
class WeightsConfig:
    # Where downloaded and installed weights live; empty means the repository's weights/files.
    dir: str = ""
    # Another registry file in place of weights/registry.toml (a site's own list, or a test's).
    registry: str = ""
    # A base URL that serves every file as <mirror>/<model name>/<file path>, in place of the
    # registry's public URLs (a local mirror for kiosks; tests point it at 127.0.0.1).
    mirror: str = ""


@dataclass
class Config:
    general: GeneralConfig = field(default_factory=GeneralConfig)
    audio: AudioConfig = field(default_factory=AudioConfig)
    vad: VadConfig = field(default_factory=VadConfig)
    asr: AsrConfig = field(default_factory=AsrConfig)
    tts: TtsConfig = field(default_factory=TtsConfig)
    dialog: DialogConfig = field(default_factory=DialogConfig)
    image: ImageConfig = field(default_factory=ImageConfig)
    sd: SdConfig = field(default_factory=SdConfig)
    animegan: AnimeganConfig = field(default_factory=AnimeganConfig)
    window: WindowConfig = field(default_factory=WindowConfig)
    gallery: GalleryConfig = field(default_factory=GalleryConfig)
    kiosk: KioskConfig = field(default_factory=KioskConfig)
    weights: WeightsConfig = field(default_factory=WeightsConfig)

    # Derived paths, so every component agrees on where things are.
    def pictures_dir(self) -> Path:
        return Path(self.image.out_dir or os.path.join(self.general.data_dir, "pictures")).expanduser()

    def weights_dir(self) -> Path:
        if self.weights.dir:
            return Path(self.weights.dir).expanduser()
        return Path(__file__).resolve().parent.parent / "weights" / "files"


_CHOICES = {
    ("general", "language"): ("auto", "en", "zh"),
    ("general", "log_level"): ("debug", "info", "warning", "error"),
    ("image", "backend"): ("auto", "sd", "sketch"),
    ("image", "default_style"): ("hayao", "shinkai", "paprika", "face_paint"),
    ("tts", "engine"): ("espeak", "pyttsx3"),
    ("animegan", "runtime"): ("auto", "eager", "channels_last", "onnx", "openvino"),
    ("animegan", "precision"): ("f32", "bf16"),
    ("window", "display"): ("window", "headless", "none"),
    ("asr", "compute_type"): ("int8", "int8_float32", "float32", "float16", "int8_float16"),
}
_RANGES = {
    ("vad", "aggressiveness"): (0, 3),
    ("vad", "frame_ms"): (10, 30),
    ("audio", "sample_rate"): (8000, 48000),
}


def _check_type(where: str, value, hint):
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        for arm in typing.get_args(hint):
            try:
                return _check_type(where, value, arm)
            except ConfigError:
                continue
        raise ConfigError(f"config: {where} has the wrong type ({type(value).__name__})",
                          f"give {where} a value of type {hint}")
    if origin is list:
        (item,) = typing.get_args(hint)
        if not isinstance(value, list):
            raise ConfigError(f"config: {where} must be a list", f'write {where} = ["..."]')
        return [_check_type(f"{where}[{i}]", v, item) for i, v in enumerate(value)]
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if hint is type(None) and value is None:
        return value
    if not isinstance(value, hint) or (hint is int and isinstance(value, bool)):
        names = {bool: "true or false", int: "a whole number", float: "a number", str: "a quoted string"}
        raise ConfigError(f"config: {where} = {value!r} has the wrong type",
                          f"give {where} {names.get(hint, hint.__name__)}")
    return value


def from_dict(data: dict) -> Config:
    """Build a validated Config from a parsed TOML document."""
    cfg = Config()
    sections = {f.name: f for f in dataclasses.fields(Config)}
    for name, table in data.items():
        if name not in sections:
            raise ConfigError(f"config: unknown section [{name}]",
                              "use one of: " + ", ".join(f"[{s}]" for s in sections))
        if not isinstance(table, dict):
            raise ConfigError(f"config: [{name}] must be a table", f"write it as a [{name}] section")
        section = getattr(cfg, name)
        hints = typing.get_type_hints(type(section))
        for key, value in table.items():
            where = f"[{name}] {key}"
            if key not in hints:
                raise ConfigError(f"config: unknown key {where}",
                                  f"use one of the [{name}] keys: " + ", ".join(hints))
            value = _check_type(where, value, hints[key])
            choices = _CHOICES.get((name, key))
            if choices and value not in choices:
                raise ConfigError(f"config: {where} = {value!r} is not allowed",
                                  "use one of: " + ", ".join(map(repr, choices)))
            bounds = _RANGES.get((name, key))
            if bounds and not bounds[0] <= value <= bounds[1]:
                raise ConfigError(f"config: {where} = {value!r} is out of range",
                                  f"use a value from {bounds[0]} to {bounds[1]}")
            setattr(section, key, value)
    return cfg


def load(path: str | os.PathLike | None) -> Config:
    """Load the TOML file at `path` over the defaults; None means defaults only."""
    if path is None:
        return Config()
    p = Path(path).expanduser()
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"config file {p} does not exist", "check the --config path") from None
    except OSError as exc:
        raise ConfigError(f"config file {p} cannot be read ({exc.strerror})",
                          "check the file's permissions") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"config file {p} is not UTF-8 text", "save it as UTF-8 TOML") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {p} is not valid TOML ({exc})", "fix the TOML syntax") from None
    return from_dict(data)
