"""The project's own spoken dialog sets (tests/data/spoken_dialogs_{en,zh}.json) and how they score.

Each dialog is what one person says to the assistant, turn by turn (fillers, self-repairs,
corrections, refusals, a yes at the end), and `expect`: the attribute record of the last picture
drawn, or null when the person cancels and nothing may be drawn. The sets were written from the
rules (the shared attributes spec and docs/attributes.md), not taken from the shared dev set.

`matches` is the score both the typed check and the spoken bench use: every expected slot equal
and no slot the person did not say (an extra attribute is as wrong as a missing one).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
LANGS = ("en", "zh")


@dataclass(frozen=True)
class SpokenDialog:
    id: str
    lang: str
    kind: str                 # what the dialog exercises: "plain", "fillers", "self-repair", ...
    turns: tuple[str, ...]    # the person's turns, in order
    expect: dict | None       # the last picture's record, or None: nothing may be drawn
    gap: str = ""             # a known parser gap this dialog shows (typed), if any


def load(lang: str) -> list[SpokenDialog]:
    if lang not in LANGS:
        raise ValueError(f"no spoken dialog set for {lang!r}; use one of {', '.join(LANGS)}")
    rows = json.loads((DATA / f"spoken_dialogs_{lang}.json").read_text(encoding="utf-8"))
    return [SpokenDialog(r["id"], lang, r["kind"], tuple(r["turns"]), r["expect"], r.get("gap", ""))
            for r in rows]


def subset(lang: str, n: int) -> list[SpokenDialog]:
    """`n` dialogs spread over the kinds: one of each kind in turn, in file order."""
    by_kind: dict[str, list[SpokenDialog]] = {}
    for d in load(lang):
        if not d.gap:  # a known parser gap would fail whatever the voice; the subset measures speech
            by_kind.setdefault(d.kind, []).append(d)
    picked: list[SpokenDialog] = []
    while len(picked) < n and any(by_kind.values()):
        for kind in list(by_kind):
            if by_kind[kind] and len(picked) < n:
                picked.append(by_kind[kind].pop(0))
    return picked


def _normal(record: dict | None) -> Any:
    """A record with its sets as sorted lists, so equal records compare equal."""
    if record is None:
        return None
    out = {}
    for key, value in record.items():
        if key == "accessories":
            value = sorted(value)
        elif key == "figures":
            value = [_normal(f) for f in value]
        out[key] = value
    return out


def matches(expect: dict | None, drawn: dict | None) -> bool:
    """All expected slots equal, nothing more; None (nothing drawn) matches only None."""
    return _normal(expect) == _normal(drawn)


def differences(expect: dict | None, drawn: dict | None) -> str:
    """What a wrong picture got wrong, in one line, for failure lists."""
    if drawn is None:
        return "nothing was drawn"
    if expect is None:
        return f"drew {drawn} though the person cancelled"
    e, d = _normal(expect), _normal(drawn)
    parts = []
    for key in sorted(set(e) | set(d)):
        if e.get(key) != d.get(key):
            parts.append(f"{key}: expected {e.get(key)!r}, drew {d.get(key)!r}")
    return "; ".join(parts)


def typed_final(turns, config) -> tuple[dict | None, list[str]]:
    """The turns typed through the project's own Dialog (as `chat` runs it): the last picture's
    record (None when nothing was drawn) and what the assistant said."""
    import tempfile

    from assistant.events import EventBus, Recorder
    from assistant.render import make_artist
    from assistant.speech.text_speaker import TextSpeaker
    from dialog import events as ev
    from dialog.machine import Dialog

    bus = EventBus()
    recorder = Recorder()
    bus.subscribe(recorder)
    with tempfile.TemporaryDirectory(prefix="spoken-typed-") as out:
        dialog = Dialog(bus.emit, config, make_artist(config, bus), TextSpeaker(bus), Path(out),
                        background=False)
        try:
            for turn in turns:
                dialog.hear(turn)
        finally:
            dialog.close()
    images = [e for e in recorder.typed if isinstance(e, ev.Image)]
    said = [e.text for e in recorder.typed if isinstance(e, ev.Say)]
    return (images[-1].attributes if images else None), said


def sketch_config():
    """A configuration that draws with the built-in sketch and keeps no gallery: fast, offline."""
    from assistant.config import from_dict

    return from_dict({"gallery": {"enabled": False}, "image": {"backend": "sketch"}})


if __name__ == "__main__":  # typed check: python -m tests.spoken_sets [en|zh]
    import sys

    config = sketch_config()
    for lang in sys.argv[1:] or LANGS:
        dialogs = load(lang)
        right = 0
        for d in dialogs:
            drawn, said = typed_final(d.turns, config)
            ok = matches(d.expect, drawn)
            right += ok
            if not ok:
                print(f"  FAIL {d.id} [{d.kind}]{' (gap: ' + d.gap + ')' if d.gap else ''}: "
                      f"{differences(d.expect, drawn)}")
                print(f"       turns: {list(d.turns)}")
                print(f"       said:  {said}")
        print(f"{lang}: typed {right}/{len(dialogs)} right")
