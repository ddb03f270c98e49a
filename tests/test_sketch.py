"""The offline sketch renderer draws what the record says, where layout() says it drew it.

Colour checks count the pixels of a layout region that lie near the requested palette colour (its
base, shadow or highlight), and each is paired with a control record of another colour, so a
region that is merely "some colour" does not pass.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from assistant.image import palette, sketch
from assistant.image.sketch import person
from assistant.image.sketch.look import ACCESSORIES, ACTIONS, EXPRESSIONS, OUTFITS, SETTINGS, SUBJECTS

ARTIFACTS = Path(__file__).parent / "artifacts"
ROOT = Path(__file__).resolve().parents[1]


def _targets():
    names, colours = [], []
    for name, base in palette.COLORS.items():
        for variant in (base, palette.shade(base, 0.22), palette.shade(base, 0.3), palette.light(base, 0.55)):
            names.append(name)
            colours.append(variant)
    names.append("skin")
    colours.append(palette.SKIN)
    return np.array(names), np.array(colours, dtype=np.float32)


NAMES, TARGETS = _targets()


def _near(image: Image.Image, box, colour: str, tol: float = 70.0) -> float:
    """Share of the box's pixels whose nearest palette colour (base, cel shadow or highlight) is `colour`."""
    assert box is not None
    x0, y0, x1, y1 = box
    pixels = np.asarray(image, dtype=np.float32)[y0:y1, x0:x1].reshape(-1, 3)
    dist = np.sqrt(((pixels[:, None, :] - TARGETS[None, :, :]) ** 2).sum(-1))
    nearest = dist.argmin(1)
    hit = (NAMES[nearest] == colour) & (dist.min(1) < tol)
    return float(hit.mean())


def _mean(image: Image.Image, box) -> np.ndarray:
    x0, y0, x1, y1 = box
    return np.asarray(image, dtype=np.float32)[y0:y1, x0:x1].reshape(-1, 3).mean(0)


def _diff(a: Image.Image, b: Image.Image) -> int:
    """Number of pixels that differ noticeably between two pictures."""
    d = np.abs(np.asarray(a, dtype=np.int16) - np.asarray(b, dtype=np.int16)).sum(-1)
    return int((d > 30).sum())


@pytest.mark.parametrize("subject,colour,other", [
    ("girl", "blue", "red"), ("boy", "red", "green"), ("woman", "silver", "purple"), ("man", "black", "blonde"),
    ("child", "blonde", "black"), ("person", "pink", "brown"), ("cat", "orange", "gray"), ("dog", "brown", "white"),
    ("girl", "green", "pink"), ("boy", "purple", "yellow"),
])
def test_hair_region_is_the_hair_colour(subject, colour, other):
    record = {"subject": subject, "hair_color": colour, "setting": "park"}
    image = sketch.render(record, seed=11)
    box = sketch.layout(record, seed=11)["hair"][0]
    assert _near(image, box, colour) > 0.6
    control = sketch.render({**record, "hair_color": other}, seed=11)
    assert _near(control, box, colour) < 0.25


@pytest.mark.parametrize("subject,outfit,colour,other", [
    ("girl", "dress", "red", "blue"), ("man", "suit", "gray", "red"), ("woman", "kimono", "purple", "green"),
    ("boy", "hoodie", "green", "orange"), ("girl", "school uniform", "blue", "red"), ("boy", "t-shirt", "yellow", "blue"),
    ("woman", "coat", "brown", "white"), ("girl", "sweater", "pink", "green"), ("person", "jacket", "orange", "purple"),
    ("man", "shirt", "white", "black"), ("girl", "skirt", "blue", "yellow"), ("boy", "armor", "silver", "red"),
    ("girl", "swimsuit", "red", "blue"), ("boy", "swimsuit", "blue", "red"), ("boy", "school uniform", "black", "blue"),
    ("dog", "sweater", "red", "blue"),
])
def test_outfit_region_is_the_outfit_colour(subject, outfit, colour, other):
    record = {"subject": subject, "outfit": outfit, "outfit_color": colour, "setting": "park", "hair_color": "brown"}
    image = sketch.render(record, seed=5)
    box = sketch.layout(record, seed=5)["outfit"][0]
    assert _near(image, box, colour) > 0.6
    control = sketch.render({**record, "outfit_color": other}, seed=5)
    assert _near(control, box, colour) < 0.25


def test_every_outfit_has_its_own_top_painter():
    # An outfit without a painter would silently get the plain garment shape.
    assert set(person.TOPS) == set(OUTFITS)


@pytest.mark.parametrize("outfit", OUTFITS)
@pytest.mark.parametrize("subject", ["girl", "man"])
def test_every_outfit_fills_its_region_on_both_builds(subject, outfit):
    # Feminine and masculine builds take different branches (sailor collar or gakuran, one-piece or trunks).
    record = {"subject": subject, "outfit": outfit, "outfit_color": "green", "setting": "park", "hair_color": "brown"}
    box = sketch.layout(record, seed=8)["outfit"][0]
    assert _near(sketch.render(record, seed=8), box, "green") > 0.6
    assert _near(sketch.render({**record, "outfit_color": "purple"}, seed=8), box, "green") < 0.25


@pytest.mark.parametrize("subject", ["girl", "man", "cat"])
def test_eye_colour_shows_in_the_eyes(subject):
    record = {"subject": subject, "eye_color": "green", "hair_color": "black", "setting": "city"}
    image = sketch.render(record, seed=3)
    box = sketch.layout(record, seed=3)["eyes"][0]
    green = _near(image, box, "green", tol=50)
    control = _near(sketch.render({**record, "eye_color": "red"}, seed=3), box, "green", tol=50)
    assert green > 0.08 and green > 4 * control + 0.02


@pytest.mark.parametrize("setting", ["park", "beach", "city", "mountain", "classroom", "bedroom", "cafe", "shrine"])
def test_sky_region_follows_the_time_of_day(setting):
    boxes = {}
    means = {}
    for time in ("morning", "day", "sunset", "night"):
        record = {"subject": "girl", "setting": setting, "time_of_day": time}
        image = sketch.render(record, seed=2)
        boxes[time] = sketch.layout(record, seed=2)["sky"]
        means[time] = _mean(image, boxes[time])
    r, g, b = means["day"]
    assert b > r + 40 and b > 150, f"day sky should be blue: {means['day']}"
    assert means["night"].mean() < 80 and means["night"][2] > means["night"][0], f"night: {means['night']}"
    r, g, b = means["sunset"]
    assert r > b and r > 150, f"sunset sky should be warm: {means['sunset']}"
    assert means["morning"].mean() > means["day"].mean() + 15, "morning is paler than day"
    assert means["night"].mean() + 80 < min(m.mean() for t, m in means.items() if t != "night")


def test_space_sky_is_dark_whatever_the_hour():
    record = {"subject": "boy", "setting": "space", "time_of_day": "day"}
    image = sketch.render(record, seed=1)
    assert _mean(image, sketch.layout(record, seed=1)["sky"]).mean() < 60


def test_same_seed_same_bytes_and_seeds_vary():
    record = {"subject": "girl", "hair_color": "pink", "setting": "cherry blossoms", "weather": "rain"}
    a = sketch.render(record, seed=42)
    b = sketch.render(dict(record), seed=42)
    assert a.tobytes() == b.tobytes()
    others = [sketch.render(record, seed=s) for s in (43, 44)]
    assert all(o.tobytes() != a.tobytes() for o in others)
    assert others[0].tobytes() != others[1].tobytes()


def test_count_three_draws_three_figures_with_the_hair_colour():
    record = {"subject": "girl", "count": 3, "hair_color": "pink", "setting": "field"}
    image = sketch.render(record, seed=8)
    lay = sketch.layout(record, seed=8)
    assert len(lay["figures"]) == 3
    centres = sorted((box[0] + box[2]) / 2 for box in lay["hair"])
    assert centres[1] - centres[0] > 60 and centres[2] - centres[1] > 60
    for box in lay["hair"]:
        assert _near(image, box, "pink") > 0.6
    single = sketch.render({**record, "count": 1}, seed=8)
    # the outer figures' hair is pink in the group picture and not in the single one
    assert _near(single, lay["hair"][0], "pink") < 0.2


def test_count_is_capped_and_figures_stay_on_the_canvas():
    record = {"subject": "boy", "count": 12, "setting": "street"}
    lay = sketch.layout(record, seed=1)
    assert len(lay["figures"]) == 5
    for box in lay["body"]:
        assert box[0] >= 0 and box[2] <= 512
    sketch.render(record, seed=1)


@pytest.mark.parametrize("subject", ["girl", "man", "cat", "dog"])
def test_every_accessory_is_visible(subject):
    base = {"subject": subject, "hair_color": "brown", "setting": "park", "outfit": "t-shirt", "outfit_color": "blue"}
    plain = sketch.render(base, seed=9)
    for item in ACCESSORIES:
        changed = _diff(plain, sketch.render({**base, "accessories": [item]}, seed=9))
        assert changed > 250, f"{item} on a {subject} changed only {changed} pixels"


def test_each_subject_looks_different():
    images = {s: sketch.render({"subject": s, "setting": "park", "hair_color": "brown"}, seed=4) for s in SUBJECTS}
    for a, b in itertools.combinations(SUBJECTS, 2):
        assert _diff(images[a], images[b]) > 3000, f"{a} and {b} look alike"
    # children are drawn smaller than adults, cats and dogs smaller still
    tops = {s: sketch.layout({"subject": s}, seed=4)["head"][0][1] for s in ("child", "girl", "woman", "man")}
    assert tops["child"] > tops["girl"] > tops["woman"] > tops["man"]


@pytest.mark.parametrize("slot,values", [("action", ACTIONS), ("expression", EXPRESSIONS), ("setting", SETTINGS),
                                         ("outfit", OUTFITS)])
def test_each_value_of_a_slot_draws_differently(slot, values):
    base = {"subject": "girl", "hair_color": "black", "setting": "park", "outfit_color": "red"}
    images = {v: sketch.render({**base, slot: v}, seed=6) for v in values}
    need = 300 if slot == "expression" else 1500
    for a, b in itertools.combinations(values, 2):
        assert _diff(images[a], images[b]) > need, f"{slot} {a!r} and {b!r} look alike"


def test_hair_styles_change_the_silhouette():
    styles = ("long", "short", "ponytail", "twintails", "braid", "bob", "curly")
    images = {h: sketch.render({"subject": "girl", "hair_style": h, "hair_color": "purple"}, seed=2) for h in styles}
    for a, b in itertools.combinations(styles, 2):
        assert _diff(images[a], images[b]) > 800, f"{a} and {b} hair look alike"


def test_weather_draws_over_the_scene():
    base = {"subject": "boy", "setting": "city"}
    clear = sketch.render(base, seed=3)
    for weather in ("rain", "snow", "cloudy", "sunny"):
        assert _diff(clear, sketch.render({**base, "weather": weather}, seed=3)) > 2000 or weather == "sunny"


def test_styles_change_the_palette_and_face_paint_is_a_close_up():
    record = {"subject": "girl", "hair_color": "red", "setting": "beach"}
    pictures = {s: sketch.render(record, seed=1, style=s) for s in ("hayao", "shinkai", "paprika", "face_paint")}
    for a, b in itertools.combinations(pictures, 2):
        assert _diff(pictures[a], pictures[b]) > 2000
    full = sketch.layout(record, seed=1)["head"][0]
    bust = sketch.layout(record, seed=1, style="face_paint")["head"][0]
    assert (bust[2] - bust[0]) > 1.8 * (full[2] - full[0])
    assert _near(pictures["face_paint"], sketch.layout(record, seed=1, style="face_paint")["hair"][0], "red") > 0.6


def test_size_mode_and_layout_bounds():
    record = {"subject": "dog", "setting": "lake", "count": 2}
    image = sketch.render(record, seed=7, width=640, height=384)
    assert image.size == (640, 384) and image.mode == "RGB"
    lay = sketch.layout(record, seed=7, width=640, height=384)
    for key in ("sky", "ground"):
        x0, y0, x1, y1 = lay[key]
        assert 0 <= x0 < x1 <= 640 and 0 <= y0 < y1 <= 384


def test_empty_and_odd_records_still_draw_a_person():
    image = sketch.render({}, seed=0)
    pixels = np.asarray(image, dtype=np.float32)
    assert image.size == (512, 512) and pixels.std() > 25
    lay = sketch.layout({}, seed=0)
    assert len(lay["figures"]) == 1 and lay["outfit"][0] is not None
    odd = {"subject": "dragon", "hair_color": "teal", "count": "many", "accessories": "glasses", "action": None}
    assert sketch.render(odd, seed=1).size == (512, 512)


def test_render_does_not_import_torch():
    code = ("import sys; from assistant.image import sketch; sketch.render({'subject': 'cat'}, seed=1); "
            "assert 'torch' not in sys.modules and 'numpy' not in sys.modules, sorted(sys.modules)")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=60)


def test_contact_sheet():
    """Sixteen varied pictures in one sheet, for a person to look at (tests/artifacts/sketch_sheet.png)."""
    records = [
        {"subject": "girl", "hair_color": "blue", "action": "standing", "setting": "cherry blossoms"},
        {"subject": "boy", "accessories": ["glasses"], "action": "reading", "setting": "library"},
        {"subject": "girl", "outfit": "dress", "outfit_color": "red", "action": "running", "setting": "beach"},
        {"subject": "man", "action": "sitting", "setting": "park", "time_of_day": "sunset", "outfit": "suit"},
        {"subject": "cat", "hair_color": "orange", "setting": "bedroom", "action": "sleeping"},
        {"subject": "dog", "accessories": ["scarf", "hat"], "setting": "snow field", "weather": "snow"},
        {"subject": "woman", "hair_color": "silver", "hair_style": "ponytail", "outfit": "kimono",
         "outfit_color": "purple", "setting": "shrine", "time_of_day": "night"},
        {"subject": "child", "outfit": "hoodie", "outfit_color": "yellow", "action": "waving", "setting": "city",
         "weather": "rain", "accessories": ["umbrella"]},
        {"subject": "girl", "hair_color": "pink", "hair_style": "twintails", "outfit": "school uniform",
         "setting": "classroom", "expression": "laughing", "accessories": ["ribbon"]},
        {"subject": "boy", "hair_color": "black", "outfit": "armor", "action": "flying", "setting": "castle",
         "style": "paprika"},
        {"subject": "girl", "hair_color": "blonde", "hair_style": "braid", "action": "playing guitar",
         "setting": "rooftop", "time_of_day": "sunset", "style": "shinkai"},
        {"subject": "girl", "count": 3, "hair_color": "green", "hair_style": "bob", "outfit": "t-shirt",
         "setting": "field"},
        {"subject": "woman", "hair_color": "red", "hair_style": "curly", "expression": "crying",
         "setting": "train station", "weather": "cloudy", "accessories": ["earrings", "flower"]},
        {"subject": "boy", "action": "swimming", "setting": "lake", "outfit": "swimsuit"},
        {"subject": "person", "action": "dancing", "setting": "space", "accessories": ["headphones", "crown"]},
        {"subject": "girl", "hair_color": "white", "accessories": ["cat ears"], "expression": "shy",
         "style": "face_paint", "setting": "garden"},
    ]
    cell = 256
    sheet = Image.new("RGB", (4 * cell, 4 * (cell + 16)), "white")
    draw = ImageDraw.Draw(sheet)
    for i, record in enumerate(records):
        image = sketch.render(record, seed=i + 1, style=record.get("style", "hayao"))
        x, y = (i % 4) * cell, (i // 4) * (cell + 16)
        sheet.paste(image.resize((cell, cell), Image.LANCZOS), (x, y + 16))
        label = " ".join(str(v) for k, v in record.items() if k in ("subject", "action", "setting", "style"))
        draw.text((x + 3, y + 2), label, fill="black")
    ARTIFACTS.mkdir(exist_ok=True)
    sheet.save(ARTIFACTS / "sketch_sheet.png")
    assert (ARTIFACTS / "sketch_sheet.png").stat().st_size > 100_000
