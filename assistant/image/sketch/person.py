"""People in the sketch renderer: body, outfit, arms, face, hair, accessories and held props.

Drawing order is back to front: things behind the body (back hair, backpack, cape, bench), legs,
lower garment, torso, arms, head, face, front hair, head accessories, props in the hands.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from assistant.image import palette
from assistant.image.palette import RGB
from assistant.image.sketch import accessory as acc, face, hair, props
from assistant.image.sketch.draw import Pen, arc, lerp, smooth
from assistant.image.sketch.look import Look
from assistant.image.sketch.pose import Build, Skeleton

JEANS = (78, 108, 168)
DARK = (58, 58, 78)
KHAKI = (196, 166, 116)
WHITE = (248, 248, 250)
SNEAKER = (250, 250, 250)
LOAFER = (110, 60, 40)
BLACK_SHOE = (50, 45, 55)
CAPE = (180, 40, 50)


def parts(look: Look, sk: Skeleton) -> dict:
    """What to paint where for the outfit: colours of top, sleeves, lower garment, legs and shoes."""
    c = look.cloth
    fem = sk.build.feminine
    small = look.subject == "child"
    p = dict(top=c, sleeve="long", sleeve_c=c, bottom="trousers", bottom_c=JEANS, legs=look.skin, socks=None,
             shoes=SNEAKER, hem=0.0, region="torso")
    o = look.outfit
    if o == "dress":
        p.update(sleeve="short", bottom="skirt", bottom_c=c, hem=0.5, shoes=(170, 60, 70))
    elif o == "school uniform":
        if fem:
            p.update(top=WHITE, sleeve_c=WHITE, bottom="skirt", bottom_c=c, hem=0.36, socks=(40, 40, 60),
                     shoes=LOAFER, region="bottom")
        else:
            p.update(bottom_c=c, shoes=LOAFER)
    elif o == "kimono":
        p.update(sleeve="wide", bottom="robe", bottom_c=c, shoes=(150, 100, 60))
    elif o == "hoodie":
        p.update(bottom="shorts" if small else "trousers", bottom_c=JEANS)
    elif o == "suit":
        p.update(bottom_c=palette.shade(c, 0.12), shoes=BLACK_SHOE)
    elif o == "t-shirt":
        p.update(sleeve="short", bottom="shorts" if (small or look.subject in ("girl", "boy")) else "trousers")
    elif o == "jacket":
        p.update(bottom_c=JEANS if palette.distance(c, JEANS) > 80 else DARK)
    elif o == "sweater":
        if fem:
            p.update(bottom="skirt", bottom_c=(70, 60, 90), hem=0.38, legs=(70, 60, 80))
        else:
            p.update(bottom_c=KHAKI if palette.distance(c, KHAKI) > 80 else DARK)
    elif o == "coat":
        p.update(bottom="coat", bottom_c=c, legs=(60, 50, 60), shoes=(90, 55, 40))
    elif o == "swimsuit":
        if fem:
            p.update(sleeve="none", bottom="none", shoes=None)
        else:
            p.update(top=None, sleeve="none", bottom="shorts", bottom_c=c, shoes=None, region="bottom")
    elif o == "armor":
        p.update(bottom_c=(80, 70, 80), legs=c, shoes=palette.shade(c, 0.15))
    elif o == "shirt":
        p.update(sleeve="rolled", bottom_c=DARK if palette.distance(c, DARK) > 80 else KHAKI, shoes=LOAFER)
    elif o == "skirt":
        p.update(top=WHITE, sleeve="short", sleeve_c=WHITE, bottom="skirt", bottom_c=c, hem=0.4, region="bottom",
                 shoes=(170, 60, 70))
    return p


def frame(look: Look, sk: Skeleton) -> hair.HeadFrame:
    waist = sk.neck[1] + sk.build.torso * sk.r * 0.85
    if look.subject == "woman":
        waist += 0.5 * sk.r
    return hair.HeadFrame(sk.hx, sk.hy, sk.r, sk.build.chin, waist, sk.side_a, not sk.build.feminine)


def anchors(look: Look, sk: Skeleton) -> acc.Anchors:
    b, r = sk.build, sk.r
    free = -sk.side_a
    return acc.Anchors(hx=sk.hx, hy=sk.hy, r=r, eye_y=sk.hy + b.eye_y * r, eye_dx=0.42 * r, eye_w=b.eye_w * r,
                       eye_h=b.eye_h * r, ear_y=sk.hy + 0.35 * r, ear_dx=0.98 * r, mouth_y=sk.hy + b.chin * 0.66 * r,
                       chin_y=sk.hy + b.chin * r, neck=sk.neck, neck_w=0.26 * r, shoulder_w=b.shoulders * r,
                       torso_bottom=sk.pelvis[1], hand=sk.hands[free], hand_side=free)


def torso_points(sk: Skeleton, flare: float = 0.0, bottom: float | None = None):
    b, r, cx = sk.build, sk.r, sk.cx
    ny, py = sk.neck[1], sk.pelvis[1]
    bottom = py + 0.2 * r if bottom is None else bottom
    sh, ww, hw = b.shoulders * r, b.waist * r, b.hips * r + flare
    half = [(cx + 0.4 * r, ny - 0.04 * r), (cx + sh - 0.3 * r, ny + 0.04 * r), (cx + sh - 0.05 * r, ny + 0.25 * r),
            (cx + sh, ny + 0.55 * r), (cx + ww, ny + 0.66 * (py - ny)), (cx + hw, bottom)]
    left = [(2 * cx - x, y) for x, y in reversed(half)]
    return half + left


# ---- the lower body ------------------------------------------------------------------------------

def _legs(pen: Pen, look: Look, sk: Skeleton, p: dict) -> None:
    r, b = sk.r, sk.build
    covered = p["bottom"] in ("trousers",)
    for side in (-1, 1):
        pts = [sk.hips[side], sk.knees[side], sk.feet[side]]
        if covered:
            pen.limb(pts, b.leg_w * r * 1.2, p["bottom_c"])
        else:
            pen.limb(pts, b.leg_w * r, p["legs"])
            if p["socks"]:
                pen.limb([lerp(sk.knees[side], sk.feet[side], 0.15), sk.feet[side]], b.leg_w * r * 1.02, p["socks"])
        if p["shoes"]:
            fx, fy = sk.feet[side]
            pen.ellipse(fx + side * 0.08 * r, fy + 0.02 * r, 0.32 * r, 0.17 * r, p["shoes"], shade=0.3)
    if p["bottom"] == "trousers":
        pen.poly([(sk.cx - b.hips * r, sk.pelvis[1] - 0.5 * r), (sk.cx + b.hips * r, sk.pelvis[1] - 0.5 * r),
                  (sk.cx + b.hips * r * 0.95, sk.pelvis[1] + 0.35 * r), (sk.cx, sk.pelvis[1] + 0.45 * r),
                  (sk.cx - b.hips * r * 0.95, sk.pelvis[1] + 0.35 * r)], p["bottom_c"], shade=0.25)
    elif p["bottom"] == "shorts":
        for side in (-1, 1):
            pen.limb([sk.hips[side], lerp(sk.hips[side], sk.knees[side], 0.55)], b.leg_w * r * 1.45, p["bottom_c"])
        pen.poly([(sk.cx - b.hips * r, sk.pelvis[1] - 0.5 * r), (sk.cx + b.hips * r, sk.pelvis[1] - 0.5 * r),
                  (sk.cx + b.hips * r, sk.pelvis[1] + 0.3 * r), (sk.cx - b.hips * r, sk.pelvis[1] + 0.3 * r)],
                 p["bottom_c"], shade=0.25)


def skirt_points(look: Look, sk: Skeleton, hem_share: float, flare: float):
    r, b, cx = sk.r, sk.build, sk.cx
    top = sk.neck[1] + 0.7 * (sk.pelvis[1] - sk.neck[1])
    hem = sk.pelvis[1] + hem_share * sk.leg_len
    if sk.seat is not None:
        hem = max(sk.knees[1][1] + 0.3 * r, sk.pelvis[1] + 0.6 * r)
    wide = b.hips * r + flare * r + (0.5 * r if look.action in ("dancing", "running") else 0.0)
    n = 6
    hem_pts = []
    for i in range(n + 1):
        x = cx + wide - 2 * wide * i / n
        hem_pts.append((x, hem + (0.08 * r if i % 2 else 0.0)))
    return [(cx - b.waist * r, top), (cx + b.waist * r, top)] + hem_pts


def _lower(pen: Pen, look: Look, sk: Skeleton, p: dict) -> None:
    r, b, cx = sk.r, sk.build, sk.cx
    kind = p["bottom"]
    if kind == "skirt":
        pts = skirt_points(look, sk, p["hem"], 0.55)
        pen.poly(pts, p["bottom_c"], shade=0.25)
        if look.outfit in ("school uniform", "skirt"):  # pleats
            top = pts[0][1]
            for k in (-2, -1, 0, 1, 2):
                x = cx + k * b.waist * r * 0.45
                pen.stroke([(x, top + 0.2 * r), (x + k * 0.25 * r, pts[3][1] - 0.05 * r)],
                           palette.shade(p["bottom_c"], 0.3), pen.lw * 0.8)
    elif kind == "robe":
        hem = max(sk.feet[-1][1], sk.feet[1][1]) - 0.15 * r
        ny = sk.neck[1]
        pts = [(cx - b.shoulders * r * 0.8, ny + 0.3 * r), (cx + b.shoulders * r * 0.8, ny + 0.3 * r),
               (cx + b.hips * r + 0.25 * r, hem), (cx - b.hips * r - 0.25 * r, hem)]
        pen.poly(pts, p["bottom_c"], shade=0.25)
        pen.stroke([(cx - 0.1 * r, sk.pelvis[1]), (cx + 0.35 * r, hem)], palette.shade(p["bottom_c"], 0.35), pen.lw)
    elif kind == "coat":
        hem = sk.pelvis[1] + 0.55 * sk.leg_len
        if sk.seat is not None:
            hem = sk.knees[1][1] + 0.4 * r
        pts = [(cx - b.waist * r * 1.1, sk.pelvis[1] - 0.6 * r), (cx + b.waist * r * 1.1, sk.pelvis[1] - 0.6 * r),
               (cx + b.hips * r + 0.45 * r, hem), (cx + 0.1 * r, hem), (cx, hem - 0.3 * r), (cx - 0.1 * r, hem),
               (cx - b.hips * r - 0.45 * r, hem)]
        pen.poly(pts, p["bottom_c"], shade=0.25)


# ---- the upper body ------------------------------------------------------------------------------

def _neck(pen: Pen, look: Look, sk: Skeleton) -> None:
    r = sk.r
    x, chin, ny = sk.hx, sk.hy + sk.build.chin * r, sk.neck[1]
    pen.poly([(x - 0.24 * r, chin - 0.35 * r), (x + 0.24 * r, chin - 0.35 * r), (x + 0.27 * r, ny + 0.3 * r),
              (x - 0.27 * r, ny + 0.3 * r)], look.skin, shade=0.3)
    pen.flat(arc(x, chin - 0.05 * r, 0.26 * r, 0.16 * r, 0, 180, 8), palette.shade(look.skin, 0.18))


@dataclass(frozen=True)
class _Top:
    """What an outfit painter needs: the pen, the figure, the outfit's parts and its main measures."""
    pen: Pen
    look: Look
    sk: Skeleton
    p: dict

    @property
    def r(self) -> float:
        return self.sk.r

    @property
    def b(self) -> Build:
        return self.sk.build

    @property
    def cx(self) -> float:
        return self.sk.cx

    @property
    def ny(self) -> float:  # neck base
        return self.sk.neck[1]

    @property
    def py(self) -> float:  # pelvis
        return self.sk.pelvis[1]

    @property
    def c(self) -> RGB:
        return self.look.cloth

    @property
    def line(self) -> RGB:  # seams and buttons: the top's colour, darker
        return palette.shade(self.p["top"], 0.35)

    def body(self, bottom: float | None = None) -> None:
        """The garment's base shape over the torso, in the top's colour."""
        self.pen.poly(torso_points(self.sk, bottom=bottom), self.p["top"], shade=0.26)


def _bare_chest(t: _Top) -> None:
    # swim trunks: the torso stops where the trunks begin
    pen, r, cx, ny = t.pen, t.r, t.cx, t.ny
    skin = t.look.skin
    pen.poly(torso_points(t.sk, bottom=t.py - 0.45 * r), skin, shade=0.3)
    pen.stroke(smooth([(cx - 0.6 * r, ny + 0.9 * r), (cx - 0.1 * r, ny + 1.0 * r)], 2), palette.shade(skin, 0.3),
               pen.lw * 0.8)
    pen.stroke(smooth([(cx + 0.6 * r, ny + 0.9 * r), (cx + 0.1 * r, ny + 1.0 * r)], 2), palette.shade(skin, 0.3),
               pen.lw * 0.8)


def _swimsuit(t: _Top) -> None:
    # one piece: skin shoulders, suit from the chest down
    pen, r, b, cx, ny, py, c = t.pen, t.r, t.b, t.cx, t.ny, t.py, t.c
    pts = torso_points(t.sk)
    pen.poly(pts, t.look.skin, shade=0.3)
    top = ny + 0.55 * r
    suit = [(cx - b.waist * r * 1.2, top), (cx + b.waist * r * 1.2, top)] + \
           [pt for pt in pts if pt[1] > top and pt[0] > cx] + \
           [(cx + b.hips * r * 0.5, py + 0.35 * r), (cx - b.hips * r * 0.5, py + 0.35 * r)] + \
           [pt for pt in pts if pt[1] > top and pt[0] < cx]
    pen.poly(suit, c, shade=0.28)
    for s in (-1, 1):
        pen.stroke([(cx + s * b.waist * r * 0.9, top + 0.05 * r), (cx + s * (b.shoulders - 0.4) * r, ny + 0.1 * r)],
                   c, 0.1 * r)


def _kimono(t: _Top) -> None:
    pen, r, b, cx, ny, py, c = t.pen, t.r, t.b, t.cx, t.ny, t.py, t.c
    pen.poly(torso_points(t.sk), c, shade=0.26)
    # crossed collar, white under-collar, and a wide obi in the accent colour
    pen.poly([(cx - 0.35 * r, ny - 0.05 * r), (cx - 0.1 * r, ny - 0.05 * r), (cx + 0.45 * r, ny + 1.3 * r),
              (cx + 0.2 * r, ny + 1.4 * r)], WHITE, shade=None)
    pen.poly([(cx + 0.35 * r, ny - 0.05 * r), (cx + 0.15 * r, ny - 0.05 * r), (cx - 0.25 * r, ny + 1.1 * r),
              (cx - 0.05 * r, ny + 1.25 * r)], WHITE, shade=None)
    obi_top = ny + 0.52 * (py - ny)
    obi = palette.rgb("gold") if palette.distance(c, palette.rgb("gold")) > 120 else palette.rgb("red")
    pen.rect(cx - b.waist * r * 1.12, obi_top, cx + b.waist * r * 1.12, obi_top + 0.75 * r, obi, shade=0.25)
    pen.stroke([(cx - b.waist * r * 1.1, obi_top + 0.38 * r), (cx + b.waist * r * 1.1, obi_top + 0.38 * r)],
               palette.shade(obi, 0.3), 0.08 * r)


def _dress(t: _Top) -> None:
    pen, r, b, cx, ny, py = t.pen, t.r, t.b, t.cx, t.ny, t.py
    t.body()
    for s in (-1, 1):  # Peter Pan collar
        pen.ellipse(cx + s * 0.26 * r, ny + 0.12 * r, 0.3 * r, 0.2 * r, WHITE, shade=None)
    pen.rect(cx - b.waist * r, ny + 0.68 * (py - ny), cx + b.waist * r, ny + 0.68 * (py - ny) + 0.2 * r,
             palette.shade(t.c, 0.2))


def _school_uniform(t: _Top) -> None:
    pen, r, cx, ny, c = t.pen, t.r, t.cx, t.ny, t.c
    t.body()
    if t.b.feminine:  # sailor collar and bow
        collar = [(cx - 0.9 * r, ny + 0.05 * r), (cx + 0.9 * r, ny + 0.05 * r), (cx + 1.0 * r, ny + 0.6 * r),
                  (cx + 0.25 * r, ny + 0.7 * r), (cx, ny + 1.2 * r), (cx - 0.25 * r, ny + 0.7 * r),
                  (cx - 1.0 * r, ny + 0.6 * r)]
        pen.poly(collar, c, shade=0.2)
        pen.stroke([(cx - 0.95 * r, ny + 0.5 * r), (cx - 0.3 * r, ny + 0.6 * r)], WHITE, pen.lw)
        pen.stroke([(cx + 0.95 * r, ny + 0.5 * r), (cx + 0.3 * r, ny + 0.6 * r)], WHITE, pen.lw)
        acc.bow(pen, cx, ny + 1.05 * r, 0.38 * r, (214, 48, 52))
        return
    # gakuran / blazer: white collar, gold buttons
    pen.poly([(cx - 0.4 * r, ny - 0.05 * r), (cx + 0.4 * r, ny - 0.05 * r), (cx, ny + 0.5 * r)], WHITE, shade=None)
    for k in range(4):
        pen.ellipse(cx, ny + (0.75 + k * 0.55) * r, 0.08 * r, 0.08 * r, palette.rgb("gold"), shade=None)


def _suit(t: _Top) -> None:
    pen, r, cx, ny, c = t.pen, t.r, t.cx, t.ny, t.c
    t.body()
    shirt = [(cx - 0.42 * r, ny - 0.04 * r), (cx + 0.42 * r, ny - 0.04 * r), (cx, ny + 1.3 * r)]
    pen.poly(shirt, WHITE, shade=None)
    pen.poly([(cx - 0.1 * r, ny + 0.1 * r), (cx + 0.1 * r, ny + 0.1 * r), (cx + 0.12 * r, ny + 1.0 * r),
              (cx, ny + 1.15 * r), (cx - 0.12 * r, ny + 1.0 * r)],
             (200, 40, 50) if palette.distance(c, (200, 40, 50)) > 120 else (40, 60, 140), shade=0.3)
    for s in (-1, 1):
        pen.poly([(cx + s * 0.42 * r, ny - 0.04 * r), (cx + s * 0.1 * r, ny + 1.3 * r),
                  (cx + s * 0.6 * r, ny + 0.6 * r)], palette.shade(c, 0.12), shade=None)
    pen.ellipse(cx - 0.05 * r, ny + 1.6 * r, 0.07 * r, 0.07 * r, t.line, shade=None)


def _hoodie(t: _Top) -> None:
    pen, r, cx, ny, py, c = t.pen, t.r, t.cx, t.ny, t.py, t.c
    t.body()
    pen.poly(arc(cx, ny + 0.05 * r, 0.75 * r, 0.35 * r, 0, 180, 10)[::-1] + arc(cx, ny + 0.1 * r, 0.45 * r, 0.2 * r, 0, 180, 8),
             palette.shade(c, 0.15), shade=None)
    for s in (-1, 1):
        pen.stroke([(cx + s * 0.2 * r, ny + 0.3 * r), (cx + s * 0.24 * r, ny + 1.1 * r)], WHITE, pen.lw * 1.2)
        pen.dot(cx + s * 0.24 * r, ny + 1.15 * r, 0.06 * r, WHITE)
    pocket_y = py - 0.9 * r
    pen.poly([(cx - 0.7 * r, pocket_y), (cx + 0.7 * r, pocket_y), (cx + 0.9 * r, py), (cx - 0.9 * r, py)],
             palette.shade(c, 0.08), shade=None)


def _t_shirt(t: _Top) -> None:
    pen, r, cx, ny, c = t.pen, t.r, t.cx, t.ny, t.c
    t.body()
    pen.stroke(arc(cx, ny, 0.38 * r, 0.2 * r, 0, 180, 8), t.line, pen.lw * 1.3)
    sx, sy = cx - 0.05 * r, ny + 1.2 * r
    star = [(sx + 0.36 * r * math.cos(math.radians(-90 + k * 36)) * (1 if k % 2 == 0 else 0.45),
             sy + 0.36 * r * math.sin(math.radians(-90 + k * 36)) * (1 if k % 2 == 0 else 0.45)) for k in range(10)]
    pen.poly(star, palette.light(c, 0.7) if palette.luminance(c) < 180 else palette.shade(c, 0.4), shade=None,
             lw=pen.lw * 0.7)


def _jacket(t: _Top) -> None:
    pen, r, cx, ny, py = t.pen, t.r, t.cx, t.ny, t.py
    t.body()
    inner = [(cx - 0.35 * r, ny - 0.03 * r), (cx + 0.35 * r, ny - 0.03 * r), (cx + 0.28 * r, py + 0.15 * r),
             (cx - 0.28 * r, py + 0.15 * r)]
    pen.poly(inner, WHITE, shade=None)
    for s in (-1, 1):
        pen.poly([(cx + s * 0.35 * r, ny - 0.1 * r), (cx + s * 0.75 * r, ny - 0.05 * r), (cx + s * 0.5 * r, ny + 0.7 * r),
                  (cx + s * 0.28 * r, ny + 0.5 * r)], palette.shade(t.c, 0.12), shade=None)
        pen.rect(cx + s * 0.5 * r - 0.2 * r, py - 0.9 * r, cx + s * 0.5 * r + 0.2 * r, py - 0.75 * r, t.line)


def _sweater(t: _Top) -> None:
    pen, r, b, cx, ny, py, c = t.pen, t.r, t.b, t.cx, t.ny, t.py, t.c
    t.body()
    pen.poly([(cx - 0.36 * r, ny - 0.35 * r), (cx + 0.36 * r, ny - 0.35 * r), (cx + 0.42 * r, ny + 0.15 * r),
              (cx - 0.42 * r, ny + 0.15 * r)], c, shade=0.3)
    for k in range(-3, 4):
        x = cx + k * 0.28 * r
        pen.stroke([(x, ny + 0.4 * r), (x, py - 0.1 * r)], palette.shade(c, 0.12), pen.lw * 0.9)
    pen.rect(cx - b.hips * r, py - 0.15 * r, cx + b.hips * r, py + 0.2 * r, palette.shade(c, 0.15))


def _coat(t: _Top) -> None:
    pen, r, b, cx, ny, py, c = t.pen, t.r, t.b, t.cx, t.ny, t.py, t.c
    t.body(bottom=py - 0.3 * r)  # the coat's skirt (drawn with the lower body) takes over here
    for s in (-1, 1):
        pen.poly([(cx + s * 0.3 * r, ny - 0.1 * r), (cx + s * 0.9 * r, ny + 0.05 * r), (cx + s * 0.55 * r, ny + 0.9 * r),
                  (cx, ny + 1.0 * r)], palette.shade(c, 0.1), shade=None)
        for k in range(3):
            pen.ellipse(cx + s * 0.35 * r, ny + (1.3 + 0.5 * k) * r, 0.07 * r, 0.07 * r, t.line, shade=None)
    pen.rect(cx - b.waist * r * 1.15, py - 0.85 * r, cx + b.waist * r * 1.15, py - 0.6 * r, palette.shade(c, 0.3))
    pen.rect(cx - 0.15 * r, py - 0.9 * r, cx + 0.15 * r, py - 0.55 * r, palette.rgb("gold"))


def _armor(t: _Top) -> None:
    # a breastplate with a hard specular glint, and banded plates below it
    pen, r, b, cx, ny, py, c = t.pen, t.r, t.b, t.cx, t.ny, t.py, t.c
    t.body()
    plate = smooth([(cx - b.shoulders * r * 0.85, ny + 0.2 * r), (cx, ny + 0.05 * r),
                    (cx + b.shoulders * r * 0.85, ny + 0.2 * r), (cx + b.waist * r * 0.95, ny + 0.55 * (py - ny)),
                    (cx, ny + 0.68 * (py - ny)), (cx - b.waist * r * 0.95, ny + 0.55 * (py - ny))], 4, closed=True)
    pen.poly(plate, palette.light(c, 0.15), shade=0.3)
    pen.stroke(smooth([(cx - 0.65 * r, ny + 0.75 * r), (cx - 0.3 * r, ny + 0.45 * r), (cx - 0.05 * r, ny + 0.4 * r)], 3),
               (255, 255, 255), 0.1 * r)
    pen.stroke([(cx, ny + 0.15 * r), (cx, ny + 0.66 * (py - ny))], palette.shade(c, 0.3), pen.lw)
    for k in (0.74, 0.84):
        y = ny + k * (py - ny)
        pen.stroke([(cx - b.waist * r, y), (cx + b.waist * r, y)], palette.shade(c, 0.4), pen.lw)
    pen.rect(cx - b.waist * r * 1.1, py - 0.45 * r, cx + b.waist * r * 1.1, py - 0.2 * r, (110, 70, 50))
    for k in (-1, 0, 1):  # tassets
        x = cx + k * 0.55 * r
        pen.poly([(x - 0.3 * r, py - 0.2 * r), (x + 0.3 * r, py - 0.2 * r), (x + 0.26 * r, py + 0.55 * r),
                  (x - 0.26 * r, py + 0.55 * r)], c, shade=0.3)


def _shirt(t: _Top) -> None:
    pen, r, cx, ny, c = t.pen, t.r, t.cx, t.ny, t.c
    t.body()
    for s in (-1, 1):
        pen.poly([(cx, ny + 0.2 * r), (cx + s * 0.45 * r, ny - 0.1 * r), (cx + s * 0.55 * r, ny + 0.35 * r)],
                 palette.light(c, 0.2), shade=None)
    for k in range(4):
        pen.ellipse(cx, ny + (0.6 + k * 0.5) * r, 0.06 * r, 0.06 * r, palette.light(c, 0.6), shade=None, lw=pen.lw * 0.6)
    pen.rect(cx - 0.75 * r, ny + 0.55 * r, cx - 0.35 * r, ny + 0.95 * r, c, shade=None)


def _skirt(t: _Top) -> None:
    # the top worn with a skirt: a plain blouse with a small bow
    pen, r, cx, ny = t.pen, t.r, t.cx, t.ny
    t.body()
    pen.stroke(arc(cx, ny, 0.38 * r, 0.2 * r, 0, 180, 8), t.line, pen.lw * 1.3)
    acc.bow(pen, cx, ny + 0.2 * r, 0.22 * r, t.c)


# One painter per outfit for the upper body; an outfit without one gets the plain garment shape.
TOPS = {
    "dress": _dress, "school uniform": _school_uniform, "kimono": _kimono, "hoodie": _hoodie, "suit": _suit,
    "t-shirt": _t_shirt, "jacket": _jacket, "sweater": _sweater, "coat": _coat, "swimsuit": _swimsuit,
    "armor": _armor, "shirt": _shirt, "skirt": _skirt,
}


def _torso(pen: Pen, look: Look, sk: Skeleton, p: dict) -> None:
    t = _Top(pen, look, sk, p)
    if p["top"] is None:
        _bare_chest(t)
    else:
        TOPS.get(look.outfit, _Top.body)(t)


def kimono_pattern(pen: Pen, look: Look, sk: Skeleton) -> None:
    """Small flowers on the kimono: the pattern is what makes the robe read as a kimono."""
    r, cx = sk.r, sk.cx
    light = palette.light(look.cloth, 0.6)
    bottom = max(sk.feet[-1][1], sk.feet[1][1]) - 0.3 * r
    local = random.Random(int(cx * 10 + r))  # its own stream: the pattern is the same in every layout run
    for _ in range(9):
        x = cx + (local.random() - 0.5) * 2.0 * r
        y = sk.pelvis[1] + local.random() * (bottom - sk.pelvis[1])
        for k in range(5):
            a = math.radians(k * 72)
            pen.dot(x + math.cos(a) * 0.09 * r, y + math.sin(a) * 0.09 * r, 0.07 * r, light)


def _arm(pen: Pen, look: Look, sk: Skeleton, p: dict, side: int) -> None:
    r, b = sk.r, sk.build
    s, e, h = sk.shoulders[side], sk.elbows[side], sk.hands[side]
    w = b.arm_w * r
    sleeve = p["sleeve"]
    pen.limb([s, e, h], w, look.skin)
    if sleeve == "long":
        pen.limb([s, e, lerp(e, h, 0.8)], w * 1.22, p["sleeve_c"])
        if look.outfit in ("hoodie", "sweater"):
            cuff = lerp(e, h, 0.78)
            pen.ellipse(cuff[0], cuff[1], w * 0.68, w * 0.68, palette.shade(p["sleeve_c"], 0.1), shade=None)
    elif sleeve == "short":
        pen.limb([s, lerp(s, e, 0.6)], w * 1.55, p["sleeve_c"])
    elif sleeve == "rolled":
        pen.limb([s, lerp(s, e, 0.98)], w * 1.25, p["sleeve_c"])
        pen.ellipse(e[0], e[1], w * 0.7, w * 0.55, palette.light(p["sleeve_c"], 0.15), shade=None)
    elif sleeve == "wide":  # kimono sleeves: a broad tube with a pocket of cloth hanging below the forearm
        wrist = lerp(e, h, 0.78)
        drop = 0.9 * r
        pen.poly([lerp(s, e, 0.3), e, (wrist[0] + side * 0.35 * r, wrist[1]), (wrist[0] + side * 0.4 * r, wrist[1] + drop),
                  (e[0] + side * 0.55 * r, e[1] + drop * 0.7)], p["bottom_c"], shade=0.3)
        pen.limb([s, e, wrist], w * 2.0, p["bottom_c"])
    if look.outfit == "armor":  # pauldrons and gauntlets with a glint each
        px, py = s[0] + side * 0.1 * r, s[1] - 0.05 * r
        pen.ellipse(px, py, 0.62 * r, 0.46 * r, look.cloth, shade=0.3)
        pen.stroke(arc(px - 0.1 * r, py, 0.4 * r, 0.28 * r, 200, 260, 5), (255, 255, 255), 0.08 * r)
        pen.limb([lerp(e, h, 0.3), lerp(e, h, 0.75)], w * 1.45, look.cloth)
    hand(pen, look, sk, side)


def hand(pen: Pen, look: Look, sk: Skeleton, side: int) -> None:
    x, y = sk.hands[side]
    w = sk.build.arm_w * sk.r
    pen.ellipse(x, y, w * 0.62, w * 0.66, look.skin, shade=0.25)


def _head(pen: Pen, look: Look, sk: Skeleton) -> None:
    r, b = sk.r, sk.build
    hx, hy = sk.head
    chin = b.chin * r
    jaw = 0.55 if b.feminine or look.subject == "child" else 0.68
    pts = arc(hx, hy, r, r * 1.0, 180, 360, 18) + smooth(
        [(hx + r, hy), (hx + 0.95 * r, hy + 0.5 * chin), (hx + jaw * r, hy + 0.88 * chin), (hx, hy + chin),
         (hx - jaw * r, hy + 0.88 * chin), (hx - 0.95 * r, hy + 0.5 * chin), (hx - r, hy)], 4)
    for s in (-1, 1):
        pen.ellipse(hx + s * 0.98 * r, hy + 0.35 * r, 0.16 * r, 0.22 * r, look.skin, shade=0.3)
    pen.poly(pts, look.skin, shade=0.12)


def _face(pen: Pen, look: Look, sk: Skeleton) -> None:
    r, b = sk.r, sk.build
    hx, hy = sk.head
    ex, ey = 0.42 * r, hy + b.eye_y * r
    ew, eh = b.eye_w * r, b.eye_h * r
    e = look.expression
    kind = {"laughing": "happy", "angry": "angry", "surprised": "surprised", "serious": "half", "sad": "sad",
            "crying": "teary"}.get(e, "open")
    if look.action == "sleeping":
        kind = "closed"
    gaze = -0.6 if e == "shy" else 0.0
    if look.action in ("walking", "running", "flying"):
        gaze = 0.5 * sk.side_a  # looking where they are going
    if look.action == "reading" and kind == "open":
        kind = "half"
    strong = e in ("shy", "laughing", "crying") or (b.feminine and e == "smiling") or look.subject == "child"
    face.blush(pen, hx, ey + eh + 0.1 * r, 0.56 * r, r, 0.55 if strong else 0.3, hatch=e in ("shy", "crying"))
    for side in (-1, 1):
        face.eye(pen, hx + side * ex, ey, ew, eh, look.eyes, side, kind, b.lashes, gaze)
    pen.stroke([(hx + 0.02 * r, hy + 0.5 * b.chin * r), (hx - 0.03 * r, hy + 0.56 * b.chin * r)],
               palette.shade(look.skin, 0.3), pen.lw * 0.9)
    if "mask" not in look.accessories:
        mkind = "smiling" if look.action == "sleeping" else e
        if look.action == "singing":
            mkind = "surprised"
        face.mouth(pen, hx, hy + 0.68 * b.chin * r, r, mkind, lips=look.subject == "woman")
    if e == "crying":
        face.tears(pen, hx, ey, ex, eh, r)
    elif e == "angry":
        face.anger_mark(pen, hx + 0.75 * r, hy - 0.75 * r, r)
    elif e in ("shy", "surprised"):
        face.sweat(pen, hx + 1.05 * r, hy - 0.2 * r, r)


def _brows(pen: Pen, look: Look, sk: Skeleton) -> None:
    """Brows go over the fringe, as anime draws them, so the expression survives long bangs."""
    r, b = sk.r, sk.build
    ey = sk.hy + b.eye_y * r
    thick = pen.lw * (1.9 if not b.feminine else 1.1)
    face.brows(pen, sk.hx, ey - b.eye_h * r - 0.17 * r, 0.42 * r, b.eye_w * r * 1.05, look.expression,
               palette.mix(palette.shade(look.hair, 0.5), (60, 40, 50), 0.4), thick)


def draw(pen: Pen, look: Look, sk: Skeleton, rng, scene_setting: str = "") -> None:
    r, b = sk.r, sk.build
    p = parts(look, sk)
    f = frame(look, sk)
    an = anchors(look, sk)
    has = set(look.accessories)
    tie = look.accent
    if sk.seat is not None:
        props.bench(pen, sk.cx, sk.seat, max(sk.feet[-1][1], sk.feet[1][1]), r, sk.neck[1] + 0.6 * r)
    if look.outfit == "armor":
        ny = sk.neck[1]
        pen.poly([(sk.cx - b.shoulders * r, ny + 0.2 * r), (sk.cx + b.shoulders * r, ny + 0.2 * r),
                  (sk.cx + b.shoulders * r * 1.5, sk.pelvis[1] + 0.5 * sk.leg_len),
                  (sk.cx - b.shoulders * r * 1.5, sk.pelvis[1] + 0.5 * sk.leg_len)], CAPE, shade=0.3)
    if "backpack" in has:
        acc.backpack_behind(pen, an, look.accent2)
    hair.back(pen, look.hair_style, f, look.hair, tie)
    _legs(pen, look, sk, p)
    if p["bottom"] in ("robe",):
        _lower(pen, look, sk, p)
        kimono_pattern(pen, look, sk)
    _neck(pen, look, sk)
    if p["bottom"] in ("skirt", "coat") and look.outfit != "dress":
        _torso(pen, look, sk, p)
        _lower(pen, look, sk, p)
    else:
        if look.outfit == "dress":
            _lower(pen, look, sk, p)
        _torso(pen, look, sk, p)
    if "scarf" in has:
        acc.scarf(pen, an, look.accent)
    if "backpack" in has:
        acc.backpack_straps(pen, an, look.accent2)
    if look.action == "playing guitar":
        props.guitar(pen, sk)
    if look.hair_style == "braid":
        pass  # drawn after the head, over the shoulder
    for side in (-1, 1):
        _arm(pen, look, sk, p, side)
    _head(pen, look, sk)
    _face(pen, look, sk)
    hair.front(pen, look.hair_style, f, look.hair)
    _brows(pen, look, sk)
    hair.ties(pen, look.hair_style, f, tie)
    if look.hair_style == "braid":
        hair.braid(pen, f, look.hair, tie)
    acc.head(pen, look, an, has)
    props.held(pen, look, sk, hand)
