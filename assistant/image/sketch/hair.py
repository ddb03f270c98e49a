"""Hair of the sketch renderer: a back mass behind the body and a front cap with bangs and side locks.

Each style has a silhouette that reads at thumbnail size: long hair falls to the waist, a
ponytail swings out on one side, twin tails on both, a braid hangs over the shoulder, a bob is a
rounded helmet cut at the chin, curly hair is a scalloped cloud, short hair is spiky on top.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from assistant.image import palette
from assistant.image.sketch.draw import Pen, arc, smooth

SIDE_LOCK = {"long": 1.75, "bob": 1.02, "curly": 0.9, "short": 0.35, "ponytail": 0.85, "twintails": 0.95,
             "braid": 0.6}


@dataclass
class HeadFrame:
    hx: float
    hy: float
    r: float
    chin: float
    bottom: float     # y where long hair ends (about the waist)
    side: int         # the side a ponytail or braid goes to
    masculine: bool


def _tail(pen: Pen, root, tip, width: float, bend: float, colour, tie=None) -> None:
    """A tapered lock of hair from root to tip, bulging by `bend` sideways."""
    (x0, y0), (x1, y1) = root, tip
    mx, my = (x0 + x1) / 2 + bend, (y0 + y1) / 2
    left = smooth([(x0, y0 - width * 0.35), (x0 - width * 0.5, y0), (mx - width * 0.6, my), (x1 - width * 0.1, y1 - width * 0.2), (x1, y1)], 6)
    right = smooth([(x1, y1), (x1 + width * 0.25, y1 - width * 0.6), (mx + width * 0.6, my - width * 0.1),
                    (x0 + width * 0.5, y0), (x0, y0 - width * 0.35)], 6)
    pen.poly(left + right, colour, shade=0.3)
    pen.stroke(smooth([(x0, y0 + width * 0.3), (mx + width * 0.15, my), (x1 + width * 0.05, y1 - width * 0.8)], 5),
               palette.light(colour, 0.4), pen.lw * 1.2)
    if tie is not None:
        pen.ellipse(x0, y0, width * 0.42, width * 0.3, tie, shade=0.3)


def back(pen: Pen, style: str, f: HeadFrame, colour, tie) -> None:
    hx, hy, r = f.hx, f.hy, f.r
    top = arc(hx, hy - 0.1 * r, 1.18 * r, 1.2 * r, 180, 360, 18)
    if style == "long":
        b = f.bottom
        waves = [(hx + 1.42 * r, b - 0.2 * r), (hx + 0.9 * r, b + 0.1 * r), (hx + 0.3 * r, b - 0.1 * r),
                 (hx - 0.3 * r, b + 0.1 * r), (hx - 0.9 * r, b - 0.1 * r), (hx - 1.42 * r, b - 0.2 * r)]
        pts = top + [(hx + 1.2 * r, hy + 0.8 * r), (hx + 1.4 * r, hy + 2.2 * r)] + waves + \
            [(hx - 1.4 * r, hy + 2.2 * r), (hx - 1.2 * r, hy + 0.8 * r)]
        pen.poly(smooth(pts, 3, closed=True), colour, shade=0.3)
    elif style == "bob":
        pts = top + [(hx + 1.22 * r, hy + 0.5 * r), (hx + 1.2 * r, hy + 1.08 * r), (hx + 0.9 * r, hy + 1.15 * r),
                     (hx - 0.9 * r, hy + 1.15 * r), (hx - 1.2 * r, hy + 1.08 * r), (hx - 1.22 * r, hy + 0.5 * r)]
        pen.poly(pts, colour, shade=0.3)
    elif style == "curly":
        blobs = [(hx + 1.25 * r * math.cos(math.radians(a)), hy + 1.15 * r * math.sin(math.radians(a)))
                 for a in range(160, 390, 23)]
        blobs += [(hx + sx * 1.2 * r, hy + dy * r) for sx in (-1, 1) for dy in (0.7, 1.2, 1.65)]
        line = palette.line(colour)
        for x, y in blobs:
            pen.dot(x, y, 0.44 * r + pen.lw, line)
        for i, (x, y) in enumerate(blobs):
            pen.ellipse(x, y, 0.44 * r, 0.44 * r, colour, shade=0.35, outline=False)
    elif style == "ponytail":
        pen.poly(top + [(hx + 1.1 * r, hy + 0.6 * r), (hx - 1.1 * r, hy + 0.6 * r)], colour, shade=0.3)
        s = f.side
        _tail(pen, (hx + s * 0.9 * r, hy - 0.75 * r), (hx + s * 1.55 * r, hy + 2.7 * r), 0.95 * r, s * 0.9 * r,
              colour)
    elif style == "twintails":
        pen.poly(top + [(hx + 1.1 * r, hy + 0.6 * r), (hx - 1.1 * r, hy + 0.6 * r)], colour, shade=0.3)
        for s in (-1, 1):
            _tail(pen, (hx + s * 1.0 * r, hy - 0.55 * r), (hx + s * 1.75 * r, hy + 3.3 * r), 0.9 * r, s * 0.95 * r,
                  colour)
    else:  # short, braid: a nape just behind the head
        pen.poly(top + [(hx + 1.08 * r, hy + 0.55 * r), (hx - 1.08 * r, hy + 0.55 * r)], colour, shade=0.3)


def _bangs(style: str, hx: float, y_root: float, y_tip: float, half: float, r: float, masculine: bool):
    """The lower edge of the fringe, right to left."""
    if style == "bob":  # a straight hime-cut fringe
        return [(hx + half, y_tip - 0.05 * r), (hx + 0.3 * half, y_tip), (hx - 0.3 * half, y_tip),
                (hx - half, y_tip - 0.05 * r)]
    if style == "curly":
        pts = []
        n = 5
        for i in range(n):
            x0 = hx + half - 2 * half * i / n
            x1 = hx + half - 2 * half * (i + 1) / n
            pts += arc((x0 + x1) / 2, y_tip - 0.12 * r, (x0 - x1) / 2, 0.16 * r, 0, 180, 6)
        return pts
    n = 4 if masculine else 5
    pts = []
    for i in range(n):
        x0 = hx + half - 2 * half * i / n
        x1 = hx + half - 2 * half * (i + 1) / n
        tip_x = x0 + (x1 - x0) * (0.6 if i < n / 2 else 0.4)
        tip = y_tip + (0.05 * r if i in (1, n - 2) else 0)
        pts += [(x0, y_root + (0.12 * r if i else 0.3 * r)), (tip_x, tip), (x1, y_root + 0.12 * r)]
    return pts


def front(pen: Pen, style: str, f: HeadFrame, colour) -> None:
    hx, hy, r = f.hx, f.hy, f.r
    R = 1.18 * r
    outer = arc(hx, hy - 0.1 * r, R, 1.2 * r, 180, 360, 24)
    if style == "short" and not f.masculine:
        outer = [(x + (x - hx) * 0.1 * (i % 4 == 2), y + (y - hy) * 0.12 * (i % 4 == 2)) for i, (x, y) in
                 enumerate(outer)]
    elif style == "short":  # boys get spiky tops
        spiky = []
        for i, (x, y) in enumerate(outer):
            k = 0.22 if i % 3 == 1 and 3 < i < 22 else 0.0
            spiky.append((x + (x - hx) * k, y + (y - hy) * k))
        outer = spiky
    elif style == "curly":
        outer = [(x + (x - hx) * 0.1 * (i % 2), y + (y - hy) * 0.1 * (i % 2)) for i, (x, y) in enumerate(outer)]
    lock = SIDE_LOCK.get(style, 0.6) * r
    inner_x = 0.78 * r
    right = [(hx + R, hy + 0.1 * r), (hx + 1.1 * r, hy + lock * 0.6), (hx + 1.0 * r, hy + lock),
             (hx + inner_x * 0.95, hy + lock * 0.75), (hx + inner_x, hy + 0.05 * r)]
    left = [(hx - inner_x, hy + 0.05 * r), (hx - inner_x * 0.95, hy + lock * 0.75), (hx - 1.0 * r, hy + lock),
            (hx - 1.1 * r, hy + lock * 0.6), (hx - R, hy + 0.1 * r)]
    if style == "long":  # long side locks sway outward a little
        right[2] = (hx + 1.1 * r, hy + lock)
        left[2] = (hx - 1.1 * r, hy + lock)
    bangs = _bangs(style, hx, hy - 0.36 * r, hy - 0.1 * r, inner_x, r, f.masculine)
    pts = outer + right + bangs + left
    pen.poly(pts, colour, shade=0.22, clip=True)
    # strand lines and the shine ring that make hair read as hair, not a helmet
    dark = palette.shade(colour, 0.3)
    for dx in (-0.45, 0.05, 0.5):
        pen.stroke(smooth([(hx + dx * 0.5 * r, hy - 0.95 * r), (hx + dx * 0.85 * r, hy - 0.6 * r),
                           (hx + dx * r, hy - 0.2 * r)], 4), dark, pen.lw * 0.8)
    shine = palette.light(colour, 0.55)
    for a in range(214, 320, 24):
        ca, sa = math.cos(math.radians(a)), math.sin(math.radians(a))
        px, py = hx + 0.8 * r * ca, hy - 0.1 * r + 0.72 * r * sa
        pen.flat([(px + ca * 0.12 * r, py + sa * 0.12 * r), (px - sa * 0.035 * r, py + ca * 0.035 * r),
                  (px - ca * 0.12 * r, py - sa * 0.12 * r), (px + sa * 0.035 * r, py - ca * 0.035 * r)], shine)


def ties(pen: Pen, style: str, f: HeadFrame, tie) -> None:
    """Hair ties drawn over the head where tails start."""
    hx, hy, r = f.hx, f.hy, f.r
    if style == "twintails":
        for s in (-1, 1):
            pen.ellipse(hx + s * 1.02 * r, hy - 0.55 * r, 0.2 * r, 0.16 * r, tie, shade=0.3)
    elif style == "ponytail":
        pen.ellipse(hx + f.side * 0.95 * r, hy - 0.8 * r, 0.18 * r, 0.15 * r, tie, shade=0.3)


def braid(pen: Pen, f: HeadFrame, colour, tie) -> None:
    hx, hy, r = f.hx, f.hy, f.r
    s = f.side
    x, y = hx + s * 0.9 * r, hy + 0.45 * r
    for i in range(7):
        w = 0.3 * r * (1 - i * 0.05)
        pen.ellipse(x + (0.06 * r if i % 2 else -0.06 * r) * s, y, w, 0.26 * r, colour, shade=0.3)
        y += 0.33 * r
        x += s * 0.04 * r
    pen.ellipse(x, y - 0.1 * r, 0.16 * r, 0.12 * r, tie, shade=0.3)
    pen.poly([(x - 0.12 * r, y), (x + 0.12 * r, y), (x + 0.16 * r, y + 0.4 * r), (x, y + 0.3 * r),
              (x - 0.16 * r, y + 0.4 * r)], colour, shade=0.3)
