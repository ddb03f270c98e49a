"""The list of models the assistant can use (registry.toml) and where each one is installed.

Reading it is cheap (one small TOML file, no heavy imports), so callers that run on every
picture (`assistant.image.sd.find_model`) and `doctor` use it freely.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import UserError

DEFAULT_REGISTRY = Path(__file__).resolve().parent / "registry.toml"
KINDS = ("speech", "sd", "sd-config", "safety-checker", "animegan")


@dataclass(frozen=True)
class ModelFile:
    path: str  # relative to the model's target folder
    url: str
    sha256: str = ""


@dataclass(frozen=True)
class Model:
    name: str
    kind: str
    title: str
    licence: str
    commercial: bool
    card: str
    target: str
    size_mb: float
    recommended: bool
    files: tuple[ModelFile, ...]
    scheduler: str = ""
    steps: int = 0
    guidance: float = -1.0
    variant: str = ""  # diffusers weight variant ("fp16") when only those files are fetched
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def folder(self, weights_dir: Path) -> Path:
        return Path(weights_dir) / self.target

    def file_paths(self, weights_dir: Path) -> list[Path]:
        return [self.folder(weights_dir) / f.path for f in self.files]

    def installed(self, weights_dir: Path) -> bool:
        return all(p.is_file() for p in self.file_paths(weights_dir))

    def partly_installed(self, weights_dir: Path) -> bool:
        paths = self.file_paths(weights_dir)
        return any(p.is_file() or p.with_name(p.name + ".part").is_file() for p in paths)

    def path(self, weights_dir: Path) -> Path:
        """What a loader opens: the one file of a single-file model, else the folder."""
        if len(self.files) == 1 and self.kind == "animegan":
            return self.folder(weights_dir) / self.files[0].path
        return self.folder(weights_dir)


def registry_path(config) -> Path:
    return Path(config.weights.registry).expanduser() if config.weights.registry else DEFAULT_REGISTRY


def _model(entry: dict, where: str) -> Model:
    try:
        name = entry["name"]
        base = entry.get("base_url", "")
        files = []
        for f in entry["file"]:
            url = f.get("url") or (base + f["path"] if base else "")
            if not url:
                raise KeyError(f"url of {f['path']}")
            files.append(ModelFile(path=f["path"], url=url, sha256=f.get("sha256", "").lower()))
        known = {"name", "kind", "title", "licence", "commercial", "card", "target", "size_mb",
                 "recommended", "base_url", "file", "scheduler", "steps", "guidance", "variant"}
        return Model(
            name=name, kind=entry["kind"], title=entry.get("title", name), licence=entry["licence"],
            commercial=bool(entry.get("commercial", False)), card=entry.get("card", ""),
            target=entry["target"], size_mb=float(entry.get("size_mb", 0)),
            recommended=bool(entry.get("recommended", False)), files=tuple(files),
            scheduler=entry.get("scheduler", ""), steps=int(entry.get("steps", 0)),
            guidance=float(entry.get("guidance", -1.0)), variant=entry.get("variant", ""),
            extra={k: v for k, v in entry.items() if k not in known},
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise UserError(f"weights registry {where}: model {entry.get('name', '?')!r} lacks or garbles {exc}",
                        "fix that entry of the registry file") from None


def load(path: str | Path | None = None) -> list[Model]:
    """Every model in the registry file, in file order (the order is the preference order)."""
    p = Path(path) if path else DEFAULT_REGISTRY
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"weights registry {p} does not exist", "check [weights] registry in the config") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"weights registry {p} is not valid TOML ({exc})", "fix the registry file") from None
    models = [_model(e, str(p)) for e in data.get("model", [])]
    names = [m.name for m in models]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise UserError(f"weights registry {p} names {', '.join(sorted(dupes))} more than once",
                        "give every model a unique name")
    return models


def for_config(config) -> list[Model]:
    return load(registry_path(config))


def by_name(models: list[Model], name: str) -> Model | None:
    for m in models:
        if m.name == name:
            return m
    return None


def installed_path(config, name: str) -> Path | None:
    """Where the model called `name` is installed under the configured weights folder, or None."""
    model = by_name(for_config(config), name)
    if model is None or not model.installed(config.weights_dir()):
        return None
    return model.path(config.weights_dir())
