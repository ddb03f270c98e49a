"""Sky of the sketch renderer: gradient by time of day, sun or moon, stars, clouds, and weather.

The time of day must be obvious at a glance (pale morning, blue day, orange-pink sunset, dark night
with moon and stars); scene colours are lit to match through `Light.c` so a night street is dark
blue and a sunset field glows orange, without a per-pixel pass.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from PIL import Image, ImageDraw

from assistant.image import palette
from assistant.image.sketch.draw import Pen

SKIES = {
    "morning": [(160, 205, 240), (205, 225, 240), (255, 226, 200)],
    "day": [(58, 136, 226), (110, 176, 240), (186, 224, 250)],
    "sunset": [(176, 100, 164), (240, 124, 126), (252, 158, 100), (255, 200, 112)],
    "night": [(8, 12, 38), (22, 30, 72), (52, 60, 112)],
    "space": [(6, 4, 20), (20, 12, 48), (40, 20, 70)],
}
LIGHT = {"morning": (255, 246, 235), "day": (255, 255, 255), "sunset": (255, 196, 160), "night": (92, 104, 168)}
# rooms are lamp-lit at night and in the evening: warm and only a little darker
INDOOR_LIGHT = {"sunset": (255, 226, 200), "night": (214, 196, 186)}
WEATHER_GREY = {"cloudy": ((150, 156, 172), 0.5), "rain": ((96, 102, 124), 0.6), "snow": ((196, 202, 216), 0.45)}


@dataclass
class Light:
    """Per-scene colour lighting: time of day and weather applied to every background colour."""
    time: str
    weather: str | None
    style: str
    indoor: bool = False

    def c(self, colour, strength: float = 1.0):
        light = INDOOR_LIGHT.get(self.time, LIGHT[self.time]) if self.indoor else LIGHT[self.time]
        lit = tuple(int(a * b / 255) for a, b in zip(colour, light))
        out = palette.mix(colour, lit, strength)
        if self.weather in ("rain", "cloudy") and not self.indoor:
            out = palette.mix(out, (120, 126, 140), 0.18)
        if self.style == "paprika":
            out = _vivid(out, 1.25)
        elif self.style == "hayao":
            out = palette.mix(out, (250, 236, 206), 0.08)
        return out

    @property
    def night(self) -> bool:
        return self.time == "night"


def _vivid(c, k):
    m = sum(c) / 3
    return tuple(max(0, min(255, int(m + (v - m) * k))) for v in c)


def colours(time: str, weather: str | None, style: str, space: bool):
    stops = SKIES["space" if space else time]
    if weather in WEATHER_GREY and not space:
        grey, k = WEATHER_GREY[weather]
        if time == "night":
            k *= 0.4
        stops = [palette.mix(c, grey, k) for c in stops]
    if style == "shinkai" and time != "night":
        stops = [_vivid(c, 1.3) for c in stops]
    elif style == "paprika":
        stops = [_vivid(c, 1.2) for c in stops]
    return stops


def gradient(size: tuple[int, int], stops) -> Image.Image:
    """A vertical gradient through the colour stops, built as a 1-pixel column and stretched."""
    n = 64
    column = []
    for i in range(n):
        t = i / (n - 1) * (len(stops) - 1)
        k = min(int(t), len(stops) - 2)
        column.append(palette.mix(stops[k], stops[k + 1], t - k))
    img = Image.new("RGB", (1, n))
    img.putdata(column)
    return img.resize(size, Image.BILINEAR)


def cloud(pen: Pen, x: float, y: float, size: float, colour, shadow) -> None:
    puffs = [(-0.9, 0.1, 0.5), (-0.35, -0.25, 0.62), (0.3, -0.35, 0.7), (0.85, 0.0, 0.5), (0.0, 0.1, 0.6)]
    for dx, dy, rr in puffs:
        pen.oval(x + dx * size, y + dy * size + size * 0.08, rr * size, rr * size * 0.85, shadow)
    for dx, dy, rr in puffs:
        pen.oval(x + dx * size - size * 0.04, y + dy * size, rr * size * 0.94, rr * size * 0.8, colour)


def draw_sky(canvas: Image.Image, pen: Pen, W: int, H: int, horizon: float, time: str, weather: str | None,
             style: str, rng: random.Random, space: bool = False, box=None) -> None:
    """Fill the sky (the whole picture above the horizon, or the window `box`) and its bodies."""
    stops = colours(time, weather, style, space)
    x0, y0, x1, y1 = box or (0, 0, W, horizon)
    s = pen.s
    size = (max(1, int((x1 - x0) * s)), max(1, int((y1 - y0) * s)))
    canvas.paste(gradient(size, stops), (int(x0 * s), int(y0 * s)))
    dark = time == "night" or space
    if dark:
        n = 60 if box is None else 12
        for _ in range(n):
            sx, sy = x0 + rng.random() * (x1 - x0), y0 + rng.random() * (y1 - y0) * 0.85
            pen.dot(sx, sy, 0.5 + rng.random() * 1.1, (255, 250, 220))
        for _ in range(4 if box is None else 1):
            sx, sy = x0 + rng.random() * (x1 - x0), y0 + rng.random() * (y1 - y0) * 0.7
            _twinkle(pen, sx, sy, 3 + rng.random() * 3)
    if space:
        return
    bx = x0 + (x1 - x0) * 0.8
    by = y0 + (y1 - y0) * (0.3 if box else 0.26)
    rad = min(W, H) * (0.07 if box is None else 0.04)
    if time == "night":
        _moon(pen, bx, by, rad, stops[0])
    elif weather not in ("rain", "cloudy", "snow"):
        if time == "sunset":
            sy = y1 - rad * 0.4
            pen.oval(bx - (x1 - x0) * 0.3, sy, rad * 2.2, rad * 2.2, palette.mix(stops[2], (255, 240, 180), 0.3))
            pen.oval(bx - (x1 - x0) * 0.3, sy, rad * 1.3, rad * 1.3, (255, 236, 170))
        else:
            pen.oval(bx, by, rad * 1.7, rad * 1.7, palette.mix(stops[1], (255, 250, 220), 0.4))
            pen.oval(bx, by, rad, rad, (255, 250, 215) if time == "day" else (255, 236, 190))
    if box is None:
        nclouds = {"cloudy": 7, "rain": 8, "snow": 5}.get(weather, 2)
        tone = {"sunset": (255, 214, 200), "night": (70, 80, 120), "morning": (255, 250, 245)}.get(time, (255, 255, 255))
        if weather in ("rain", "cloudy"):
            tone = palette.mix(tone, (150, 155, 170), 0.45 if weather == "rain" else 0.25)
        shadow = palette.shade(tone, 0.18)
        for i in range(nclouds):
            if weather in ("cloudy", "rain", "snow"):
                cx = (i + 0.3 + rng.random() * 0.4) * W / nclouds * 1.1 - W * 0.05
                cy = horizon * (0.1 + rng.random() * 0.5)
            else:  # fair weather: a couple of small clouds low, clear of the sky sample box and the sun
                cx = W * (0.3 + 0.4 * i + rng.random() * 0.08)
                cy = horizon * (0.45 + rng.random() * 0.15)
            cloud(pen, cx, cy, W * (0.05 + rng.random() * 0.03), tone, shadow)


def _moon(pen: Pen, x: float, y: float, r: float, sky) -> None:
    layer = Image.new("L", pen.image.size, 0)
    d = ImageDraw.Draw(layer)
    s = pen.s
    d.ellipse([(x - r) * s, (y - r) * s, (x + r) * s, (y + r) * s], fill=255)
    d.ellipse([(x - r * 0.55) * s, (y - r * 1.15) * s, (x + r * 1.3) * s, (y + r * 0.75) * s], fill=0)
    pen.image.paste((255, 244, 190), mask=layer)


def _twinkle(pen: Pen, x: float, y: float, size: float) -> None:
    pen.flat([(x, y - size), (x + size * 0.2, y - size * 0.2), (x + size, y), (x + size * 0.2, y + size * 0.2),
              (x, y + size), (x - size * 0.2, y + size * 0.2), (x - size, y), (x - size * 0.2, y - size * 0.2)],
             (255, 250, 210))


def weather_overlay(image: Image.Image, pen_scale: float, W: int, H: int, weather: str | None, rng: random.Random,
                    petals: bool = False) -> Image.Image:
    """Rain streaks, snowflakes or falling petals over the finished picture (one alpha composite)."""
    if weather not in ("rain", "snow") and not petals:
        return image
    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    pen = Pen(layer, pen_scale, 1.0)
    if weather == "rain":
        for _ in range(170):
            x, y = rng.random() * (W + 60) - 30, rng.random() * H
            ln = 10 + rng.random() * 14
            pen.stroke([(x, y), (x - ln * 0.3, y + ln)], (220, 230, 255, 150), 1.0)
    elif weather == "snow":
        for _ in range(150):
            x, y = rng.random() * W, rng.random() * H
            rr = 1.0 + rng.random() * 2.6
            pen.dot(x, y, rr, (255, 255, 255, 230))
    if petals:
        for _ in range(45):
            x, y = rng.random() * W, rng.random() * H
            rr = 2.5 + rng.random() * 2.5
            pen.oval(x, y, rr, rr * 0.6, (255, 190, 215, 235))
    out = image.convert("RGBA")
    out.alpha_composite(layer)
    return out.convert("RGB")
