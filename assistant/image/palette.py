"""The canonical COLOR names of the attribute spec as RGB, and the colour arithmetic of cel shading.

The window shows swatches with `rgb(name)`, the sketch renderer fills hair, eyes and clothes with
the same values, so a colour the person said looks the same everywhere. Shades are derived, not
listed, so a new base colour needs one line.
"""

from __future__ import annotations

RGB = tuple[int, int, int]

# Chosen as the colour an anime illustrator would paint for the word, not the CSS value: "black"
# hair is a blue-black that still shows shading, "blonde" a warm straw, "silver" a cool light grey.
COLORS: dict[str, RGB] = {
    "black": (44, 42, 56),
    "brown": (128, 78, 46),
    "blonde": (246, 214, 116),
    "red": (214, 48, 52),
    "orange": (246, 140, 40),
    "yellow": (250, 226, 60),
    "green": (60, 168, 76),
    "blue": (52, 110, 220),
    "purple": (140, 80, 196),
    "pink": (248, 140, 186),
    "white": (246, 246, 250),
    "silver": (196, 204, 216),
    "gray": (132, 134, 144),
    "gold": (226, 176, 40),
}

SKIN: RGB = (255, 228, 208)
OUTLINE: RGB = (58, 40, 48)


def rgb(name: str) -> RGB:
    """The RGB triple of a canonical colour name; KeyError names the unknown colour."""
    try:
        return COLORS[name]
    except KeyError:
        raise KeyError(f"unknown colour {name!r}; known: {', '.join(COLORS)}") from None


def get(name: str | None, default: str) -> RGB:
    """`rgb(name)`, or the default colour when the slot is absent or not a canonical colour."""
    return COLORS.get(name or "", COLORS[default])


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """Linear blend: t=0 gives a, t=1 gives b."""
    return tuple(int(round(x + (y - x) * t)) for x, y in zip(a, b))  # type: ignore[return-value]


def shade(c: RGB, amount: float = 0.22) -> RGB:
    """The cel-shading shadow of a colour: darker and pulled a little toward violet, as painters do."""
    dark = tuple(int(v * (1 - amount)) for v in c)
    return mix(dark, (70, 50, 110), amount * 0.35)  # type: ignore[arg-type]


def light(c: RGB, amount: float = 0.35) -> RGB:
    """A highlight of a colour: toward a warm white."""
    return mix(c, (255, 252, 240), amount)


def line(c: RGB) -> RGB:
    """Outline colour for a filled shape: a much darker version of its own colour (coloured lines)."""
    return mix(shade(c, 0.6), OUTLINE, 0.5)


def luminance(c: RGB) -> float:
    r, g, b = c
    return 0.299 * r + 0.587 * g + 0.114 * b


def distance(a: RGB, b: RGB) -> float:
    """Euclidean RGB distance, good enough to tell palette colours apart."""
    return sum((x - y) ** 2 for x, y in zip(a, b)) ** 0.5


def contrast_with(c: RGB, options: list[str]) -> str:
    """The option name farthest from c: used for defaults that must not vanish against another colour."""
    return max(options, key=lambda name: distance(COLORS[name], c))
