"""Backgrounds of the sketch renderer: one painter per setting of the attribute spec.

Each painter draws its sky (through a window when indoors), far scenery and ground, and returns
the boxes `layout()` reports: where open sky shows (kept clear of sun, moon, trees and figures)
and where the ground is. Every setting carries its tell: sea and sand, pink trees, a skyline, a
blackboard and desks, bookshelves, a torii gate, a platform and train, a planet and stars.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from PIL import Image

from assistant.image import palette
from assistant.image.sketch import sky
from assistant.image.sketch.draw import Pen, arc, smooth


@dataclass
class Ctx:
    canvas: Image.Image
    pen: Pen
    W: int
    H: int
    rng: random.Random
    light: sky.Light
    style: str

    def c(self, colour, strength: float = 1.0):
        return self.light.c(colour, strength)

    def sky(self, horizon: float, box=None, space: bool = False) -> None:
        sky.draw_sky(self.canvas, self.pen, self.W, self.H, horizon, self.light.time, self.light.weather, self.style,
                     self.rng, space=space, box=box)

    def outdoor_boxes(self, horizon: float, ground_top: float) -> dict:
        W, H = self.W, self.H
        return {"sky": (0.03 * W, 0.03 * H, 0.28 * W, min(0.2 * H, horizon * 0.5)), "ground": (0, ground_top, W, H)}

    def ground(self, top: float, colour, bottom_colour=None) -> None:
        W, H = self.W, self.H
        bottom_colour = bottom_colour or palette.shade(colour, 0.12)
        s = self.pen.s
        self.canvas.paste(sky.gradient((int(W * s), max(1, int((H - top) * s))), [self.c(colour), self.c(bottom_colour)]),
                          (0, int(top * s)))


# ---- shared scenery ------------------------------------------------------------------------------

def round_tree(ctx: Ctx, x: float, base: float, size: float, leaf, trunk=(120, 80, 50)) -> None:
    p = ctx.pen
    p.poly([(x - size * 0.12, base), (x - size * 0.08, base - size * 1.1), (x + size * 0.08, base - size * 1.1),
            (x + size * 0.12, base)], ctx.c(trunk), shade=0.3)
    cy = base - size * 1.45
    p.cluster([(x + dx * size, cy + dy * size, rr * size) for dx, dy, rr in
               ((-0.5, 0.15, 0.42), (0.5, 0.15, 0.42), (0.0, -0.35, 0.5), (0.0, 0.15, 0.5), (-0.3, -0.1, 0.4),
                (0.3, -0.1, 0.4))], ctx.c(leaf), light_colour=ctx.c(palette.light(leaf, 0.3)))


def pine(ctx: Ctx, x: float, base: float, h: float, leaf, snow: bool = False) -> None:
    p = ctx.pen
    p.rect(x - h * 0.05, base - h * 0.2, x + h * 0.05, base, ctx.c((110, 75, 50)))
    for k in range(3):
        top = base - h * (0.45 + 0.28 * k) - h * 0.25
        w = h * (0.38 - 0.09 * k)
        tri = [(x, top), (x + w, top + h * 0.42), (x - w, top + h * 0.42)]
        p.poly(tri, ctx.c(leaf), shade=0.3)
        if snow:
            p.poly([(x, top), (x + w * 0.45, top + h * 0.19), (x, top + h * 0.14), (x - w * 0.45, top + h * 0.19)],
                   ctx.c((250, 252, 255)), shade=None, outline=False)


def window(ctx: Ctx, x0: float, y0: float, x1: float, y1: float, frame=(240, 236, 228), curtains=None) -> tuple:
    """A window with sky in it; returns the sky box inside the panes."""
    p = ctx.pen
    f = (x1 - x0) * 0.05
    p.rect(x0, y0, x1, y1, ctx.c(frame), shade=None)
    inner = (x0 + f, y0 + f, x1 - f, y1 - f)
    ctx.sky(y1, box=inner)
    mx = (x0 + x1) / 2
    p.rect(mx - f * 0.5, y0, mx + f * 0.5, y1, ctx.c(frame), shade=None, outline=False)
    p.rect(x0, (y0 + y1) / 2 - f * 0.4, x1, (y0 + y1) / 2 + f * 0.4, ctx.c(frame), shade=None, outline=False)
    p.stroke([(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)], palette.line(frame), p.lw)
    if curtains:
        for s, x in ((-1, x0), (1, x1)):
            pts = [(x - s * f * 0.5, y0 - f), (x + s * (x1 - x0) * 0.22, y0 - f), (x + s * (x1 - x0) * 0.1, y1 * 0.6 + y0 * 0.4),
                   (x + s * (x1 - x0) * 0.16, y1 + f * 2), (x - s * f * 0.5, y1 + f * 2)]
            p.poly(smooth(pts, 3), ctx.c(curtains), shade=0.3)
    # the sky box leaves out the frame bars and the sun/moon corner
    return (inner[0] + f * 0.3, inner[1] + f * 0.3, mx - f, (y0 + y1) / 2 - f)


def skyline(ctx: Ctx, base: float, height: float, tone, lit: bool, rng) -> None:
    p = ctx.pen
    W = ctx.W
    x = -10.0
    while x < W:
        w = W * (0.07 + rng.random() * 0.07)
        h = height * (0.4 + rng.random() * 0.6)
        col = palette.mix(tone, (255, 255, 255), rng.random() * 0.25)
        p.rect(x, base - h, x + w, base, ctx.c(col), shade=0.2)
        win = (255, 226, 120) if lit else ctx.c(palette.mix(col, (200, 230, 255), 0.5))
        for wy in range(int(base - h + 8), int(base - 6), 11):
            for wx in range(int(x + 5), int(x + w - 6), 9):
                if not lit or rng.random() < 0.55:
                    p.rect(wx, wy, wx + 4, wy + 5, win, outline=False)
        x += w + 2


def hills(ctx: Ctx, base: float, height: float, colour, rng, bumps: int = 3) -> None:
    W = ctx.W
    pts = [(-10, base)]
    for i in range(bumps * 4 + 1):
        x = -10 + (W + 20) * i / (bumps * 4)
        pts.append((x, base - height * (0.6 + 0.4 * math.sin(i * math.pi / 4 + rng.random()))))
    pts.append((W + 10, base))
    ctx.pen.poly(smooth(pts, 4), ctx.c(colour), shade=None, lw=ctx.pen.lw * 0.8)


def flowers(ctx: Ctx, y0: float, y1: float, n: int, rng, colours=((255, 120, 160), (255, 230, 90), (255, 255, 255),
                                                                   (180, 120, 240))) -> None:
    for _ in range(n):
        x, y = rng.random() * ctx.W, y0 + rng.random() * (y1 - y0)
        c = ctx.c(rng.choice(colours))
        rr = 2.2 + rng.random() * 2.0
        for k in range(5):
            a = k * 1.2566
            ctx.pen.dot(x + math.cos(a) * rr, y + math.sin(a) * rr * 0.7, rr * 0.7, c)
        ctx.pen.dot(x, y, rr * 0.5, ctx.c((255, 200, 60)))


def grass(ctx: Ctx, y0: float, y1: float, n: int, colour, rng) -> None:
    c = ctx.c(colour)
    for _ in range(n):
        x, y = rng.random() * ctx.W, y0 + rng.random() * (y1 - y0)
        h = 4 + rng.random() * 5
        ctx.pen.stroke([(x - 2, y - h), (x, y), (x + 2, y - h * 0.9)], c, 1.0)


# ---- the settings --------------------------------------------------------------------------------

def beach(ctx: Ctx) -> dict:
    W, H, p, rng = ctx.W, ctx.H, ctx.pen, ctx.rng
    horizon, shore = 0.55 * H, 0.71 * H
    ctx.sky(horizon)
    s = p.s
    sea = [ctx.c((36, 110, 190)), ctx.c((60, 160, 210)), ctx.c((110, 210, 220))]
    ctx.canvas.paste(sky.gradient((int(W * s), int((shore - horizon) * s) + 2), sea), (0, int(horizon * s)))
    for _ in range(14):
        x, y = rng.random() * W, horizon + 6 + rng.random() * (shore - horizon - 12)
        p.stroke([(x, y), (x + 14 + rng.random() * 18, y)], ctx.c((220, 245, 255)), 1.2)
    ctx.ground(shore, (244, 224, 170), (236, 206, 146))
    foam = [(x, shore + 3 * math.sin(x / 18.0)) for x in range(-5, W + 10, 6)]
    p.flat(foam + [(W + 10, shore - 2), (-5, shore - 2)], ctx.c((120, 200, 210)))
    p.stroke(foam, ctx.c((255, 255, 255)), 3)
    # beach parasol and a starfish
    px = W * 0.1
    p.stroke([(px, 0.58 * H), (px + 6, 0.84 * H)], ctx.c((240, 240, 240)), 3)
    canopy = arc(px, 0.6 * H, W * 0.13, H * 0.07, 180, 360, 12) + [(px + W * 0.13, 0.6 * H)]
    p.poly(canopy, ctx.c((235, 70, 70)), shade=0.2)
    for k in (-0.65, 0.0, 0.65):
        p.poly([(px, 0.53 * H), (px + k * W * 0.13 - W * 0.025, 0.6 * H), (px + k * W * 0.13 + W * 0.025, 0.6 * H)],
               ctx.c((255, 255, 255)), shade=None, outline=False)
    sx, sy = W * 0.86, 0.9 * H
    star = [(sx + math.cos(math.radians(-90 + k * 36)) * (11 if k % 2 == 0 else 5),
             sy + math.sin(math.radians(-90 + k * 36)) * (11 if k % 2 == 0 else 5)) for k in range(10)]
    p.poly(star, ctx.c((245, 130, 90)), shade=0.2)
    for _ in range(6):
        p.oval(rng.random() * W, shore + 10 + rng.random() * (H - shore - 12), 3, 2, ctx.c((250, 240, 230)))
    return ctx.outdoor_boxes(horizon, shore)


def cherry_blossoms(ctx: Ctx) -> dict:
    W, H, p, rng = ctx.W, ctx.H, ctx.pen, ctx.rng
    horizon = 0.66 * H
    ctx.sky(horizon)
    hills(ctx, horizon + 4, 0.06 * H, (150, 200, 130), rng)
    ctx.ground(horizon, (170, 215, 140), (140, 196, 120))
    pinks = [(255, 186, 210), (250, 160, 190), (255, 214, 228)]
    for x, base, size in ((W * 0.86, 0.72 * H, 1.0), (W * 0.1, 0.7 * H, 0.7)):
        trunk = [(x - 9 * size, base), (x - 5 * size, base - 0.28 * H * size), (x - 24 * size, base - 0.4 * H * size),
                 (x - 14 * size, base - 0.41 * H * size), (x + 2 * size, base - 0.3 * H * size),
                 (x + 16 * size, base - 0.42 * H * size), (x + 24 * size, base - 0.4 * H * size),
                 (x + 8 * size, base - 0.27 * H * size), (x + 10 * size, base)]
        p.poly(trunk, ctx.c((110, 70, 60)), shade=0.3)
        cy = base - 0.44 * H * size
        circles = []
        for i in range(22):
            a = i * 2.4
            k = 0.35 + 0.65 * rng.random()
            circles.append((x + math.cos(a) * 0.15 * W * size * k, cy + math.sin(a) * 0.085 * H * size * k,
                            W * 0.045 * size * (0.7 + rng.random() * 0.5)))
        p.cluster(circles, ctx.c(pinks[0]), ctx.c((232, 130, 170)), ctx.c((255, 236, 244)))
        for _ in range(10):
            p.dot(x + (rng.random() - 0.5) * 0.28 * W * size, cy + (rng.random() - 0.5) * 0.15 * H * size, 2.2,
                  ctx.c((255, 240, 246)))
    for _ in range(30):
        p.oval(rng.random() * W, horizon + 5 + rng.random() * (H - horizon - 5), 3, 1.6, ctx.c((255, 190, 210)))
    return ctx.outdoor_boxes(horizon, horizon)


def forest(ctx: Ctx) -> dict:
    W, H, p, rng = ctx.W, ctx.H, ctx.pen, ctx.rng
    horizon = 0.7 * H
    ctx.sky(horizon)
    for layer, (tone, hgt, base) in enumerate((((60, 110, 90), 0.36, 0.7), ((40, 100, 60), 0.46, 0.74))):
        x = -20.0 + rng.random() * 20
        while x < W + 20:
            pine(ctx, x, base * H, H * hgt * (0.8 + rng.random() * 0.3), tone)
            x += W * (0.08 if layer == 0 else 0.14) * (0.8 + rng.random() * 0.5)
    ctx.ground(0.72 * H, (96, 150, 76), (70, 124, 60))
    grass(ctx, 0.74 * H, H, 60, (60, 120, 50), rng)
    for x in (W * 0.12, W * 0.88):  # mushrooms
        p.rect(x - 3, 0.9 * H - 8, x + 3, 0.9 * H, ctx.c((250, 240, 220)))
        p.poly(arc(x, 0.9 * H - 8, 10, 8, 180, 360, 8), ctx.c((220, 60, 50)), shade=0.2)
    return ctx.outdoor_boxes(0.3 * H, 0.72 * H)


def city(ctx: Ctx) -> dict:
    W, H, p, rng = ctx.W, ctx.H, ctx.pen, ctx.rng
    horizon = 0.72 * H
    ctx.sky(horizon)
    skyline(ctx, horizon, 0.3 * H, (150, 160, 190), False, rng)
    skyline(ctx, horizon + 4, 0.2 * H, (110, 120, 150), ctx.light.night, rng)
    ctx.ground(horizon, (196, 196, 200), (170, 170, 178))
    p.rect(0, horizon, W, horizon + 0.03 * H, ctx.c((150, 150, 160)), outline=False)
    for x in range(0, W, 40):
        p.stroke([(x, 0.8 * H), (x - 30, H)], ctx.c((175, 175, 185)), 1)
    lx = W * 0.9
    p.rect(lx - 2, 0.45 * H, lx + 2, 0.86 * H, ctx.c((70, 70, 80)))
    p.ellipse(lx, 0.45 * H, 8, 6, (255, 230, 140) if ctx.light.night else ctx.c((230, 230, 210)), shade=None)
    return ctx.outdoor_boxes(0.3 * H, horizon)


def classroom(ctx: Ctx) -> dict:
    W, H, p = ctx.W, ctx.H, ctx.pen
    floor = 0.76 * H
    p.rect(0, 0, W, floor, ctx.c((242, 234, 214)), outline=False)
    p.rect(0, floor - 0.04 * H, W, floor, ctx.c((200, 170, 130)), outline=False)
    ctx.ground(floor, (206, 156, 104), (180, 130, 86))
    for y in range(int(floor) + 12, H, 16):
        p.stroke([(0, y), (W, y)], ctx.c((170, 120, 80)), 1)
    sky_box = window(ctx, 0.68 * W, 0.08 * H, 0.97 * W, 0.5 * H)
    board = (0.04 * W, 0.12 * H, 0.62 * W, 0.46 * H)
    p.rect(board[0] - 6, board[1] - 6, board[2] + 6, board[3] + 6, ctx.c((160, 110, 70)))
    p.rect(*board, ctx.c((46, 96, 74)), outline=False)
    chalk = ctx.c((240, 240, 230))
    p.stroke([(0.08 * W, 0.18 * H), (0.3 * W, 0.18 * H)], chalk, 2)
    p.stroke([(0.08 * W, 0.24 * H), (0.24 * W, 0.24 * H)], chalk, 2)
    p.stroke(arc(0.46 * W, 0.3 * H, 0.06 * W, 0.06 * W, 0, 360, 16), chalk, 2)
    p.stroke([(0.08 * W, 0.32 * H), (0.2 * W, 0.4 * H), (0.3 * W, 0.3 * H)], chalk, 2)
    p.rect(board[0], board[3], board[2], board[3] + 5, ctx.c((170, 120, 80)))
    p.ellipse(0.8 * W, 0.04 * H + 12, 12, 12, ctx.c((255, 255, 255)), shade=None)
    p.stroke([(0.8 * W, 0.04 * H + 12), (0.8 * W, 0.04 * H + 4), (0.8 * W + 6, 0.04 * H + 12)], (40, 40, 50), 1.5)
    for x in (0.13 * W, 0.87 * W):  # desks behind the figure
        top = 0.66 * H
        for s in (-1, 1):
            p.rect(x + s * 0.09 * W - 2, top, x + s * 0.09 * W + 2, floor + 0.06 * H, ctx.c((120, 120, 130)))
        p.rect(x - 0.11 * W, top - 10, x + 0.11 * W, top, ctx.c((214, 170, 110)), shade=None)
        p.rect(x - 0.1 * W, top, x + 0.1 * W, top + 0.06 * H, ctx.c((150, 150, 160)))
    return {"sky": sky_box, "ground": (0, floor, W, H)}


def park(ctx: Ctx) -> dict:
    W, H, p, rng = ctx.W, ctx.H, ctx.pen, ctx.rng
    horizon = 0.64 * H
    ctx.sky(horizon)
    for i in range(7):
        round_tree(ctx, W * (0.03 + i * 0.16 + rng.random() * 0.04), horizon + 4, H * 0.09, (90, 160, 90))
    ctx.ground(horizon, (140, 204, 104), (110, 180, 84))
    path = smooth([(0.35 * W, horizon), (0.3 * W, 0.8 * H), (0.15 * W, H)], 6)
    path2 = smooth([(0.45 * W, horizon), (0.55 * W, 0.8 * H), (0.7 * W, H)], 6)
    p.poly(path + path2[::-1], ctx.c((226, 206, 160)), shade=None, lw=p.lw * 0.7)
    for x in (0.08 * W, 0.92 * W):
        p.ellipse(x, 0.82 * H, 0.07 * W, 0.045 * H, ctx.c((70, 150, 70)), shade=0.3)
    flowers(ctx, 0.76 * H, 0.86 * H, 10, rng)
    lx = W * 0.78
    p.rect(lx - 2.5, 0.42 * H, lx + 2.5, 0.7 * H, ctx.c((60, 70, 70)))
    p.ellipse(lx, 0.42 * H, 9, 8, (255, 230, 140) if ctx.light.night else ctx.c((240, 240, 220)), shade=0.2)
    return ctx.outdoor_boxes(horizon, horizon)


def mountain(ctx: Ctx) -> dict:
    W, H, p, rng = ctx.W, ctx.H, ctx.pen, ctx.rng
    horizon = 0.7 * H
    ctx.sky(horizon)
    for (x, hgt, w, tone) in ((0.55 * W, 0.44 * H, 0.45 * W, (120, 140, 190)), (0.9 * W, 0.34 * H, 0.35 * W, (140, 156, 200)),
                              (0.2 * W, 0.3 * H, 0.36 * W, (110, 130, 180))):
        top = horizon - hgt
        p.poly([(x - w, horizon), (x, top), (x + w, horizon)], ctx.c(tone), shade=0.3)
        p.poly([(x, top), (x + w * 0.28, top + hgt * 0.28), (x + w * 0.12, top + hgt * 0.22), (x, top + hgt * 0.3),
                (x - w * 0.1, top + hgt * 0.22), (x - w * 0.28, top + hgt * 0.28)], ctx.c((250, 252, 255)), shade=0.2)
    hills(ctx, horizon + 0.04 * H, 0.07 * H, (100, 160, 100), rng, 2)
    ctx.ground(horizon + 0.02 * H, (130, 190, 100), (110, 170, 84))
    for x in (0.06 * W, 0.16 * W, 0.88 * W, 0.96 * W):
        pine(ctx, x, 0.8 * H, 0.14 * H, (50, 110, 70))
    flowers(ctx, 0.8 * H, H, 8, rng)
    return ctx.outdoor_boxes(0.26 * H, horizon)


def snow_field(ctx: Ctx) -> dict:
    W, H, p, rng = ctx.W, ctx.H, ctx.pen, ctx.rng
    horizon = 0.64 * H
    ctx.sky(horizon)
    hills(ctx, horizon + 6, 0.07 * H, (226, 234, 248), rng)
    ctx.ground(horizon, (246, 249, 255), (222, 232, 248))
    for _ in range(8):
        x, y = rng.random() * W, horizon + 0.05 * H + rng.random() * 0.28 * H
        p.oval(x, y, 0.08 * W, 0.01 * H, ctx.c((206, 220, 244)))
    for x in (0.05 * W, 0.15 * W, 0.93 * W):
        pine(ctx, x, 0.76 * H, 0.2 * H, (50, 100, 80), snow=True)
    sx, sy = 0.8 * W, 0.86 * H  # snowman
    p.ellipse(sx, sy, 0.055 * W, 0.05 * H, ctx.c((255, 255, 255)), shade=0.2)
    p.ellipse(sx, sy - 0.075 * H, 0.037 * W, 0.034 * H, ctx.c((255, 255, 255)), shade=0.2)
    p.poly([(sx, sy - 0.077 * H), (sx + 12, sy - 0.072 * H), (sx, sy - 0.07 * H)], ctx.c((250, 140, 40)), shade=None)
    for k in (-1, 1):
        p.dot(sx + k * 5, sy - 0.085 * H, 1.8, (40, 40, 50))
    p.rect(sx - 12, sy - 0.11 * H - 10, sx + 12, sy - 0.11 * H + 2, ctx.c((200, 50, 60)))
    return ctx.outdoor_boxes(horizon, horizon)


def street(ctx: Ctx) -> dict:
    W, H, p, rng = ctx.W, ctx.H, ctx.pen, ctx.rng
    horizon = 0.68 * H
    ctx.sky(horizon)
    x = -10.0
    roofs = [(80, 90, 120), (150, 80, 70), (90, 110, 100)]
    walls = [(240, 230, 210), (230, 220, 200), (250, 240, 225)]
    i = 0
    while x < W:
        w = W * (0.2 + rng.random() * 0.08)
        top = horizon - H * (0.16 + rng.random() * 0.08)
        if x < 0.3 * W:
            top = max(top, 0.32 * H)
        p.rect(x + 4, top, x + w - 4, horizon, ctx.c(walls[i % 3]), shade=0.15)
        p.poly([(x - 4, top + 4), (x + w / 2, top - 0.07 * H), (x + w + 4, top + 4)], ctx.c(roofs[i % 3]), shade=0.25)
        lit = (255, 224, 130) if ctx.light.night else ctx.c((170, 200, 230))
        for k in range(2):
            wx = x + w * (0.2 + 0.4 * k)
            p.rect(wx, top + 0.04 * H, wx + w * 0.2, top + 0.09 * H, lit)
        x += w
        i += 1
    ctx.ground(horizon, (130, 130, 140), (110, 110, 120))
    p.rect(0, horizon, W, horizon + 0.025 * H, ctx.c((190, 190, 195)), outline=False)
    for xx in range(10, W, 70):
        p.rect(xx, 0.9 * H, xx + 36, 0.9 * H + 4, ctx.c((250, 250, 250)), outline=False)
    for px in (0.33 * W, 0.97 * W):  # utility poles and wires
        p.rect(px - 3, 0.14 * H, px + 3, horizon + 0.02 * H, ctx.c((120, 110, 100)), shade=None)
        p.rect(px - 14, 0.17 * H, px + 14, 0.18 * H, ctx.c((100, 90, 80)), outline=False)
    for k in range(2):
        p.stroke(smooth([(0.3 * W, 0.17 * H + k * 6), (0.65 * W, 0.22 * H + k * 6), (W, 0.17 * H + k * 6)], 6),
                 ctx.c((60, 60, 70)), 1)
    vx = 0.08 * W  # vending machine
    p.rect(vx, horizon - 0.14 * H, vx + 0.09 * W, horizon + 0.01 * H, ctx.c((210, 50, 60)), shade=0.2)
    p.rect(vx + 5, horizon - 0.12 * H, vx + 0.09 * W - 5, horizon - 0.06 * H, (230, 240, 250))
    return ctx.outdoor_boxes(0.3 * H, horizon)


def cafe(ctx: Ctx) -> dict:
    W, H, p = ctx.W, ctx.H, ctx.pen
    floor = 0.78 * H
    p.rect(0, 0, W, floor, ctx.c((236, 206, 168)), outline=False)
    p.rect(0, 0.55 * H, W, floor, ctx.c((150, 96, 60)), outline=False)
    for x in range(0, W, 24):
        p.stroke([(x, 0.55 * H), (x, floor)], ctx.c((120, 76, 46)), 1)
    ctx.ground(floor, (120, 80, 56), (100, 64, 44))
    sky_box = window(ctx, 0.04 * W, 0.08 * H, 0.4 * W, 0.5 * H, frame=(120, 80, 50))
    mb = (0.72 * W, 0.1 * H, 0.95 * W, 0.36 * H)  # menu board
    p.rect(mb[0] - 4, mb[1] - 4, mb[2] + 4, mb[3] + 4, ctx.c((140, 96, 60)))
    p.rect(*mb, ctx.c((50, 54, 52)), outline=False)
    for k in range(5):
        y = mb[1] + 12 + k * 14
        p.stroke([(mb[0] + 8, y), (mb[0] + 8 + 30 + (k * 13) % 25, y)], (240, 240, 230), 1.5)
        p.stroke([(mb[2] - 22, y), (mb[2] - 8, y)], (250, 210, 120), 1.5)
    for x in (0.5 * W, 0.64 * W):  # pendant lamps
        p.stroke([(x, 0), (x, 0.1 * H)], ctx.c((60, 50, 40)), 1.5)
        p.poly(arc(x, 0.13 * H, 16, 12, 180, 360, 10), ctx.c((60, 110, 90)), shade=0.2)
        p.oval(x, 0.135 * H, 9, 4, (255, 236, 160))
    tx, ty = 0.88 * W, 0.74 * H  # table with coffee
    p.rect(tx - 3, ty, tx + 3, floor + 0.08 * H, ctx.c((90, 60, 40)))
    p.ellipse(tx, ty, 0.1 * W, 0.02 * H, ctx.c((200, 150, 100)), shade=None)
    p.rect(tx - 8, ty - 16, tx + 8, ty - 2, ctx.c((255, 255, 255)))
    p.stroke(arc(tx + 8, ty - 10, 5, 5, -90, 90, 6), ctx.c((255, 255, 255)), 2)
    for k in (-1, 1):
        p.stroke(smooth([(tx + k * 3, ty - 20), (tx + k * 3 + 3, ty - 28), (tx + k * 3, ty - 36)], 3),
                 (250, 250, 250), 1.5)
    p.ellipse(0.56 * W, 0.56 * H - 18, 0.04 * W, 0.04 * W, ctx.c((80, 160, 90)), shade=0.3)
    p.rect(0.56 * W - 9, 0.56 * H - 10, 0.56 * W + 9, 0.56 * H, ctx.c((200, 110, 70)))
    return {"sky": sky_box, "ground": (0, floor, W, H)}


def library(ctx: Ctx) -> dict:
    W, H, p, rng = ctx.W, ctx.H, ctx.pen, ctx.rng
    floor = 0.78 * H
    p.rect(0, 0, W, floor, ctx.c((150, 100, 64)), outline=False)
    ctx.ground(floor, (170, 110, 70), (140, 90, 58))
    sky_box = window(ctx, 0.38 * W, 0.04 * H, 0.62 * W, 0.3 * H, frame=(110, 70, 44))
    spines = [(200, 60, 60), (60, 100, 180), (60, 150, 90), (230, 180, 60), (140, 80, 160), (240, 240, 230),
              (90, 60, 50), (230, 120, 60)]
    for x0, x1 in ((0.0, 0.36 * W), (0.64 * W, W)):
        for shelf in range(6):
            y1 = 0.1 * H + shelf * 0.115 * H
            if y1 > floor:
                break
            p.rect(x0, y1, x1, y1 + 5, ctx.c((110, 70, 44)), outline=False)
            x = x0 + 4
            while x < x1 - 8:
                bw = 5 + rng.random() * 6
                bh = 0.07 * H + rng.random() * 0.03 * H
                p.rect(x, y1 - bh, x + bw, y1, ctx.c(rng.choice(spines)), lw=0.6)
                x += bw + 0.5
    for shelf in range(3):
        y1 = 0.42 * H + shelf * 0.115 * H
        p.rect(0.36 * W, y1, 0.64 * W, y1 + 5, ctx.c((110, 70, 44)), outline=False)
        x = 0.36 * W + 4
        while x < 0.64 * W - 8:
            bw = 5 + rng.random() * 6
            p.rect(x, y1 - 0.08 * H, x + bw, y1, ctx.c(rng.choice(spines)), lw=0.6)
            x += bw + 0.5
    p.ellipse(0.5 * W, 0.9 * H, 0.42 * W, 0.07 * H, ctx.c((160, 50, 60)), shade=None)
    return {"sky": sky_box, "ground": (0, floor, W, H)}


def space(ctx: Ctx) -> dict:
    W, H, p, rng = ctx.W, ctx.H, ctx.pen, ctx.rng
    horizon = 0.8 * H
    ctx.sky(horizon, space=True)
    glow = Image.new("RGBA", ctx.canvas.size, (0, 0, 0, 0))
    gp = Pen(glow, p.s, 1.0)
    for _ in range(5):
        x, y = W * (0.35 + rng.random() * 0.5), H * (0.2 + rng.random() * 0.4)
        gp.oval(x, y, W * 0.18, H * 0.1, (150, 80, 200, 40))
        gp.oval(x + 20, y - 10, W * 0.1, H * 0.06, (80, 140, 240, 40))
    base = ctx.canvas.convert("RGBA")
    base.alpha_composite(glow)
    ctx.canvas.paste(base.convert("RGB"))
    px, py, pr = 0.78 * W, 0.2 * H, 0.1 * W  # ringed planet
    p.stroke(arc(px, py, pr * 1.9, pr * 0.45, 160, 380, 20), (240, 200, 140), 4)
    p.ellipse(px, py, pr, pr, (240, 150, 90), shade=0.35)
    p.stroke(arc(px, py, pr * 1.9, pr * 0.45, 0, 160, 16), (240, 200, 140), 4)
    p.ellipse(0.12 * W, 0.5 * H, 0.05 * W, 0.05 * W, (90, 160, 240), shade=0.35)
    p.oval(0.11 * W, 0.49 * H, 0.02 * W, 0.015 * W, (100, 200, 120))
    ground = smooth([(-10, horizon + 10), (0.3 * W, horizon - 6), (0.7 * W, horizon + 4), (W + 10, horizon - 8)], 6)
    p.poly(ground + [(W + 10, H + 5), (-10, H + 5)], (176, 176, 190), shade=None)
    for _ in range(7):
        x, y = rng.random() * W, horizon + 15 + rng.random() * (H - horizon - 20)
        rr = 5 + rng.random() * 10
        p.ellipse(x, y, rr, rr * 0.4, (150, 150, 166), shade=None, lw=0.8)
    return {"sky": (0.03 * W, 0.03 * H, 0.28 * W, 0.2 * H), "ground": (0, horizon + 10, W, H)}


def garden(ctx: Ctx) -> dict:
    W, H, p, rng = ctx.W, ctx.H, ctx.pen, ctx.rng
    horizon = 0.6 * H
    ctx.sky(horizon)
    hedge = [(-5, horizon + 5)] + [(x, horizon - 0.08 * H - 6 * math.sin(x / 20)) for x in range(-5, W + 10, 10)] + \
        [(W + 10, horizon + 5)]
    p.poly(hedge, ctx.c((60, 130, 70)), shade=None)
    for _ in range(12):
        p.oval(rng.random() * W, horizon - 0.04 * H + rng.random() * 0.05 * H, 6, 5, ctx.c((80, 156, 86)))
    ax = 0.85 * W  # rose arch
    p.stroke(arc(ax, 0.46 * H, 0.1 * W, 0.12 * H, 180, 360, 14), ctx.c((250, 250, 250)), 4)
    for x in (ax - 0.1 * W, ax + 0.1 * W):
        p.rect(x - 2, 0.46 * H, x + 2, 0.72 * H, ctx.c((250, 250, 250)))
    for k in range(9):
        a = math.radians(180 + k * 22)
        p.oval(ax + math.cos(a) * 0.1 * W, 0.46 * H + math.sin(a) * 0.12 * H, 5, 5, ctx.c((240, 80, 110)))
    ctx.ground(horizon, (150, 206, 110), (120, 184, 90))
    for x in range(-4, W, 22):  # picket fence
        p.poly([(x, 0.7 * H), (x + 5, 0.66 * H), (x + 10, 0.7 * H), (x + 10, 0.78 * H), (x, 0.78 * H)],
               ctx.c((250, 250, 245)), shade=None, lw=0.7)
    p.rect(-5, 0.71 * H, W + 5, 0.725 * H, ctx.c((240, 240, 235)), lw=0.7)
    flowers(ctx, 0.6 * H, 0.66 * H, 24, rng)
    flowers(ctx, 0.8 * H, H, 26, rng)
    return ctx.outdoor_boxes(horizon, 0.78 * H)


def rooftop(ctx: Ctx) -> dict:
    W, H, p, rng = ctx.W, ctx.H, ctx.pen, ctx.rng
    horizon = 0.66 * H
    ctx.sky(horizon)
    skyline(ctx, horizon, 0.14 * H, (150, 160, 190), ctx.light.night, rng)
    ctx.ground(horizon, (196, 196, 200), (172, 172, 180))
    for y in range(int(horizon) + 14, H, 22):
        p.stroke([(0, y), (W, y)], ctx.c((170, 170, 176)), 1)
    top, bottom = 0.42 * H, horizon + 0.02 * H
    fence = ctx.c((60, 120, 100))
    for x in range(0, W + 1, 64):
        p.rect(x - 2.5, top, x + 2.5, bottom, fence, outline=False)
    p.rect(0, top - 3, W, top + 2, fence, outline=False)
    wire = ctx.c((120, 150, 140))
    for x in range(-200, W + 200, 12):
        p.stroke([(x, top), (x + (bottom - top), bottom)], wire, 0.6)
        p.stroke([(x, top), (x - (bottom - top), bottom)], wire, 0.6)
    tx = 0.86 * W  # water tank
    p.rect(tx - 0.08 * W, 0.5 * H, tx + 0.08 * W, 0.66 * H, ctx.c((226, 226, 230)), shade=0.25)
    p.ellipse(tx, 0.5 * H, 0.08 * W, 0.015 * H, ctx.c((240, 240, 244)), shade=None)
    return {"sky": (0.03 * W, 0.03 * H, 0.28 * W, 0.2 * H), "ground": (0, horizon, W, H)}


def lake(ctx: Ctx) -> dict:
    W, H, p, rng = ctx.W, ctx.H, ctx.pen, ctx.rng
    horizon = 0.55 * H
    ctx.sky(horizon)
    hills(ctx, horizon, 0.09 * H, (110, 150, 170), rng, 2)
    for i in range(14):
        pine(ctx, W * (0.3 + i * 0.05), horizon + 2, 0.08 * H, (60, 110, 80))
    s = p.s
    water = [ctx.c((90, 150, 210)), ctx.c((70, 130, 196))]
    ctx.canvas.paste(sky.gradient((int(W * s), int(0.27 * H * s)), water), (0, int(horizon * s)))
    for _ in range(16):
        x, y = rng.random() * W, horizon + 5 + rng.random() * 0.24 * H
        p.stroke([(x, y), (x + 10 + rng.random() * 24, y)], ctx.c((200, 230, 250)), 1.2)
    ctx.ground(0.82 * H, (130, 186, 100), (110, 166, 84))
    p.rect(0.02 * W, 0.7 * H, 0.22 * W, 0.73 * H, ctx.c((170, 120, 80)), shade=None)  # pier
    for x in (0.05 * W, 0.12 * W, 0.19 * W):
        p.rect(x - 2, 0.73 * H, x + 2, 0.8 * H, ctx.c((120, 80, 50)))
    for _ in range(10):
        x = rng.random() * W
        p.stroke([(x, 0.84 * H), (x + 3, 0.76 * H)], ctx.c((90, 140, 70)), 1.5)
        p.oval(x + 3, 0.77 * H, 2, 5, ctx.c((140, 90, 60)))
    return ctx.outdoor_boxes(horizon, 0.82 * H)


def field(ctx: Ctx) -> dict:
    W, H, rng = ctx.W, ctx.H, ctx.rng
    horizon = 0.6 * H
    ctx.sky(horizon)
    hills(ctx, horizon + 0.03 * H, 0.08 * H, (140, 200, 110), rng, 2)
    round_tree(ctx, 0.86 * W, horizon - 0.03 * H, 0.06 * H, (80, 150, 80))
    hills(ctx, horizon + 0.08 * H, 0.06 * H, (160, 214, 110), rng, 3)
    ctx.ground(horizon + 0.06 * H, (170, 220, 110), (140, 200, 90))
    grass(ctx, 0.72 * H, H, 90, (110, 170, 70), rng)
    flowers(ctx, 0.7 * H, H, 30, rng, ((255, 255, 255), (255, 230, 90), (255, 140, 180)))
    return ctx.outdoor_boxes(horizon, horizon + 0.06 * H)


def castle(ctx: Ctx) -> dict:
    W, H, p, rng = ctx.W, ctx.H, ctx.pen, ctx.rng
    horizon = 0.64 * H
    ctx.sky(horizon)
    hills(ctx, horizon + 0.02 * H, 0.06 * H, (110, 170, 100), rng, 2)
    stone, roof = ctx.c((220, 214, 226)), ctx.c((70, 100, 190))
    cx = 0.68 * W
    base = horizon - 0.02 * H
    p.rect(cx - 0.22 * W, base - 0.14 * H, cx + 0.22 * W, base, stone, shade=0.2)
    for k in range(9):
        x = cx - 0.22 * W + k * 0.055 * W
        p.rect(x, base - 0.16 * H, x + 0.028 * W, base - 0.14 * H, stone)
    for dx, tw, th in ((-0.22, 0.05, 0.26), (0.22, 0.05, 0.26), (0.0, 0.07, 0.36), (-0.1, 0.04, 0.2), (0.1, 0.04, 0.2)):
        x = cx + dx * W
        top = base - th * H
        p.rect(x - tw * W, top, x + tw * W, base, stone, shade=0.2)
        p.poly([(x - tw * W * 1.25, top), (x, top - 0.1 * H), (x + tw * W * 1.25, top)], roof, shade=0.3)
        p.stroke([(x, top - 0.1 * H), (x, top - 0.14 * H)], ctx.c((80, 70, 60)), 1.2)
        p.poly([(x, top - 0.14 * H), (x + 10, top - 0.13 * H), (x, top - 0.12 * H)], ctx.c((230, 60, 60)), shade=None,
               outline=False)
        p.poly(arc(x, top + 0.06 * H, 0.012 * W, 0.02 * H, 180, 360, 6) + [(x + 0.012 * W, top + 0.08 * H),
                                                                            (x - 0.012 * W, top + 0.08 * H)],
               (255, 224, 130) if ctx.light.night else ctx.c((70, 70, 100)), shade=None)
    p.poly(arc(cx, base - 0.03 * H, 0.03 * W, 0.04 * H, 180, 360, 8) + [(cx + 0.03 * W, base), (cx - 0.03 * W, base)],
           ctx.c((90, 70, 60)), shade=None)
    ctx.ground(horizon, (120, 180, 96), (100, 160, 80))
    path = smooth([(cx - 0.02 * W, horizon), (0.5 * W, 0.8 * H), (0.4 * W, H)], 6)
    path2 = smooth([(cx + 0.03 * W, horizon), (0.65 * W, 0.8 * H), (0.75 * W, H)], 6)
    p.poly(path + path2[::-1], ctx.c((200, 190, 170)), shade=None, lw=p.lw * 0.6)
    return ctx.outdoor_boxes(0.3 * H, horizon)


def bedroom(ctx: Ctx) -> dict:
    W, H, p = ctx.W, ctx.H, ctx.pen
    floor = 0.76 * H
    p.rect(0, 0, W, floor, ctx.c((246, 224, 232)), outline=False)
    for y in range(10, int(floor), 30):
        for x in range(10 + (y // 30 % 2) * 15, W, 30):
            p.dot(x, y, 2, ctx.c((236, 200, 214)))
    ctx.ground(floor, (214, 172, 130), (190, 150, 110))
    sky_box = window(ctx, 0.6 * W, 0.08 * H, 0.92 * W, 0.44 * H, curtains=(140, 170, 230))
    # bed on the left
    p.rect(0.0, 0.5 * H, 0.05 * W, 0.86 * H, ctx.c((190, 140, 100)))
    p.rect(0.0, 0.64 * H, 0.3 * W, 0.78 * H, ctx.c((250, 250, 252)), shade=0.1)
    p.ellipse(0.08 * W, 0.62 * H, 0.06 * W, 0.03 * H, ctx.c((255, 255, 255)), shade=0.2)
    p.poly([(0.1 * W, 0.64 * H), (0.32 * W, 0.64 * H), (0.33 * W, 0.8 * H), (0.05 * W, 0.8 * H)],
           ctx.c((250, 170, 190)), shade=0.25)
    p.rect(0.02 * W, 0.15 * H, 0.2 * W, 0.35 * H, ctx.c((250, 250, 250)))  # poster
    p.ellipse(0.11 * W, 0.25 * H, 0.05 * W, 0.05 * W, ctx.c((255, 200, 80)), shade=None)
    p.rect(0.76 * W, 0.54 * H, 0.99 * W, 0.56 * H, ctx.c((190, 140, 100)))  # shelf with a plush bear
    bx, by = 0.86 * W, 0.5 * H
    for k in (-1, 1):
        p.ellipse(bx + k * 8, by - 16, 5, 5, ctx.c((200, 150, 100)), shade=None)
    p.ellipse(bx, by - 8, 11, 10, ctx.c((200, 150, 100)), shade=0.2)
    p.ellipse(bx, by + 2, 10, 8, ctx.c((200, 150, 100)), shade=0.2)
    p.ellipse(0.5 * W, 0.9 * H, 0.35 * W, 0.06 * H, ctx.c((170, 200, 240)), shade=None)
    return {"sky": sky_box, "ground": (0, floor, W, H)}


def train_station(ctx: Ctx) -> dict:
    W, H, p, rng = ctx.W, ctx.H, ctx.pen, ctx.rng
    horizon = 0.66 * H
    ctx.sky(horizon)
    hills(ctx, horizon - 0.06 * H, 0.05 * H, (120, 160, 130), rng)
    p.rect(0, horizon - 0.06 * H, W, horizon + 0.02 * H, ctx.c((110, 100, 96)), outline=False)
    for y in (horizon - 0.04 * H, horizon - 0.01 * H):
        p.rect(0, y, W, y + 3, ctx.c((170, 170, 180)), outline=False)
    # the train waiting on the far track
    tx0, tx1, ty0, ty1 = 0.4 * W, W + 20, 0.36 * H, horizon - 0.04 * H
    p.rect(tx0, ty0, tx1, ty1, ctx.c((232, 236, 240)), shade=0.1)
    p.rect(tx0, ty1 - 0.07 * H, tx1, ty1 - 0.05 * H, ctx.c((60, 160, 90)), outline=False)
    for k in range(6):
        wx = tx0 + 12 + k * 0.1 * W
        p.rect(wx, ty0 + 0.04 * H, wx + 0.07 * W, ty0 + 0.12 * H, (255, 226, 140) if ctx.light.night else ctx.c((110, 150, 190)))
    p.rect(0, horizon + 0.02 * H, W, H, ctx.c((190, 190, 196)), outline=False)
    ctx.ground(horizon + 0.05 * H, (196, 196, 202), (176, 176, 184))
    p.rect(0, horizon + 0.02 * H, W, horizon + 0.045 * H, ctx.c((240, 200, 40)), outline=False)
    p.rect(0, 0, W, 0.07 * H, ctx.c((120, 120, 130)), outline=False)  # canopy
    p.rect(0, 0.07 * H, W, 0.085 * H, ctx.c((90, 90, 100)), outline=False)
    for x in (0.33 * W, 0.97 * W):
        p.rect(x - 4, 0.085 * H, x + 4, horizon + 0.03 * H, ctx.c((100, 100, 110)), shade=None)
    sx0, sx1 = 0.04 * W, 0.3 * W  # station name board
    p.stroke([(sx0 + 8, 0.085 * H), (sx0 + 8, 0.3 * H)], ctx.c((80, 80, 90)), 1.5)
    p.stroke([(sx1 - 8, 0.085 * H), (sx1 - 8, 0.3 * H)], ctx.c((80, 80, 90)), 1.5)
    p.rect(sx0, 0.3 * H, sx1, 0.38 * H, ctx.c((250, 250, 250)))
    p.rect(sx0, 0.36 * H, sx1, 0.38 * H, ctx.c((40, 110, 200)), outline=False)
    for k in range(4):
        x = sx0 + 14 + k * 0.055 * W
        p.rect(x, 0.315 * H, x + 0.035 * W, 0.345 * H, (40, 40, 50), outline=False)
    return {"sky": (0.03 * W, 0.1 * H, 0.28 * W, 0.26 * H), "ground": (0, horizon + 0.05 * H, W, H)}


def shrine(ctx: Ctx) -> dict:
    W, H, p = ctx.W, ctx.H, ctx.pen
    horizon = 0.64 * H
    ctx.sky(horizon)
    for i in range(8):
        round_tree(ctx, W * (0.02 + i * 0.14), horizon + 4, H * 0.08, (60, 120, 70))
    ctx.ground(horizon, (200, 190, 170), (180, 170, 150))
    path = [(0.4 * W, horizon), (0.6 * W, horizon), (0.85 * W, H), (0.15 * W, H)]
    p.poly(path, ctx.c((220, 214, 200)), shade=None, lw=p.lw * 0.6)
    for y in range(int(horizon) + 10, H, 18):
        p.stroke([(0.1 * W, y), (0.9 * W, y)], ctx.c((196, 190, 176)), 1)
    red, black = ctx.c((220, 50, 40)), ctx.c((40, 36, 40))
    x0, x1 = 0.34 * W, 0.96 * W
    for x in (x0 + 0.06 * W, x1 - 0.06 * W):
        p.rect(x - 8, 0.16 * H, x + 8, horizon + 0.04 * H, red, shade=0.25)
        p.rect(x - 10, horizon + 0.01 * H, x + 10, horizon + 0.04 * H, black)
    p.poly([(x0 - 0.02 * W, 0.1 * H), (x1 + 0.02 * W, 0.1 * H), (x1, 0.14 * H), (x0, 0.14 * H)], black, shade=None)
    p.rect(x0 + 0.01 * W, 0.14 * H, x1 - 0.01 * W, 0.17 * H, red, shade=None)
    p.rect(x0 + 0.02 * W, 0.23 * H, x1 - 0.02 * W, 0.255 * H, red, shade=None)
    mx = (x0 + x1) / 2
    p.rect(mx - 6, 0.17 * H, mx + 6, 0.23 * H, red)
    for x in (0.08 * W, 0.24 * W):  # stone lanterns
        p.rect(x - 4, 0.74 * H, x + 4, 0.86 * H, ctx.c((170, 170, 170)))
        p.rect(x - 10, 0.7 * H, x + 10, 0.75 * H, (255, 224, 140) if ctx.light.night else ctx.c((190, 190, 190)))
        p.poly([(x - 14, 0.7 * H), (x, 0.66 * H), (x + 14, 0.7 * H)], ctx.c((150, 150, 150)), shade=None)
    return {"sky": (0.03 * W, 0.03 * H, 0.28 * W, 0.2 * H), "ground": (0, horizon, W, H)}


SETTINGS = {
    "beach": beach, "cherry blossoms": cherry_blossoms, "forest": forest, "city": city, "classroom": classroom,
    "park": park, "mountain": mountain, "snow field": snow_field, "street": street, "cafe": cafe,
    "library": library, "space": space, "garden": garden, "rooftop": rooftop, "lake": lake, "field": field,
    "castle": castle, "bedroom": bedroom, "train station": train_station, "shrine": shrine,
}


def paint(ctx: Ctx, setting: str) -> dict:
    return SETTINGS.get(setting, park)(ctx)


def water(ctx: Ctx, top: float) -> None:
    """Foreground water for swimming figures: drawn over their lower bodies."""
    W, H, p, rng = ctx.W, ctx.H, ctx.pen, ctx.rng
    s = p.s
    ctx.canvas.paste(sky.gradient((int(W * s), int((H - top) * s) + 2), [ctx.c((80, 170, 230)), ctx.c((40, 110, 190))]),
                     (0, int(top * s)))
    crest = [(x, top + 3 * math.sin(x / 14.0)) for x in range(-5, W + 10, 5)]
    p.flat(crest + [(W + 10, top + 6), (-5, top + 6)], ctx.c((80, 170, 230)))
    p.stroke(crest, ctx.c((230, 248, 255)), 3)
    for _ in range(20):
        x, y = rng.random() * W, top + 12 + rng.random() * (H - top - 12)
        p.stroke([(x, y), (x + 12 + rng.random() * 20, y)], ctx.c((170, 220, 250)), 1.5)
