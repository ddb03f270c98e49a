"""`gallery list|show ID|export DIR [--zip]`: the pictures kept so far."""

from __future__ import annotations

import json

from assistant.errors import UserError
from assistant.gallery import Gallery, database_path


def run(args, config) -> int:
    action = args.gallery_command
    if action in ("list", "show") and not database_path(config).exists():
        if action == "show":
            raise UserError(f"no picture with id {args.id}: the gallery is empty ({database_path(config)})",
                            "draw a picture first, or check [general] data_dir")
        print(f"no pictures yet (gallery: {database_path(config)})")
        return 0
    if action == "export" and not str(args.dest).strip():
        raise UserError("gallery export needs a folder name and got an empty one",
                        "give a folder, e.g. gallery export ~/anime-gallery (or a .zip name with --zip)")
    # Reading never writes: it works in a read-only folder and never turns a file that is not a
    # gallery into an empty one. An export with nothing recorded yet still writes its page.
    if action == "export" and not database_path(config).exists():
        gallery = Gallery(config)
    else:
        gallery = Gallery(config, readonly=True)
    try:
        if action == "list":
            return _list(gallery, args.limit)
        if action == "show":
            return _show(gallery, args.id)
        if action == "export":
            return _export(gallery, args.dest, args.zip)
    finally:
        gallery.close()
    raise UserError(f"unknown gallery action {action!r}", "use list, show ID or export DIR")


def _list(gallery: Gallery, limit: int) -> int:
    if limit < 0:
        raise UserError(f"--limit {limit} is negative", "give --limit 0 (all) or a positive number")
    records = gallery.list(limit)
    if not records:
        print(f"no pictures yet (gallery: {gallery.path})")
        return 0
    for rec in records:
        what = rec.caption() or rec.transcript or "(no description)"
        look = "/".join(x for x in (rec.backend, rec.style) if x)
        print(f"{rec.id:>5}  {rec.created_text()}  {rec.language or '--':2}  {look:<14}  {what}  [{rec.path}]")
    return 0


def _show(gallery: Gallery, picture_id: int) -> int:
    rec = gallery.get(picture_id)
    if rec is None:
        total = gallery.count()
        raise UserError(f"no picture with id {picture_id} in the gallery ({total} kept)",
                        "run 'gallery list' to see the ids")
    fields = [("id", rec.id), ("path", rec.path), ("created", rec.created_text()),
              ("description", rec.caption()), ("transcript", rec.transcript), ("language", rec.language),
              ("attributes", json.dumps(rec.attributes, ensure_ascii=False, sort_keys=True)),
              ("prompt", rec.prompt), ("negative prompt", rec.negative_prompt), ("backend", rec.backend),
              ("style", rec.style), ("seed", rec.seed),
              ("seconds", f"{rec.seconds:.2f}" if rec.seconds is not None else ""),
              ("audio", rec.audio_path or "")]
    for name, value in fields:
        print(f"{name + ':':<17}{'' if value is None else value}")
    return 0


def _export(gallery: Gallery, dest: str, as_zip: bool) -> int:
    target = gallery.export(dest, zip=as_zip)
    print(f"exported {gallery.count()} pictures to {target}" + ("" if as_zip else f" (open {target / 'index.html'})"))
    return 0
