"""Finding a font that draws Chinese as well as Latin text, and rendering text with it.

Tofu boxes (the .notdef glyph) on a kiosk screen look broken, so the font is found once at
start: the configured file, then fontconfig's answer for a Simplified Chinese face, then a scan
of the usual font folders. `find_cjk_font()` is cheap and has no pygame import, so `doctor` can
report a missing font with its fix.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

# fontconfig family names in order of preference: all carry Latin glyphs too.
_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "WenQuanYi Zen Hei",
             "WenQuanYi Micro Hei", "Droid Sans Fallback", "AR PL UMing CN")
# File name fragments for the scan when fontconfig is absent.
_FILE_HINTS = ("notosanscjk", "notosanssc", "sourcehansans", "wqy-zenhei", "wqy-microhei",
               "droidsansfallback", "notoserifcjk", "uming")
_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts",
              "/System/Library/Fonts", "C:/Windows/Fonts")
# A character every CJK font has and no Latin-only font has.
PROBE = "画"
INSTALL_HINT = "install a Chinese font, e.g. 'sudo apt install fonts-noto-cjk', or set [window] font"


@dataclass(frozen=True)
class FontFace:
    path: Path
    index: int = 0  # face inside a .ttc collection (Noto CJK holds JP, KR, SC, TC, HK)


def _fc_match(family: str, bold: bool) -> FontFace | None:
    if not shutil.which("fc-match"):
        return None
    pattern = family + (":bold" if bold else "")
    try:
        out = subprocess.run(["fc-match", "-f", "%{file}\n%{index}\n%{family}\n%{lang}", pattern],
                             capture_output=True, text=True, timeout=5).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    parts = out.split("\n")
    if len(parts) < 4 or not parts[0]:
        return None
    # fc-match always answers with *something*; accept it only if it really covers Chinese.
    langs = parts[3].split("|")
    if not any(lang.startswith("zh") for lang in langs):
        return None
    path = Path(parts[0])
    if not path.is_file():
        return None
    try:
        index = int(parts[1])
    except ValueError:
        index = 0
    return FontFace(path, index)


def _scan(bold: bool) -> FontFace | None:
    found: list[Path] = []
    for base in _FONT_DIRS:
        root = Path(os.path.expanduser(base))
        if not root.is_dir():
            continue
        for dirpath, _dirs, files in os.walk(root):
            for name in files:
                low = name.lower()
                if low.endswith((".ttf", ".otf", ".ttc")) and any(h in low for h in _FILE_HINTS):
                    found.append(Path(dirpath) / name)
    if not found:
        return None

    def rank(p: Path):
        low = p.name.lower()
        hint = next(i for i, h in enumerate(_FILE_HINTS) if h in low)
        weight = 0 if (("bold" in low) == bold) else 1
        return (hint, weight, low)

    best = sorted(found, key=rank)[0]
    # Noto/Source Han collections put Simplified Chinese third; other files have one face.
    index = 2 if best.suffix.lower() == ".ttc" and "cjk" in best.name.lower() else 0
    return FontFace(best, index)


def find_cjk_face(preferred: str = "", bold: bool = False) -> FontFace | None:
    """The font face to draw with: `preferred` (a file path) when given and present, else a CJK face."""
    if preferred:
        p = Path(preferred).expanduser()
        if p.is_file():
            return FontFace(p, 0)
        for family in (preferred,):
            face = _fc_match(family, bold)
            if face:
                return face
    for family in _FAMILIES:
        face = _fc_match(family, bold)
        if face:
            return face
    return _scan(bold)


def find_cjk_font(preferred: str = "") -> Path | None:
    """Path of a font file that draws Chinese, or None (doctor reports INSTALL_HINT)."""
    face = find_cjk_face(preferred)
    return face.path if face else None


class FontBook:
    """Fonts by pixel size, and a small cache of rendered text (the same labels are drawn each frame)."""

    def __init__(self, preferred: str = "", cache_size: int = 600):
        import pygame.freetype

        pygame.freetype.init()
        self._freetype = pygame.freetype
        self.regular = find_cjk_face(preferred)
        self.bold_face = find_cjk_face(preferred, bold=True) or self.regular
        self.has_cjk = self.regular is not None
        self._fonts: dict = {}
        self._cache: OrderedDict = OrderedDict()
        self._cache_size = cache_size

    def font(self, size: int, bold: bool = False):
        size = max(6, int(size))
        key = (size, bold)
        f = self._fonts.get(key)
        if f is None:
            face = self.bold_face if bold else self.regular
            if face is None:
                # No CJK font: pygame's own font still draws Latin text; Chinese becomes boxes,
                # which is why doctor and the log name the fix.
                f = self._freetype.Font(None, size)
            else:
                f = self._freetype.Font(str(face.path), size, font_index=face.index)
            f.antialiased = True
            f.pad = True
            self._fonts[key] = f
        return f

    def render(self, text: str, size: int, color, bold: bool = False):
        """An alpha surface with `text`; cached because most labels repeat frame after frame."""
        key = (text, int(size), tuple(color), bold)
        surf = self._cache.get(key)
        if surf is not None:
            self._cache.move_to_end(key)
            return surf
        surf, _rect = self.font(size, bold).render(text or " ", fgcolor=color)
        self._cache[key] = surf
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return surf

    def width(self, text: str, size: int, bold: bool = False) -> int:
        return self.font(size, bold).get_rect(text or " ").width if text else 0

    def wrap(self, text: str, size: int, max_width: int, bold: bool = False) -> list[str]:
        """Lines no wider than max_width: Latin text breaks at spaces, Chinese between any characters."""
        lines: list[str] = []
        for paragraph in (text or "").split("\n"):
            line = ""
            for token in _tokens(paragraph):
                candidate = line + token
                if not line or self.width(candidate.rstrip(), size, bold) <= max_width:
                    line = candidate
                    continue
                lines.append(line.rstrip())
                line = token.lstrip()
                # A single Latin word wider than the line: cut it by characters.
                while line and self.width(line, size, bold) > max_width and len(line) > 1:
                    cut = len(line) - 1
                    while cut > 1 and self.width(line[:cut], size, bold) > max_width:
                        cut -= 1
                    lines.append(line[:cut])
                    line = line[cut:]
            lines.append(line.rstrip())
        return [ln for ln in lines if ln] or [""]


_NO_LINE_START = set(",。!?;:、)》」』,.!?;:)")


def _tokens(text: str) -> list[str]:
    """Break opportunities: words with their trailing space, single CJK characters (with any
    closing punctuation glued on, so a line never starts with a comma)."""
    out: list[str] = []
    word = ""
    for ch in text:
        if _is_cjk(ch) or ch in "“”「」":
            if word:
                out.append(word)
                word = ""
            out.append(ch)
        elif ch in _NO_LINE_START and out and not word:
            out[-1] += ch
        elif ch == " ":
            word += ch
            out.append(word)
            word = ""
        else:
            word += ch
    if word:
        out.append(word)
    return out


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return (0x3000 <= o <= 0x30FF or 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF
            or 0xFF00 <= o <= 0xFFEF)
