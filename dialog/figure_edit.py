"""Corrections addressed to one figure of several (docs/attributes.md, "Several figures").

"make the boy's hair red" changes the boy only, "the dog is sleeping" the dog, "去掉狗" removes
the dog's group, "add a cat" adds one, "just the girl" keeps one. Words with no figure named go
to the one figure a pronoun can mean ("make her hair pink" with a girl and a dog), to every
figure for "their", and otherwise the reply is a question back ("Whose hair, the girl's or the
woman's?"), never a guess. Scene slots (setting, time, weather, style) are the picture's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dialog import attributes as attrs
from dialog.mentions import WEAK_SUBJECT_WORDS, Analysis, Mention

PER_FIGURE = ("hair_color", "hair_style", "eye_color", "outfit", "outfit_color", "accessories",
              "action", "expression", "color", "count")
FEMALE, MALE, ANIMAL = {"girl", "woman", "child"}, {"boy", "man", "child"}, {"cat", "dog"}
EN_PRONOUNS = {"her": FEMALE, "she": FEMALE, "hers": FEMALE, "his": MALE, "he": MALE,
               "him": MALE, "its": ANIMAL, "it": None, "their": "all", "they": "all",
               "them": "all", "both": "all", "everyone": "all", "all": None}
ZH_PRONOUNS = (("他们", "all"), ("她们", "all"), ("它们", "all"), ("都", "all"), ("她", FEMALE),
               ("他", MALE), ("它", ANIMAL))
EN_ADD = {"add", "also", "another", "plus", "too", "more", "extra", "include"}
ZH_ADD = ("加", "再来", "再画", "还要", "还有", "多画", "添")
EN_REMOVE = {"no", "without", "remove", "drop", "lose", "delete", "minus", "away", "rid", "off"}
ZH_REMOVE = ("去掉", "不要", "删掉", "拿掉", "别画", "不画", "没有", "去除", "删除")
EN_ONLY = {"just", "only"}
ZH_ONLY = ("只要", "只画", "只留", "只有", "只剩")


@dataclass
class Edit:
    record: dict = field(default_factory=dict)
    question: str = ""


def _tokens(text: str, lang: str) -> list[str]:
    if lang == "zh":
        return list(text)
    from dialog.parse_en import tokenize
    return tokenize(text)


def _subjects(analysis: Analysis) -> list[Mention]:
    return sorted((m for m in analysis.mentions if m.slot == "subject" and m.value is not None
                   and not m.split and m.text not in WEAK_SUBJECT_WORDS), key=lambda m: m.pos)


def _before(tokens: list[str], pos: int, lang: str, n: int = 4) -> list[str]:
    """The words just before `pos` in its clause."""
    window = tokens[max(0, pos - n):pos]
    if lang == "zh":
        text = "".join(window)
        return [re.split(r"[,，。;；!?]", text)[-1]]
    cut = max((i for i, t in enumerate(window) if t in ",.;!?:"), default=-1)
    return window[cut + 1:]


def _marked(tokens, pos, lang, en_words, zh_words, n=4) -> bool:
    before = _before(tokens, pos, lang, n)
    if lang == "zh":
        return any(w in before[0] for w in zh_words)
    return bool(set(before) & en_words)


def adds_figure(text: str, analysis: Analysis, lang: str, current: dict) -> bool:
    """A one-figure record gets a second figure: "add a cat", "再加一只猫"."""
    tokens = _tokens(text, lang)
    have = {f.get("subject") for f in attrs.figures_of(current)}
    return any(_marked(tokens, m.pos, lang, EN_ADD, ZH_ADD, 6) and (
        m.value not in have or _marked(tokens, m.pos, lang, {"another"}, ("另", "再"), 3))
        for m in _subjects(analysis))


def correct(text: str, current: dict, analysis: Analysis, lang: str, apply) -> Edit:
    """The record after a correction of a record with figures (or one that adds a figure);
    `apply(record, analysis)` is the one-record correction each figure's part goes through."""
    tokens = _tokens(text, lang)
    figs, scene = attrs.figures_of(current), attrs.scene_of(current)
    subjects = _subjects(analysis)
    owned = [x.pos for x in analysis.mentions if x.slot in PER_FIGURE]
    anchors: list[tuple[Mention, int]] = []  # (subject said, index of its figure)
    for m in subjects:
        match = [i for i, f in enumerate(figs) if f.get("subject") == m.value]
        possessed = any(m.pos < p <= m.pos + 4 for p in owned)  # "remove the girl's glasses"
        if possessed and (m.negated or _marked(tokens, m.pos, lang, EN_REMOVE, ZH_REMOVE)):
            for x in analysis.mentions:
                if x.slot in PER_FIGURE and m.pos < x.pos <= m.pos + 4:
                    x.negated = True  # the girl's glasses are what goes
        if match and not possessed and _marked(tokens, m.pos, lang, EN_REMOVE, ZH_REMOVE):
            figs[match[0]] = {}
        elif match and _marked(tokens, m.pos, lang, EN_ONLY, ZH_ONLY):
            figs = [f if i == match[0] else {} for i, f in enumerate(figs)]
        elif match and not _marked(tokens, m.pos, lang, {"another"}, ("另",), 3):
            anchors.append((m, match[0]))
        elif _marked(tokens, m.pos, lang, EN_ADD, ZH_ADD, 6) or not figs:
            if sum(1 for f in figs if f) >= attrs.MAX_FIGURES:
                continue
            figs.append({"subject": m.value, **({"count": m.count} if (m.count or 1) > 1 else {})})
            anchors.append((m, len(figs) - 1))
        elif anchors:
            figs[anchors[-1][1]]["subject"] = m.value  # "the boy should be a man"
        else:
            return Edit(question=_question(lang, "subject", figs))
    own = [x for x in analysis.mentions if x.slot in PER_FIGURE]
    rest = [x for x in analysis.mentions if x.slot not in PER_FIGURE and x.slot != "subject"]
    bound: dict[int, list[Mention]] = {}
    if own and not anchors:
        targets = _pronoun_targets(tokens, lang, figs)
        if targets is None:
            return Edit(question=_question(lang, own[0].slot, figs))
        for i in targets:
            bound[i] = own
    for x in own if anchors else []:
        after = [i for m, i in anchors if m.pos <= x.pos]
        bound.setdefault(after[-1] if after else anchors[0][1], []).append(x)
    for i, mentions in bound.items():
        if figs[i]:
            figs[i] = apply(figs[i], Analysis(lang, mentions, analysis.context))
    new_scene = apply(scene, Analysis(lang, rest, analysis.context))
    return Edit(attrs.compose(figs, {k: v for k, v in new_scene.items() if k in attrs.SCENE_SLOTS}))


def _pronoun_targets(tokens: list[str], lang: str, figs: list[dict]) -> list[int] | None:
    """The figures unaddressed words are for, or None when that is not clear."""
    live = [i for i, f in enumerate(figs) if f]
    if len(live) == 1:
        return live
    groups = []
    if lang == "zh":
        text = "".join(tokens)
        for word, group in ZH_PRONOUNS:
            if word in text:
                groups.append(group)
                text = text.replace(word, "")
    else:
        groups = [EN_PRONOUNS[t] for t in tokens if EN_PRONOUNS.get(t) is not None]
    if "all" in groups:
        return live
    for group in groups:
        fitting = [i for i in live if figs[i].get("subject") in group]
        if len(fitting) == 1:
            return fitting
        if len(fitting) > 1:
            return None
    return None


EN_WHAT = {"hair_color": "Whose hair", "hair_style": "Whose hair", "eye_color": "Whose eyes",
           "outfit": "Who wears it", "outfit_color": "Whose clothes", "accessories": "For whom"}
ZH_WHAT = {"hair_color": "谁的头发", "hair_style": "谁的头发", "eye_color": "谁的眼睛",
           "outfit": "谁穿", "outfit_color": "谁的衣服", "accessories": "给谁"}


def _question(lang: str, slot: str, figs: list[dict]) -> str:
    """"Whose hair, the girl's or the woman's?" / "谁的头发,女孩还是女人?"."""
    import voices

    subjects = [f.get("subject", "person") for f in figs if f]
    if lang == "zh":
        words = voices.load("zh")["words"]["subject"]
        names = [words.get(s, s) for s in subjects]
        return f"{ZH_WHAT.get(slot, '是哪一个')},{'还是'.join(names)}?"
    possessive = slot in ("hair_color", "hair_style", "eye_color", "outfit_color")
    names = [f"the {s}'s" if possessive else f"the {s}" for s in subjects]
    listed = ", ".join(names[:-1]) + " or " + names[-1]
    return f"{EN_WHAT.get(slot, 'Which one')}, {listed}?"
