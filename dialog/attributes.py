"""The canonical attribute record: slots, their values, and the rules every record obeys.

The schema is the project's own copy of the shared spec (`dialog/attributes.json`), so a clone
works without the spec folder. A record is a plain dict: absent slots are left out, one-valued
slots hold a canonical string, `count` an int >= 1 (only when said), `accessories` a sorted list.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

SCHEMA_PATH = Path(__file__).with_name("attributes.json")

# The order slots are listed in, spoken in confirmations and shown as chips.
SLOT_ORDER = (
    "count", "subject", "hair_color", "hair_style", "eye_color", "outfit_color", "outfit",
    "accessories", "expression", "action", "setting", "time_of_day", "weather", "style",
)


@lru_cache(maxsize=1)
def schema() -> dict:
    with open(SCHEMA_PATH, encoding="utf-8") as f:
        return json.load(f)


def colors() -> list[str]:
    return list(schema()["colors"])


def slot_values(slot: str) -> list[str]:
    spec = schema()["slots"][slot]
    values = spec.get("values", [])
    return colors() if values == "colors" else list(values)


# The picture styles, from the schema: the one list the CLI, the config and the renderers share.
STYLES: tuple[str, ...] = tuple(slot_values("style"))


def slot_kind(slot: str) -> str:
    return schema()["slots"][slot]["kind"]


def slots() -> list[str]:
    return list(schema()["slots"])


def starter_lexicon(lang: str) -> dict:
    return schema()["starter_lexicon"][lang]


class InvalidRecord(ValueError):
    pass


# Several figure groups (docs/attributes.md, "Several figures"): per-figure slots live in each
# record of `figures`; the scene's stay at the top. One group is always the flat record.
FIGURE_SLOTS = SLOT_ORDER[:10]
SCENE_SLOTS = SLOT_ORDER[10:]
MAX_FIGURES = 3


def figures_of(record: dict) -> list[dict]:
    """Each figure group's own slots: the `figures` list, or the flat record's one figure."""
    if "figures" in record:
        return [dict(f) for f in record["figures"]]
    fig = {k: v for k, v in record.items() if k in FIGURE_SLOTS}
    return [fig] if fig else []


def scene_of(record: dict) -> dict:
    return {k: v for k, v in record.items() if k in SCENE_SLOTS}


def compose(figures: list[dict], scene: dict) -> dict:
    """The record of these groups and scene: flat for one group, `figures` for more."""
    figures = [f for f in figures if f]
    if len(figures) <= 1:
        return {**(figures[0] if figures else {}), **scene}
    return {"figures": figures, **scene}


def validate(record: dict) -> dict:
    """Return a normalised copy of `record`, raising InvalidRecord on anything off-schema."""
    if "figures" in record:
        return _validate_figures(record)
    return _validate_flat(record)


def _validate_figures(record: dict) -> dict:
    figures = record["figures"]
    if not isinstance(figures, list) or not all(isinstance(f, dict) for f in figures):
        raise InvalidRecord("figures must be a list of records")
    if len(figures) > MAX_FIGURES:
        raise InvalidRecord(f"at most {MAX_FIGURES} figure groups, not {len(figures)}")
    stray = [k for k in record if k != "figures" and k not in SCENE_SLOTS]
    if stray:
        raise InvalidRecord(f"{stray[0]} belongs in a figure when there are figures")
    figs = []
    for fig in figures:
        bad = [k for k in fig if k not in FIGURE_SLOTS]
        if bad:
            raise InvalidRecord(f"figures: {bad[0]} is not a figure's slot")
        figs.append(_validate_flat(fig))
    scene = _validate_flat({k: v for k, v in record.items() if k != "figures"})
    out = compose(figs, scene)
    if "figures" in out:
        return {"figures": out["figures"], **scene}
    return _validate_flat(out)


def _validate_flat(record: dict) -> dict:
    out: dict = {}
    for slot, value in record.items():
        if slot not in schema()["slots"]:
            raise InvalidRecord(f"unknown slot {slot!r}")
        kind = slot_kind(slot)
        if kind == "integer":
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise InvalidRecord(f"{slot} must be a whole number >= 1, not {value!r}")
            out[slot] = value
        elif kind == "set":
            items = sorted(set(value))
            bad = [v for v in items if v not in slot_values(slot)]
            if bad:
                raise InvalidRecord(f"{slot}: unknown values {bad}")
            if items:
                out[slot] = items
        else:
            if value not in slot_values(slot):
                raise InvalidRecord(f"{slot}: unknown value {value!r}")
            out[slot] = value
    return {k: out[k] for k in sorted(out, key=SLOT_ORDER.index)}


def changed_slots(before: dict, after: dict) -> list[str]:
    """Slot names whose value differs between two records, in SLOT_ORDER; with figures on
    either side, per figure ("figures[1].hair_color") and then the scene's."""
    if "figures" not in before and "figures" not in after:
        return [s for s in SLOT_ORDER if before.get(s) != after.get(s)]
    a, b = figures_of(before), figures_of(after)
    out = []
    for i in range(max(len(a), len(b))):
        fa = a[i] if i < len(a) else {}
        fb = b[i] if i < len(b) else {}
        out += [f"figures[{i}].{s}" for s in FIGURE_SLOTS if fa.get(s) != fb.get(s)]
    return out + [s for s in SCENE_SLOTS if before.get(s) != after.get(s)]
