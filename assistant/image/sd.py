"""Stable Diffusion text to image, from local weights only (diffusers).

`find_model` runs on every plan, so it only reads the registry and checks paths: no torch. The
pipeline loads on the first `generate` (a diffusers folder with `from_pretrained`, or one
.safetensors/.ckpt file with `from_single_file` and a local pipeline config) with the hub switched
off, stays loaded between pictures, and is dropped by `release`. Few-step schedulers (LCM,
Euler a, DPM++) come from [sd] scheduler, or from the model's registry entry when it is "auto".
"""

from __future__ import annotations

import contextlib
import gc
import os
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from assistant.errors import UserError
from assistant.image import safety
from assistant.image.cancel import Cancelled
from weights import registry

SCHEDULERS = ("auto", "model", "lcm", "euler_a", "euler", "dpmpp", "ddim")
SINGLE_FILE_SUFFIXES = (".safetensors", ".ckpt")


@dataclass
class Located:
    path: Path
    entry: registry.Model | None  # the registry entry it was installed from, when known


def _usable(path: Path) -> bool:
    if path.is_dir():
        return (path / "model_index.json").is_file()
    return path.is_file() and path.suffix.lower() in SINGLE_FILE_SUFFIXES


def locate(config) -> Located | None:
    """The configured model, else the first installed text-to-image model of the registry."""
    models = registry.for_config(config)
    wdir = config.weights_dir()
    wanted = config.sd.model
    if wanted:
        entry = registry.by_name(models, wanted)
        if entry is not None and entry.kind == "sd":
            return Located(entry.path(wdir), entry) if entry.installed(wdir) else None
        path = Path(wanted).expanduser()
        if not _usable(path):
            return None
        same = [m for m in models if m.kind == "sd" and m.folder(wdir).resolve() == path.resolve()]
        return Located(path, same[0] if same else None)
    for entry in models:
        if entry.kind == "sd" and entry.installed(wdir):
            return Located(entry.path(wdir), entry)
    return None


def find_model(config) -> Path | None:
    """Where the text-to-image weights are, or None (cheap: no torch or diffusers import)."""
    found = locate(config)
    return found.path if found else None


def _has_checker(folder: Path) -> bool:
    weights = any((folder / "safety_checker" / n).is_file() for n in ("model.safetensors", "pytorch_model.bin"))
    return weights and (folder / "feature_extractor" / "preprocessor_config.json").is_file()


def missing_parts(config, found: Located) -> list[tuple[str, str]]:
    """(problem, fix) for what loading `found` would still lack; path checks only (for doctor)."""
    problems = []
    wdir = config.weights_dir()
    models = registry.for_config(config)
    config_dir = None
    if found.path.is_file():
        if config.sd.single_file_config:
            config_dir = Path(config.sd.single_file_config).expanduser()
            ok = (config_dir / "model_index.json").is_file()
        else:
            dirs = [m.folder(wdir) for m in models if m.kind == "sd-config" and m.installed(wdir)]
            config_dir = dirs[0] if dirs else None
            ok = config_dir is not None
        if not ok:
            problems.append(("the single-file checkpoint has no local pipeline config",
                             "run 'run_assistant.py fetch-weights sd15-config' or set [sd] single_file_config"))
    if config.sd.safety_checker:
        folders = [found.path] if found.path.is_dir() else []
        folders += [config_dir] if config_dir is not None else []
        folders += [m.folder(wdir) for m in models if m.kind == "safety-checker" and m.installed(wdir)]
        if not any(_has_checker(f) for f in folders):
            problems.append(("the model has no safety checker, so it will refuse to draw",
                             "run 'run_assistant.py fetch-weights sd-safety-checker' (or, for private use only, "
                             "set [sd] safety_checker = false)"))
    return problems


def sampling(config, entry: registry.Model | None) -> tuple[str, int, float]:
    """(scheduler, steps, guidance) for this model under this configuration."""
    sd = config.sd
    if sd.scheduler not in SCHEDULERS:
        raise UserError(f"config: [sd] scheduler = {sd.scheduler!r} is not allowed",
                        "use one of: " + ", ".join(map(repr, SCHEDULERS)))
    if sd.scheduler == "auto":
        if entry is not None and entry.scheduler:
            steps = entry.steps or sd.steps
            guidance = entry.guidance if entry.guidance >= 0 else sd.guidance_scale
            return entry.scheduler, steps, guidance
        return "model", sd.steps, sd.guidance_scale
    return sd.scheduler, sd.steps, sd.guidance_scale


@contextlib.contextmanager
def _hub_offline():
    """No hub look-ups while loading: the files are local, and a kiosk may have no network."""
    names = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "DIFFUSERS_OFFLINE")
    saved = {k: os.environ.get(k) for k in names}
    os.environ.update({k: "1" for k in names})
    try:
        # huggingface_hub reads the variable once at import; mirror it for the loading's span.
        from huggingface_hub import constants
        hub_saved = constants.HF_HUB_OFFLINE
        constants.HF_HUB_OFFLINE = True
    except ImportError:  # pragma: no cover - diffusers depends on huggingface_hub
        constants = None
    try:
        yield
    finally:
        if constants is not None:
            constants.HF_HUB_OFFLINE = hub_saved
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@contextlib.contextmanager
def _quiet_loading():
    """No per-component progress bars or rename warnings in a kiosk's log while loading."""
    from diffusers.utils import logging as diffusers_logging
    from transformers.utils import logging as transformers_logging

    bars = [(m, m.is_progress_bar_enabled()) for m in (diffusers_logging, transformers_logging)]
    for module, _ in bars:
        module.disable_progress_bar()
    try:
        with warnings.catch_warnings():
            # diffusers 0.42 renamed torch_dtype to dtype; the old name still works back to 0.30.
            warnings.filterwarnings("ignore", message=".*torch_dtype.*", category=FutureWarning)
            yield
    finally:
        for module, enabled in bars:
            if enabled:
                module.enable_progress_bar()


def _device(config) -> str:
    import torch

    choice = config.sd.device
    if choice == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if choice.startswith("cuda") and not torch.cuda.is_available():
        raise UserError(f"[sd] device = {choice!r} but torch sees no CUDA device",
                        'set [sd] device = "auto" or "cpu", or install a CUDA build of torch')
    return choice


def _single_file_config(config) -> Path:
    if config.sd.single_file_config:
        path = Path(config.sd.single_file_config).expanduser()
        if path.is_dir() and (path / "model_index.json").is_file():
            return path
        raise UserError(f"[sd] single_file_config = {str(path)!r} is not a diffusers pipeline folder "
                        "(no model_index.json)",
                        "point it at a folder with model_index.json and the tokenizer/scheduler/*config.json "
                        "files of the same architecture, or run 'run_assistant.py fetch-weights sd15-config'")
    models = registry.for_config(config)
    for entry in models:
        if entry.kind == "sd-config" and entry.installed(config.weights_dir()):
            return entry.folder(config.weights_dir())
    raise UserError("a single-file Stable Diffusion checkpoint needs a local pipeline config to load offline",
                    "run 'run_assistant.py fetch-weights sd15-config', or set [sd] single_file_config to a "
                    "diffusers folder of the same architecture")


def _separate_safety_checker(config, single_file_config: Path | None, dtype):
    """A safety checker for a pipeline that came without one, or a UserError saying how to get it."""
    from diffusers.pipelines.stable_diffusion.safety_checker import StableDiffusionSafetyChecker
    from transformers import CLIPImageProcessor

    folders = []
    if single_file_config is not None:
        folders.append(single_file_config)
    for entry in registry.for_config(config):
        if entry.kind == "safety-checker" and entry.installed(config.weights_dir()):
            folders.append(entry.folder(config.weights_dir()))
    for folder in folders:
        if _has_checker(folder):
            checker = StableDiffusionSafetyChecker.from_pretrained(folder / "safety_checker", local_files_only=True,
                                                                   torch_dtype=dtype)
            processor = CLIPImageProcessor.from_pretrained(folder / "feature_extractor", local_files_only=True)
            return checker, processor
    raise UserError("this Stable Diffusion model has no safety checker, and [sd] safety_checker is on",
                    "run 'run_assistant.py fetch-weights sd-safety-checker', or (private use only) set "
                    "[sd] safety_checker = false")


def load_pipeline(config, found: Located, device: str):
    """A StableDiffusionPipeline from local files on `device`, with the configured scheduler."""
    import torch

    dtype = torch.float16 if device.startswith("cuda") else torch.float32
    want_checker = config.sd.safety_checker
    no_checker = {} if want_checker else {"safety_checker": None, "feature_extractor": None,
                                          "requires_safety_checker": False}
    with _hub_offline(), _quiet_loading():
        from diffusers import StableDiffusionPipeline

        path = found.path
        config_dir = None
        try:
            if path.is_dir():
                variant = {"variant": found.entry.variant} if found.entry and found.entry.variant else {}
                pipe = StableDiffusionPipeline.from_pretrained(path, local_files_only=True, torch_dtype=dtype,
                                                               **variant, **no_checker)
            else:
                config_dir = _single_file_config(config)
                pipe = StableDiffusionPipeline.from_single_file(path, config=str(config_dir),
                                                                local_files_only=True, torch_dtype=dtype,
                                                                **no_checker)
            if want_checker and pipe.safety_checker is None:
                checker, processor = _separate_safety_checker(config, config_dir, dtype)
                pipe.register_modules(safety_checker=checker, feature_extractor=processor)
                pipe.register_to_config(requires_safety_checker=True)
        except UserError:
            raise
        except Exception as exc:  # noqa: BLE001 - any loader failure means unusable files on disk
            name = found.entry.name if found.entry else None
            fix = (f"re-install it with 'run_assistant.py fetch-weights {name}'" if name else
                   "check [sd] model: it must be a diffusers folder or an SD 1.x/2.x .safetensors/.ckpt file")
            raise UserError(f"cannot load the Stable Diffusion model at {path} ({type(exc).__name__}: "
                            f"{str(exc).splitlines()[0] if str(exc) else ''})", fix) from None
    scheduler, _, _ = sampling(config, found.entry)
    set_scheduler(pipe, scheduler)
    pipe.set_progress_bar_config(disable=True)
    return pipe.to(device)


def set_scheduler(pipe, name: str) -> None:
    import diffusers

    base = pipe.scheduler.config
    if name in ("auto", "model"):
        return
    if name == "lcm":
        pipe.scheduler = diffusers.LCMScheduler.from_config(base)
    elif name == "euler_a":
        # "trailing" spacing starts from pure noise, which few-step sampling needs.
        pipe.scheduler = diffusers.EulerAncestralDiscreteScheduler.from_config(base, timestep_spacing="trailing")
    elif name == "euler":
        pipe.scheduler = diffusers.EulerDiscreteScheduler.from_config(base, timestep_spacing="trailing")
    elif name == "dpmpp":
        pipe.scheduler = diffusers.DPMSolverMultistepScheduler.from_config(
            base, algorithm_type="dpmsolver++", use_karras_sigmas=True)
    elif name == "ddim":
        pipe.scheduler = diffusers.DDIMScheduler.from_config(base)
    else:
        raise UserError(f"config: [sd] scheduler = {name!r} is not allowed",
                        "use one of: " + ", ".join(map(repr, SCHEDULERS)))


class _Stop(Exception):
    """Raised from the step callback to leave the denoising loop at once."""


class SdBackend:
    def __init__(self, config):
        self._config = config
        self._pipe = None
        self._device = None
        self._found: Located | None = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._pipe is not None

    def _ensure_loaded(self):
        if self._pipe is None:
            found = locate(self._config)
            if found is None:
                where = self._config.sd.model or str(self._config.weights_dir() / "sd")
                raise UserError(f"no Stable Diffusion weights found ({where})",
                                "run 'run_assistant.py fetch-weights sd-lcm-dreamshaper-v7', set [sd] model, or "
                                'set [image] backend = "sketch"')
            if self._config.sd.threads > 0:
                import torch

                torch.set_num_threads(self._config.sd.threads)
            self._device = _device(self._config)
            self._pipe = load_pipeline(self._config, found, self._device)
            self._found = found
        return self._pipe

    def generate(self, prompt: str, negative_prompt: str = "", *, seed: int, width: int, height: int,
                 progress: Callable[[int, int], None] | None = None,
                 cancel: threading.Event | None = None):
        safety.check_prompt(prompt, self._config.sd.blocked_words)
        sampling(self._config, None)  # a bad [sd] scheduler is reported before a minute of loading
        if width % 8 or height % 8 or width < 64 or height < 64:
            raise UserError(f"picture size {width}x{height} cannot be drawn by Stable Diffusion",
                            "use a width and height of at least 64 that are multiples of 8 ([image] width/height)")
        progress = progress or (lambda step, total: None)
        cancel = cancel or threading.Event()
        if cancel.is_set():
            raise Cancelled()
        with self._lock:
            import torch

            pipe = self._ensure_loaded()  # the first picture pays for loading: seconds to a minute
            _, steps, guidance = sampling(self._config, self._found.entry)
            if cancel.is_set():
                raise Cancelled()
            progress(0, steps)

            def on_step_end(p, step, timestep, kwargs):
                progress(step + 1, getattr(p, "num_timesteps", None) or steps)
                if cancel.is_set():
                    raise _Stop()
                return kwargs

            # A CPU generator gives the same picture for a seed on CPU and CUDA.
            generator = torch.Generator(device="cpu").manual_seed(int(seed))
            try:
                with torch.inference_mode():
                    out = pipe(prompt=prompt, negative_prompt=negative_prompt or None, num_inference_steps=steps,
                               guidance_scale=guidance, width=width, height=height, generator=generator,
                               callback_on_step_end=on_step_end)
            except _Stop:
                raise Cancelled() from None
        flagged = out.nsfw_content_detected
        if flagged and any(flagged):
            raise safety.PictureWithheld()
        return out.images[0]

    def release(self) -> None:
        """Drop the pipeline and give its memory back (the next generate loads it again)."""
        with self._lock:
            pipe, self._pipe = self._pipe, None
            device, self._device = self._device, None
            del pipe
            gc.collect()
            if device and device.startswith("cuda"):
                import torch

                torch.cuda.empty_cache()
