"""What both language parsers produce: the attribute mentions found in one utterance, in order.

A mention is one slot value the speaker named (`negated` when they said "without"/"不要" it).
Colours arrive already bound to hair_color / eye_color / outfit_color, or to the pseudo-slot
"color" when nothing in the utterance says what they colour (a bare "pink" in a correction).
`context` lists slots the speaker pointed at without a value ("her hair", "背景"), which the
correction logic uses to place a bare colour or value.
"""

from __future__ import annotations

from dataclasses import dataclass, field

WEAK_SUBJECT_WORDS = {"人", "一个人", "人们", "people", "figure", "character"}
# Slots whose value a noun-less colour may be meant for, in the order a confirmation speaks them.
COLOR_SLOTS = ("hair_color", "eye_color", "outfit_color")


@dataclass
class Mention:
    slot: str                 # schema slot, or "color" for a colour bound to nothing
    value: object             # canonical value (int for count)
    pos: int                  # position in the utterance (token or character index)
    negated: bool = False
    text: str = ""            # the words as heard, for debugging and hair-only colour checks
    count: int | None = None  # for subject mentions: the number said before it


@dataclass
class Analysis:
    lang: str
    mentions: list[Mention] = field(default_factory=list)
    context: list[tuple[str, int]] = field(default_factory=list)  # (slot, pos) named without value

    def positive(self, slot: str) -> list[Mention]:
        return [m for m in self.mentions if m.slot == slot and not m.negated]

    def negative(self, slot: str) -> list[Mention]:
        return [m for m in self.mentions if m.slot == slot and m.negated]

    def record(self, prefer: str = "first") -> tuple[dict, set[str]]:
        """The attribute record these mentions describe, and the accessories said to be absent.

        prefer="first" suits a description ("a girl with her dog" is about the girl);
        "last" suits a correction ("change the dress to a kimono").
        """
        rec: dict = {}
        subjects = self.positive("subject")
        if subjects:
            # A bare 人 ("一个人" is also "alone") yields to any other subject; a person said
            # outright ("someone with a cat") is the subject like any other.
            named = [m for m in subjects if m.text not in WEAK_SUBJECT_WORDS] or subjects
            chosen = named[0] if prefer == "first" else named[-1]
            rec["subject"] = chosen.value
            if chosen.count is not None:
                rec["count"] = chosen.count
        for m in self.mentions:
            if m.negated or m.slot in ("subject", "accessories", "color", "count"):
                continue
            if prefer == "first":
                rec.setdefault(m.slot, m.value)
            else:
                rec[m.slot] = m.value
        removed = {m.value for m in self.negative("accessories") if m.value is not None}
        acc = {m.value for m in self.positive("accessories")} - removed
        if acc:
            rec["accessories"] = sorted(acc)
        return rec, removed
