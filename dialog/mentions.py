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
    start: int | None = None  # for subject mentions: where its noun phrase starts ("a silver-haired")
    refers: bool = False      # a subject said again ("the girl is smiling"): no new figure
    split: bool = False       # "one of them", "其中一个": one of the group said before it
    figure: bool = True       # False: named but not in the picture ("a girl who likes cats")


@dataclass
class Analysis:
    lang: str
    mentions: list[Mention] = field(default_factory=list)
    context: list[tuple[str, int]] = field(default_factory=list)  # (slot, pos) named without value

    def positive(self, slot: str) -> list[Mention]:
        return [m for m in self.mentions if m.slot == slot and not m.negated]

    def negative(self, slot: str) -> list[Mention]:
        return [m for m in self.mentions if m.slot == slot and m.negated]

    left_out: list = field(default_factory=list)  # subjects past the figure limit, in order

    def record(self, prefer: str = "first") -> tuple[dict, set[str]]:
        """The attribute record these mentions describe, and the accessories said to be absent.

        prefer="first" suits a description; "last" suits a correction ("change the dress to a
        kimono"). Two or more figure groups give `figures` (docs/attributes.md); one group the
        flat record, exactly as it always was.
        """
        groups = figure_groups(self) if prefer == "first" else []
        if len(groups) > 1:
            return self._figures_record(groups)
        return self._flat_record(prefer)

    def _figures_record(self, groups: list[Group]) -> tuple[dict, set[str]]:
        removed = {m.value for m in self.negative("accessories") if m.value is not None}
        figures = [g.record(removed) for g in groups]
        scene: dict = {}
        for m in self.mentions:
            if not m.negated and m.slot in SCENE_SLOTS:
                scene.setdefault(m.slot, m.value)
        return {"figures": figures, **scene}, removed

    def _flat_record(self, prefer: str) -> tuple[dict, set[str]]:
        rec: dict = {}
        subjects = [m for m in self.positive("subject") if not m.split]
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


MAX_FIGURES = 3
SCENE_SLOTS = ("setting", "time_of_day", "weather", "style")
FIGURE_VALUE_SLOTS = ("hair_color", "hair_style", "eye_color", "outfit", "outfit_color",
                      "accessories", "action", "expression")
SHARED_SLOTS = ("action", "expression")  # "a boy and a girl singing": said once, for both


@dataclass
class Group:
    """One figure group: the subject that opens it and the mentions bound to it."""
    anchor: Mention
    count: int | None
    mentions: list[Mention] = field(default_factory=list)
    base: "Group | None" = None  # for "one of them": the group it is one of

    def record(self, removed: set) -> dict:
        rec: dict = {"subject": self.anchor.value}
        if self.count is not None and self.count > 1:
            rec["count"] = self.count
        own = (self.base.mentions if self.base else []) + self.mentions
        acc = set()
        for m in sorted(own, key=lambda x: (x in self.mentions, x.pos)):
            if m.slot == "accessories":
                acc.add(m.value)
            elif self.base and m in self.mentions:
                rec[m.slot] = m.value  # its own words win over the group's
            else:
                rec.setdefault(m.slot, m.value)
        if acc - removed:
            rec["accessories"] = sorted(acc - removed)
        return rec


def _anchors(analysis: Analysis) -> list[tuple[Mention, "Group"]]:
    """(subject mention, its group) in order; repeated and weak subjects open no group."""
    subjects = sorted((m for m in analysis.mentions if m.slot == "subject" and not m.negated),
                      key=lambda m: m.pos)
    named = [m for m in subjects if m.text not in WEAK_SUBJECT_WORDS and m.figure] or subjects[:1]
    out: list[tuple[Mention, Group]] = []
    groups: list[Group] = []
    for m in named:
        if m.split:
            base = next((g for g in reversed(groups) if (g.count or 1) > 1 and g.base is None), None)
            if base is None:
                continue
            base.count -= 1
            g = Group(Mention("subject", base.anchor.value, m.pos, text=m.text, start=m.start), None,
                      base=base)
        elif m.refers and any(g.anchor.value == m.value for g in groups):
            g = next(g for g in groups if g.anchor.value == m.value)
            out.append((m, g))
            continue
        else:
            g = Group(m, m.count)
        groups.append(g)
        out.append((m, g))
    return out


def figure_groups(analysis: Analysis) -> list[Group]:
    """The figure groups of a description, each with the per-figure mentions bound to it: a
    mention inside a figure's noun phrase ("a silver-haired boy") is that figure's, one after
    it ("... in a black coat") the figure's said last before it; an action or expression said
    after a plain list of figures is all of theirs. At most MAX_FIGURES; the rest go to
    `analysis.left_out`."""
    anchors = _anchors(analysis)
    if len({id(g) for _, g in anchors}) <= 1:
        return []
    own = [m for m in analysis.mentions if not m.negated and m.slot in FIGURE_VALUE_SLOTS]
    post: dict[int, list[Mention]] = {}
    for m in sorted(own, key=lambda x: x.pos):
        k = _anchor_index(anchors, m.pos)
        anchors[k][1].mentions.append(m)
        if m.pos > anchors[k][0].pos:
            post.setdefault(k, []).append(m)
    _share_trailing_verbs(anchors, post)
    groups: list[Group] = []
    for _, g in anchors:
        if all(g is not x for x in groups) and not (g.count == 0):
            groups.append(g)
    analysis.left_out = [g.anchor.value for g in groups[MAX_FIGURES:]]
    return groups[:MAX_FIGURES] if len(groups) > 1 else []


def _anchor_index(anchors: list, pos: int) -> int:
    for k, (m, _) in enumerate(anchors):
        start = m.start if m.start is not None else m.pos
        if start <= pos <= m.pos:
            return k  # inside its noun phrase
    before = [k for k, (m, _) in enumerate(anchors) if m.pos < pos]
    return before[-1] if before else 0


def _share_trailing_verbs(anchors: list, post: dict) -> None:
    """"a boy and a girl singing", "两只猫和一只狗在睡觉": the verb after the last figure is
    everyone's when no figure before it has words of its own after its noun."""
    last = len(anchors) - 1
    tail = post.get(last, [])
    if not tail or any(post.get(k) for k in range(last)):
        return
    if any(m.slot not in SHARED_SLOTS for m in tail[:1]):
        return
    shared = [m for m in tail if m.slot in SHARED_SLOTS]
    seen: set[int] = set()
    for k in range(last):
        g = anchors[k][1]
        if id(g) in seen or g is anchors[last][1]:
            continue
        seen.add(id(g))
        g.mentions += [m for m in shared if m.slot not in {x.slot for x in g.mentions}]
