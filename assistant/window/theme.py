"""Colours, words and sizes of the screen: calm dark background, one anime-pink accent.

Everything is sized from one unit (1.0 at 1280x800), so the layout scales to any window.
Slot and value labels in Chinese come from the attribute lexicon, so a new value needs no code.
"""

from __future__ import annotations

from functools import lru_cache

BG_TOP = (22, 24, 38)
BG_BOTTOM = (34, 30, 52)
PANEL = (44, 44, 68)
PANEL_EDGE = (70, 70, 102)
TEXT = (240, 238, 246)
MUTED = (160, 158, 186)
ACCENT = (255, 122, 178)  # sakura pink
ACCENT_SOFT = (120, 62, 100)
ACCENT_2 = (110, 210, 230)  # sky cyan for "listening"
GOOD = (124, 222, 150)
WARN = (255, 196, 110)
ERROR_BG = (92, 40, 58)
TRACK = (62, 62, 90)

DESIGN_W, DESIGN_H = 1280, 800

COLOR_SLOTS = ("hair_color", "eye_color", "outfit_color")

_SLOT_LABELS = {
    "en": {"count": "count", "subject": "who", "hair_color": "hair", "hair_style": "hairstyle",
           "eye_color": "eyes", "outfit_color": "outfit colour", "outfit": "outfit",
           "accessories": "wearing", "expression": "face", "action": "doing", "setting": "where",
           "time_of_day": "time", "weather": "weather", "style": "style"},
    "zh": {"count": "数量", "subject": "人物", "hair_color": "发色", "hair_style": "发型",
           "eye_color": "眼睛", "outfit_color": "衣服颜色", "outfit": "衣服", "accessories": "配饰",
           "expression": "表情", "action": "动作", "setting": "地点", "time_of_day": "时间",
           "weather": "天气", "style": "画风"},
}
_STYLE_EN = {"hayao": "Hayao (Ghibli)", "shinkai": "Shinkai", "paprika": "Paprika (Satoshi Kon)",
             "face_paint": "portrait"}

# What to say, shown on the attract screen in both languages.
EXAMPLES = (
    ("a girl with blue hair under cherry blossoms", "画一个蓝发少女站在樱花树下"),
    ("a boy with glasses reading on the beach", "一个戴眼镜的男孩在海边看书"),
    ("a cat sleeping in the snow at night", "一只猫晚上在雪地里睡觉"),
    ("a smiling girl in a red kimono, Shinkai style", "穿红色和服微笑的女孩,新海诚风格"),
)


def swatch_rgb(name: str) -> tuple[int, int, int]:
    """The colour a colour word is drawn with: the sketch renderer's own, so chip and picture agree."""
    from assistant.image.palette import rgb

    try:
        return tuple(int(c) for c in rgb(name))[:3]
    except KeyError:
        return MUTED  # a colour the palette does not know: a neutral swatch, never a crash


@lru_cache(maxsize=1)
def _zh_words() -> dict:
    try:
        from dialog.attributes import starter_lexicon

        return starter_lexicon("zh")
    except Exception:  # noqa: BLE001 - labels fall back to English, never break drawing
        return {}


def figure_slot(slot: str) -> tuple[int | None, str]:
    """"figures[1].hair_color" -> (1, "hair_color"); a flat record's slot -> (None, slot)."""
    if slot.startswith("figures[") and "]." in slot:
        head, _, base = slot.partition("].")
        return int(head[len("figures["):]), base
    return None, slot


def slot_label(slot: str, lang: str) -> str:
    index, slot = figure_slot(slot)
    label = _SLOT_LABELS.get(lang, _SLOT_LABELS["en"]).get(slot, slot.replace("_", " "))
    return f"{index + 1}·{label}" if index is not None else label


def value_label(slot: str, value, lang: str) -> str:
    slot = figure_slot(slot)[1]
    value = str(value)
    if lang == "zh":
        words = _zh_words()
        if slot in COLOR_SLOTS:
            word = (words.get("colors", {}).get(value) or [None])[0]
            if word:
                return word if word.endswith("色") else word + "色"
        elif slot == "count":
            return value
        else:
            word = (words.get(slot, {}).get(value) or [None])[0]
            if word:
                return word
    if slot == "style":
        return _STYLE_EN.get(value, value)
    return value


def style_label(style: str, lang: str) -> str:
    return value_label("style", style, lang) if style else ""


def scale_for(width: int, height: int) -> float:
    return max(0.35, min(width / DESIGN_W, height / DESIGN_H))


def mix(a, b, t: float):
    t = max(0.0, min(1.0, t))
    return tuple(int(round(x + (y - x) * t)) for x, y in zip(a, b))
