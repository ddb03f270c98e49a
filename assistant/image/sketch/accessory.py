"""Accessories of the sketch renderer, placed on anchor points that people and animals both provide.

Every accessory in the spec must be visible in the picture, so each is big, outlined and in a
colour chosen to stand out from the hair and the clothes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from assistant.image import palette
from assistant.image.sketch.draw import Pen, arc, smooth

Point = tuple[float, float]
GOLD = palette.rgb("gold")


@dataclass
class Anchors:
    hx: float
    hy: float
    r: float
    eye_y: float
    eye_dx: float
    eye_w: float
    eye_h: float
    ear_y: float
    ear_dx: float
    mouth_y: float
    chin_y: float
    neck: Point
    neck_w: float
    shoulder_w: float
    torso_bottom: float
    hand: Point          # the hand that holds an umbrella
    hand_side: int
    animal: bool = False


def backpack_behind(pen: Pen, a: Anchors, colour) -> None:
    x0 = a.neck[0] - a.shoulder_w - 0.35 * a.r
    x1 = a.neck[0] + a.shoulder_w + 0.35 * a.r
    y0 = a.neck[1] - 0.1 * a.r
    y1 = a.torso_bottom - 0.2 * a.r
    pts = arc((x0 + x1) / 2, y0 + 0.5 * a.r, (x1 - x0) / 2, 0.6 * a.r, 180, 360, 10) + [(x1, y1), (x0, y1)]
    pen.poly(pts, colour, shade=0.3)
    pen.ellipse((x0 + x1) / 2, y0 - 0.05 * a.r, 0.3 * a.r, 0.14 * a.r, palette.shade(colour, 0.35), shade=None)


def backpack_straps(pen: Pen, a: Anchors, colour) -> None:
    nx, ny = a.neck
    for s in (-1, 1):
        x = nx + s * a.shoulder_w * 0.62
        pen.limb([(x, ny + 0.05 * a.r), (x + s * 0.05 * a.r, ny + 1.3 * a.r), (x + s * 0.15 * a.r, ny + 2.0 * a.r)],
                 0.2 * a.r, palette.shade(colour, 0.15), shade=False)
        pen.rect(x - 0.09 * a.r, ny + 1.0 * a.r, x + 0.09 * a.r, ny + 1.2 * a.r, (230, 230, 230))


def scarf(pen: Pen, a: Anchors, colour) -> None:
    nx, ny = a.neck
    r = a.r
    w = a.neck_w * 1.5 + 0.25 * r
    band = arc(nx, ny - 0.05 * r, w, 0.28 * r, 180, 360, 10) + arc(nx, ny + 0.12 * r, w, 0.3 * r, 0, 180, 10)
    pen.poly(band, colour, shade=0.3)
    tail = [(nx + 0.15 * r, ny + 0.1 * r), (nx + 0.55 * r, ny + 0.15 * r), (nx + 0.62 * r, ny + 1.45 * r),
            (nx + 0.22 * r, ny + 1.45 * r)]
    pen.poly(tail, colour, shade=0.3)
    stripe = palette.light(colour, 0.6)
    for t in (0.45, 0.75):
        y = ny + 0.15 * r + t * 1.3 * r
        pen.stroke([(nx + 0.2 * r + 0.02 * r * t, y), (nx + 0.6 * r, y)], stripe, 0.1 * r)
    for k in range(5):  # fringe
        x = nx + 0.24 * r + k * 0.09 * r
        pen.stroke([(x, ny + 1.45 * r), (x, ny + 1.62 * r)], palette.shade(colour), pen.lw)


def glasses(pen: Pen, a: Anchors) -> None:
    frame = (60, 40, 50)
    rad = max(a.eye_w, a.eye_h) * 1.22
    for s in (-1, 1):
        x = a.hx + s * a.eye_dx
        pen.ring(x, a.eye_y + rad * 0.02, rad, rad * 0.92, frame, pen.lw * 1.6)
        pen.stroke([(x - rad * 0.5, a.eye_y + rad * 0.5), (x - rad * 0.1, a.eye_y + rad * 0.1)], (255, 255, 255),
                   pen.lw * 1.2)
        pen.stroke([(x + s * rad, a.eye_y - 0.1 * rad), (a.hx + s * a.ear_dx, a.eye_y - 0.2 * rad)], frame,
                   pen.lw * 1.4)
    pen.stroke(smooth([(a.hx - a.eye_dx + rad, a.eye_y - 0.1 * rad), (a.hx, a.eye_y - 0.3 * rad),
                       (a.hx + a.eye_dx - rad, a.eye_y - 0.1 * rad)], 3), frame, pen.lw * 1.5)


def mask(pen: Pen, a: Anchors) -> None:
    r = a.r
    top = a.eye_y + a.eye_h + 0.12 * r
    pts = smooth([(a.hx - 0.78 * r, top + 0.05 * r), (a.hx, top - 0.04 * r), (a.hx + 0.78 * r, top + 0.05 * r),
                   (a.hx + 0.66 * r, a.chin_y - 0.2 * r), (a.hx, a.chin_y + 0.02 * r),
                   (a.hx - 0.66 * r, a.chin_y - 0.2 * r)], 4, closed=True)
    pen.poly(pts, (250, 250, 252), shade=0.2)
    for k in (0.3, 0.55):
        y = top + (a.chin_y - top) * k
        pen.stroke([(a.hx - 0.55 * r, y), (a.hx + 0.55 * r, y)], (200, 205, 220), pen.lw * 0.8)
    for s in (-1, 1):
        pen.stroke([(a.hx + s * 0.78 * r, top + 0.08 * r), (a.hx + s * a.ear_dx, a.ear_y)], (230, 230, 235), pen.lw)


def earrings(pen: Pen, a: Anchors) -> None:
    r = a.r
    for s in (-1, 1):
        x = a.hx + s * (a.ear_dx - 0.05 * r)
        y = a.ear_y + 0.1 * r
        pen.stroke([(x, y), (x, y + 0.28 * r)], GOLD, pen.lw * 1.3)
        pen.ellipse(x, y + 0.4 * r, 0.13 * r, 0.15 * r, GOLD, shade=0.3)
        pen.dot(x - 0.04 * r, y + 0.36 * r, 0.04 * r, (255, 250, 220))


def cat_ears(pen: Pen, a: Anchors, colour) -> None:
    r = a.r
    for s in (-1, 1):
        bx = a.hx + s * 0.62 * r
        by = a.hy - 0.75 * r
        outer = [(bx - s * 0.35 * r, by - 0.2 * r), (bx + s * 0.25 * r, by - 0.95 * r), (bx + s * 0.45 * r, by + 0.05 * r)]
        pen.poly(outer, colour, shade=0.25)
        inner = [(bx - s * 0.15 * r, by - 0.22 * r), (bx + s * 0.22 * r, by - 0.72 * r), (bx + s * 0.3 * r, by - 0.06 * r)]
        pen.flat(inner, (255, 170, 190))


def headphones(pen: Pen, a: Anchors, colour) -> None:
    r = a.r
    band = arc(a.hx, a.hy - 0.05 * r, 1.2 * r, 1.28 * r, 190, 350, 16)
    pen.stroke(band, (60, 60, 70), 0.26 * r)
    pen.stroke(band, colour, 0.14 * r)
    for s in (-1, 1):
        pen.ellipse(a.hx + s * 1.13 * r, a.hy + 0.05 * r, 0.3 * r, 0.44 * r, colour, shade=0.35)
        pen.ellipse(a.hx + s * 1.2 * r, a.hy + 0.05 * r, 0.12 * r, 0.26 * r, palette.light(colour, 0.5), shade=None)


def hat(pen: Pen, a: Anchors, band) -> None:
    r = a.r
    straw = (240, 212, 140)
    y = a.hy - 0.82 * r
    pen.ellipse(a.hx, y, 1.75 * r, 0.34 * r, straw, shade=0.2)
    crown = [(a.hx - 0.95 * r, y)] + arc(a.hx, y - 0.1 * r, 0.95 * r, 0.85 * r, 180, 360, 14) + [(a.hx + 0.95 * r, y)]
    pen.poly(crown, straw, shade=0.25)
    pen.poly([(a.hx - 0.95 * r, y - 0.05 * r), (a.hx + 0.95 * r, y - 0.05 * r), (a.hx + 0.93 * r, y - 0.32 * r),
              (a.hx - 0.93 * r, y - 0.32 * r)], band, shade=0.25)
    for k in range(-3, 4):  # weave
        pen.stroke([(a.hx + k * 0.4 * r, y + 0.05 * r), (a.hx + k * 0.48 * r, y + 0.22 * r)], (200, 170, 100), pen.lw * 0.6)


def crown(pen: Pen, a: Anchors) -> None:
    r = a.r
    base = a.hy - 0.92 * r
    w = 0.62 * r
    pts = [(a.hx - w, base), (a.hx - w * 1.05, base - 0.62 * r), (a.hx - w * 0.5, base - 0.3 * r),
           (a.hx, base - 0.8 * r), (a.hx + w * 0.5, base - 0.3 * r), (a.hx + w * 1.05, base - 0.62 * r),
           (a.hx + w, base)]
    pen.poly(pts, GOLD, shade=0.28)
    pen.rect(a.hx - w, base - 0.14 * r, a.hx + w, base + 0.02 * r, palette.shade(GOLD, 0.1))
    for dx, c in ((-0.4, (220, 40, 80)), (0.0, (60, 120, 240)), (0.4, (40, 180, 100))):
        pen.ellipse(a.hx + dx * w, base - 0.07 * r, 0.08 * r, 0.06 * r, c, shade=None, lw=pen.lw * 0.6)
    for x, y in ((pts[1]), (pts[3]), (pts[5])):
        pen.ellipse(x, y, 0.07 * r, 0.07 * r, (255, 240, 200), shade=None, lw=pen.lw * 0.6)


def bow(pen: Pen, x: float, y: float, size: float, colour) -> None:
    for s in (-1, 1):
        loop = [(x, y), (x + s * size, y - size * 0.6), (x + s * size * 1.05, y + size * 0.45)]
        pen.poly(smooth(loop, 4, closed=True), colour, shade=0.3)
        pen.poly([(x, y), (x + s * size * 0.3, y + size * 1.0), (x + s * size * 0.55, y + size * 0.85)], colour,
                 shade=0.3)
    pen.ellipse(x, y, size * 0.24, size * 0.24, palette.shade(colour, 0.1), shade=None)


def ribbon(pen: Pen, a: Anchors, colour) -> None:
    bow(pen, a.hx + 0.62 * a.r, a.hy - 0.95 * a.r, 0.55 * a.r, colour)


def flower(pen: Pen, a: Anchors, colour) -> None:
    r = a.r
    x, y = a.hx - 0.82 * r, a.hy - 0.55 * r
    for k in range(5):
        ang = math.radians(k * 72 - 90)
        pen.ellipse(x + math.cos(ang) * 0.2 * r, y + math.sin(ang) * 0.2 * r, 0.16 * r, 0.16 * r, colour, shade=0.2)
    pen.ellipse(x, y, 0.11 * r, 0.11 * r, (255, 210, 60), shade=None)


def umbrella(pen: Pen, a: Anchors, colour, top: float) -> None:
    r = a.r
    hx, hy = a.hand
    cx = a.hx + a.hand_side * 0.3 * r
    cy = top - 0.45 * r
    rad = 2.3 * r
    # shaft from the hand to the canopy
    pen.stroke([(hx, hy + 0.4 * r), (cx, cy)], (90, 70, 60), 0.1 * r)
    pen.stroke(smooth([(hx, hy + 0.4 * r), (hx, hy + 0.6 * r), (hx - 0.15 * r, hy + 0.65 * r),
                       (hx - 0.2 * r, hy + 0.5 * r)], 3), (90, 70, 60), 0.1 * r)
    canopy = arc(cx, cy, rad, 1.25 * r, 180, 360, 20)
    edge = []
    for k in range(4):
        x0 = cx + rad - k * rad / 2
        edge += arc(x0 - rad / 4, cy, rad / 4, 0.18 * r, 0, -180, 6)
    pen.poly(canopy + edge, colour, shade=0.25)
    for k in (-1, 0, 1):
        pen.stroke(smooth([(cx, cy - 1.25 * r), (cx + k * rad * 0.3, cy - 0.6 * r), (cx + k * rad * 0.5, cy)], 4),
                   palette.shade(colour, 0.3), pen.lw)
    pen.stroke([(cx, cy - 1.25 * r), (cx, cy - 1.5 * r)], (90, 70, 60), 0.1 * r)


def umbrella_top(a: Anchors) -> float:
    """y of the umbrella canopy's bottom edge, above the head and any hat."""
    return a.hy - 1.5 * a.r


def head(pen: Pen, look, an: Anchors, has: set) -> None:
    """Everything worn on the face and head, in an order where each stays visible over the last."""
    if "mask" in has:
        mask(pen, an)
    if "glasses" in has:
        glasses(pen, an)
    if "earrings" in has:
        earrings(pen, an)
    if "cat ears" in has:
        cat_ears(pen, an, look.hair if not look.animal else (60, 60, 70))
    if "headphones" in has:
        headphones(pen, an, look.accent2)
    if "hat" in has:
        hat(pen, an, look.accent)
    if "crown" in has:
        if "hat" in has:
            an = Anchors(**{**an.__dict__, "hy": an.hy - 0.9 * an.r})
        crown(pen, an)
    if "ribbon" in has:
        ribbon(pen, an, look.accent)
    if "flower" in has:
        flower(pen, an, (255, 150, 190) if look.accent != (248, 140, 186) else (255, 255, 255))
    if "umbrella" in has:
        umbrella(pen, an, look.accent2, umbrella_top(an) - (0.9 * an.r if "hat" in has or "crown" in has else 0))
