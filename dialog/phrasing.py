"""Saying a record aloud: "A smiling black-haired boy in a school uniform reading on the beach".

The words for each value live in `voices/<lang>.toml`; this module only knows each language's
word order, so the confirmation names every slot in the order a person would say it.
"""

from __future__ import annotations

import voices


def _words(lang: str, table: str) -> dict:
    return voices.load(lang)["words"][table]


def _join_en(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _tidy(text: str) -> str:
    return " ".join(text.split())


def _describe_en(rec: dict) -> str:
    count = rec.get("count", 1)
    subject = rec.get("subject", "person")
    singular, plural = _words("en", "subject")[subject]
    colors = _words("en", "colors")
    numbers = _words("en", "numbers")

    front = []
    if "expression" in rec:
        front.append(_words("en", "expression")[rec["expression"]])
    hair_color = colors.get(rec.get("hair_color", ""), "")
    if hair_color and "hair_style" not in rec:
        front.append(f"{hair_color}-haired" if rec["hair_color"] != "blonde" else "blonde")
    noun = plural if count > 1 else singular
    head = " ".join(front + [noun])
    if count > 1:
        head = f"{numbers.get(str(count), str(count))} {head}"
    else:
        head = ("an " if head[0] in "aeiou" else "a ") + head

    with_parts = []
    if "hair_style" in rec:
        with_parts.append(_tidy(_words("en", "hair_style")[rec["hair_style"]].format(color=hair_color)))
    if "eye_color" in rec:
        with_parts.append(f"{colors[rec['eye_color']]} eyes")
    with_parts += [_words("en", "accessories")[a] for a in rec.get("accessories", [])]

    parts = [head]
    if with_parts:
        parts.append("with " + _join_en(with_parts))
    if "outfit" in rec:
        outfit = _tidy(_words("en", "outfit")[rec["outfit"]].format(color=colors.get(rec.get("outfit_color", ""), "")))
        if outfit.startswith("a ") and outfit[2] in "aeiou":
            outfit = "an " + outfit[2:]
        parts.append(f"in {outfit}")
    elif "outfit_color" in rec:
        parts.append(f"dressed in {colors[rec['outfit_color']]}")
    for slot in ("action", "setting", "time_of_day", "weather", "style"):
        if slot in rec:
            parts.append(_words("en", slot)[rec[slot]])
    return " ".join(parts)


def _describe_zh(rec: dict) -> str:
    count = rec.get("count", 1)
    subject = rec.get("subject", "person")
    words = lambda table: _words("zh", table)  # noqa: E731 - local shorthand
    colors = words("colors")
    measure = words("measure").get(subject, words("measure")["default"])
    number = words("numbers").get(str(count), str(count))

    mods = []
    if "expression" in rec:
        mods.append(words("expression")[rec["expression"]])
    if "hair_style" in rec:
        mods.append(words("hair_style")[rec["hair_style"]].format(color=colors.get(rec.get("hair_color", ""), "")))
    elif "hair_color" in rec:
        mods.append(words("hair_color_short")[rec["hair_color"]] + "头发")
    if "eye_color" in rec:
        mods.append(colors[rec["eye_color"]].removesuffix("色") + "眼睛")
    if "outfit" in rec:
        mods.append(words("outfit")[rec["outfit"]].format(color=colors.get(rec.get("outfit_color", ""), "")))
    elif "outfit_color" in rec:
        mods.append("穿" + colors[rec["outfit_color"]] + "衣服")
    mods += [words("accessories")[a] for a in rec.get("accessories", [])]

    text = number + measure
    if mods:
        text += "、".join(mods) + "的"
    text += words("subject")[subject]
    when = "".join(words(slot)[rec[slot]] for slot in ("time_of_day", "weather") if slot in rec)
    if when and ("setting" in rec or "action" in rec):
        text += when
    elif when:
        text = when + "," + text
    if "setting" in rec:
        text += "在" + words("setting")[rec["setting"]]
    if "action" in rec:
        text += words("action")[rec["action"]]
    if "style" in rec:
        text += "," + words("style")[rec["style"]]
    return text


SCENE = ("setting", "time_of_day", "weather", "style")


def _describe_figures_en(record: dict) -> str:
    """"A silver-haired boy in a black coat and a pink-haired girl with twintails in a white
    dress, on a rooftop at sunset": each figure as it would be said alone, then the scene."""
    figures, shared = _shared_action(record["figures"])
    text = _join_en([_describe_en(f) for f in figures])
    if shared:
        text += " " + _words("en", "action")[shared]
    scene = [_words("en", slot)[record[slot]] for slot in SCENE if slot in record]
    return text + (", " + " ".join(scene) if scene else "")


def _shared_action(figures: list[dict]) -> tuple[list[dict], str | None]:
    """One action said once for all ("a boy and a girl singing"), else each figure's own."""
    actions = {f.get("action") for f in figures}
    if len(actions) == 1 and None not in actions:
        return [{k: v for k, v in f.items() if k != "action"} for f in figures], actions.pop()
    return figures, None


def _describe_figures_zh(record: dict) -> str:
    """"一个穿黑外套的银发男孩和一个穿白裙子的粉发双马尾女孩在天台上,傍晚"."""
    figures, shared = _shared_action(record["figures"])
    people = [_describe_zh(f) for f in figures]
    text = "、".join(people[:-1]) + "和" + people[-1]
    scene = _describe_zh({k: record[k] for k in SCENE if k in record} | {"subject": "person"}
                         | ({"action": shared} if shared else {}))
    # the scene's words without the stand-in figure ("一个人")
    stand_in = _describe_zh({"subject": "person"})
    tail = scene.replace(stand_in, "", 1)
    return text + tail


def describe(record: dict, lang: str) -> str:
    """The record as one spoken phrase in `lang` (no final punctuation)."""
    if "figures" in record:
        return _describe_figures_zh(record) if lang == "zh" else _describe_figures_en(record)
    return _describe_zh(record) if lang == "zh" else _describe_en(record)


def left_out(subjects: list[str], lang: str) -> str:
    """What a description past the limit of three figures lost, said back before confirming."""
    table = _words(lang, "subject")
    if lang == "zh":
        return "我一次最多画三组角色,没画" + "、".join(table[s] for s in subjects) + "。"
    names = _join_en([table[s][0] for s in subjects])
    return f"I can draw at most three figures, so I left out the {names}."


def phrase(key: str, lang: str, variant: int = 0, **fields) -> str:
    """A whole sentence: the voice file's phrase with the fields filled in, starting with a capital."""
    text = voices.phrase(key, lang, variant, **fields)
    return text[:1].upper() + text[1:]
