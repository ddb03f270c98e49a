"""`fetch-weights [NAME...] [--list] [--from DIR] [--yes] [--allow-unverified]`: list, download or
install model weights.

Licences are shown before anything is fetched (NON-COMMERCIAL ones loudly) and, on a terminal,
confirmed; every file lands through `weights.download` (.part, resume, size and sha256, atomic
rename), at a path checked to stay inside the weights folder. A file the registry has no sha256
for is refused unless --allow-unverified says to take it unchecked.
"""

from __future__ import annotations

import sys
import urllib.parse
from pathlib import Path

from assistant.errors import UserError
from weights import download, registry


def _size(mb: float) -> str:
    return f"{mb / 1024:.1f} GB" if mb >= 1024 else f"{mb:.0f} MB" if mb >= 10 else f"{mb:.1f} MB"


def _state(model: registry.Model, wdir: Path) -> str:
    if model.installed(wdir):
        return "installed"
    return "partial" if model.partly_installed(wdir) else "-"


def list_models(models: list[registry.Model], wdir: Path, out=None) -> None:
    out = out or sys.stdout
    width = max(len(m.name) for m in models) + 1
    print(f"{'NAME':<{width}}  {'KIND':<14}  {'SIZE':>8}  {'STATE':<9}  LICENCE", file=out)
    for m in models:
        licence = m.licence if m.commercial else f"NON-COMMERCIAL: {m.licence}"
        mark = "*" if m.recommended else " "
        print(f"{m.name + mark:<{width}}  {m.kind:<14}  {'~' + _size(m.size_mb):>8}  {_state(m, wdir):<9}  {licence}",
              file=out)
    print(f"(* = installed by 'fetch-weights' without names; weights folder: {wdir})", file=out)
    list_voices(out)


def list_voices(out=None) -> None:
    """The natural reply voices: they come with Python packages (`make setup`), not from the
    weights folder, but their licences belong beside the models'."""
    from assistant.speech.natural import VOICES, voice_problem

    out = out or sys.stdout
    print("\nREPLY VOICES (installed by 'make setup' with their Python packages, not by fetch-weights):", file=out)
    width = max(len(v.name) for v in VOICES.values()) + 1
    for lang, info in VOICES.items():
        licence = info.licence if info.commercial else f"NON-COMMERCIAL: {info.licence}"
        state = "installed" if voice_problem(lang) is None else "missing"
        print(f"  {lang:<3} {info.name:<{width}} {info.package:<31} {state:<9}  {licence}", file=out)


def _select(models: list[registry.Model], names: list[str]) -> list[registry.Model]:
    if not names:
        return [m for m in models if m.recommended]
    chosen = []
    for name in names:
        model = registry.by_name(models, name)
        if model is None:
            raise UserError(f"fetch-weights: no model called {name!r}",
                            "see 'fetch-weights --list' for the names: " + ", ".join(m.name for m in models))
        if model not in chosen:
            chosen.append(model)
    return chosen


def _announce(models: list[registry.Model], out=None) -> None:
    out = out or sys.stdout
    for m in models:
        print(f"{m.name}: {m.title} (~{_size(m.size_mb)})", file=out)
        print(f"  licence: {m.licence}  [{m.card}]", file=out)
        if not m.commercial:
            print("  NON-COMMERCIAL: this model may not be used commercially (read its licence).", file=out)


def _confirm(question: str, assume_yes: bool) -> bool:
    # Unattended installs (scripts, kiosk provisioning) have no one to ask; --yes says the same.
    if assume_yes or not sys.stdin.isatty():
        return True
    try:
        return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")
    except EOFError:
        return False


def _url(config, model: registry.Model, f: registry.ModelFile) -> str:
    mirror = config.weights.mirror.rstrip("/")
    return f"{mirror}/{urllib.parse.quote(model.name)}/{urllib.parse.quote(f.path)}" if mirror else f.url


def _dest(wdir: Path, model: registry.Model, f: registry.ModelFile) -> Path:
    """Where `f` is written, and its .part: both refused if a symlink on disk leads out of wdir."""
    dest = registry.inside(wdir, model.target, f.path)
    registry.inside(wdir, model.target, f.path + ".part")
    return dest


def _limits(args, config) -> download.Limits:
    import dataclasses

    from assistant.config import WeightsConfig

    # The flags obey the same ranges as the [weights] keys they stand in for.
    ranges = {f.name: f.metadata["range"] for f in dataclasses.fields(WeightsConfig) if "range" in f.metadata}
    w = config.weights
    chosen = {"deadline_s": getattr(args, "deadline", None), "stall_window_s": getattr(args, "stall_window", None),
              "stall_min_bytes": getattr(args, "stall_bytes", None)}
    flags = {"deadline_s": "--deadline", "stall_window_s": "--stall-window", "stall_min_bytes": "--stall-bytes"}
    for key, value in chosen.items():
        low, high = ranges[key]
        if value is not None and not low <= value <= high:
            raise UserError(f"fetch-weights: {flags[key]} {value:g} is out of range", f"use a value from {low} to {high}")
    pick = {k: (v if v is not None else getattr(w, k)) for k, v in chosen.items()}
    return download.Limits(stall_window_s=pick["stall_window_s"], stall_min_bytes=int(pick["stall_min_bytes"]),
                           deadline_s=pick["deadline_s"])


def _check_verifiable(models: list[registry.Model], allow_unverified: bool) -> None:
    """Refuse (before anything is fetched) models whose files the registry gives no sha256 for."""
    for m in models:
        missing = m.unverified()
        if not missing:
            continue
        some = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
        if not allow_unverified:
            raise UserError(f"fetch-weights: {m.name} has no sha256 in the registry for {some}, so a damaged or "
                            f"substituted download could not be told from the real one",
                            "add the sha256 to the registry, or pass --allow-unverified to install it unchecked")
        print(f"warning: {m.name}: {some} installed WITHOUT a checksum (--allow-unverified)", file=sys.stderr)


def _report_digest(model: registry.Model, f: registry.ModelFile, digest: str) -> None:
    if not f.sha256:
        # No checksum in the registry: print the one computed so it can be pinned there.
        print(f"  {f.path}: sha256 {digest} (not in the registry)")


def _good(dest: Path, f: registry.ModelFile) -> bool:
    return registry.file_problem(dest, f, verify=True) is None


def fetch(config, models: list[registry.Model], limits: download.Limits | None = None) -> None:
    wdir = config.weights_dir()
    for model in models:
        folder = model.folder(wdir)
        dests = [_dest(wdir, model, f) for f in model.files]
        print(f"{model.name}: downloading to {folder}")
        for f, dest in zip(model.files, dests):
            if _good(dest, f):
                continue  # a file of an earlier, interrupted run: checked, not fetched again
            digest = download.download(_url(config, model, f), dest, f.sha256, label=f"{model.name}/{f.path}",
                                       size=f.size, limits=limits)
            _report_digest(model, f, digest)
        print(f"{model.name}: installed")


def _find_source(src: Path, model: registry.Model, f: registry.ModelFile, named: bool) -> Path | None:
    candidates = [src / model.target / f.path, src / model.name / f.path]
    if named:
        # The folder given may be the model's own folder, or hold its one file at the top.
        candidates += [src / f.path, src / Path(f.path).name]
    return next((c for c in candidates if c.is_file()), None)


def install_from(config, models: list[registry.Model], src: Path, named: bool,
                 allow_unverified: bool = False) -> int:
    wdir = config.weights_dir()
    if not src.is_dir():
        raise UserError(f"fetch-weights --from: {src} is not a folder", "give the folder (or USB stick) with the weights")
    if not named:
        # No names: take every model whose files are all there.
        models = [m for m in models if all(_find_source(src, m, f, False) for f in m.files)]
        if not models:
            raise UserError(f"fetch-weights --from: no model of the registry is complete in {src}",
                            "copy a weights folder (or files laid out as <name>/<file>) there, or name the models")
    for model in models:
        missing = [f.path for f in model.files if _find_source(src, model, f, named) is None]
        if missing:
            raise UserError(f"fetch-weights --from: {model.name} needs {', '.join(missing)}, not found in {src}",
                            f"copy them to {src / model.target}/ (or {src / model.name}/) and try again")
    _check_verifiable(models, allow_unverified)
    _announce(models)
    for model in models:
        folder = model.folder(wdir)
        for f in model.files:
            source = _find_source(src, model, f, named)
            dest = _dest(wdir, model, f)
            if dest.exists() and source.resolve() == dest.resolve() and _good(dest, f):
                continue
            digest = download.copy_in(source, dest, f.sha256, label=f"{model.name}/{f.path}", size=f.size)
            _report_digest(model, f, digest)
        print(f"{model.name}: installed in {folder} from {src}")
    return 0


def run(args, config) -> int:
    models = registry.for_config(config)
    wdir = config.weights_dir()
    if args.list:
        list_models(models, wdir)
        return 0
    if args.from_dir:
        chosen = _select(models, args.names) if args.names else models
        return install_from(config, chosen, Path(args.from_dir).expanduser(), named=bool(args.names),
                            allow_unverified=getattr(args, "allow_unverified", False))
    limits = _limits(args, config)
    chosen = _select(models, args.names)
    todo = [m for m in chosen if m.problems(wdir, verify=True)]
    for m in chosen:
        if m not in todo:
            print(f"{m.name}: already installed in {m.folder(wdir)}")
    if not todo:
        return 0
    _check_verifiable(todo, getattr(args, "allow_unverified", False))
    _announce(todo)
    total = sum(m.size_mb for m in todo)
    if not _confirm(f"Download {len(todo)} model(s), about {_size(total)}, accepting the licences above?", args.yes):
        print("nothing downloaded")
        return 1
    fetch(config, todo, limits)
    return 0
