"""The offline picture backend: a flat-colour anime-style illustration drawn from the attribute record.

No model weights, no torch: PIL polygons and ellipses drawn at twice the size and downsampled,
so a fresh machine draws something that shows what was asked for: the subject and its build, hair
colour and style, eye colour, outfit, every accessory, the action as a pose or prop, the face's
expression, the setting, time of day and weather, and `count` figures side by side.

`layout()` reports the named regions (sky, ground, and per figure hair, eyes, outfit, head, body)
from the same geometry the drawing uses, so tests can check colours where they belong.
"""

from __future__ import annotations

import dataclasses
import math
import random
from dataclasses import dataclass

from PIL import Image, ImageChops, ImageDraw, ImageEnhance

from assistant.image import palette
from assistant.image.sketch import animal, person, props, scene as scene_mod, sky
from assistant.image.sketch.draw import Pen, smooth
from assistant.image.sketch.look import MAX_FIGURES, Look, Scene, resolve
from assistant.image.sketch.pose import BUILDS, Skeleton, figure_width, skeleton

SUPERSAMPLE = 2
INDOOR = ("classroom", "cafe", "library", "bedroom")
Box = tuple[int, int, int, int]


@dataclass
class Figure:
    """One placed figure: a person skeleton or an animal frame, and how it is turned."""
    look: Look
    sk: Skeleton | None
    pet: animal.AnimalFrame | None
    angle: float = 0.0             # drawn upright, then turned (degrees, counter-clockwise): lying, leaning
    pivot: tuple[float, float] = (0.0, 0.0)
    layer: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)   # where a turned figure's layer sits

    @property
    def lying(self) -> bool:
        return self.angle == 90


def _looks(attributes: dict, seed: int, style: str) -> tuple[list[Look], Scene]:
    """One look per figure: what the record says is shared, what it leaves out varies between figures."""
    if isinstance((attributes or {}).get("figures"), list):
        return _group_looks(attributes, seed, style)
    look, scene = resolve(attributes, seed, style)
    return [look] + [resolve(attributes, seed + 1_000_003 * i, style)[0] for i in range(1, scene.count)], scene


def _groups(attributes: dict) -> list[dict]:
    """Each figure group of a record with `figures`, with the scene's slots, up to the figure
    limit in all (the groups said last lose figures first)."""
    scene = {k: v for k, v in attributes.items() if k != "figures"}
    groups = [dict(g, **scene) for g in attributes["figures"] if isinstance(g, dict)]
    room = MAX_FIGURES
    out = []
    for g in groups:
        n = max(1, min(room, int(g.get("count") or 1) if str(g.get("count") or 1).isdigit() else 1))
        if room <= 0:
            break
        out.append(dict(g, count=n))
        room -= n
    return out


def _group_looks(attributes: dict, seed: int, style: str) -> tuple[list[Look], Scene]:
    looks: list[Look] = []
    scene = None
    for gi, g in enumerate(_groups(attributes)):
        base = seed + 7_919 * gi
        look, group_scene = resolve(g, base, style)
        scene = scene or group_scene
        looks += [look] + [resolve(g, base + 1_000_003 * i, style)[0] for i in range(1, group_scene.count)]
    if scene is None:
        return _looks({k: v for k, v in attributes.items() if k != "figures"}, seed, style)
    return looks, dataclasses.replace(scene, count=len(looks))


def _group_index(attributes: dict) -> list[int]:
    """The figure group each drawn figure belongs to, left to right."""
    if not isinstance((attributes or {}).get("figures"), list):
        return []
    return [gi for gi, g in enumerate(_groups(attributes)) for _ in range(g["count"])]


def _place(looks: list[Look], scene: Scene, seed: int, W: int, H: int) -> list[Figure]:
    n = scene.count
    portrait = scene.style == "face_paint"
    slot = W * 0.94 / n
    flip = 1 if seed % 2 == 0 else -1
    # a cat or dog beside people is drawn at a pet's scale, not a person's
    pet_scale = 0.62 if any(not x.animal for x in looks) and any(x.animal for x in looks) else 1.0
    figures = []
    for i, look in enumerate(looks):
        side = flip if i % 2 == 0 else -flip
        wobble = 1.0 + (0.04 if i % 2 else 0.0) * (1 if n > 1 else 0) - (0.03 if i % 3 == 2 else 0.0)
        if look.animal:
            r = H * (0.1 if look.subject == "cat" else 0.11)
            if portrait:
                r = min(W, H) * 0.2
            r = min(r, slot / 4.8) * wobble * pet_scale
            ground = H * 0.93
            if portrait:
                ground = H * 0.42 + 3.25 * r
            elif look.action == "flying":
                ground = H * 0.64
            elif look.action == "swimming":
                ground = H * 0.98
            cx = W / 2 + (i - (n - 1) / 2) * min(slot, 5.2 * r)
            figures.append(Figure(look, None, animal.frame(look, cx, ground, r, side)))
            continue
        b = BUILDS.get(look.subject, BUILDS["person"])
        r = b.canvas * H / b.height
        if portrait:
            r = min(W, H) * 0.2
        if look.action == "flying" and not portrait:
            r *= 0.74
        r = min(r, slot / ((2 * b.shoulders + 2.6))) * wobble
        step = min(slot, figure_width(look.subject, r) * 1.05)
        cx = W / 2 + (i - (n - 1) / 2) * step
        umbrella = "umbrella" in look.accessories
        if look.action == "sleeping" and not portrait:
            length = b.height * r
            if length > slot * 0.95 and n > 1:
                r *= slot * 0.95 / length
                length = b.height * r
            length = min(length, W * 0.8)
            r = length / b.height
            pivot = (cx, H * 0.9 - 1.45 * r)
            half = length * 0.625
            sk = skeleton(look.subject, "sleeping", pivot[0], pivot[1] + length / 2, r, side, umbrella)
            figures.append(Figure(look, sk, None, angle=90, pivot=pivot,
                                  layer=(pivot[0] - half, pivot[1] - half, pivot[0] + half, pivot[1] + half)))
            continue
        action = "standing" if (portrait and look.action == "sleeping") else look.action
        if portrait:
            ground = H * 0.42 + (b.height - 1) * r
        elif action == "flying":
            ground = H * 0.8
        elif action == "swimming":
            ground = H * 1.02 + (b.height - 9) * r * 0.5
        else:
            ground = H * 0.93
        sk = skeleton(look.subject, action, cx, ground, r, side, umbrella)
        if action in ("running", "flying", "walking") and not portrait:
            # lean into the motion: walkers and runners pivot on their feet, flyers on their middle
            lean = {"running": 11, "flying": 20, "walking": 5}[action]
            pivot = (cx, sk.pelvis[1]) if action == "flying" else (cx, ground)
            tall = b.height * r
            reach = figure_width(look.subject, r) / 2 + tall * (0.25 if action == "running" else 0.4)
            box = (cx - reach, sk.hy - 2.2 * r, cx + reach, ground + 1.2 * r)
            figures.append(Figure(look, sk, None, angle=-lean * side, pivot=pivot, layer=box))
        else:
            figures.append(Figure(look, sk, None))
    return figures


def _turn(point, pivot, angle: float = 90):
    """Where an upright figure's point lands after turning it `angle` degrees counter-clockwise."""
    x, y = point
    px, py = pivot
    if angle == 90:  # exact, so lying figures' regions map without rounding
        return px + (y - py), py - (x - px)
    a = math.radians(angle)
    c, s = math.cos(a), math.sin(a)
    return px + (x - px) * c + (y - py) * s, py - (x - px) * s + (y - py) * c


def _clip(box, W: int, H: int) -> Box | None:
    x0, y0, x1, y1 = box
    x0, x1 = sorted((x0, x1))
    y0, y1 = sorted((y0, y1))
    out = (max(0, int(round(x0))), max(0, int(round(y0))), min(W, int(round(x1))), min(H, int(round(y1))))
    return out if out[2] > out[0] and out[3] > out[1] else None


def _regions(f: Figure) -> dict:
    look = f.look
    if f.pet is not None:
        p = f.pet
        r = p.r
        return {
            "head": (p.hx - 1.2 * r, p.hy - 1.0 * r, p.hx + 1.2 * r, p.hy + 0.95 * r),
            "hair": animal.fur_region(p),
            "eyes": (p.hx - 0.67 * r, p.hy - 0.21 * r, p.hx + 0.67 * r, p.hy + 0.31 * r),
            "outfit": animal.coat_region(p) if look.outfit else None,
            "body": (p.cx - 2.2 * r, p.hy - 1.5 * r, p.cx + 2.2 * r, p.ground),
        }
    sk = f.sk
    b, r = sk.build, sk.r
    hx, hy, cx = sk.hx, sk.hy, sk.cx
    ny, py = sk.neck[1], sk.pelvis[1]
    ey = hy + b.eye_y * r
    parts = person.parts(look, sk)
    if parts["region"] == "bottom":
        if look.outfit == "swimsuit":
            outfit = (cx - b.hips * r * 0.8, py - 0.3 * r, cx - 0.15 * r, py + 0.2 * r)
        else:
            outfit = (cx - b.hips * r * 0.8, py - 0.05 * r, cx - 0.12 * r, py + 0.5 * r)
    elif look.outfit == "kimono":
        outfit = (cx - b.waist * r * 0.95, ny + 0.2 * (py - ny), cx - 0.45 * r, ny + 0.45 * (py - ny))
    elif look.outfit == "swimsuit":
        outfit = (cx - b.waist * r * 0.9, ny + 0.5 * (py - ny), cx - 0.2 * r, ny + 0.75 * (py - ny))
    else:
        outfit = (cx - b.waist * r * 0.9, ny + 0.45 * (py - ny), cx - 0.45 * r, ny + 0.62 * (py - ny))
    width = figure_width(look.subject, r)
    out = {
        "head": (hx - r, hy - 1.1 * r, hx + r, hy + b.chin * r),
        "hair": (hx - 0.45 * r, hy - 0.75 * r, hx + 0.45 * r, hy - 0.36 * r),
        "eyes": (hx - 0.42 * r - b.eye_w * r, ey - b.eye_h * r, hx + 0.42 * r + b.eye_w * r, ey + b.eye_h * r),
        "outfit": outfit,
        "body": (cx - width / 2, hy - 1.3 * r, cx + width / 2, max(sk.feet[-1][1], sk.feet[1][1]) + 0.2 * r),
    }
    if f.lying:
        for k, box in out.items():
            (ax, ay), (bx, by) = _turn(box[:2], f.pivot), _turn(box[2:], f.pivot)
            out[k] = (ax, ay, bx, by)
    elif f.angle:  # a leaning figure: the box's centre moves, the box shrinks to stay inside the region
        for k, box in out.items():
            if k == "body":
                continue
            cx, cy = _turn(((box[0] + box[2]) / 2, (box[1] + box[3]) / 2), f.pivot, f.angle)
            hw, hh = (box[2] - box[0]) * 0.3, (box[3] - box[1]) * 0.3
            out[k] = (cx - hw, cy - hh, cx + hw, cy + hh)
    return out


def _draw_figure(canvas: Image.Image, f: Figure, lw: float, rng: random.Random, setting: str) -> None:
    s = SUPERSAMPLE
    if f.pet is not None:
        animal.draw(Pen(canvas, s, lw * f.pet.r / 38), f.look, f.pet, rng)
        return
    width = lw * max(0.55, min(1.3, f.sk.r / 34))
    if not f.angle:
        person.draw(Pen(canvas, s, width), f.look, f.sk, rng, setting)
        return
    x0, y0, x1, y1 = f.layer
    origin = (x0, y0)
    layer = Image.new("RGBA", (int((x1 - x0) * s), int((y1 - y0) * s)), (0, 0, 0, 0))
    person.draw(Pen(layer, s, width, origin=origin), f.look, f.sk, rng, setting)
    turned = layer.rotate(f.angle, resample=Image.BILINEAR, center=((f.pivot[0] - x0) * s, (f.pivot[1] - y0) * s))
    if not f.lying:
        canvas.paste(turned, (int(round(origin[0] * s)), int(round(origin[1] * s))), turned)
        return
    r = f.sk.r
    head = _turn(f.sk.head, f.pivot)
    main = Pen(canvas, s, width)
    main.ellipse(head[0] - 0.2 * r, f.pivot[1] + 0.9 * r, 1.5 * r, 0.6 * r, (250, 250, 255), shade=0.2)
    canvas.paste(turned, (int(round(origin[0] * s)), int(round(origin[1] * s))), turned)
    # a quilt over the legs: the top edge follows the body, the bottom drapes on the floor
    x0, x1 = f.pivot[0] + 0.6 * r, f.pivot[0] + (f.layer[2] - f.layer[0]) * 0.42
    top = f.pivot[1] - 1.3 * r
    quilt = smooth([(x0, f.pivot[1] + 1.5 * r), (x0 - 0.2 * r, top + 0.6 * r), (x0 + 0.5 * r, top),
                    (x1 - 0.8 * r, top - 0.1 * r), (x1, top + 0.7 * r), (x1 + 0.3 * r, f.pivot[1] + 1.5 * r)], 5)
    main.poly(quilt, f.look.accent2, shade=0.2)
    for k in range(1, 4):
        x = x0 + (x1 - x0) * k / 4
        main.stroke([(x, top + 0.1 * r), (x + 0.1 * r, f.pivot[1] + 1.45 * r)], palette.light(f.look.accent2, 0.5),
                    lw * 1.2)
    props.zzz(main, head[0] + 0.8 * r, head[1] - 1.6 * r, 0.5 * r)


def _ground_shadow(canvas: Image.Image, pen: Pen, f: Figure, H: int) -> None:
    """A soft oval of the ground's own colour, darker, under the feet: figures stand on the scene."""
    if f.lying:
        return
    if f.pet is not None:
        x, y, rx = f.pet.cx, (H * 0.93 if f.look.action == "flying" else f.pet.ground), 2.0 * f.pet.r
    else:
        x, rx = f.sk.cx, 1.5 * f.sk.r
        y = H * 0.93 if f.look.action == "flying" else max(f.sk.feet[-1][1], f.sk.feet[1][1]) + 0.1 * f.sk.r
    if not 0 <= y < H - 1:
        return
    under = canvas.getpixel((int(min(max(x, 0), canvas.width / pen.s - 1) * pen.s), int(y * pen.s)))
    pen.oval(x, y, rx, rx * 0.16, palette.mix(under[:3], (40, 30, 60), 0.25))


def _finish(image: Image.Image, scene: Scene, seed: int) -> Image.Image:
    """Time-of-day light over everything, then the style's palette."""
    tint = {"night": ((165, 175, 225), 0.35), "sunset": ((255, 214, 180), 0.5), "morning": ((255, 246, 236), 0.4)}
    if scene.time in tint:
        colour, k = tint[scene.time]
        if scene.setting in INDOOR:
            k *= 0.35  # the lights are on indoors; the window still shows the hour
        image = Image.blend(image, ImageChops.multiply(image, Image.new("RGB", image.size, colour)), k)
    style = scene.style
    if style == "hayao":
        image = ImageEnhance.Color(image).enhance(0.92)
        image = Image.blend(image, Image.new("RGB", image.size, (255, 238, 210)), 0.06)
    elif style == "shinkai":
        image = ImageEnhance.Color(image).enhance(1.18)
        image = _rays(image, seed)
    elif style == "paprika":
        image = ImageEnhance.Contrast(ImageEnhance.Color(image).enhance(1.35)).enhance(1.08)
    return image


def _rays(image: Image.Image, seed: int) -> Image.Image:
    """Shinkai's light: soft beams from the top corner and a faint flare."""
    W, H = image.size
    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    rng = random.Random(seed + 5)
    ox, oy = W * 0.95, -H * 0.05
    for k in range(5):
        a = 0.12 + k * 0.1 + rng.random() * 0.04
        w = 0.025 + rng.random() * 0.02
        pts = [(ox, oy), (ox - W * 1.6 * (a + w), H * 1.2), (ox - W * 1.6 * a, H * 1.2)]
        d.polygon(pts, fill=(255, 250, 220, 34))
    for k, (t, rr) in enumerate(((0.35, 0.05), (0.55, 0.03), (0.7, 0.07))):
        x, y = ox - W * t, oy + H * t
        d.ellipse([x - W * rr, y - W * rr, x + W * rr, y + W * rr], fill=(255, 255, 240, 26))
    out = image.convert("RGBA")
    out.alpha_composite(layer)
    return out.convert("RGB")


def _backdrop(canvas: Image.Image, scale: float, W: int, H: int, scene: Scene, rng: random.Random, lw: float) -> dict:
    pen = Pen(canvas, scale, lw * 0.8)
    light = sky.Light(scene.time, scene.weather, "hayao" if scene.style == "face_paint" else scene.style,
                      indoor=scene.setting in INDOOR)
    ctx = scene_mod.Ctx(canvas, pen, W, H, rng, light, scene.style)
    boxes = scene_mod.paint(ctx, scene.setting)
    if scene.weather == "snow" and scene.setting not in INDOOR + ("snow field", "space"):
        # snow settles: the ground turns pale under the flakes
        x0, y0, x1, y1 = (int(v * scale) for v in boxes["ground"])
        if x1 > x0 and y1 > y0:
            ground = canvas.crop((x0, y0, x1, y1))
            canvas.paste(Image.blend(ground, Image.new("RGB", ground.size, (240, 244, 252)), 0.55), (x0, y0))
    return boxes, ctx


def render(attributes: dict, seed: int, width: int = 512, height: int = 512, style: str = "hayao") -> Image.Image:
    """Draw the record as an RGB picture of width x height; the same record and seed give the same bytes."""
    W, H = int(width), int(height)
    looks, scene = _looks(attributes, seed, style)
    look = looks[0]
    rng = random.Random(seed)
    s = SUPERSAMPLE
    canvas = Image.new("RGB", (W * s, H * s), (255, 255, 255))
    lw = max(1.0, 1.5 * min(W, H) / 512)
    _, ctx = _backdrop(canvas, s, W, H, scene, rng, lw)
    figures = _place(looks, scene, seed, W, H)
    if scene.style != "face_paint" and look.action != "swimming":
        for f in figures:
            _ground_shadow(canvas, ctx.pen, f, H)
    for f in figures:
        _draw_figure(canvas, f, lw, rng, scene.setting)
        if look.action == "sleeping" and f.sk is not None and not f.lying:  # dozing in a portrait
            props.zzz(Pen(canvas, s, lw), f.sk.hx + 1.1 * f.sk.r, f.sk.hy - 1.2 * f.sk.r, 0.4 * f.sk.r)
    if look.action == "swimming" and scene.style != "face_paint":
        if figures[0].sk is not None:
            top = figures[0].sk.neck[1] + 1.1 * figures[0].sk.r
        else:
            top = figures[0].pet.body[1] - 0.6 * figures[0].pet.r
        scene_mod.water(ctx, top)
        for f in figures:
            if f.sk is not None:  # the stroking arm comes up out of the water
                sk = f.sk
                a = sk.side_a
                Pen(canvas, s, lw).limb([sk.shoulders[a], sk.elbows[a], sk.hands[a]], sk.build.arm_w * sk.r, look.skin)
                person.hand(Pen(canvas, s, lw), look, sk, a)
    image = sky.weather_overlay(canvas, s, W, H, scene.weather, rng, petals=scene.setting == "cherry blossoms")
    image = image.resize((W, H), Image.LANCZOS)
    return _finish(image, scene, seed)


def layout(attributes: dict, seed: int, width: int = 512, height: int = 512, style: str = "hayao") -> dict:
    """Named regions of the picture `render` draws for the same arguments, as (x0, y0, x1, y1) boxes.

    Keys: "sky", "ground" (one box each), "figures" (a list with "head", "hair", "eyes", "outfit",
    "body" per figure; "outfit" is None for an animal without clothes) and the same per-figure keys
    at the top level as lists, one box per figure. Boxes are inner samples of each region: the
    hair box is hair, not hair plus background, in the standing pose without a hat.
    """
    W, H = int(width), int(height)
    looks, scene = _looks(attributes, seed, style)
    # the painters know where their window or open sky is: run them on a tiny throwaway canvas
    tiny = Image.new("RGB", (max(1, W // 16), max(1, H // 16)))
    boxes, _ = _backdrop(tiny, 1 / 16, W, H, scene, random.Random(seed), 1.0)
    figures = [_regions(f) for f in _place(looks, scene, seed, W, H)]
    figures = [{k: (_clip(v, W, H) if v is not None else None) for k, v in f.items()} for f in figures]
    out: dict = {"sky": _clip(boxes["sky"], W, H), "ground": _clip(boxes["ground"], W, H), "figures": figures}
    for key in ("head", "hair", "eyes", "outfit", "body"):
        out[key] = [f[key] for f in figures]
    groups = _group_index(attributes)
    if groups:
        # per figure group of a record with `figures`: its figures' regions, in the order said
        for f, gi in zip(figures, groups):
            f["group"] = gi
        out["groups"] = [[f for f in figures if f["group"] == gi] for gi in range(max(groups) + 1)]
    return out
