"""Resolving an attribute record into everything the pen needs: the renderer's defaults live here.

The understood record leaves unsaid slots out; a picture cannot, so each missing slot gets a
default that suits the subject (a girl gets long hair and a dress, a boy short hair and a hoodie)
and, where taste allows, varies with the seed. Unknown values fall back to the defaults too: the
renderer draws something sensible rather than fail on a record from a newer parser.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from assistant.image import palette
from assistant.image.palette import RGB
from dialog.attributes import STYLES

SUBJECTS = ("girl", "boy", "woman", "man", "child", "cat", "dog", "person")
HAIR_STYLES = ("long", "short", "ponytail", "twintails", "braid", "bob", "curly")
OUTFITS = ("dress", "school uniform", "kimono", "hoodie", "suit", "t-shirt", "jacket", "sweater", "coat",
           "swimsuit", "armor", "shirt", "skirt")
ACCESSORIES = ("glasses", "hat", "headphones", "ribbon", "scarf", "cat ears", "umbrella", "backpack", "crown",
               "mask", "earrings", "flower")
ACTIONS = ("standing", "sitting", "running", "walking", "reading", "waving", "dancing", "sleeping", "singing",
           "eating", "drinking", "playing guitar", "flying", "swimming")
EXPRESSIONS = ("smiling", "laughing", "crying", "angry", "surprised", "serious", "shy", "sad")
SETTINGS = ("beach", "cherry blossoms", "forest", "city", "classroom", "park", "mountain", "snow field", "street",
            "cafe", "library", "space", "garden", "rooftop", "lake", "field", "castle", "bedroom", "train station",
            "shrine")
TIMES = ("morning", "day", "sunset", "night")
WEATHERS = ("sunny", "rain", "snow", "cloudy")
MAX_FIGURES = 5

DEFAULT_HAIR_STYLE = {"girl": "long", "woman": "long", "boy": "short", "man": "short", "child": "short",
                      "person": "bob"}
DEFAULT_OUTFITS = {"girl": ("dress", "school uniform", "dress"), "woman": ("dress", "coat", "sweater"),
                   "boy": ("hoodie", "t-shirt", "jacket"), "man": ("suit", "shirt", "jacket"),
                   "child": ("t-shirt", "sweater", "hoodie"), "person": ("jacket", "sweater", "shirt")}
DEFAULT_CLOTH = {"school uniform": ("blue",), "suit": ("black", "gray", "blue"), "armor": ("silver",),
                 "kimono": ("red", "pink", "purple", "blue"), "swimsuit": ("blue", "red", "pink"),
                 "coat": ("brown", "red", "gray", "blue")}
CLOTH_CHOICES = ("red", "blue", "pink", "green", "yellow", "purple", "white", "orange")


def _pick(value, allowed):
    return value if value in allowed else None


@dataclass(frozen=True)
class Look:
    """One figure's resolved appearance."""
    subject: str
    hair: RGB
    hair_name: str
    hair_style: str
    eyes: RGB
    outfit: str | None          # None: an animal without clothes
    cloth: RGB
    cloth_name: str
    accessories: tuple[str, ...]
    action: str
    expression: str
    accent: RGB                 # ribbons, scarves, umbrellas: chosen to stand out from hair and clothes
    accent2: RGB
    skin: RGB

    @property
    def animal(self) -> bool:
        return self.subject in ("cat", "dog")


@dataclass(frozen=True)
class Scene:
    setting: str
    time: str
    weather: str | None
    style: str
    count: int


def resolve(attributes: dict, seed: int, style: str) -> tuple[Look, Scene]:
    a = attributes or {}
    rng = random.Random(seed * 7919 + 17)
    subject = _pick(a.get("subject"), SUBJECTS) or "person"
    animal = subject in ("cat", "dog")

    hair_name = a.get("hair_color") if a.get("hair_color") in palette.COLORS else None
    if hair_name is None:
        options = {"cat": ("orange", "gray", "black", "white"), "dog": ("brown", "blonde", "white", "brown")}
        hair_name = rng.choice(options.get(subject, ("brown", "black", "brown", "blonde")))
    hair_style = _pick(a.get("hair_style"), HAIR_STYLES) or DEFAULT_HAIR_STYLE.get(subject, "short")

    eye_name = a.get("eye_color") if a.get("eye_color") in palette.COLORS else None
    if eye_name is None:
        if animal:
            eye_name = "green" if subject == "cat" else "brown"
        elif hair_name in ("black", "white", "silver", "gray"):
            eye_name = rng.choice(("blue", "purple", "red"))
        elif hair_name == "blonde":
            eye_name = "blue"
        else:
            eye_name = hair_name
    eyes = palette.rgb(eye_name)
    if eye_name == "black":
        eyes = (70, 60, 80)  # pure black irises lose the shine that makes anime eyes read as eyes

    outfit = _pick(a.get("outfit"), OUTFITS)
    if outfit is None and not animal:
        outfit = rng.choice(DEFAULT_OUTFITS.get(subject, DEFAULT_OUTFITS["person"]))
    cloth_name = a.get("outfit_color") if a.get("outfit_color") in palette.COLORS else None
    if cloth_name is None:
        options = [c for c in DEFAULT_CLOTH.get(outfit or "", CLOTH_CHOICES) if c != hair_name] or ["blue"]
        cloth_name = rng.choice(options)
    cloth = palette.rgb(cloth_name)

    accessories = a.get("accessories") or []
    if isinstance(accessories, str):
        accessories = [accessories]
    accessories = tuple(x for x in ACCESSORIES if x in accessories)
    accent_name = palette.contrast_with(palette.mix(cloth, palette.rgb(hair_name), 0.5),
                                        ["red", "pink", "yellow", "blue", "white"])
    accent2_name = palette.contrast_with(palette.rgb(accent_name), ["yellow", "green", "blue", "red", "pink"])

    look = Look(subject=subject, hair=palette.rgb(hair_name), hair_name=hair_name, hair_style=hair_style,
                eyes=eyes, outfit=outfit, cloth=cloth, cloth_name=cloth_name, accessories=accessories,
                action=_pick(a.get("action"), ACTIONS) or "standing",
                expression=_pick(a.get("expression"), EXPRESSIONS) or "smiling",
                accent=palette.rgb(accent_name), accent2=palette.rgb(accent2_name), skin=palette.SKIN)
    try:
        count = int(a.get("count") or 1)
    except (TypeError, ValueError):
        count = 1
    scene = Scene(setting=_pick(a.get("setting"), SETTINGS) or "park",
                  time=_pick(a.get("time_of_day"), TIMES) or "day",
                  weather=_pick(a.get("weather"), WEATHERS),
                  style=style if style in STYLES else "hayao",
                  count=max(1, min(MAX_FIGURES, count)))
    return look, scene
