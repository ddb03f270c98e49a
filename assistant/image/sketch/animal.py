"""Cats and dogs in the sketch renderer: a sitting, front-facing animal with the subject's tells.

A cat has pointed ears, whiskers, a small pink nose and a long curling tail; a dog has floppy ears,
a pale muzzle with a big black nose, a tongue and a short wagging tail. Fur takes the hair colour,
an outfit becomes a little pet coat, accessories sit on the same anchors as on people.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.image import palette
from assistant.image.sketch import accessory as acc, face, props
from assistant.image.sketch.draw import Pen, arc, smooth
from assistant.image.sketch.look import Look

Point = tuple[float, float]


@dataclass
class AnimalFrame:
    cx: float
    ground: float
    r: float
    side: int
    head: Point
    body: Point
    lying: bool

    @property
    def hx(self) -> float:
        return self.head[0]

    @property
    def hy(self) -> float:
        return self.head[1]


def frame(look: Look, cx: float, ground: float, r: float, side: int) -> AnimalFrame:
    lying = look.action == "sleeping"
    if lying:
        body = (cx + 0.4 * r, ground - 0.75 * r)
        head = (cx - 1.1 * r, ground - 1.35 * r)
    else:
        body = (cx, ground - 1.3 * r)
        head = (cx, ground - 3.25 * r)
    return AnimalFrame(cx, ground, r, side, head, body, lying)


def anchors(look: Look, f: AnimalFrame) -> acc.Anchors:
    r = f.r
    return acc.Anchors(hx=f.hx, hy=f.hy, r=r, eye_y=f.hy + 0.1 * r, eye_dx=0.45 * r, eye_w=0.22 * r, eye_h=0.26 * r,
                       ear_y=f.hy + 0.2 * r, ear_dx=1.0 * r, mouth_y=f.hy + 0.6 * r, chin_y=f.hy + 0.85 * r,
                       neck=(f.hx, f.hy + 0.85 * r), neck_w=0.5 * r, shoulder_w=0.9 * r,
                       torso_bottom=f.body[1] + 0.6 * r, hand=(f.cx - f.side * 0.55 * r, f.body[1] - 0.3 * r),
                       hand_side=-f.side, animal=True)


def coat_region(f: AnimalFrame):
    """The box the pet coat fills, for layout()."""
    bx, by = f.body
    r = f.r
    if f.lying:
        return (bx + 0.05 * r, by - 0.5 * r, bx + 0.75 * r, by - 0.05 * r)
    return (bx - 0.95 * r, by - 0.55 * r, bx - 0.6 * r, by + 0.0 * r)


def fur_region(f: AnimalFrame):
    r = f.r
    return (f.hx - 0.45 * r, f.hy - 0.55 * r, f.hx + 0.1 * r, f.hy - 0.3 * r)


def draw(pen: Pen, look: Look, f: AnimalFrame, rng) -> None:
    r = f.r
    fur = look.hair
    belly = palette.mix(fur, (255, 250, 240), 0.6)
    cat = look.subject == "cat"
    has = set(look.accessories)
    an = anchors(look, f)
    bx, by = f.body
    s = f.side
    # tail behind the body
    if cat:
        tail = [(bx + s * 0.9 * r, by + 0.9 * r), (bx + s * 1.9 * r, by + 0.7 * r), (bx + s * 2.0 * r, by - 0.4 * r),
                (bx + s * 1.6 * r, by - 1.1 * r)]
        pen.limb(smooth(tail, 5), 0.3 * r, fur)
    else:
        tail = [(bx + s * 0.9 * r, by + 0.4 * r), (bx + s * 1.5 * r, by - 0.1 * r), (bx + s * 1.75 * r, by - 0.8 * r)]
        pen.limb(smooth(tail, 5), 0.4 * r, fur)
        for k in (1, 2):
            pen.stroke(arc(bx + s * 1.75 * r, by - 0.8 * r, 0.45 * r * k, 0.45 * r * k, -160, -110, 4),
                       (140, 130, 150), pen.lw)
    if "backpack" in has and not f.lying:
        pen.poly(arc(bx, by - 0.6 * r, 1.35 * r, 0.9 * r, 180, 360, 10) + [(bx + 1.35 * r, by + 0.2 * r),
                                                                           (bx - 1.35 * r, by + 0.2 * r)],
                 look.accent2, shade=0.3)
    if f.lying:
        pen.ellipse(bx, by, 1.9 * r, 0.75 * r, fur, shade=0.25)
        pen.ellipse(bx - 0.2 * r, by + 0.25 * r, 1.2 * r, 0.35 * r, belly, shade=None, outline=False)
        if look.outfit:  # a little coat over the curled-up back
            coat = smooth([(bx - 0.95 * r, by - 0.5 * r), (bx, by - 0.82 * r), (bx + 0.95 * r, by - 0.5 * r),
                           (bx + 1.0 * r, by + 0.2 * r), (bx - 1.0 * r, by + 0.2 * r)], 4, closed=True)
            pen.poly(coat, look.cloth, shade=0.25)
        for k in (-1, 1):
            pen.ellipse(f.hx + k * 0.45 * r, f.ground - 0.25 * r, 0.35 * r, 0.22 * r, fur, shade=0.2)
    else:
        for k in (-1, 1):  # haunches
            pen.ellipse(bx + k * 0.95 * r, by + 0.75 * r, 0.65 * r, 0.55 * r, fur, shade=0.25)
        pen.poly(smooth([(bx, by - 1.3 * r), (bx + 0.9 * r, by - 0.6 * r), (bx + 1.15 * r, by + 0.6 * r),
                         (bx + 0.7 * r, by + 1.25 * r), (bx - 0.7 * r, by + 1.25 * r), (bx - 1.15 * r, by + 0.6 * r),
                         (bx - 0.9 * r, by - 0.6 * r)], 5, closed=True), fur, shade=0.22)
        pen.poly(smooth([(bx, by - 0.9 * r), (bx + 0.5 * r, by - 0.2 * r), (bx + 0.45 * r, by + 0.9 * r),
                         (bx - 0.45 * r, by + 0.9 * r), (bx - 0.5 * r, by - 0.2 * r)], 5, closed=True), belly,
                 shade=None, outline=False)
        if look.outfit:
            coat = smooth([(bx - 0.95 * r, by - 0.85 * r), (bx + 0.95 * r, by - 0.85 * r), (bx + 1.12 * r, by + 0.3 * r),
                           (bx, by + 0.45 * r), (bx - 1.12 * r, by + 0.3 * r)], 4, closed=True)
            pen.poly(coat, look.cloth, shade=0.25)
            pen.stroke(arc(bx, by - 0.85 * r, 0.9 * r, 0.2 * r, 0, 180, 8), palette.light(look.cloth, 0.5), 0.12 * r)
        # front legs and paws
        raise_paw = look.action in ("waving", "dancing", "flying", "swimming", "singing")
        for k in (-1, 1):
            top = (bx + k * 0.38 * r, by - 0.5 * r)
            paw = (bx + k * 0.4 * r, f.ground - 0.12 * r)
            if raise_paw and k == s:
                paw = (bx + k * 1.3 * r, by - 1.6 * r)
            elif look.action in ("reading", "eating", "drinking", "playing guitar"):
                paw = (bx + k * 0.3 * r, by - 0.2 * r)
            elif look.action in ("walking", "running") and k == s:  # one forepaw lifted mid-step
                paw = (bx + k * 0.55 * r, f.ground - 0.55 * r)
            pen.limb([top, paw], 0.42 * r, fur)
            pen.ellipse(paw[0], paw[1], 0.28 * r, 0.2 * r, fur, shade=0.2)
            for t in (-1, 1):
                pen.stroke([(paw[0] + t * 0.09 * r, paw[1] + 0.05 * r), (paw[0] + t * 0.09 * r, paw[1] + 0.18 * r)],
                           palette.line(fur), pen.lw * 0.7)
    if "scarf" in has:
        acc.scarf(pen, an, look.accent)
    _head(pen, look, f, fur, belly, cat)
    acc.head(pen, look, an, has)
    _props(pen, look, f, an)


def _head(pen: Pen, look: Look, f: AnimalFrame, fur, belly, cat: bool) -> None:
    r = f.r
    hx, hy = f.head
    if cat:
        for k in (-1, 1):
            ear = [(hx + k * 0.35 * r, hy - 0.7 * r), (hx + k * 0.95 * r, hy - 1.45 * r), (hx + k * 1.05 * r, hy - 0.25 * r)]
            pen.poly(ear, fur, shade=0.25)
            pen.flat([(hx + k * 0.5 * r, hy - 0.65 * r), (hx + k * 0.9 * r, hy - 1.2 * r), (hx + k * 0.95 * r, hy - 0.4 * r)],
                     (255, 175, 195))
        pen.poly(smooth([(hx, hy - 0.95 * r), (hx + 0.9 * r, hy - 0.7 * r), (hx + 1.2 * r, hy + 0.2 * r),
                         (hx + 0.8 * r, hy + 0.8 * r), (hx, hy + 0.92 * r), (hx - 0.8 * r, hy + 0.8 * r),
                         (hx - 1.2 * r, hy + 0.2 * r), (hx - 0.9 * r, hy - 0.7 * r)], 5, closed=True), fur, shade=0.15)
        pen.ellipse(hx, hy + 0.55 * r, 0.45 * r, 0.3 * r, belly, shade=None, outline=False)
    else:
        pen.poly(smooth([(hx, hy - 1.0 * r), (hx + 0.9 * r, hy - 0.65 * r), (hx + 1.05 * r, hy + 0.25 * r),
                         (hx + 0.7 * r, hy + 0.9 * r), (hx, hy + 1.0 * r), (hx - 0.7 * r, hy + 0.9 * r),
                         (hx - 1.05 * r, hy + 0.25 * r), (hx - 0.9 * r, hy - 0.65 * r)], 5, closed=True), fur, shade=0.15)
        pen.ellipse(hx, hy + 0.5 * r, 0.6 * r, 0.42 * r, belly, shade=None)
        ear_c = palette.shade(fur, 0.25)
        for k in (-1, 1):
            ear = smooth([(hx + k * 0.55 * r, hy - 0.85 * r), (hx + k * 1.25 * r, hy - 0.6 * r),
                          (hx + k * 1.45 * r, hy + 0.35 * r), (hx + k * 1.15 * r, hy + 0.65 * r),
                          (hx + k * 0.85 * r, hy - 0.2 * r)], 4, closed=True)
            pen.poly(ear, ear_c, shade=0.2)
    # eyes
    e = look.expression
    kind = "closed" if look.action == "sleeping" else {"laughing": "happy", "angry": "angry", "surprised": "surprised",
                                                        "serious": "half", "sad": "sad", "crying": "teary"}.get(e, "open")
    for k in (-1, 1):
        face.eye(pen, hx + k * 0.45 * r, hy + 0.05 * r, 0.22 * r, 0.26 * r, look.eyes, k, kind, False, slit=cat, pet=True, lid=fur)
    face.blush(pen, hx, hy + 0.42 * r, 0.62 * r, r, 0.45, hatch=e in ("shy",))
    if cat:
        pen.poly([(hx - 0.09 * r, hy + 0.38 * r), (hx + 0.09 * r, hy + 0.38 * r), (hx, hy + 0.48 * r)], (240, 130, 150),
                 shade=None, lw=pen.lw * 0.6)
        pen.stroke(smooth([(hx - 0.2 * r, hy + 0.55 * r), (hx - 0.1 * r, hy + 0.62 * r), (hx, hy + 0.5 * r)], 3),
                   (80, 50, 60), pen.lw)
        pen.stroke(smooth([(hx, hy + 0.5 * r), (hx + 0.1 * r, hy + 0.62 * r), (hx + 0.2 * r, hy + 0.55 * r)], 3),
                   (80, 50, 60), pen.lw)
        for k in (-1, 1):
            for t in (-1, 0, 1):
                pen.stroke([(hx + k * 0.5 * r, hy + 0.5 * r + t * 0.08 * r),
                            (hx + k * 1.35 * r, hy + 0.42 * r + t * 0.2 * r)], (90, 70, 80), pen.lw * 0.8)
    else:
        pen.ellipse(hx, hy + 0.33 * r, 0.2 * r, 0.14 * r, (40, 30, 40), shade=None)
        pen.dot(hx - 0.06 * r, hy + 0.29 * r, 0.05 * r, (200, 200, 220))
        pen.stroke(smooth([(hx - 0.25 * r, hy + 0.62 * r), (hx, hy + 0.55 * r), (hx + 0.25 * r, hy + 0.62 * r)], 3),
                   (70, 40, 50), pen.lw)
        if e not in ("sad", "serious", "angry", "crying") and look.action != "sleeping":
            pen.poly(arc(hx + 0.05 * r, hy + 0.68 * r, 0.13 * r, 0.2 * r, 0, 180, 8), (240, 110, 130), shade=None,
                     lw=pen.lw * 0.7)
    if e == "crying":
        face.tears(pen, hx, hy + 0.05 * r, 0.45 * r, 0.26 * r, r)
    elif e == "angry":
        face.anger_mark(pen, hx + 0.8 * r, hy - 0.6 * r, r)
    elif e in ("shy", "surprised"):
        face.sweat(pen, hx + 1.1 * r, hy - 0.2 * r, r)


def _props(pen: Pen, look: Look, f: AnimalFrame, an: acc.Anchors) -> None:
    r = f.r
    bx, by = f.body
    a = look.action
    s = f.side
    if a == "reading":
        props.book(pen, bx, by - 0.2 * r, r * 0.9, look.accent2)
    elif a == "eating":
        fish = [(bx - 0.6 * r, by - 0.2 * r), (bx + 0.3 * r, by - 0.45 * r), (bx + 0.55 * r, by - 0.2 * r),
                (bx + 0.3 * r, by + 0.05 * r)]
        if look.subject == "cat":
            pen.poly(smooth(fish, 4, closed=True), (150, 180, 210), shade=0.3)
            pen.poly([(bx + 0.5 * r, by - 0.2 * r), (bx + 0.85 * r, by - 0.45 * r), (bx + 0.85 * r, by + 0.05 * r)],
                     (150, 180, 210), shade=None)
        else:
            pen.limb([(bx - 0.5 * r, by - 0.2 * r), (bx + 0.5 * r, by - 0.2 * r)], 0.22 * r, (250, 245, 230), shade=False)
            for k in (-1, 1):
                for t in (-1, 1):
                    pen.ellipse(bx + k * 0.55 * r, by - 0.2 * r + t * 0.12 * r, 0.14 * r, 0.14 * r, (250, 245, 230), shade=None)
    elif a == "drinking":
        pen.ellipse(bx, f.ground - 0.15 * r, 0.8 * r, 0.25 * r, look.accent2, shade=0.3)
        pen.ellipse(bx, f.ground - 0.3 * r, 0.65 * r, 0.12 * r, (250, 250, 255), shade=None)
    elif a == "playing guitar":
        pen.ellipse(bx + s * 0.2 * r, by + 0.2 * r, 0.8 * r, 0.7 * r, (226, 150, 70), shade=0.25)
        pen.limb([(bx + s * 0.2 * r, by + 0.2 * r), (bx - s * 1.6 * r, by - 1.2 * r)], 0.22 * r, (120, 75, 45), shade=False)
        pen.ellipse(bx + s * 0.05 * r, by + 0.05 * r, 0.2 * r, 0.2 * r, (60, 35, 30), shade=None)
        props.note(pen, f.hx + 1.8 * r * s, f.hy - 0.5 * r, 0.5 * r, (240, 90, 140))
    elif a in ("singing", "dancing"):
        for k, (dx, dy) in enumerate(((1.7, -0.9), (-1.9, -0.4), (2.1, 0.6))):
            props.note(pen, f.hx + dx * r * s, f.hy + dy * r, 0.5 * r, (240, 90, 140) if k % 2 else (90, 140, 240))
    elif a == "walking":
        for k in (1, 2):
            pen.stroke(arc(bx, f.ground - 0.3 * r, (1.3 + 0.35 * k) * r, (0.5 + 0.2 * k) * r, 160 if s > 0 else -20,
                           200 if s > 0 else 20, 5), (150, 150, 170), pen.lw * 1.1)
    elif a == "running":
        for k in range(4):
            y = by - 1.0 * r + k * 0.7 * r
            x = f.cx - s * (1.9 + 0.3 * (k % 2)) * r
            pen.stroke([(x, y), (x - s * 1.0 * r, y)], (150, 150, 170), pen.lw * 1.3)
    elif a == "sleeping":
        props.zzz(pen, f.hx + 0.9 * r, f.hy - 1.3 * r, 0.4 * r)
    elif a == "flying":
        for k in (-1, 1):  # little wings
            wing = [(bx + k * 0.8 * r, by - 0.6 * r), (bx + k * 2.1 * r, by - 1.5 * r), (bx + k * 1.9 * r, by - 0.8 * r),
                    (bx + k * 2.2 * r, by - 0.5 * r), (bx + k * 1.2 * r, by - 0.1 * r)]
            pen.poly(smooth(wing, 3, closed=True), (255, 255, 255), shade=0.15)
