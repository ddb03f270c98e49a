"""The list of models the assistant can use (registry.toml) and where each one is installed.

Reading it is cheap (one small TOML file, no heavy imports), so callers that run on every
picture (`assistant.image.sd.find_model`) and `doctor` use it freely.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath

from assistant.errors import UserError

DEFAULT_REGISTRY = Path(__file__).resolve().parent / "registry.toml"
KINDS = ("speech", "sd", "sd-config", "safety-checker", "animegan")
# Names become URL and folder parts (mirror/<name>/..., --from DIR/<name>/...): plain tokens only.
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_SHA256 = re.compile(r"[0-9a-f]{64}")


class UnsafePathError(UserError):
    """A path from a registry, a mirror or a folder would land outside the weights folder."""


def relative_path(value, what: str) -> str:
    """`value` as a plain relative POSIX path, or UnsafePathError: absolute, '..' or drive paths
    from a registry would let one entry write anywhere on the disk."""
    if not isinstance(value, str) or not value.strip():
        raise UnsafePathError(f"{what} is empty", "give a path relative to the model's folder")
    posix, windows = PurePosixPath(value), PureWindowsPath(value)
    if posix.is_absolute() or windows.is_absolute() or windows.drive or value.startswith(("/", "\\")):
        raise UnsafePathError(f"{what} {value!r} is an absolute path", "give a path relative to the model's folder")
    if ".." in posix.parts or ".." in windows.parts or "\\" in value or "\0" in value:
        raise UnsafePathError(f"{what} {value!r} leaves its folder ('..' or a backslash)",
                              "give a plain relative path with '/' separators and no '..'")
    return value


def inside(root: Path, *parts: str) -> Path:
    """root/parts, refused when it resolves (following symlinks already on disk) outside root."""
    root = Path(root)
    path = root.joinpath(*parts)
    real_root = root.resolve()
    real = path.resolve()
    if real != real_root and real_root not in real.parents:
        raise UnsafePathError(f"{path} resolves to {real}, outside {real_root} (a symlink or '..' escapes it)",
                              f"remove the link, or install into a folder inside {real_root}")
    return path


@dataclass(frozen=True)
class ModelFile:
    path: str  # relative to the model's target folder
    url: str
    sha256: str = ""
    size: int = 0  # exact bytes; 0 = not known


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
        """Every file present at its registry size (cheap: callers run this on every picture;
        `problems` also checks the sha256)."""
        return all(file_problem(p, f, verify=False) is None for p, f in zip(self.file_paths(weights_dir), self.files))

    def problems(self, weights_dir: Path, verify: bool = True, missing: bool = True) -> list[str]:
        """One phrase per file that is missing (unless not `missing`), of the wrong size or
        (verify) of the wrong sha256."""
        found = [file_problem(p, f, verify) for p, f in zip(self.file_paths(weights_dir), self.files)
                 if missing or p.is_file()]
        return [p for p in found if p]

    def unverified(self) -> list[str]:
        """Files the registry gives no sha256 for: their bytes cannot be checked."""
        return [f.path for f in self.files if not f.sha256]

    def partly_installed(self, weights_dir: Path) -> bool:
        paths = self.file_paths(weights_dir)
        return any(p.is_file() or p.with_name(p.name + ".part").is_file() for p in paths)

    def path(self, weights_dir: Path) -> Path:
        """What a loader opens: the one file of a single-file model, else the folder."""
        if len(self.files) == 1 and self.kind == "animegan":
            return self.folder(weights_dir) / self.files[0].path
        return self.folder(weights_dir)


def file_problem(path: Path, f: ModelFile, verify: bool = True) -> str | None:
    """Why the file at `path` is not the registry's `f`, or None when it is (as far as known)."""
    try:
        size = path.stat().st_size if path.is_file() else -1
    except OSError:
        size = -1
    if size < 0:
        return f"{f.path} is missing"
    if f.size and size != f.size:
        short = "truncated: " if size < f.size else ""
        return f"{f.path} is {size} bytes, expected {f.size} ({short}a broken download or another file)"
    if verify and f.sha256:
        from weights.download import sha256_of

        if sha256_of(path) != f.sha256:
            return f"{f.path} does not match its sha256 (damaged or another file)"
    return None


def registry_path(config) -> Path:
    return Path(config.weights.registry).expanduser() if config.weights.registry else DEFAULT_REGISTRY


def _model(entry: dict, where: str) -> Model:
    try:
        name = entry["name"]
        if not isinstance(name, str) or not _NAME.fullmatch(name) or name in (".", ".."):
            raise UnsafePathError(f"weights registry {where}: model name {name!r} is not a plain name",
                                  "use letters, digits, '.', '_' and '-' only")
        target = relative_path(entry["target"], f"weights registry {where}: {name} target")
        base = entry.get("base_url", "")
        files = []
        for f in entry["file"]:
            path = relative_path(f["path"], f"weights registry {where}: {name} file path")
            url = f.get("url") or (base + path if base else "")
            if not url:
                raise KeyError(f"url of {path}")
            sha = f.get("sha256", "").lower()
            if sha and not _SHA256.fullmatch(sha):
                raise ValueError(f"sha256 of {path} (64 hex digits, or \"\" when not known)")
            size = int(f.get("size", 0))
            if size < 0:
                raise ValueError(f"size of {path}")
            files.append(ModelFile(path=path, url=url, sha256=sha, size=size))
        known = {"name", "kind", "title", "licence", "commercial", "card", "target", "size_mb",
                 "recommended", "base_url", "file", "scheduler", "steps", "guidance", "variant"}
        return Model(
            name=name, kind=entry["kind"], title=entry.get("title", name), licence=entry["licence"],
            commercial=bool(entry.get("commercial", False)), card=entry.get("card", ""),
            target=target, size_mb=float(entry.get("size_mb", 0)),
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
