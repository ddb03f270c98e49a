"""Attribute record -> Stable Diffusion prompt and negative prompt.

The record holds only what the speaker said; every default a picture needs (no subject means a
scene without people, no setting a simple background) lives here. Terms follow the comma-separated
tag style anime checkpoints are trained on ("1girl", "2girls", "blue hair"), most important
first, so CLIP's 77-token window keeps the subject and its attributes when it truncates.
"""

from __future__ import annotations

QUALITY = "masterpiece, best quality, anime illustration"

STYLE_TERMS = {
    "hayao": "studio ghibli style, hayao miyazaki, hand-drawn, soft watercolor palette",
    "shinkai": "makoto shinkai style, cinematic lighting, vivid detailed sky, lens flare",
    "paprika": "satoshi kon style, paprika, surreal, saturated colors, sharp line art",
    "face_paint": "anime portrait, face paint style, close-up of face, detailed eyes",
}
DEFAULT_STYLE_TERMS = "anime style, cel shading"

NUMBERS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight",
           9: "nine", 10: "ten", 11: "eleven", 12: "twelve"}
PLURALS = {"woman": "women", "man": "men", "child": "children", "person": "people"}

HAIR_STYLE = {"long": "long hair", "short": "short hair", "ponytail": "ponytail",
              "twintails": "twintails", "braid": "braided hair", "bob": "bob cut",
              "curly": "curly hair"}
ACCESSORY = {"glasses": "glasses", "hat": "hat", "headphones": "headphones",
             "ribbon": "hair ribbon", "scarf": "scarf", "cat ears": "cat ears",
             "umbrella": "holding umbrella", "backpack": "backpack", "crown": "crown",
             "mask": "mask", "earrings": "earrings", "flower": "flower"}
ACTION = {"standing": "standing", "sitting": "sitting", "running": "running",
          "walking": "walking", "reading": "reading a book", "waving": "waving hand",
          "dancing": "dancing", "sleeping": "sleeping, eyes closed", "singing": "singing",
          "eating": "eating", "drinking": "drinking from a cup",
          "playing guitar": "playing guitar, holding guitar", "flying": "flying, midair",
          "swimming": "swimming, in water"}
EXPRESSION = {"smiling": "smile", "laughing": "laughing, open mouth", "crying": "crying, tears",
              "angry": "angry, frown", "surprised": "surprised, wide eyes",
              "serious": "serious expression", "shy": "shy, blush", "sad": "sad expression"}
SETTING = {"beach": "on the beach, ocean, sand", "cherry blossoms": "cherry blossoms, falling petals",
           "forest": "in a forest, trees", "city": "city, buildings, street lights",
           "classroom": "in a classroom, desks, chalkboard", "park": "in a park, trees, bench",
           "mountain": "mountains, landscape", "snow field": "snowy field, snow on ground",
           "street": "on a street, road", "cafe": "in a cafe, indoors",
           "library": "in a library, bookshelves", "space": "outer space, stars, planets",
           "garden": "in a garden, flowers", "rooftop": "on a rooftop, railing, skyline",
           "lake": "by a lake, water reflection", "field": "grass field, open meadow",
           "castle": "castle, stone walls", "bedroom": "in a bedroom, bed, indoors",
           "train station": "train station, platform", "shrine": "japanese shrine, torii gate"}
TIME = {"morning": "morning, soft sunrise light", "day": "daytime",
        "sunset": "sunset, golden hour, orange sky", "night": "night, moonlight, dark sky"}
WEATHER = {"sunny": "sunny, blue sky", "rain": "rain, raindrops, wet",
           "snow": "snowing, snowflakes", "cloudy": "cloudy sky, overcast"}
# Defaults for what the speaker left out.
DEFAULT_SETTING = "simple background"

NEGATIVE = ("lowres, worst quality, low quality, bad anatomy, bad hands, extra fingers, "
            "missing fingers, extra limbs, deformed, disfigured, blurry, jpeg artifacts, "
            "watermark, signature, text, logo, username, cropped, out of frame, nsfw, nude")


def subject_terms(attributes: dict) -> list[str]:
    subject = attributes.get("subject")
    count = attributes.get("count", 1)
    if subject is None:
        return ["scenery, no humans"] if count == 1 else [f"{NUMBERS.get(count, count)} people"]
    if subject in ("girl", "boy"):
        tag = f"{count}{subject}" + ("s" if count > 1 else "")
        return [tag, "solo"] if count == 1 else [tag]
    if count == 1:
        article = "an" if subject[0] in "aeiou" else "a"
        extra = {"woman": "mature female", "man": "mature male"}.get(subject)
        terms = [f"{article} {subject}"] + ([extra] if extra else [])
        return terms + (["solo"] if subject in ("woman", "man", "child", "person") else [])
    plural = PLURALS.get(subject, subject + "s")
    return [f"{NUMBERS.get(count, count)} {plural}"]


def attribute_terms(attributes: dict) -> list[str]:
    a = attributes
    animal = a.get("subject") in ("cat", "dog")
    terms: list[str] = []
    if "hair_color" in a:
        terms.append(f"{a['hair_color']} {'fur' if animal else 'hair'}")
    if "hair_style" in a:
        terms.append(HAIR_STYLE[a["hair_style"]])
    if "eye_color" in a:
        terms.append(f"{a['eye_color']} eyes")
    if "outfit" in a:
        color = a.get("outfit_color")
        terms.append(f"{color} {a['outfit']}" if color else a["outfit"])
    elif "outfit_color" in a:
        terms.append(f"{a['outfit_color']} clothes")
    terms.extend(ACCESSORY[x] for x in a.get("accessories", []))
    if "expression" in a:
        terms.append(EXPRESSION[a["expression"]])
    if "action" in a:
        terms.append(ACTION[a["action"]])
    terms.append(SETTING[a["setting"]] if "setting" in a else DEFAULT_SETTING)
    if "time_of_day" in a:
        terms.append(TIME[a["time_of_day"]])
    if "weather" in a:
        terms.append(WEATHER[a["weather"]])
    return terms


def figure_count_tags(figures: list[dict]) -> list[str]:
    """"1boy, 1girl", "2girls, 1boy", "1girl, cat": the count tags anime checkpoints know, the
    people first (girls, then boys), then others and animals in the order said."""
    tally: dict[str, int] = {}
    for f in figures:
        key = {"woman": "girl", "man": "boy"}.get(f.get("subject", "person"), f.get("subject", "person"))
        tally[key] = tally.get(key, 0) + f.get("count", 1)
    tags = [f"{tally[k]}{k}" + ("s" if tally[k] > 1 else "") for k in ("girl", "boy") if k in tally]
    for k, n in tally.items():
        if k not in ("girl", "boy"):
            tags.append(f"{NUMBERS.get(n, n)} {PLURALS.get(k, k + 's')}" if n > 1 else k)
    return tags


def figure_terms(figure: dict) -> str:
    """One figure's own description as a bracketed group, so its colours stay its own:
    "(boy, silver hair, black coat)"."""
    subject = figure.get("subject", "person")
    head = {"woman": "mature female", "man": "mature male"}.get(subject, subject)
    if figure.get("count", 1) > 1:
        head = f"{NUMBERS.get(figure['count'], figure['count'])} {PLURALS.get(subject, subject + 's')}"
    own = attribute_terms(figure)[:-1]  # without the default background
    return "(" + ", ".join([head] + own) + ")"


def _build_figures_prompt(attributes: dict, style: str | None) -> tuple[str, str]:
    figures = attributes["figures"]
    parts = [QUALITY, STYLE_TERMS.get(style, DEFAULT_STYLE_TERMS)]
    parts += figure_count_tags(figures)
    parts += [figure_terms(f) for f in figures if attribute_terms(f)[:-1]]
    parts += attribute_terms({k: v for k, v in attributes.items() if k != "figures"})
    negative = NEGATIVE + ", extra people, merged bodies, fused figures"
    if all(f.get("subject") in ("cat", "dog") for f in figures):
        negative += ", human, humanoid"
    if style == "face_paint":
        negative += ", full body, wide shot"
    return ", ".join(parts), negative


def build_prompt(attributes: dict, style: str | None) -> tuple[str, str]:
    """(prompt, negative_prompt) for a record; `style` overrides the record's own style."""
    style = style or attributes.get("style")
    if "figures" in attributes:
        return _build_figures_prompt(attributes, style)
    parts = [QUALITY, STYLE_TERMS.get(style, DEFAULT_STYLE_TERMS)]
    parts += subject_terms(attributes)
    parts += attribute_terms(attributes)
    negative = NEGATIVE
    subject = attributes.get("subject")
    if subject in ("cat", "dog"):
        negative += ", human, humanoid"
    elif subject and attributes.get("count", 1) == 1:
        negative += ", multiple people, crowd"
    if style == "face_paint":
        negative += ", full body, wide shot"
    return ", ".join(parts), negative
