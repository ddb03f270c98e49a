"""`doctor`: check everything the assistant needs and print the command that fixes each gap.

One line per check: OK, WARN (works, but worse) or MISSING (that part cannot work). The exit
status is 0 only when the daemon can run: a microphone, a speech model and espeak-ng with an
English voice. Checks are cheap: no model is loaded, only paths, device lists and versions (the
natural voices: their packages and files, with their licences).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import UserError
from dialog.attributes import STYLES

OK, WARN, MISSING = "OK", "WARN", "MISSING"
FREE_SPACE_WARN_GB = 5.0  # room for one text-to-image model and the pictures


@dataclass
class Check:
    status: str
    name: str
    detail: str
    fix: str = ""
    critical: bool = False  # the daemon cannot run while this is MISSING

    def line(self) -> str:
        text = f"{self.status:<8} {self.name:<22} {self.detail}"
        if self.status != OK and self.fix:
            text += f"  -> fix: {self.fix}"
        return text


def _run(cmd: list[str], timeout: float = 5.0) -> str | None:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout).stdout
    except (OSError, subprocess.SubprocessError):
        return None


def check_audio(config) -> list[Check]:
    try:
        import sounddevice as sd
    except OSError:
        fix = "sudo apt-get install libportaudio2"
        return [Check(MISSING, "audio input", "the PortAudio library is not installed", fix, critical=True),
                Check(MISSING, "audio output", "the PortAudio library is not installed", fix)]
    except ImportError:
        fix = ".venv/bin/pip install sounddevice"
        return [Check(MISSING, "audio input", "the sounddevice package is not installed", fix, critical=True),
                Check(MISSING, "audio output", "the sounddevice package is not installed", fix)]
    try:
        devices = list(sd.query_devices())
    except Exception as exc:  # noqa: BLE001 - PortAudio reports broken audio stacks in many ways
        devices = []
        note = f" ({exc})"
    else:
        note = ""
    results = []
    for kind, key, want, critical, fix in (
            ("input", "max_input_channels", config.audio.input_device, True,
             "plug in a microphone (check 'arecord -l'); without one use 'run_assistant.py demo' or 'listen'"),
            ("output", "max_output_channels", config.audio.output_device, False,
             "connect speakers or headphones; replies can still be written as WAV with 'listen --tts-out DIR'")):
        found = [d for d in devices if d.get(key, 0) > 0]
        name = f"audio {kind}"
        if want:
            match = [d for d in found if want.isdigit() and d.get("index") == int(want) or want.lower() in
                     str(d.get("name", "")).lower()]
            if match:
                results.append(Check(OK, name, f"{match[0]['name']!r} (configured)"))
            else:
                results.append(Check(MISSING if critical else WARN, name,
                                     f"no {kind} device matches [audio] {kind}_device = {want!r}",
                                     f"set [audio] {kind}_device to one of: " +
                                     ", ".join(repr(d["name"]) for d in found) if found else fix, critical))
        elif found:
            results.append(Check(OK, name, f"{len(found)} device(s), e.g. {found[0]['name']!r}"))
        else:
            results.append(Check(MISSING if critical else WARN, name, f"no {kind} device found{note}", fix,
                                 critical))
    return results


def check_espeak(config) -> list[Check]:
    binary = shutil.which("espeak-ng")
    if binary is None:
        fix = "sudo apt-get install espeak-ng"
        return [Check(MISSING, "espeak-ng", "not on PATH (spoken replies)", fix, critical=True),
                Check(MISSING, "espeak voices", "espeak-ng is not installed", fix, critical=True)]
    version = (_run([binary, "--version"]) or "").strip().split("  ")[0].replace("eSpeak NG text-to-speech: ", "")
    listing = _run([binary, "--voices"]) or ""
    names = {line.split()[1] for line in listing.splitlines()[1:] if len(line.split()) > 1}
    results = [Check(OK, "espeak-ng", f"{binary} {version}".strip())]
    english = sorted(n for n in names if n == "en" or n.startswith("en-"))
    fix = "sudo apt-get install --reinstall espeak-ng-data"
    if not english:
        results.append(Check(MISSING, "espeak voice en", "no English voice", fix, critical=True))
    else:
        results.append(Check(OK, "espeak voice en", ", ".join(english[:3]) + ("…" if len(english) > 3 else "")))
    if "cmn-latn-pinyin" in names:
        results.append(Check(OK, "espeak voice zh", "cmn-latn-pinyin"))
    else:
        results.append(Check(WARN, "espeak voice zh", "no cmn-latn-pinyin voice: Chinese replies cannot be spoken",
                             fix))
    return results


def check_voices(config) -> list[Check]:
    """Each natural voice: whether its packages and files are there (nothing is loaded), and its
    licence. A missing one is a WARN: that language is spoken by espeak-ng instead."""
    from assistant.speech.natural import VOICES, voice_problem

    results = []
    used = config.tts.engine == "natural"
    for lang, info in VOICES.items():
        licence = info.licence if info.commercial else f"NON-COMMERCIAL: {info.licence}"
        name = f"natural voice {lang}"
        problem = voice_problem(lang)
        if problem is None:
            note = "" if used else f"; not used ([tts] engine = \"{config.tts.engine}\")"
            results.append(Check(OK, name, f"{info.name}, {info.sample_rate} Hz{note}; licence: {licence}"))
        else:
            fallback = "so espeak-ng speaks these replies" if used else "not used anyway"
            results.append(Check(WARN, name, f"{problem.problem} ({fallback}); licence: {licence}", problem.fix))
    return results


def _damaged(config, folder: Path, kinds: tuple[str, ...]):
    """(registry model, problems) when `folder` is a registry model's install with a file that is
    truncated or fails its sha256; None otherwise (missing parts are reported elsewhere). Hashes
    the files: doctor is run by hand, rarely."""
    from weights import registry

    try:
        models = registry.for_config(config)
    except UserError:
        return None
    wdir = config.weights_dir()
    for m in models:
        if m.kind in kinds and m.folder(wdir).resolve() == Path(folder).resolve():
            problems = m.problems(wdir, verify=True, missing=False)
            return (m, problems) if problems else None
    return None


def check_speech_model(config) -> list[Check]:
    if importlib.util.find_spec("assistant.speech.asr") is None:
        return [Check(MISSING, "speech model", "the speech recognition module is not installed",
                      "reinstall anime-assistant", critical=True)]
    from assistant.speech import asr

    results = []
    try:
        path = asr.resolve_model(config)
        bad = _damaged(config, path, ("speech",))
        if bad:
            results.append(Check(MISSING, "speech model", f"{bad[0].name} in {path}: " + "; ".join(bad[1]),
                                 f"run_assistant.py fetch-weights {bad[0].name}", critical=True))
        else:
            results.append(Check(OK, "speech model", f"{config.asr.model}: {path}"))
    except UserError as exc:
        results.append(Check(MISSING, "speech model", exc.problem, exc.fix, critical=True))
    if importlib.util.find_spec("faster_whisper") is None:
        results.append(Check(MISSING, "faster-whisper", "the faster-whisper package is not installed",
                             ".venv/bin/pip install faster-whisper", critical=True))
    return results


def check_weights(config) -> list[Check]:
    from assistant.image import sd

    results = []
    try:
        found = sd.locate(config)
    except UserError as exc:
        return [Check(WARN, "text-to-image model", exc.problem, exc.fix)]
    if config.image.backend == "sketch":
        results.append(Check(OK, "text-to-image model", "not used ([image] backend = \"sketch\")"))
    elif found is None:
        wanted = f" ([sd] model = {config.sd.model!r})" if config.sd.model else ""
        results.append(Check(WARN if config.image.backend == "auto" else MISSING, "text-to-image model",
                             f"no Stable Diffusion weights{wanted}: pictures use the built-in sketch renderer",
                             "run_assistant.py fetch-weights sd-lcm-dreamshaper-v7"))
    else:
        name = found.entry.name if found.entry else "configured"
        licence = "" if found.entry is None or found.entry.commercial else " (NON-COMMERCIAL licence)"
        bad = _damaged(config, found.path, ("sd",)) if found.entry is not None else None
        if bad:
            results.append(Check(WARN, "text-to-image model", f"{name} in {found.path}: " + "; ".join(bad[1]),
                                 f"run_assistant.py fetch-weights {name}"))
        else:
            results.append(Check(OK, "text-to-image model", f"{name}: {found.path}{licence}"))
        for problem, fix in sd.missing_parts(config, found):
            results.append(Check(WARN, "text-to-image model", problem, fix))
    try:
        from assistant.image import animegan
    except ImportError:
        return results + [Check(WARN, "AnimeGANv2", "the AnimeGANv2 module is not installed", "reinstall anime-assistant")]
    for style in STYLES:
        path = animegan.find_checkpoint(config, style)
        if path is not None:
            results.append(Check(OK, f"AnimeGANv2 {style}", f"{path.name} (NON-COMMERCIAL weights)"))
        else:
            first = animegan.checkpoint_names(style)[0]
            results.append(Check(WARN, f"AnimeGANv2 {style}", "no weights: pictures in this style are not "
                                 "restyled by AnimeGANv2", f"run_assistant.py fetch-weights {first}"))
    return results


def check_torch(config) -> list[Check]:
    if importlib.util.find_spec("torch") is None:
        return [Check(WARN, "torch", "not installed: no Stable Diffusion or AnimeGANv2",
                      ".venv/bin/pip install 'anime-assistant[models]'")]
    import torch

    results = [Check(OK, "torch", f"{torch.__version__}, {torch.get_num_threads()} CPU threads")]
    if torch.cuda.is_available():
        name = torch.cuda.get_device_name(0)
        free, total = torch.cuda.mem_get_info(0)
        results.append(Check(OK, "CUDA", f"{name}, {free / 2**30:.1f} of {total / 2**30:.1f} GiB free"))
    else:
        results.append(Check(WARN, "CUDA", "no CUDA device: Stable Diffusion draws on the CPU (slow; the LCM "
                             "model at 4 steps is the practical choice)",
                             "use a machine with an NVIDIA GPU and a CUDA build of torch"))
    if importlib.util.find_spec("diffusers") is None:
        results.append(Check(WARN, "diffusers", "not installed: no Stable Diffusion",
                             ".venv/bin/pip install diffusers transformers accelerate"))
    return results


def check_disk(config) -> list[Check]:
    data = Path(config.general.data_dir).expanduser()
    probe = data
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    free_gb = shutil.disk_usage(probe).free / 2**30
    results = []
    writable = os.access(data if data.exists() else probe, os.W_OK)
    if not writable:
        results.append(Check(MISSING, "data folder", f"{data} is not writable (pictures, gallery)",
                             "set [general] data_dir to a writable folder"))
    if free_gb < FREE_SPACE_WARN_GB:
        results.append(Check(WARN, "disk space", f"{free_gb:.1f} GB free at {probe}",
                             f"free at least {FREE_SPACE_WARN_GB:.0f} GB, or set [general] data_dir / [weights] dir "
                             "to a larger disk"))
    else:
        results.append(Check(OK, "disk space", f"{free_gb:.1f} GB free at {probe}"))
    return results


def check_display(config) -> list[Check]:
    results = []
    if importlib.util.find_spec("pygame") is None:
        results.append(Check(WARN, "display", "pygame is not installed: no picture window",
                             ".venv/bin/pip install pygame"))
    elif config.window.display == "window" and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
                                                    or os.environ.get("SDL_VIDEODRIVER")):
        results.append(Check(WARN, "display", "pygame present, but no DISPLAY: the window cannot open",
                             "run it on the desktop session, or use --display headless (frames) or none"))
    else:
        results.append(Check(OK, "display", f"pygame present, display = {config.window.display}"))
    if config.window.font:
        font = Path(config.window.font).expanduser()
        results.append(Check(OK, "CJK font", str(font)) if font.is_file() else
                       Check(WARN, "CJK font", f"[window] font {font} does not exist",
                             "fix [window] font, or clear it and run: sudo apt-get install fonts-noto-cjk"))
        return results
    if shutil.which("fc-match") is None:
        results.append(Check(WARN, "CJK font", "fc-match is missing, so no font can be looked up",
                             "sudo apt-get install fontconfig fonts-noto-cjk"))
        return results
    found = ""
    for pattern in ("Noto Sans CJK SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei"):
        family = (_run(["fc-match", "-f", "%{family}|%{file}", pattern]) or "").strip()
        if "Noto Sans CJK" in family or "WenQuanYi" in family:
            found = family.split("|")[-1]
            break
    results.append(Check(OK, "CJK font", found) if found else
                   Check(WARN, "CJK font", "no Noto Sans CJK or WenQuanYi font: Chinese text shows as boxes",
                         "sudo apt-get install fonts-noto-cjk"))
    return results


def check_render(config) -> list[Check]:
    """The shared render pool ([render] backend = "celery"): the broker, and the workers that answer."""
    if config.render.backend != "celery":
        return [Check(OK, "render", "in this process ([render] backend = \"local\")")]
    try:
        import redis

        from assistant.render.app import make_app, urls
    except ImportError:
        return [Check(WARN, "render pool", "celery and redis are not installed: pictures are sketched here",
                      ".venv/bin/pip install -e '.[render]'")]
    try:
        broker, _ = urls(config)
        redis.Redis.from_url(broker, socket_connect_timeout=config.render.probe_s,
                             socket_timeout=config.render.probe_s).ping()
    except UserError as exc:
        return [Check(WARN, "render broker", exc.problem, exc.fix)]
    except redis.AuthenticationError:
        return [Check(WARN, "render broker", f"{config.render.broker_url} refused the password",
                      "put Redis's requirepass into [render] password_file or $ANIME_ASSISTANT_REDIS_PASSWORD")]
    except (redis.RedisError, OSError) as exc:
        return [Check(WARN, "render broker", f"{config.render.broker_url} does not answer ({exc}); "
                      "pictures are sketched here", "start redis-server there, or fix [render] broker_url")]
    results = [Check(OK, "render broker", config.render.broker_url)]
    inspect = make_app(config).control.inspect(timeout=1.0)
    workers = sorted(inspect.ping() or {})
    if not workers:
        results.append(Check(WARN, "render workers", "none answered within 1 s: pictures are sketched here",
                             "start 'run_assistant.py render-worker' on the GPU machines (docs/deployment.md)"))
        return results
    conf = inspect.conf() or {}
    backends = [f"{w} ({(conf.get(w) or {}).get('anime_assistant', {}).get('backend', '?')})" for w in workers]
    results.append(Check(OK, "render workers", f"{len(workers)}: " + ", ".join(backends)))
    return results


CHECKS = (check_audio, check_espeak, check_voices, check_speech_model, check_weights, check_torch, check_disk, check_display,
          check_render)


def collect(config) -> list[Check]:
    results = []
    for check in CHECKS:
        try:
            results.extend(check(config))
        except Exception as exc:  # noqa: BLE001 - one broken check must not hide the others
            name = check.__name__.replace("check_", "")
            results.append(Check(WARN, name, f"the check itself failed ({type(exc).__name__}: {exc})",
                                 "run again with --debug and report it"))
    return results


def daemon_can_run(results: list[Check]) -> bool:
    return not any(c.critical and c.status == MISSING for c in results)


def run(args, config) -> int:
    results = collect(config)
    for check in results:
        print(check.line())
    if daemon_can_run(results):
        print("The daemon can run.")
        return 0
    names = ", ".join(dict.fromkeys(c.name for c in results if c.critical and c.status == MISSING))
    print(f"The daemon cannot run until these are fixed: {names}. ('run_assistant.py demo' and 'listen' need "
          "no microphone.)")
    sys.stdout.flush()
    return 1
