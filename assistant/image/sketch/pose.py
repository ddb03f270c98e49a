"""Body proportions per subject and joint positions per action, for the sketch renderer.

A figure is a skeleton in output pixels: head centre and radius, shoulders, elbows, hands, hips,
knees, feet. Both the drawing and `layout()` read the same skeleton, so the regions the tests check
are the regions the pen actually filled. Pose tables give elbows and hands in arm lengths (x toward
the figure's outside) and knees and feet in leg lengths, so one table fits every build.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Point = tuple[float, float]


@dataclass(frozen=True)
class Build:
    height: float     # body height in head radii (small = chibi)
    torso: float      # neck base to hips, head radii
    chin: float       # head centre to chin
    shoulders: float  # half widths, head radii
    waist: float
    hips: float
    arm_w: float
    leg_w: float
    eye_y: float      # eye centre below head centre
    eye_w: float      # eye half width / half height
    eye_h: float
    lashes: bool
    canvas: float     # standing height as a share of the picture height when alone
    feminine: bool


BUILDS: dict[str, Build] = {
    "girl": Build(8.0, 2.4, 1.12, 1.0, 0.72, 0.88, 0.4, 0.5, 0.24, 0.23, 0.31, True, 0.7, True),
    "boy": Build(8.2, 2.5, 1.14, 1.15, 0.86, 0.88, 0.44, 0.54, 0.24, 0.21, 0.26, False, 0.72, False),
    "woman": Build(9.6, 2.9, 1.2, 1.1, 0.72, 0.98, 0.38, 0.48, 0.22, 0.21, 0.25, True, 0.8, True),
    "man": Build(10.2, 3.2, 1.24, 1.55, 1.12, 1.04, 0.5, 0.58, 0.22, 0.2, 0.18, False, 0.84, False),
    "child": Build(6.0, 1.75, 1.0, 0.95, 0.88, 0.86, 0.42, 0.52, 0.32, 0.22, 0.29, False, 0.52, False),
    "person": Build(8.8, 2.6, 1.15, 1.18, 0.84, 0.92, 0.44, 0.54, 0.24, 0.21, 0.26, False, 0.76, False),
}

NECK = 0.22

# arm: (elbow, hand) for the active arm A and the other arm B; leg: (knee, foot) for legs A and B.
STAND_ARM = ((0.09, 0.48), (0.13, 0.96))
STAND_LEG = ((0.05, 0.5), (0.07, 1.0))
POSES: dict[str, dict] = {
    "standing": dict(a=STAND_ARM, b=STAND_ARM, la=STAND_LEG, lb=STAND_LEG),
    "walking": dict(a=((0.2, 0.45), (0.4, 0.84)), b=((0.05, 0.48), (-0.14, 0.86)),
                    la=((0.0, 0.52), (-0.02, 1.04)), lb=((0.1, 0.44), (0.16, 0.84))),
    "running": dict(a=((0.38, 0.36), (0.12, 0.05)), b=((0.34, 0.34), (0.7, 0.5)),
                    la=((0.24, 0.3), (0.1, 0.66)), lb=((-0.06, 0.5), (-0.3, 0.92))),
    "sitting": dict(a=((0.2, 0.45), (-0.2, 0.72)), b=((0.2, 0.45), (-0.2, 0.72)),
                    la=((0.14, 0.12), (0.16, 0.56)), lb=((0.14, 0.12), (0.16, 0.56)), seat=0.56),
    "reading": dict(a=((0.26, 0.5), (0.02, 0.42)), b=((0.26, 0.5), (0.02, 0.42)),
                    la=STAND_LEG, lb=STAND_LEG),
    "waving": dict(a=((0.42, -0.12), (0.5, -0.62)), b=STAND_ARM, la=STAND_LEG, lb=STAND_LEG),
    "dancing": dict(a=((0.36, -0.28), (0.26, -0.72)), b=((0.45, 0.12), (0.88, -0.08)),
                    la=((0.3, 0.42), (0.62, 0.58)), lb=((0.04, 0.5), (0.04, 1.0))),
    "sleeping": dict(a=((0.04, 0.48), (-0.02, 0.92)), b=((0.04, 0.48), (-0.02, 0.92)),
                     la=((0.03, 0.5), (0.03, 1.0)), lb=((0.03, 0.5), (0.03, 1.0))),
    "singing": dict(a=((0.3, 0.42), (-0.2, -0.02)), b=((0.45, 0.25), (0.85, 0.1)), la=STAND_LEG, lb=STAND_LEG),
    "eating": dict(a=((0.3, 0.45), (-0.22, -0.05)), b=STAND_ARM, la=STAND_LEG, lb=STAND_LEG),
    "drinking": dict(a=((0.3, 0.45), (-0.22, -0.05)), b=STAND_ARM, la=STAND_LEG, lb=STAND_LEG),
    "playing guitar": dict(a=((0.3, 0.5), (-0.1, 0.62)), b=((0.25, 0.42), (0.05, 0.3)),
                           la=STAND_LEG, lb=STAND_LEG),
    "flying": dict(a=((0.3, -0.3), (0.42, -0.78)), b=((0.5, 0.1), (0.95, 0.0)),
                   la=((0.06, 0.5), (0.1, 1.0)), lb=((0.14, 0.42), (0.34, 0.74)), lift=0.36),
    "swimming": dict(a=((0.46, -0.3), (0.26, -0.76)), b=((0.55, 0.22), (1.0, 0.3)),
                     la=STAND_LEG, lb=STAND_LEG),
}
UMBRELLA_ARM = ((0.28, 0.42), (0.12, 0.1))


@dataclass
class Skeleton:
    """Joint positions of one human figure in output pixels; side A is the active arm's side."""
    cx: float
    r: float
    build: Build
    side_a: int
    head: Point
    neck: Point          # neck base (top of the torso)
    pelvis: Point
    shoulders: dict = field(default_factory=dict)   # side -> point
    elbows: dict = field(default_factory=dict)
    hands: dict = field(default_factory=dict)
    hips: dict = field(default_factory=dict)
    knees: dict = field(default_factory=dict)
    feet: dict = field(default_factory=dict)
    arm_len: float = 0.0
    leg_len: float = 0.0
    seat: float | None = None   # seat height (y) when sitting

    @property
    def hx(self) -> float:
        return self.head[0]

    @property
    def hy(self) -> float:
        return self.head[1]


def skeleton(subject: str, action: str, cx: float, ground: float, r: float, side_a: int = 1,
             umbrella: bool = False) -> Skeleton:
    """Joints of a person of `subject`'s build doing `action`, feet on `ground`, head radius r."""
    b = BUILDS.get(subject, BUILDS["person"])
    pose = POSES.get(action, POSES["standing"])
    legs = (b.height - 1 - b.chin - NECK - b.torso) * r
    arm = b.torso * 1.02 * r
    ground = ground - pose.get("lift", 0.0) * legs * 2.2
    seat = None
    if "seat" in pose:
        pelvis_y = ground - pose["seat"] * legs
        seat = pelvis_y + b.leg_w * r * 0.3
    else:
        pelvis_y = ground - legs
    neck_y = pelvis_y - b.torso * r
    head_y = neck_y - NECK * r - b.chin * r
    sk = Skeleton(cx=cx, r=r, build=b, side_a=side_a, head=(cx, head_y), neck=(cx, neck_y),
                  pelvis=(cx, pelvis_y), arm_len=arm, leg_len=legs, seat=seat)
    for side in (-1, 1):
        active = side == side_a
        arm_pose = pose["a"] if active else pose["b"]
        if umbrella and not active:
            arm_pose = UMBRELLA_ARM
        leg_pose = pose["la"] if active else pose["lb"]
        s = (cx + side * (b.shoulders - 0.12) * r, neck_y + 0.3 * r)
        sk.shoulders[side] = s
        (ex, ey), (hx, hy) = arm_pose
        sk.elbows[side] = (s[0] + side * ex * arm, s[1] + ey * arm)
        sk.hands[side] = (s[0] + side * hx * arm, s[1] + hy * arm)
        h = (cx + side * max(b.leg_w * 0.62, b.hips * 0.5) * r, pelvis_y)
        sk.hips[side] = h
        (kx, ky), (fx, fy) = leg_pose
        sk.knees[side] = (h[0] + side * kx * legs, h[1] + ky * legs)
        sk.feet[side] = (h[0] + side * fx * legs, h[1] + fy * legs)
    return sk


def figure_width(subject: str, r: float) -> float:
    """Horizontal room one figure needs (arms, hair and props included)."""
    if subject in ("cat", "dog"):
        return 4.6 * r
    b = BUILDS.get(subject, BUILDS["person"])
    return (2 * b.shoulders + 2.6) * r
