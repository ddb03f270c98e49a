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


def validate(record: dict) -> dict:
    """Return a normalised copy of `record`, raising InvalidRecord on anything off-schema."""
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
    """Slot names whose value differs between two records, in SLOT_ORDER."""
    return [s for s in SLOT_ORDER if before.get(s) != after.get(s)]
