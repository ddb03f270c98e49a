"""One drawing function per screen. Each draws the whole frame for a ViewState and returns the
Layout of what it put where (text lines, chips, swatches, bars, picture), which the tests check
pixel by pixel and the display uses for nothing else.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass, field

import pygame

from assistant.window import theme
from assistant.window.view_state import Recent, ViewState

SLIDE_S = 8.0
FADE_S = 1.2
EXAMPLE_S = 6.0
SLOT_ORDER = ("count", "subject", "hair_color", "hair_style", "eye_color", "outfit_color", "outfit",
              "accessories", "expression", "action", "setting", "time_of_day", "weather", "style")
_STAGES_ZH = {"understanding": "理解", "generate": "画画", "speak": "说话", "listen": "听",
              "asr": "识别", "tts": "说话", "audio": "录音", "window": "显示",
              "gallery": "保存作品", "watchdog": "重启"}
_STAGES_EN = {"generate": "drawing", "asr": "recognising speech", "tts": "speaking", "speak": "speaking",
              "gallery": "saving the picture", "watchdog": "restarting a part",
              "listen": "listening", "audio": "using the microphone"}


@dataclass
class Layout:
    """Where things were drawn in the last frame."""

    rects: dict = field(default_factory=dict)  # name -> Rect
    texts: list = field(default_factory=list)  # (name, text, Rect)
    chips: list = field(default_factory=list)  # (slot, label, Rect, highlighted)
    swatches: dict = field(default_factory=dict)  # slot -> ((x, y), rgb)

    def text_of(self, name: str) -> str:
        return "".join(t for n, t, _r in self.texts if n == name)

    def rects_of(self, name: str) -> list:
        return [r for n, _t, r in self.texts if n == name]


class ImageCache:
    """Pictures loaded once and scaled once per size; a missing file gives None, never an exception."""

    def __init__(self, size: int = 24):
        self._raw: OrderedDict = OrderedDict()
        self._scaled: OrderedDict = OrderedDict()
        self._size = size

    def raw(self, path: str):
        if path in self._raw:
            self._raw.move_to_end(path)
            return self._raw[path]
        surf = _load(path)
        self._raw[path] = surf
        if len(self._raw) > self._size:
            self._raw.popitem(last=False)
        return surf

    def fitted(self, path: str, box: tuple[int, int], cover: bool = False):
        key = (path, box, cover)
        if key in self._scaled:
            self._scaled.move_to_end(key)
            return self._scaled[key]
        raw = self.raw(path)
        out = None
        if raw is not None:
            w, h = raw.get_size()
            k = (max if cover else min)(box[0] / w, box[1] / h)
            size = (max(1, round(w * k)), max(1, round(h * k)))
            out = pygame.transform.smoothscale(raw, size)
            if cover:
                crop = pygame.Rect(0, 0, *box)
                crop.center = (size[0] // 2, size[1] // 2)
                out = out.subsurface(crop.clip(out.get_rect())).copy()
        self._scaled[key] = out
        if len(self._scaled) > self._size * 3:
            self._scaled.popitem(last=False)
        return out

    def forget(self, path: str) -> None:
        self._raw.pop(path, None)
        for key in [k for k in self._scaled if path in k]:
            del self._scaled[key]


def _load(path: str):
    """An RGB surface of the picture at `path` (any format PIL reads), or None if it is unreadable."""
    try:
        from PIL import Image

        with Image.open(path) as im:
            im = im.convert("RGB")
            return pygame.image.frombytes(im.tobytes(), im.size, "RGB")
    except (OSError, ValueError, SyntaxError, pygame.error):
        return None


class Assets:
    def __init__(self, fonts, images: ImageCache | None = None):
        self.fonts = fonts
        self.images = images or ImageCache()
        self._backgrounds: dict = {}

    def background(self, size: tuple[int, int]):
        bg = self._backgrounds.get(size)
        if bg is None:
            bg = pygame.Surface(size)
            w, h = size
            for y in range(h):
                pygame.draw.line(bg, theme.mix(theme.BG_TOP, theme.BG_BOTTOM, y / max(1, h - 1)), (0, y), (w, y))
            self._backgrounds = {size: bg}
        return bg


# -- small drawing helpers ---------------------------------------------------------------------------
class _Pen:
    def __init__(self, surface, assets: Assets, layout: Layout):
        self.s = surface
        self.a = assets
        self.layout = layout
        self.w, self.h = surface.get_size()
        self.k = theme.scale_for(self.w, self.h)

    def px(self, v: float) -> int:
        return max(1, int(round(v * self.k)))

    def text(self, text, size, color, pos, anchor="topleft", bold=False, name=None):
        surf = self.a.fonts.render(text, self.px(size), color, bold)
        rect = surf.get_rect(**{anchor: pos})
        self.s.blit(surf, rect)
        if name:
            self.layout.texts.append((name, text, rect))
        return rect

    def paragraph(self, text, size, color, box: pygame.Rect, align="left", bold=False, name=None,
                  max_lines=None, gap=1.25):
        lines = self.a.fonts.wrap(text, self.px(size), box.width, bold)
        if max_lines and len(lines) > max_lines:
            lines = lines[:max_lines]
            lines[-1] = lines[-1].rstrip(" ,.,。") + "…"  # noqa: B005 - a set of trailing marks
        y = box.top
        step = int(self.px(size) * gap)
        for line in lines:
            if align == "center":
                self.text(line, size, color, (box.centerx, y), "midtop", bold, name)
            else:
                self.text(line, size, color, (box.left, y), "topleft", bold, name)
            y += step
        return pygame.Rect(box.left, box.top, box.width, y - box.top)

    def panel(self, rect, color=theme.PANEL, radius=18, edge=theme.PANEL_EDGE, alpha=None):
        if alpha is None:
            pygame.draw.rect(self.s, color, rect, border_radius=self.px(radius))
            if edge:
                pygame.draw.rect(self.s, edge, rect, width=max(1, self.px(1.5)), border_radius=self.px(radius))
        else:
            tmp = pygame.Surface(rect.size, pygame.SRCALPHA)
            pygame.draw.rect(tmp, (*color, alpha), tmp.get_rect(), border_radius=self.px(radius))
            self.s.blit(tmp, rect)

    def pill(self, text, size, fg, bg, pos, anchor="topleft", bold=False, name=None):
        surf = self.a.fonts.render(text, self.px(size), fg, bold)
        pad_x, pad_y = self.px(14), self.px(6)
        rect = pygame.Rect(0, 0, surf.get_width() + 2 * pad_x, surf.get_height() + 2 * pad_y)
        setattr(rect, anchor, pos)
        pygame.draw.rect(self.s, bg, rect, border_radius=rect.height // 2)
        self.s.blit(surf, surf.get_rect(center=rect.center))
        if name:
            self.layout.texts.append((name, text, rect))
        return rect


def _quote(text: str, lang: str) -> str:
    # The CJK font's curly quotes are full-width: right for Chinese, gappy around English words.
    return f"“{text}”" if lang == "zh" else f'"{text}"'


def _bi(en: str, zh: str, lang: str) -> tuple[str, str]:
    """(primary, secondary): the speaker's language first, the other one smaller beneath."""
    return (zh, en) if lang == "zh" else (en, zh)


def _header(p: _Pen, view: ViewState, label_en: str, label_zh: str) -> int:
    top = p.px(22)
    r = p.text("anime-assistant", 22, theme.MUTED, (p.px(36), top), bold=True)
    p.text("· 画画助手", 22, theme.MUTED, (r.right + p.px(8), top))
    primary, secondary = _bi(label_en, label_zh, view.lang)
    p.pill(f"{primary} · {secondary}", 20, theme.TEXT, theme.ACCENT_SOFT, (p.w - p.px(36), top - p.px(4)),
           "topright", name="phase")
    return top + p.px(44)


def _footer(p: _Pen, en: str, zh: str, lang: str) -> None:
    primary, secondary = _bi(en, zh, lang)
    y = p.h - p.px(30)
    p.text(f"{primary}    {secondary}", 20, theme.MUTED, (p.w // 2, y), "midbottom", name="hint")


# -- chips ------------------------------------------------------------------------------------------
def _chip_items(attributes: dict) -> list[tuple[str, str]]:
    """("slot", value) per chip; a record with figures gives each figure's chips in turn, named
    as `changed` names them ("figures[1].hair_color"), then the scene's."""
    if isinstance(attributes.get("figures"), list):
        items = []
        for i, fig in enumerate(attributes["figures"]):
            if isinstance(fig, dict):
                items += [(f"figures[{i}].{slot}", v) for slot, v in _chip_items(fig)]
        return items + _chip_items({k: v for k, v in attributes.items() if k != "figures"})
    items = []
    order = list(SLOT_ORDER) + [s for s in attributes if s not in SLOT_ORDER]
    for slot in order:
        if slot not in attributes:
            continue
        value = attributes[slot]
        if slot == "count" and value == 1:
            continue
        for v in (value if isinstance(value, list) else [value]):
            items.append((slot, str(v)))
    return items


def _chips(p: _Pen, attributes: dict, changed, lang: str, box: pygame.Rect, now: float,
           changed_t: float, size: float = 26) -> pygame.Rect:
    """Flow layout of "slot: value" chips; colours carry a swatch; just-changed chips glow."""
    x, y = box.left, box.top
    gap = p.px(12)
    line_h = 0
    pulse = 0.5 + 0.5 * math.sin((now - changed_t) * 5.0) if now - changed_t < 3.0 else 1.0
    group = None
    items = list(_chip_items(attributes))
    for i, (slot, value) in enumerate(items):
        highlighted = slot in (changed or [])
        if theme.figure_slot(slot)[0] != group and x > box.left:
            x, y, line_h = box.left, y + line_h + gap, 0  # each figure's chips on a line of their own
        group = theme.figure_slot(slot)[0]
        slot_txt = theme.slot_label(slot, lang)
        value_txt = theme.value_label(slot, value, lang)
        slot_s = p.a.fonts.render(slot_txt, p.px(size * 0.72), theme.MUTED if not highlighted else theme.TEXT)
        val_s = p.a.fonts.render(value_txt, p.px(size), theme.TEXT, True)
        pad = p.px(16)
        sw = p.px(size * 0.9) if theme.figure_slot(slot)[1] in theme.COLOR_SLOTS else 0
        inner_w = slot_s.get_width() + p.px(10) + (sw + p.px(10) if sw else 0) + val_s.get_width()
        h = max(val_s.get_height(), sw) + p.px(16)
        w = inner_w + 2 * pad
        if x + w > box.right and x > box.left:
            x = box.left
            y += line_h + gap
            line_h = 0
        rect = pygame.Rect(x, y, w, h)
        if rect.bottom > box.bottom:
            # No room left (several figures on a small side panel): say how many are not shown
            # rather than draw over the footer.
            _more_chips(p, len(items) - i, lang, box, size)
            break
        if highlighted:
            glow = theme.mix(theme.ACCENT_SOFT, theme.ACCENT, 0.35 * pulse)
            pygame.draw.rect(p.s, glow, rect, border_radius=h // 2)
            pygame.draw.rect(p.s, theme.ACCENT, rect, width=p.px(3), border_radius=h // 2)
        else:
            pygame.draw.rect(p.s, theme.PANEL, rect, border_radius=h // 2)
            pygame.draw.rect(p.s, theme.PANEL_EDGE, rect, width=p.px(1.5), border_radius=h // 2)
        cx = x + pad
        p.s.blit(slot_s, slot_s.get_rect(midleft=(cx, rect.centery)))
        cx += slot_s.get_width() + p.px(10)
        if sw:
            rgb = theme.swatch_rgb(value)
            center = (cx + sw // 2, rect.centery)
            pygame.draw.circle(p.s, theme.mix(rgb, (255, 255, 255), 0.5), center, sw // 2 + p.px(2))
            pygame.draw.circle(p.s, rgb, center, sw // 2)
            p.layout.swatches[slot] = (center, rgb)
            cx += sw + p.px(10)
        vr = val_s.get_rect(midleft=(cx, rect.centery))
        p.s.blit(val_s, vr)
        p.layout.chips.append((slot, value_txt, rect, highlighted))
        p.layout.texts.append(("chip", value_txt, vr))
        x += w + gap
        line_h = max(line_h, h)
    return pygame.Rect(box.left, box.top, box.width, y + line_h - box.top)


def _more_chips(p: _Pen, hidden: int, lang: str, box: pygame.Rect, size: float) -> None:
    text = f"+{hidden} more" if lang == "en" else f"还有 {hidden} 项"
    surf = p.a.fonts.render(text, p.px(size * 0.8), theme.MUTED)
    last = p.layout.chips[-1][2] if p.layout.chips else pygame.Rect(box.left, box.top, 0, 0)
    where = surf.get_rect(midleft=(last.right + p.px(12), last.centery))
    if where.right > box.right:
        return
    p.s.blit(surf, where)
    p.layout.texts.append(("chips_more", text, where))


# -- screens ----------------------------------------------------------------------------------------
def draw_idle(p: _Pen, view: ViewState, now: float) -> None:
    shown = [r for r in view.recent if r.path][:12]
    slide = _slideshow(p, shown, now) if shown else None
    _header(p, view, "Ready", "等你说话")
    if slide is not None:
        # Two columns: the latest pictures on the left, what to say on the right.
        card = pygame.Rect(0, 0, p.w - slide.right - p.px(90), p.px(560))
        card.midleft = (slide.right + p.px(40), p.h // 2 + p.px(8))
        title, example = 44, 24
    else:
        card = pygame.Rect(0, 0, p.px(940), p.px(560))
        card.center = (p.w // 2, p.h // 2 + p.px(8))
        title, example = 50, 30
    p.panel(card, theme.BG_TOP, radius=28, alpha=215)
    inner = card.inflate(-p.px(50), 0)
    y = card.top + p.px(34)
    r = p.text("Tell me what to draw", title, theme.TEXT, (card.centerx, y), "midtop", bold=True, name="title_en")
    r = p.text("说出你想画的画面", title - 4, theme.ACCENT, (card.centerx, r.bottom + p.px(4)), "midtop", bold=True,
               name="title_zh")
    y = r.bottom + p.px(26)
    r = p.text("for example  ·  比如", 22, theme.MUTED, (card.centerx, y), "midtop")
    y = r.bottom + p.px(14)
    n = len(theme.EXAMPLES)
    first = int(now // EXAMPLE_S) % n
    for i in range(2):
        en, zh = theme.EXAMPLES[(first + i) % n]
        used = p.paragraph(_quote(en, "en"), example, theme.TEXT, pygame.Rect(inner.left, y, inner.width, 0),
                           align="center", name="example_en", gap=1.2)
        used = p.paragraph(_quote(zh, "zh"), example, theme.ACCENT_2,
                           pygame.Rect(inner.left, used.bottom + p.px(4), inner.width, 0), align="center",
                           name="example_zh", gap=1.2)
        y = used.bottom + p.px(26)
    p.text('then say "yes" to draw it  ·  然后说“对”就开始画', 22 if slide is None else 19, theme.MUTED,
           (card.centerx, card.bottom - p.px(28)), "midbottom")
    _footer(p, "Hold SPACE to talk  ·  ← → pictures", "按住空格键说话  ·  ← → 看作品", "en")


def _slideshow(p: _Pen, shown: list, now: float):
    """A soft blurred backdrop and the current recent picture, crisp, cross-fading every SLIDE_S."""
    idx = int(now // SLIDE_S) % len(shown)
    into = now - (now // SLIDE_S) * SLIDE_S
    side = min(p.h - p.px(220), int(p.w * 0.42))
    frame = pygame.Rect(p.px(60), 0, side, side)
    frame.centery = p.h // 2 - p.px(10)
    fading = into < FADE_S and len(shown) > 1
    for item, alpha in ((shown[(idx - 1) % len(shown)], 255), (shown[idx], int(255 * min(1.0, into / FADE_S))))\
            if fading else ((shown[idx], 255),):
        backdrop = _blurred(p, item.path)
        if backdrop is not None:
            backdrop.set_alpha(alpha)
            p.s.blit(backdrop, (0, 0))
    veil = pygame.Surface((p.w, p.h), pygame.SRCALPHA)
    veil.fill((*theme.BG_TOP, 170))
    p.s.blit(veil, (0, 0))
    p.panel(frame.inflate(p.px(16), p.px(16)), theme.PANEL, radius=20)
    for item, alpha in ((shown[(idx - 1) % len(shown)], 255), (shown[idx], int(255 * min(1.0, into / FADE_S))))\
            if fading else ((shown[idx], 255),):
        pic = p.a.images.fitted(item.path, frame.size)
        if pic is not None:
            pic.set_alpha(alpha)
            r = pic.get_rect(center=frame.center)
            p.s.blit(pic, r)
            p.layout.rects["slide"] = r
    cur = shown[idx]
    if cur.caption:
        p.paragraph(cur.caption, 20, theme.MUTED, pygame.Rect(frame.left, frame.bottom + p.px(16), frame.width, 0),
                    align="center", name="slide_caption", max_lines=2)
    return frame


def _blurred(p: _Pen, path: str):
    small = p.a.images.fitted(path, (48, 30), cover=True)
    if small is None:
        return None
    key = ("blur", path, p.w, p.h)
    cached = p.a.images._scaled.get(key)
    if cached is None:
        cached = pygame.transform.smoothscale(pygame.transform.smoothscale(small, (24, 15)), (p.w, p.h))
        p.a.images._scaled[key] = cached
    return cached


def draw_listening(p: _Pen, view: ViewState, now: float) -> None:
    _header(p, view, "Listening", "在听")
    cx, cy = p.w // 2, int(p.h * 0.40)
    level = _level_fraction(view.level_db) if now - view.level_t < 1.0 else 0.0
    base = p.px(78)
    hot = view.speaking or view.ptt
    ring_color = theme.ACCENT if hot else theme.ACCENT_2
    for i in range(3):
        radius = base + p.px(22) * (i + 1) * (0.35 + level) + (p.px(6) * math.sin(now * 3 + i) if hot else 0)
        pygame.draw.circle(p.s, theme.mix(theme.BG_BOTTOM, ring_color, 0.45 - 0.12 * i), (cx, cy),
                           int(radius), width=p.px(4))
    pygame.draw.circle(p.s, ring_color, (cx, cy), base)
    _mic_icon(p, (cx, cy), base, theme.BG_TOP)
    p.layout.rects["mic"] = pygame.Rect(cx - base, cy - base, 2 * base, 2 * base)
    if hot:
        en, zh = "I hear you...", "我听到了,请继续说…"
    elif view.transcript == "" and view.phase == "listening":
        en, zh = "I'm listening — go ahead", "我在听,请说"
    else:
        en, zh = "I'm listening", "我在听"
    primary, secondary = _bi(en, zh, view.lang)
    r = p.text(primary, 46, theme.TEXT, (cx, cy + base + p.px(70)), "midtop", bold=True, name="listen_text")
    r = p.text(secondary, 30, theme.ACCENT if hot else theme.MUTED, (cx, r.bottom + p.px(6)), "midtop",
               name="listen_text2")
    # Level meter: -60 dB .. -10 dB, with the speech segment's colour when the VAD hears voice.
    bar = pygame.Rect(0, 0, p.px(640), p.px(22))
    bar.midtop = (cx, r.bottom + p.px(36))
    pygame.draw.rect(p.s, theme.TRACK, bar, border_radius=bar.height // 2)
    fill = bar.copy()
    fill.width = int(bar.width * level)
    if fill.width > 0:
        pygame.draw.rect(p.s, ring_color, fill, border_radius=bar.height // 2)
    for i in range(1, 10):
        x = bar.left + bar.width * i // 10
        pygame.draw.line(p.s, theme.BG_TOP, (x, bar.top + p.px(4)), (x, bar.bottom - p.px(4)), p.px(2))
    p.layout.rects["meter"] = bar
    p.layout.rects["meter_fill"] = fill
    if view.ptt:
        p.pill("SPACE held · 按住空格", 20, theme.BG_TOP, theme.ACCENT_2, (cx, bar.bottom + p.px(24)), "midtop")
    if view.attributes and view.dialog_state not in ("", "idle"):
        _chips(p, view.attributes, [], view.lang,
               pygame.Rect(p.px(80), p.h - p.px(170), p.w - p.px(160), p.px(100)), now, -99, size=22)
    _footer(p, "Speak naturally — pause when you are done", "自然地说,说完停一下就好", view.lang)


def _level_fraction(db: float) -> float:
    return max(0.0, min(1.0, (db + 60.0) / 50.0))


def _mic_icon(p: _Pen, center, base: int, color) -> None:
    cx, cy = center
    w, h = int(base * 0.42), int(base * 0.78)
    body = pygame.Rect(0, 0, w, h)
    body.midbottom = (cx, cy + int(base * 0.18))
    pygame.draw.rect(p.s, color, body, border_radius=w // 2)
    arc = pygame.Rect(0, 0, int(w * 1.9), int(h * 0.95))
    arc.midbottom = (cx, cy + int(base * 0.38))
    pygame.draw.arc(p.s, color, arc, math.pi, 2 * math.pi, max(2, base // 14))
    pygame.draw.line(p.s, color, (cx, arc.bottom), (cx, cy + int(base * 0.58)), max(2, base // 14))


def draw_heard(p: _Pen, view: ViewState, now: float) -> None:
    _header(p, view, "Heard", "听到了")
    lang = view.transcript_lang if view.transcript else view.lang
    box = pygame.Rect(p.px(110), int(p.h * 0.24), p.w - p.px(220), int(p.h * 0.44))
    if not view.transcript:
        dots = "." * (1 + int(now * 2) % 3)
        primary, secondary = _bi("Got it, working out what you said" + dots, "收到,正在识别" + dots, view.lang)
        r = p.text(primary, 44, theme.TEXT, (p.w // 2, box.top + p.px(60)), "midtop", bold=True, name="heard_wait")
        p.text(secondary, 30, theme.MUTED, (p.w // 2, r.bottom + p.px(8)), "midtop")
        _footer(p, "One moment", "请稍等", view.lang)
        return
    n_lines = min(4, len(p.a.fonts.wrap(view.transcript, p.px(54), box.width - p.px(80), True)))
    box.height = int(p.px(54) * 1.25 * n_lines) + p.px(70)
    box.centery = int(p.h * 0.44)
    primary, secondary = _bi("You said", "你说的是", lang)
    p.text(f"{primary} · {secondary}", 26, theme.MUTED, (box.left, box.top - p.px(48)), name="heard_label")
    p.panel(box, radius=26)
    inner = box.inflate(-p.px(80), -p.px(70))
    p.paragraph(view.transcript, 54, theme.TEXT, inner, bold=True, name="transcript", max_lines=4)
    p.layout.rects["transcript_box"] = box
    if view.confidence is not None:
        bar = pygame.Rect(box.left, box.bottom + p.px(28), p.px(260), p.px(10))
        pygame.draw.rect(p.s, theme.TRACK, bar, border_radius=bar.height // 2)
        fill = bar.copy()
        fill.width = int(bar.width * max(0.0, min(1.0, view.confidence)))
        color = theme.GOOD if view.confidence >= 0.6 else theme.WARN
        if fill.width:
            pygame.draw.rect(p.s, color, fill, border_radius=bar.height // 2)
        label = "clarity" if lang == "en" else "清晰度"
        p.text(f"{label} {int(view.confidence * 100)}%", 20, theme.MUTED, (bar.right + p.px(14), bar.centery),
               "midleft")
    if view.say_text and view.say_t >= view.transcript_t:
        # The assistant's answer that did not lead anywhere yet ("sorry, say it again").
        reply = pygame.Rect(box.left, box.bottom + p.px(80), box.width, p.px(120))
        p.paragraph(view.say_text, 34, theme.ACCENT_2, reply, name="reply", max_lines=2)
        _footer(p, "Say it again, a little slower", "请再说一遍,慢一点", view.say_lang)
        return
    _footer(p, "Understanding...", "正在理解…", lang)


def draw_confirming(p: _Pen, view: ViewState, now: float) -> None:
    _header(p, view, "Is this right?", "对吗?")
    lang = view.confirm_lang if view.confirm_text else view.lang
    sentence = view.confirm_text or view.say_text
    left = p.px(90)
    width = p.w - 2 * left
    n_lines = min(3, len(p.a.fonts.wrap(sentence, p.px(44), width - p.px(70), True)))
    box = pygame.Rect(left, p.px(100), width, int(p.px(44) * 1.25 * n_lines) + p.px(64))
    p.panel(box, radius=26)
    inner = box.inflate(-p.px(70), -p.px(56))
    p.paragraph(sentence, 44, theme.TEXT, inner, bold=True, name="say", max_lines=3)
    p.layout.rects["say_box"] = box
    y = box.bottom + p.px(34)
    primary, secondary = _bi("What I will draw", "我要画的是", lang)
    r = p.text(f"{primary} · {secondary}", 24, theme.MUTED, (left, y), name="chips_label")
    # Only a correction highlights: on a fresh description every slot is "changed", which says nothing.
    changed = view.changed if view.intent == "correct" else []
    chips = _chips(p, view.attributes, changed, lang, pygame.Rect(left, r.bottom + p.px(18), width,
                                                                        p.px(250)), now, view.changed_t, size=30)
    p.layout.rects["chips"] = chips
    if view.transcript and view.phase_since <= view.last_event_t:
        label = "you said" if view.transcript_lang == "en" else "你说"
        p.text(f"{label}: {_quote(view.transcript, view.transcript_lang)}", 22, theme.MUTED,
               (left, chips.bottom + p.px(24)), name="heard_small")
    _footer(p, "Say \"yes\" to draw it, or say what to change", "说“对”就开始画,或者说要改什么", lang)


def draw_generating(p: _Pen, view: ViewState, now: float) -> None:
    _header(p, view, "Drawing", "正在画")
    lang = view.confirm_lang if view.confirm_text else view.lang
    primary, secondary = _bi("Drawing your picture...", "正在画你的画…", lang)
    r = p.text(primary, 52, theme.TEXT, (p.w // 2, int(p.h * 0.20)), "midtop", bold=True, name="gen_title")
    r = p.text(secondary, 30, theme.MUTED, (p.w // 2, r.bottom + p.px(6)), "midtop")
    bar = pygame.Rect(0, 0, int(p.w * 0.70), p.px(40))
    bar.midtop = (p.w // 2, r.bottom + p.px(56))
    pygame.draw.rect(p.s, theme.TRACK, bar, border_radius=bar.height // 2)
    fill = bar.copy()
    if view.total > 0:
        frac = max(0.0, min(1.0, view.step / view.total))
        fill.width = int(round(bar.width * frac))
        if fill.width > 0:
            pygame.draw.rect(p.s, theme.ACCENT, fill, border_radius=bar.height // 2)
        status = f"{view.step} / {view.total}  ·  {int(round(frac * 100))}%"
    else:
        # No steps reported yet: a travelling glint says "alive", not a frozen bar.
        seg = bar.width // 5
        x = bar.left + int((now * 0.6 % 1.0) * (bar.width - seg))
        fill = pygame.Rect(x, bar.top, seg, bar.height)
        pygame.draw.rect(p.s, theme.ACCENT_SOFT, fill, border_radius=bar.height // 2)
        status = "starting..." if lang == "en" else "准备中…"
    p.layout.rects["progress"] = bar
    p.layout.rects["progress_fill"] = fill
    r = p.text(status, 28, theme.TEXT, (bar.left, bar.bottom + p.px(18)), name="progress_text")
    elapsed = max(0.0, now - view.gen_started)
    label = "elapsed" if lang == "en" else "已用时"
    p.text(f"{label} {elapsed:.1f} s", 28, theme.MUTED, (bar.right, bar.bottom + p.px(18)), "topright",
           name="elapsed")
    y = r.bottom + p.px(40)
    x = bar.left
    for key, value in (("backend", view.backend), ("style", theme.style_label(view.style, lang))):
        if not value:
            continue
        name_txt = {"backend": ("engine", "引擎"), "style": ("style", "画风")}[key][lang == "zh"]
        rr = p.pill(f"{name_txt}: {value}", 24, theme.TEXT, theme.PANEL, (x, y), name=key)
        x = rr.right + p.px(14)
    if view.attributes:
        _chips(p, view.attributes, [], lang, pygame.Rect(bar.left, y + p.px(70), bar.width, p.px(160)), now, -99,
               size=22)
    _footer(p, "Say \"stop\" to cancel", "说“停”可以取消", lang)


def draw_showing(p: _Pen, view: ViewState, now: float, item: Recent | None = None, counter: str = "") -> None:
    item = item or view.picture
    browsing = bool(counter)
    _header(p, view, "Gallery" if browsing else "Here it is", "作品" if browsing else "画好了")
    lang = item.lang if item else view.lang
    top = p.px(86)
    portrait = p.h > p.w * 1.1
    if portrait:  # a tall screen: picture above, words below
        side = min(p.w - p.px(80), int(p.h * 0.55))
        frame = pygame.Rect(0, top, side, side)
        frame.centerx = p.w // 2
    else:
        side = min(p.h - top - p.px(80), int(p.w * 0.56))
        frame = pygame.Rect(p.px(40), top, side, side)
    pic = p.a.images.fitted(item.path, (side - p.px(16), side - p.px(16))) if item and item.path else None
    p.panel(frame, theme.PANEL, radius=20)
    if pic is not None:
        pr = pic.get_rect(center=frame.center)
        p.s.blit(pic, pr)
        p.layout.rects["picture"] = pr
    else:
        primary, secondary = _bi("The picture could not be opened", "这张画打不开", lang)
        p.paragraph(primary + "\n" + secondary, 28, theme.MUTED, frame.inflate(-p.px(60), -p.px(200)),
                    align="center", name="missing")
    if portrait:
        x = p.px(60)
        box = pygame.Rect(x, frame.bottom + p.px(30), p.w - 2 * x, p.h - frame.bottom - p.px(120))
        p.layout.rects["side"] = box.copy()
    else:
        x = frame.right + p.px(44)
        box = pygame.Rect(x, top + p.px(10), p.w - x - p.px(44), side)
        p.layout.rects["side"] = pygame.Rect(x, top, box.width, frame.bottom - top)
    caption = item.caption if item else ""
    several = bool(item and item.attributes and item.attributes.get("figures"))
    used = p.paragraph(caption, 32 if several else 40, theme.TEXT, box, bold=True, name="caption", max_lines=6)
    y = used.bottom + p.px(24)
    if item and item.style:
        label = "style" if lang == "en" else "画风"
        r = p.pill(f"{label}: {theme.style_label(item.style, lang)}", 24, theme.TEXT, theme.ACCENT_SOFT, (x, y),
                   name="style")
        y = r.bottom + p.px(14)
    if item and item.seconds is not None:
        label = f"drawn in {item.seconds:.1f} s" if lang == "en" else f"用时 {item.seconds:.1f} 秒"
        if item.backend:
            label += f"  ·  {item.backend}"
        r = p.text(label, 24, theme.MUTED, (x, y), name="seconds")
        y = r.bottom + p.px(14)
    if item and item.attributes and not view.error_visible(now):
        _chips(p, item.attributes, [], lang, pygame.Rect(x, y + p.px(14), box.width, box.bottom - y), now, -99,
               size=20)
    if counter:
        p.text(counter, 26, theme.ACCENT_2, (x, box.bottom - p.px(36)), name="counter")
        _footer(p, "← → more pictures  ·  speak any time", "← → 翻看作品  ·  随时可以说话", lang)
    else:
        _footer(p, "Say a change, or describe a new picture", "可以说要改什么,或者描述一张新的画", lang)


def draw_error_banner(p: _Pen, view: ViewState, area: pygame.Rect | None = None) -> None:
    """A friendly toast at the bottom (of `area` when given, so it never covers the picture)."""
    lang = view.lang
    stage_en = _STAGES_EN.get(view.error_stage, view.error_stage or "working")
    stage_zh = _STAGES_ZH.get(view.error_stage, view.error_stage or "处理")
    primary, secondary = _bi(f"Sorry, something went wrong while {stage_en}. Let's try again.",
                             f"不好意思,{stage_zh}的时候出了问题,我们再试一次。", lang)
    area = area or pygame.Rect(p.px(60), 0, p.w - p.px(120), p.h - p.px(64))
    pad = p.px(24)
    width = area.width - 2 * pad
    main_lines = p.a.fonts.wrap(primary, p.px(26), width, True)[:3]
    detail = view.error if len(view.error) < 90 else view.error[:87] + "..."
    small_lines = p.a.fonts.wrap(f"{secondary}  ({detail})", p.px(18), width)[:3]
    height = int(p.px(26) * 1.25 * len(main_lines) + p.px(18) * 1.3 * len(small_lines)) + 2 * p.px(14)
    box = pygame.Rect(area.left, 0, area.width, height)
    box.bottom = area.bottom
    p.panel(box, theme.ERROR_BG, radius=18, edge=theme.WARN)
    used = p.paragraph(primary, 26, theme.TEXT, pygame.Rect(box.left + pad, box.top + p.px(12), width, 0),
                       bold=True, name="error", max_lines=3)
    p.paragraph(f"{secondary}  ({detail})", 18, theme.MUTED, pygame.Rect(box.left + pad, used.bottom, width, 0),
                name="error_detail", max_lines=3, gap=1.3)
    p.layout.rects["error"] = box


def draw_mic_badge(p: _Pen, view: ViewState, now: float) -> None:
    """A small live "I hear you" mark on screens other than Listening, so speech is never unnoticed."""
    level = _level_fraction(view.level_db) if now - view.level_t < 1.0 else 0.3
    c = (p.w - p.px(60), p.h - p.px(56))
    pygame.draw.circle(p.s, theme.mix(theme.BG_BOTTOM, theme.ACCENT, 0.5), c, p.px(26) + int(p.px(14) * level))
    pygame.draw.circle(p.s, theme.ACCENT, c, p.px(26))
    _mic_icon(p, c, p.px(26), theme.BG_TOP)
    p.layout.rects["mic_badge"] = pygame.Rect(c[0] - p.px(26), c[1] - p.px(26), p.px(52), p.px(52))


def draw_hold_to_quit(p: _Pen, fraction: float) -> None:
    box = pygame.Rect(0, 0, p.px(420), p.px(90))
    box.center = (p.w // 2, p.h // 2)
    p.panel(box, theme.BG_TOP, radius=20, edge=theme.WARN)
    p.text("Keep holding Esc to quit · 按住 Esc 退出", 22, theme.TEXT, (box.centerx, box.top + p.px(14)), "midtop")
    bar = pygame.Rect(box.left + p.px(30), box.bottom - p.px(30), box.width - p.px(60), p.px(12))
    pygame.draw.rect(p.s, theme.TRACK, bar, border_radius=6)
    pygame.draw.rect(p.s, theme.WARN, (bar.left, bar.top, int(bar.width * fraction), bar.height), border_radius=6)


def animation_key(view: ViewState, now: float, fps: int) -> tuple:
    """Changes exactly when the picture on screen would change with time alone, so an unchanged
    frame is neither drawn nor flipped (a kiosk idles at a few frames a second, not 30)."""
    fast = int(now * fps)
    phase = view.phase
    if phase == "listening":
        key = fast
    elif phase == "generating":
        key = int(now * 10) if view.total > 0 else fast  # elapsed time to 0.1 s; a glint while unknown
    elif phase == "confirming":
        key = fast if now - view.changed_t < 3.0 else 0
    elif phase == "heard":
        key = int(now * 2) if not view.transcript else 0
    elif phase == "idle":
        shown = sum(1 for r in view.recent if r.path)
        fading = shown > 1 and (now % SLIDE_S) < FADE_S
        key = (int(now // EXAMPLE_S), int(now // SLIDE_S), fast if fading else 0)
    else:
        key = 0
    badge = int(now * 10) if (view.speaking or view.ptt) and phase != "listening" else 0
    return (phase, key, badge, view.error_visible(now))


def render(surface, view: ViewState, assets: Assets, now: float, hold_fraction: float = 0.0) -> Layout:
    """Draw the frame for `view` at time `now` onto `surface`; returns where things went."""
    layout = Layout()
    p = _Pen(surface, assets, layout)
    surface.blit(assets.background(surface.get_size()), (0, 0))
    phase = view.phase
    if phase == "listening":
        draw_listening(p, view, now)
    elif phase == "heard":
        draw_heard(p, view, now)
    elif phase == "confirming":
        draw_confirming(p, view, now)
    elif phase == "generating":
        draw_generating(p, view, now)
    elif phase == "showing" and view.picture is not None:
        draw_showing(p, view, now)
    elif phase == "browsing" and view.recent:
        i = view.browse_index % len(view.recent)
        draw_showing(p, view, now, view.recent[i], counter=f"{i + 1} / {len(view.recent)}")
    else:
        draw_idle(p, view, now)
    if (view.speaking or view.ptt) and phase != "listening":
        draw_mic_badge(p, view, now)
    if view.error_visible(now):
        draw_error_banner(p, view, layout.rects.get("side"))
    if hold_fraction > 0:
        draw_hold_to_quit(p, hold_fraction)
    return layout
