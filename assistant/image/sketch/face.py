"""Faces of the sketch renderer: big anime eyes, brows and mouths that carry the expression."""

from __future__ import annotations

from assistant.image import palette
from assistant.image.sketch.draw import Pen, arc, smooth

WHITE = (255, 255, 255)
MOUTH = (150, 46, 62)
TONGUE = (246, 130, 140)
TEAR = (140, 200, 255)
BLUSH = (255, 120, 140)


def eye(pen: Pen, x: float, y: float, w: float, h: float, iris, side: int, kind: str, lashes: bool,
        look: float = 0.0, slit: bool = False, pet: bool = False, lid=None) -> None:
    """One eye at (x, y), half size w x h; side is -1/1 for the viewer's left/right eye."""
    ink = (40, 28, 40)
    lw = max(pen.lw * 1.6, h * 0.2)
    if kind == "happy":      # ^ ^
        pen.stroke(smooth([(x - w, y + 0.25 * h), (x, y - 0.45 * h), (x + w, y + 0.25 * h)], 5), ink, lw)
        return
    if kind == "closed":     # sleeping: a soft downward curve with lashes
        pts = smooth([(x - w, y), (x, y + 0.35 * h), (x + w, y)], 5)
        pen.stroke(pts, ink, lw)
        for t in (0.25, 0.5, 0.75):
            px, py = pts[int(t * (len(pts) - 1))]
            pen.stroke([(px, py), (px + (t - 0.5) * w * 0.5, py + 0.3 * h)], ink, pen.lw)
        return
    small = kind == "surprised"
    ix = x + look * w * 0.3
    iw, ih = (w * 0.5, h * 0.55) if small else (w * 0.8, h * 0.9)
    iy = y + (0.0 if small else 0.1 * h)
    if pet and not small:  # pets: one big shiny iris, outlined, no white showing
        pen.oval(x, y + 0.05 * h, w * 1.08, h * 1.02, ink)
        ix, iy, iw, ih = x, y + 0.05 * h, w * 0.96, h * 0.92
    else:
        pen.oval(x, y + 0.05 * h, w * 1.02, h * 0.98, WHITE)
    pen.oval(ix, iy, iw, ih, palette.shade(iris, 0.45))
    pen.oval(ix, iy + ih * 0.15, iw * 0.86, ih * 0.8, iris)
    pen.oval(ix, iy + ih * 0.55, iw * 0.6, ih * 0.28, palette.light(iris, 0.45))
    pen.oval(ix, iy + ih * 0.05, iw * (0.16 if slit else 0.42), ih * (0.7 if slit else 0.48), palette.shade(iris, 0.7))
    pen.dot(ix - iw * 0.38, iy - ih * 0.32, iw * 0.36, WHITE)
    pen.dot(ix + iw * 0.35, iy + ih * 0.42, iw * 0.16, WHITE)
    if kind == "teary":
        pen.dot(ix + iw * 0.1, iy - ih * 0.45, iw * 0.2, WHITE)
        pen.stroke([(x - w * 0.8, y + h * 0.8), (x + w * 0.8, y + h * 0.8)], (200, 235, 255), pen.lw * 1.2)
    skin = lid or palette.SKIN  # half-closed lids are painted in the face's own colour
    inner = -side  # toward the nose
    if pet and kind not in ("half", "angry", "sad"):
        return
    if kind == "half":       # serious: the upper lid comes down
        pen.flat([(x - w * 1.2, y - h * 1.3), (x + w * 1.2, y - h * 1.3), (x + w * 1.2, y - h * 0.3),
                  (x - w * 1.2, y - h * 0.3)], skin)
        pen.stroke([(x - w * 1.05, y - h * 0.3), (x + w * 1.05, y - h * 0.35)], ink, lw)
    elif kind == "angry":    # lids slant down toward the nose
        pen.flat([(x + inner * w * 1.2, y - h * 1.3), (x - inner * w * 1.2, y - h * 1.3),
                  (x - inner * w * 1.2, y - h * 0.75), (x + inner * w * 1.2, y - h * 0.05)], skin)
        pen.stroke([(x - inner * w * 1.1, y - h * 0.75), (x + inner * w * 1.05, y - h * 0.1)], ink, lw)
    elif kind == "sad":      # lids droop toward the outside
        pen.flat([(x - inner * w * 1.2, y - h * 1.3), (x + inner * w * 1.2, y - h * 1.3),
                  (x + inner * w * 1.2, y - h * 0.85), (x - inner * w * 1.2, y - h * 0.25)], skin)
        pen.stroke([(x + inner * w * 1.1, y - h * 0.85), (x - inner * w * 1.1, y - h * 0.25)], ink, lw)
    else:
        top = smooth([(x - w * 1.12, y - h * 0.15), (x - w * 0.3, y - h * 0.98), (x + w * 0.5, y - h * 0.95),
                      (x + w * 1.12, y - h * 0.3)], 4)
        if side < 0:
            top = [(2 * x - px, py) for px, py in top]
        pen.stroke(top, ink, lw)
        if lashes:
            ox, oy = (x + side * w * 1.12, y - h * 0.3 if side > 0 else y - h * 0.15)
            pen.flat([(ox, oy - lw * 0.3), (ox + side * w * 0.45, oy - h * 0.35), (ox - side * w * 0.1, oy + lw * 0.5)],
                     ink)
    pen.stroke([(x - w * 0.45, y + h * 0.98), (x + w * 0.45, y + h * 0.95)], ink, pen.lw * 0.8)


def brows(pen: Pen, hx: float, y: float, dx: float, w: float, kind: str, colour, thick: float) -> None:
    for side in (-1, 1):
        cx = hx + side * dx
        inner, outer = cx - side * w, cx + side * w
        if kind == "angry":
            pts = [(inner, y + 0.5 * w), (cx, y + 0.05 * w), (outer, y - 0.35 * w)]
        elif kind in ("sad", "crying", "shy"):
            pts = [(inner, y - 0.45 * w), (cx, y - 0.2 * w), (outer, y + 0.2 * w)]
        elif kind == "surprised":
            pts = [(inner, y - 0.25 * w), (cx, y - 0.6 * w), (outer, y - 0.3 * w)]
        elif kind == "serious":
            pts = [(inner, y + 0.05 * w), (cx, y - 0.05 * w), (outer, y - 0.05 * w)]
        else:
            pts = [(inner, y - 0.05 * w), (cx, y - 0.25 * w), (outer, y + 0.08 * w)]
        pen.stroke(smooth(pts, 4), colour, thick)


def mouth(pen: Pen, x: float, y: float, r: float, kind: str, lips: bool) -> None:
    ink = (150, 60, 70) if lips else (90, 40, 50)
    if kind == "laughing":
        pts = [(x - 0.26 * r, y - 0.06 * r), (x + 0.26 * r, y - 0.06 * r)] + arc(x, y - 0.06 * r, 0.26 * r, 0.3 * r, 0, 180, 12)
        pen.poly(pts, MOUTH, shade=None, lw=pen.lw)
        pen.oval(x, y + 0.14 * r, 0.14 * r, 0.08 * r, TONGUE)
    elif kind == "crying":
        top = [(x - 0.2 * r, y), (x - 0.1 * r, y - 0.05 * r), (x, y), (x + 0.1 * r, y - 0.05 * r), (x + 0.2 * r, y)]
        pen.poly(top + [(x + 0.16 * r, y + 0.15 * r), (x - 0.16 * r, y + 0.15 * r)], MOUTH, shade=None)
    elif kind == "angry":
        pts = [(x - 0.12 * r, y - 0.04 * r), (x + 0.12 * r, y - 0.04 * r), (x + 0.2 * r, y + 0.14 * r),
               (x - 0.2 * r, y + 0.14 * r)]
        pen.poly(pts, MOUTH, shade=None)
        pen.flat([(x - 0.11 * r, y - 0.02 * r), (x + 0.11 * r, y - 0.02 * r), (x + 0.13 * r, y + 0.03 * r),
                  (x - 0.13 * r, y + 0.03 * r)], WHITE)
    elif kind == "surprised":
        pen.ellipse(x, y + 0.04 * r, 0.09 * r, 0.12 * r, MOUTH, shade=None)
    elif kind == "serious":
        pen.stroke([(x - 0.12 * r, y + 0.02 * r), (x + 0.12 * r, y + 0.02 * r)], ink, pen.lw * 1.1)
    elif kind == "shy":
        pen.stroke([(x - 0.12 * r, y + 0.03 * r), (x - 0.04 * r, y - 0.01 * r), (x + 0.04 * r, y + 0.04 * r),
                    (x + 0.12 * r, y)], ink, pen.lw)
    elif kind == "sad":
        pen.stroke(smooth([(x - 0.16 * r, y + 0.08 * r), (x, y - 0.02 * r), (x + 0.16 * r, y + 0.08 * r)], 4),
                   ink, pen.lw * 1.1)
    else:  # smiling: a small open smile reads as cheerful even at thumbnail size
        pts = [(x - 0.17 * r, y - 0.02 * r), (x + 0.17 * r, y - 0.02 * r)] + arc(x, y - 0.02 * r, 0.17 * r, 0.15 * r,
                                                                                  0, 180, 10)
        pen.poly(pts, MOUTH, shade=None)
        pen.oval(x, y + 0.07 * r, 0.08 * r, 0.04 * r, TONGUE)


def blush(pen: Pen, hx: float, y: float, dx: float, r: float, strength: float, hatch: bool) -> None:
    colour = palette.mix(palette.SKIN, BLUSH, strength)
    for side in (-1, 1):
        pen.oval(hx + side * dx, y, 0.2 * r, 0.08 * r, colour)
        if hatch:
            for k in (-1, 0, 1):
                bx = hx + side * dx + k * 0.09 * r
                pen.stroke([(bx + 0.03 * r, y - 0.05 * r), (bx - 0.03 * r, y + 0.05 * r)], (230, 90, 110), pen.lw * 0.7)


def tears(pen: Pen, hx: float, ey: float, dx: float, eh: float, r: float) -> None:
    for side in (-1, 1):
        x = hx + side * dx
        stream = [(x - 0.07 * r, ey + eh * 0.9), (x + 0.07 * r, ey + eh * 0.9),
                  (x + side * 0.05 * r + 0.05 * r, ey + 0.95 * r), (x + side * 0.05 * r - 0.05 * r, ey + 0.95 * r)]
        pen.poly(stream, TEAR, shade=None, lw=pen.lw * 0.6)
        px, py = x + side * 0.35 * r, ey + 0.2 * r
        pen.poly([(px, py - 0.16 * r)] + arc(px, py, 0.08 * r, 0.09 * r, -20, 200, 8), TEAR, shade=None,
                 lw=pen.lw * 0.6)


def anger_mark(pen: Pen, x: float, y: float, r: float) -> None:
    red = (230, 40, 60)
    for dx, dy in ((-1, -1), (1, -1), (-1, 1), (1, 1)):
        cx, cy = x + dx * 0.09 * r, y + dy * 0.09 * r
        pen.stroke(smooth([(cx + dx * 0.1 * r, cy), (cx, cy), (cx, cy + dy * 0.1 * r)], 3), red, pen.lw * 1.5)


def sweat(pen: Pen, x: float, y: float, r: float) -> None:
    pen.poly([(x, y - 0.2 * r)] + arc(x, y, 0.1 * r, 0.11 * r, -20, 200, 8), (170, 220, 255), shade=None,
             lw=pen.lw * 0.7)
