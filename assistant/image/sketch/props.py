"""Things a figure sits on or holds, and the marks that tell its action (notes, Zzz, speed lines).

A front-facing figure cannot show every verb with its limbs alone; the prop does the telling: a
book for reading, a microphone for singing, a rice ball for eating, a cup for drinking.
"""

from __future__ import annotations

import math

from assistant.image import palette
from assistant.image.sketch.draw import Pen, arc, smooth

WOOD = (176, 120, 70)
INK = (60, 40, 50)


def bench(pen: Pen, cx: float, seat: float, ground: float, r: float, back_y: float) -> None:
    w = 2.3 * r
    for s in (-1, 1):
        pen.rect(cx + s * w * 0.85 - 0.12 * r, back_y, cx + s * w * 0.85 + 0.12 * r, ground, palette.shade(WOOD, 0.2))
    for k in range(2):
        y = back_y + k * 0.55 * r
        pen.rect(cx - w, y, cx + w, y + 0.35 * r, WOOD, shade=None)
    pen.rect(cx - w * 1.05, seat, cx + w * 1.05, seat + 0.35 * r, WOOD, shade=None)


def guitar(pen: Pen, sk) -> None:
    r = sk.r
    s = sk.side_a
    body = (sk.cx + s * 0.35 * r, sk.pelvis[1] - 0.45 * r)
    target = sk.hands[-s]
    dx, dy = target[0] - body[0], target[1] - body[1]
    d = math.hypot(dx, dy) or 1.0
    ux, uy = dx / d, dy / d
    head = (target[0] + ux * 0.7 * r, target[1] + uy * 0.7 * r)
    pen.limb([body, head], 0.28 * r, (120, 75, 45), shade=False)
    pen.limb([(head[0] - ux * 0.1 * r, head[1] - uy * 0.1 * r), (head[0] + ux * 0.35 * r, head[1] + uy * 0.35 * r)],
             0.42 * r, (70, 45, 35), shade=False)
    wood = (226, 150, 70)
    pen.ellipse(body[0] + ux * 0.85 * r, body[1] + uy * 0.85 * r, 0.75 * r, 0.72 * r, wood, shade=0.25)
    pen.ellipse(body[0], body[1], 1.0 * r, 0.95 * r, wood, shade=0.25)
    pen.ellipse(body[0] + ux * 0.5 * r, body[1] + uy * 0.5 * r, 0.26 * r, 0.26 * r, (60, 35, 30), shade=None)
    for k in (-1, 0, 1):
        ox, oy = -uy * k * 0.06 * r, ux * k * 0.06 * r
        pen.stroke([(body[0] - ux * 0.5 * r + ox, body[1] - uy * 0.5 * r + oy), (head[0] + ox, head[1] + oy)],
                   (240, 230, 200), pen.lw * 0.5)
    pen.rect(body[0] - ux * 0.55 * r - 0.25 * r, body[1] - uy * 0.55 * r - 0.06 * r,
             body[0] - ux * 0.55 * r + 0.25 * r, body[1] - uy * 0.55 * r + 0.06 * r, (70, 45, 35))


def book(pen: Pen, cx: float, cy: float, r: float, cover) -> None:
    w, h = 1.05 * r, 1.3 * r
    pen.poly([(cx - w - 0.1 * r, cy - h / 2 + 0.1 * r), (cx, cy - h / 2 + 0.25 * r), (cx + w + 0.1 * r, cy - h / 2 + 0.1 * r),
              (cx + w + 0.1 * r, cy + h / 2 + 0.12 * r), (cx, cy + h / 2 + 0.3 * r), (cx - w - 0.1 * r, cy + h / 2 + 0.12 * r)],
             cover, shade=None)
    paper = (252, 248, 236)
    for s in (-1, 1):
        pen.poly([(cx, cy - h / 2 + 0.15 * r), (cx + s * w, cy - h / 2), (cx + s * w, cy + h / 2),
                  (cx, cy + h / 2 + 0.15 * r)], paper, shade=None, lw=pen.lw * 0.8)
        for k in range(4):
            y = cy - h / 2 + 0.3 * r + k * 0.22 * r
            pen.stroke([(cx + s * 0.15 * r, y + 0.03 * r), (cx + s * (w - 0.15 * r), y)], (180, 175, 170), pen.lw * 0.7)


def microphone(pen: Pen, hand, r: float, toward) -> None:
    x, y = hand
    tx, ty = toward
    d = math.hypot(tx - x, ty - y) or 1.0
    ux, uy = (tx - x) / d, (ty - y) / d
    top = (x + ux * 0.75 * r, y + uy * 0.75 * r)
    pen.limb([(x - ux * 0.2 * r, y - uy * 0.2 * r), top], 0.16 * r, (50, 50, 60), shade=False)
    pen.ellipse(top[0], top[1], 0.22 * r, 0.22 * r, (170, 170, 185), shade=0.3)


def onigiri(pen: Pen, x: float, y: float, r: float) -> None:
    pts = smooth([(x, y - 0.6 * r), (x + 0.6 * r, y + 0.4 * r), (x - 0.6 * r, y + 0.4 * r)], 5, closed=True)
    pen.poly(pts, (252, 252, 248), shade=0.15)
    pen.rect(x - 0.28 * r, y + 0.05 * r, x + 0.28 * r, y + 0.44 * r, (40, 60, 50))
    pen.ellipse(x + 0.25 * r, y - 0.3 * r, 0.16 * r, 0.14 * r, palette.SKIN, shade=None, outline=False)


def cup(pen: Pen, x: float, y: float, r: float, colour, mouth) -> None:
    """A bubble-tea cup with its straw at the mouth."""
    top = y - 0.75 * r
    pen.stroke([(x + 0.05 * r, top), mouth], (240, 80, 110), 0.1 * r)
    pen.poly([(x - 0.4 * r, top), (x + 0.4 * r, top), (x + 0.3 * r, y + 0.55 * r), (x - 0.3 * r, y + 0.55 * r)],
             (236, 244, 250), shade=0.2)
    pen.poly([(x - 0.36 * r, top + 0.45 * r), (x + 0.36 * r, top + 0.45 * r), (x + 0.3 * r, y + 0.5 * r),
              (x - 0.3 * r, y + 0.5 * r)], colour, shade=0.25, outline=False)
    pen.ellipse(x, top, 0.42 * r, 0.1 * r, (250, 250, 252), shade=None)
    for k in range(4):
        pen.dot(x - 0.18 * r + k * 0.12 * r, y + 0.38 * r - (k % 2) * 0.08 * r, 0.06 * r, (70, 45, 40))


def note(pen: Pen, x: float, y: float, size: float, colour) -> None:
    pen.ellipse(x, y, size * 0.32, size * 0.24, colour, shade=None, lw=pen.lw * 0.7)
    pen.stroke([(x + size * 0.28, y), (x + size * 0.28, y - size)], palette.line(colour), pen.lw * 1.4)
    pen.stroke([(x + size * 0.28, y - size), (x + size * 0.65, y - size * 0.7)], palette.line(colour), pen.lw * 1.4)


def zzz(pen: Pen, x: float, y: float, size: float) -> None:
    for k in range(3):
        s = size * (0.6 + 0.25 * k)
        zx, zy = x + k * size * 0.7, y - k * size * 0.9
        pen.stroke([(zx, zy), (zx + s, zy), (zx, zy + s), (zx + s, zy + s)], (90, 110, 200), pen.lw * 1.6)


def sparkle(pen: Pen, x: float, y: float, size: float, colour=(255, 240, 150)) -> None:
    pen.flat([(x, y - size), (x + size * 0.25, y - size * 0.25), (x + size, y), (x + size * 0.25, y + size * 0.25),
              (x, y + size), (x - size * 0.25, y + size * 0.25), (x - size, y), (x - size * 0.25, y - size * 0.25)], colour)


def open_hand(pen: Pen, x: float, y: float, w: float, skin, up: float = -1) -> None:
    for k in range(-2, 3):
        a = math.radians(-90 + k * 22)
        pen.limb([(x, y), (x + math.cos(a) * w * 1.3, y + math.sin(a) * w * 1.3)], w * 0.34, skin, shade=False)
    pen.ellipse(x, y + w * 0.2, w * 0.7, w * 0.62, skin, shade=0.2)


def held(pen: Pen, look, sk, hand) -> None:
    """Props in the hands, and marks around the figure, for the figure's action."""
    r = sk.r
    a = look.action
    s = sk.side_a
    ha = sk.hands[s]
    mouth = (sk.hx, sk.hy + sk.build.chin * 0.68 * r)
    if a == "reading":
        cx = (sk.hands[-1][0] + sk.hands[1][0]) / 2
        book(pen, cx, (sk.hands[-1][1] + sk.hands[1][1]) / 2 - 0.25 * r, r, look.accent2)
        for side in (-1, 1):
            hand(pen, look, sk, side)
    elif a == "singing":
        microphone(pen, ha, r, mouth)
        hand(pen, look, sk, s)
        for k, (dx, dy) in enumerate(((1.6, -1.2), (2.2, -0.3), (-1.9, -0.9))):
            note(pen, sk.hx + dx * r * s, sk.hy + dy * r, 0.55 * r, (240, 90, 140) if k % 2 else (90, 140, 240))
    elif a == "eating":
        onigiri(pen, ha[0] - s * 0.2 * r, ha[1] - 0.45 * r, r)
        hand(pen, look, sk, s)
    elif a == "drinking":
        cup(pen, ha[0] - s * 0.15 * r, ha[1] - 0.1 * r, r, (236, 190, 150), (mouth[0] + s * 0.05 * r, mouth[1]))
        hand(pen, look, sk, s)
    elif a == "waving":
        x, y = ha
        open_hand(pen, x, y, sk.build.arm_w * r * 0.9, look.skin)
        for k in (1, 2):
            pen.stroke(arc(x, y - 0.2 * r, 0.5 * r * k, 0.45 * r * k, -60 if s > 0 else -150, -30 if s > 0 else -120, 6),
                       (120, 110, 130), pen.lw * 1.2)
            pen.stroke(arc(x, y - 0.2 * r, 0.5 * r * k, 0.45 * r * k, -150 if s > 0 else -60, -120 if s > 0 else -30, 6),
                       (120, 110, 130), pen.lw * 1.2)
    elif a == "playing guitar":
        for k, (dx, dy) in enumerate(((1.8, -1.0), (2.3, 0.2))):
            note(pen, sk.hx + dx * r * s, sk.hy + dy * r, 0.55 * r, (240, 90, 140) if k else (90, 140, 240))
    elif a == "dancing":
        for dx, dy in ((-2.0, -0.8), (2.1, 0.6), (-1.7, 1.8)):
            sparkle(pen, sk.hx + dx * r, sk.hy + dy * r, 0.3 * r)
        note(pen, sk.hx + 1.9 * r * s, sk.hy - 1.0 * r, 0.5 * r, (240, 90, 140))
    elif a == "running":
        y0 = sk.neck[1]
        for k in range(4):
            y = y0 + k * 0.9 * r
            x = sk.cx - s * (2.0 + 0.3 * (k % 2)) * r
            pen.stroke([(x, y), (x - s * 1.1 * r, y)], (150, 150, 170), pen.lw * 1.3)
        fx, fy = sk.feet[-s]
        for k in range(3):  # kicked-up dust behind the back foot
            pen.ellipse(fx - s * (0.7 + 0.35 * k) * r, fy + 0.1 * r - 0.12 * k * r, 0.2 * r * (1 - 0.25 * k),
                        0.13 * r * (1 - 0.25 * k), (236, 228, 214), shade=None, lw=pen.lw * 0.5)
    elif a == "walking":  # a lifted heel with a puff of dust and a couple of step marks behind it
        fx, fy = sk.feet[-s]
        for k in (1, 2):
            pen.stroke(arc(fx, fy - 0.1 * r, 0.35 * r * k, 0.25 * r * k, 200, 250, 5) if s > 0 else
                       arc(fx, fy - 0.1 * r, 0.35 * r * k, 0.25 * r * k, -70, -20, 5), (150, 150, 170), pen.lw * 1.1)
        pen.ellipse(fx - s * 0.45 * r, fy + 0.1 * r, 0.22 * r, 0.12 * r, (235, 225, 210), shade=None, lw=pen.lw * 0.6)
    elif a == "flying":
        for k in range(3):
            y = sk.neck[1] + k * 1.1 * r
            x = sk.cx - s * (2.0 + 0.4 * k) * r
            pen.stroke(smooth([(x, y), (x - s * 0.6 * r, y + 0.2 * r), (x - s * 1.2 * r, y)], 3), (240, 240, 255),
                       pen.lw * 1.5)
        for side in (-1, 1):
            fx, fy = sk.feet[side]
            for k in range(3):
                pen.ellipse(fx + (k - 1) * 0.45 * r, fy + 0.35 * r, 0.4 * r, 0.28 * r, (255, 255, 255), shade=0.2,
                            lw=pen.lw * 0.6)
