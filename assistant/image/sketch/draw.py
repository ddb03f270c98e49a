"""Drawing primitives of the sketch renderer: outlined, cel-shaded shapes on a supersampled canvas.

Callers work in output pixels (floats); the pen multiplies by the supersampling factor so a
picture drawn at 2x and downsampled gets smooth edges without anyone thinking about it. Cel
shading is the classic two-tone trick: the shape is filled with its shadow colour, then again in
its base colour squeezed toward the lit (left) side, leaving a shadow band on the right.
"""

from __future__ import annotations

import math
from typing import Iterable, Sequence

from PIL import Image, ImageChops, ImageDraw

from assistant.image import palette

Point = tuple[float, float]


def arc(cx: float, cy: float, rx: float, ry: float, a0: float, a1: float, n: int = 16) -> list[Point]:
    """Points on an ellipse from angle a0 to a1 (degrees, 0 = right, 90 = down, screen coordinates)."""
    out = []
    for i in range(n + 1):
        a = math.radians(a0 + (a1 - a0) * i / n)
        out.append((cx + rx * math.cos(a), cy + ry * math.sin(a)))
    return out


def smooth(points: Sequence[Point], n: int = 6, closed: bool = False) -> list[Point]:
    """A Catmull-Rom curve through the points: hand-placed control points become soft outlines."""
    pts = list(points)
    if len(pts) < 3:
        return pts
    if closed:
        ext = [pts[-1]] + pts + [pts[0], pts[1]]
        segments = len(pts)
    else:
        ext = [pts[0]] + pts + [pts[-1]]
        segments = len(pts) - 1
    out: list[Point] = []
    for i in range(segments):
        p0, p1, p2, p3 = ext[i], ext[i + 1], ext[i + 2], ext[i + 3]
        for k in range(n):
            t = k / n
            t2, t3 = t * t, t * t * t
            out.append(tuple(  # type: ignore[arg-type]
                0.5 * ((2 * b) + (-a + c) * t + (2 * a - 5 * b + 4 * c - d) * t2 + (-a + 3 * b - 3 * c + d) * t3)
                for a, b, c, d in zip(p0, p1, p2, p3)))
    if not closed:
        out.append(pts[-1])
    return out


def lerp(a: Point, b: Point, t: float) -> Point:
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)


def bbox(points: Iterable[Point]) -> tuple[float, float, float, float]:
    xs, ys = zip(*points)
    return min(xs), min(ys), max(xs), max(ys)


def squeeze(points: Sequence[Point], amount: float, side: int = 1) -> list[Point]:
    """The lit part of a shape: the shape compressed horizontally toward its left (side=1) edge."""
    x0, _, x1, _ = bbox(points)
    if side > 0:
        return [(x0 + (x - x0) * (1 - amount), y) for x, y in points]
    return [(x1 - (x1 - x) * (1 - amount), y) for x, y in points]


def mirror(points: Sequence[Point], cx: float) -> list[Point]:
    return [(2 * cx - x, y) for x, y in points]


class Pen:
    """ImageDraw in output-pixel coordinates with outlines and two-tone shading built in."""

    def __init__(self, image: Image.Image, scale: float, line_width: float, outline: palette.RGB | None = None,
                 origin: Point = (0.0, 0.0)):
        self.image = image
        self.draw = ImageDraw.Draw(image, image.mode)
        self.s = scale
        self.lw = line_width
        self.outline = outline  # None: each shape is outlined in a dark version of its own colour
        self.ox, self.oy = origin  # the picture point at the image's top-left (figures drawn on their own layer)

    def _p(self, pts: Iterable[Point]) -> list[tuple[float, float]]:
        s, ox, oy = self.s, self.ox, self.oy
        return [((x - ox) * s, (y - oy) * s) for x, y in pts]

    def _box(self, cx: float, cy: float, rx: float, ry: float) -> list[float]:
        s = self.s
        x, y = (cx - self.ox) * s, (cy - self.oy) * s
        return [x - rx * s, y - ry * s, x + rx * s, y + ry * s]

    def _w(self, w: float) -> int:
        return max(1, int(round(w * self.s)))

    def _line_colour(self, fill):
        if self.outline is not None:
            return self.outline
        return palette.line(fill[:3]) if fill is not None else palette.OUTLINE

    # ---- filled shapes -------------------------------------------------------------------------
    def poly(self, pts: Sequence[Point], fill, shade: float | None = 0.28, outline: bool = True,
             lw: float | None = None, side: int = 1, shade_colour=None, clip: bool = False) -> None:
        """clip=True keeps the lit part inside the shape: needed for concave shapes (hair around a face)."""
        if len(pts) < 3:
            return
        if shade and clip:
            self._clipped(pts, fill, shade_colour or palette.shade(fill[:3]), squeeze(pts, shade, side))
        elif shade:
            self.draw.polygon(self._p(pts), fill=shade_colour or palette.shade(fill[:3]))
            self.draw.polygon(self._p(squeeze(pts, shade, side)), fill=fill)
        else:
            self.draw.polygon(self._p(pts), fill=fill)
        if outline:
            self.stroke(list(pts) + [pts[0]], self._line_colour(fill), lw)

    def _clipped(self, pts, fill, dark, lit_pts) -> None:
        full = self._p(pts)
        x0, y0, x1, y1 = bbox(full)
        x0, y0 = int(math.floor(x0)) - 1, int(math.floor(y0)) - 1
        w, h = int(math.ceil(x1)) - x0 + 2, int(math.ceil(y1)) - y0 + 2
        if w <= 0 or h <= 0:
            return
        shape = Image.new("L", (w, h), 0)
        ImageDraw.Draw(shape).polygon([(x - x0, y - y0) for x, y in full], fill=255)
        lit = Image.new("L", (w, h), 0)
        ImageDraw.Draw(lit).polygon([(x - x0, y - y0) for x, y in self._p(lit_pts)], fill=255)
        if self.image.mode == "RGBA":
            dark, fill = tuple(dark[:3]) + (255,), tuple(fill[:3]) + (255,)
        self.image.paste(dark, (x0, y0, x0 + w, y0 + h), shape)
        self.image.paste(fill, (x0, y0, x0 + w, y0 + h), ImageChops.multiply(shape, lit))

    def ellipse(self, cx: float, cy: float, rx: float, ry: float, fill, shade: float | None = 0.25,
                outline: bool = True, lw: float | None = None, side: int = 1, shade_colour=None) -> None:
        s = self.s
        box = self._box(cx, cy, rx, ry)
        if box[2] - box[0] < 1 or box[3] - box[1] < 1:
            return
        if shade:
            self.draw.ellipse(box, fill=shade_colour or palette.shade(fill[:3]))
            k = 2 * rx * shade
            lit = [box[0], box[1], box[2] - k * s, box[3]] if side > 0 else [box[0] + k * s, box[1], box[2], box[3]]
            self.draw.ellipse(lit, fill=fill)
        else:
            self.draw.ellipse(box, fill=fill)
        if outline:
            self.draw.ellipse(box, outline=self._line_colour(fill), width=self._w(lw or self.lw))

    def cluster(self, circles, fill, shade_colour=None, light_colour=None) -> None:
        """Overlapping circles read as one outlined puff (tree canopies, curls): outlines first, fills after."""
        line = self._line_colour(fill)
        dark = shade_colour or palette.shade(fill[:3])
        for x, y, r in circles:
            self.dot(x, y, r + self.lw, line)
        for x, y, r in circles:
            self.dot(x, y, r, dark)
        for x, y, r in circles:
            self.dot(x - r * 0.18, y - r * 0.2, r * 0.78, fill)
        if light_colour is not None:
            for x, y, r in circles[::3]:
                self.dot(x - r * 0.35, y - r * 0.4, r * 0.25, light_colour)

    def rect(self, x0: float, y0: float, x1: float, y1: float, fill, shade: float | None = None,
             outline: bool = True, lw: float | None = None) -> None:
        self.poly([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], fill, shade=shade, outline=outline, lw=lw)

    def flat(self, pts: Sequence[Point], fill) -> None:
        """An unoutlined, unshaded polygon (backgrounds, glows, shadows on the ground)."""
        if len(pts) >= 3:
            self.draw.polygon(self._p(pts), fill=fill)

    def dot(self, cx: float, cy: float, r: float, fill) -> None:
        self.draw.ellipse(self._box(cx, cy, r, r), fill=fill)

    def oval(self, cx: float, cy: float, rx: float, ry: float, fill) -> None:
        if rx * self.s >= 0.5 and ry * self.s >= 0.5:
            self.draw.ellipse(self._box(cx, cy, rx, ry), fill=fill)

    def ring(self, cx: float, cy: float, rx: float, ry: float, colour, lw: float) -> None:
        self.draw.ellipse(self._box(cx, cy, rx, ry), outline=colour, width=self._w(lw))

    # ---- lines ---------------------------------------------------------------------------------
    def stroke(self, pts: Sequence[Point], colour, lw: float | None = None) -> None:
        if len(pts) >= 2:
            self.draw.line(self._p(pts), fill=colour, width=self._w(lw or self.lw), joint="curve")

    def limb(self, pts: Sequence[Point], width: float, fill, outline: bool = True, shade: bool = True) -> None:
        """A rounded, outlined tube through the points (arms, legs, tails, sleeves)."""
        pts = list(pts)
        w = width
        line = self._line_colour(fill)
        if outline:
            ow = w + 2 * self.lw
            self.stroke(pts, line, ow)
            for x, y in (pts[0], pts[-1]):
                self.dot(x, y, ow / 2, line)
        body = palette.shade(fill[:3]) if shade else fill
        self.stroke(pts, body, w)
        for x, y in (pts[0], pts[-1]):
            self.dot(x, y, w / 2, body)
        if shade:
            # the lit half sits toward the light (up-left), leaving the shadow on the far side
            off = w * 0.16
            lit = [(x - off, y - off * 0.3) for x, y in pts]
            self.stroke(lit, fill, w * 0.62)
            for x, y in (lit[0], lit[-1]):
                self.dot(x, y, w * 0.31, fill)
