"""The window, driven by recorded event streams of a whole English and a whole Chinese dialog.

Real pygame (SDL dummy video driver), real fonts, a real picture file made with PIL. Every
screen is written to tests/artifacts/window/ and checked by its pixels: the transcript and the
confirmation are the right text, chips name the right slots, swatches have the palette colour,
the progress bar is filled in proportion, the picture is on screen, Chinese is not tofu.
"""

from __future__ import annotations

import dataclasses
import typing

import os
import threading
import time
from pathlib import Path

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import numpy as np  # noqa: E402
import pygame  # noqa: E402
import pygame.freetype  # noqa: E402
import pytest  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

from assistant.config import Config  # noqa: E402
from assistant.events import EventBus, Recorder  # noqa: E402
from assistant.window import create_display, fonts, theme  # noqa: E402

ART = Path(__file__).resolve().parent / "artifacts" / "window"

from assistant.image.palette import rgb as palette_rgb  # noqa: E402
from dialog import events as ev


class FakeClock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t


def make_picture(path: Path) -> Path:
    """A small anime-ish test card: sky, sun, a figure with blue hair and a red dress."""
    im = Image.new("RGB", (512, 512), (170, 210, 245))
    d = ImageDraw.Draw(im)
    d.rectangle((0, 360, 512, 512), fill=(120, 190, 110))
    d.ellipse((380, 40, 470, 130), fill=(255, 220, 90))
    d.ellipse((190, 110, 320, 240), fill=(255, 228, 208))
    d.pieslice((170, 80, 340, 260), 180, 360, fill=(52, 110, 220))
    d.polygon([(200, 250), (310, 250), (350, 450), (160, 450)], fill=(214, 48, 52))
    for i in range(0, 512, 32):
        d.line((i, 470, i + 16, 512), fill=(90, 150, 80), width=3)
    path.parent.mkdir(parents=True, exist_ok=True)
    im.save(path)
    return path


EN_ATTRS_1 = {"subject": "girl", "hair_color": "black", "outfit": "dress", "outfit_color": "red",
              "setting": "cherry blossoms", "accessories": ["glasses", "hat"]}
EN_ATTRS_2 = dict(EN_ATTRS_1, hair_color="blue")
ZH_ATTRS_1 = {"subject": "girl", "hair_color": "blue", "setting": "cherry blossoms", "action": "standing",
              "outfit": "dress", "outfit_color": "red"}
ZH_ATTRS_2 = dict(ZH_ATTRS_1, hair_color="pink", style="shinkai")


def english_dialog(picture: str) -> list[dict]:
    s = lambda a, b, why: {"type": "state", "from": a, "to": b, "trigger": why}  # noqa: E731
    return [
        {"t": 0.5, **s("idle", "listening", "speech")},
        {"t": 0.6, "type": "listening", "speaking": True},
        {"t": 0.7, "type": "level", "rms_db": -24.0},
        {"t": 1.0, "type": "level", "rms_db": -18.0},
        {"t": 3.2, "type": "listening", "speaking": False},
        {"t": 3.2, "type": "speech", "start": 0.6, "end": 3.2},
        {"t": 4.0, "type": "transcript", "text": "a girl with black hair in a red dress with glasses and a hat "
                                                  "under cherry blossoms", "lang": "en", "confidence": 0.86,
         "asr_seconds": 0.8},
        {"t": 4.1, "type": "understood", "intent": "describe", "attributes": EN_ATTRS_1,
         "changed": sorted(EN_ATTRS_1)},
        {"t": 4.1, **s("listening", "confirming", "described")},
        {"t": 4.2, "type": "say", "text": "A black-haired girl in a red dress with glasses and a hat under "
                                          "cherry blossoms, right?", "lang": "en", "audio_path": None},
        {"t": 9.0, "type": "transcript", "text": "no, make her hair blue", "lang": "en", "confidence": 0.9,
         "asr_seconds": 0.5},
        {"t": 9.1, "type": "understood", "intent": "correct", "attributes": EN_ATTRS_2, "changed": ["hair_color"]},
        {"t": 9.2, "type": "say", "text": "A blue-haired girl in a red dress with glasses and a hat under cherry "
                                          "blossoms, right?", "lang": "en", "audio_path": None},
        {"t": 12.0, "type": "transcript", "text": "yes", "lang": "en", "confidence": 0.95, "asr_seconds": 0.3},
        {"t": 12.1, "type": "understood", "intent": "confirm", "attributes": EN_ATTRS_2, "changed": []},
        {"t": 12.1, **s("confirming", "generating", "confirmed")},
        {"t": 12.2, "type": "generate", "prompt": "1girl, blue hair, red dress", "negative_prompt": "lowres",
         "backend": "sketch", "style": "hayao", "seed": 1234},
        {"t": 13.0, "type": "progress", "step": 1, "total": 8},
        {"t": 14.0, "type": "progress", "step": 3, "total": 8},
        {"t": 17.0, "type": "image", "path": picture, "backend": "sketch", "style": "hayao", "seconds": 4.8,
         "attributes": EN_ATTRS_2},
        {"t": 17.0, **s("generating", "showing", "image")},
    ]


def chinese_dialog(picture: str) -> list[dict]:
    s = lambda a, b, why: {"type": "state", "from": a, "to": b, "trigger": why}  # noqa: E731
    return [
        {"t": 0.5, **s("idle", "listening", "speech")},
        {"t": 0.6, "type": "listening", "speaking": True},
        {"t": 0.8, "type": "level", "rms_db": -30.0},
        {"t": 3.0, "type": "speech", "start": 0.6, "end": 3.0},
        {"t": 4.1, "type": "transcript", "text": "画一个蓝发少女站在樱花树下,穿着红色的连衣裙", "lang": "zh",
         "confidence": 0.74, "asr_seconds": 1.1},
        {"t": 4.2, "type": "understood", "intent": "describe", "attributes": ZH_ATTRS_1,
         "changed": sorted(ZH_ATTRS_1)},
        {"t": 4.2, **s("listening", "confirming", "described")},
        {"t": 4.3, "type": "say", "text": "一个蓝头发、穿红色连衣裙的女孩,站在樱花树下,对吗?", "lang": "zh",
         "audio_path": None},
        {"t": 9.0, "type": "transcript", "text": "头发改成粉色,新海诚风格", "lang": "zh", "confidence": 0.8,
         "asr_seconds": 0.9},
        {"t": 9.1, "type": "understood", "intent": "correct", "attributes": ZH_ATTRS_2,
         "changed": ["hair_color", "style"]},
        {"t": 9.2, "type": "say", "text": "一个粉头发、穿红色连衣裙的女孩,站在樱花树下,新海诚风格,对吗?",
         "lang": "zh", "audio_path": None},
        {"t": 12.0, "type": "transcript", "text": "对", "lang": "zh", "confidence": 0.9, "asr_seconds": 0.3},
        {"t": 12.1, "type": "understood", "intent": "confirm", "attributes": ZH_ATTRS_2, "changed": []},
        {"t": 12.1, **s("confirming", "generating", "confirmed")},
        {"t": 12.2, "type": "generate", "prompt": "1girl, pink hair", "negative_prompt": "lowres",
         "backend": "sketch", "style": "shinkai", "seed": 99},
        {"t": 13.0, "type": "progress", "step": 5, "total": 10},
        {"t": 14.5, "type": "error", "stage": "speak", "message": "espeak-ng exited with status 1"},
        {"t": 15.0, "type": "progress", "step": 7, "total": 10},
        {"t": 18.0, "type": "image", "path": picture, "backend": "sketch", "style": "shinkai", "seconds": 5.8,
         "attributes": ZH_ATTRS_2},
        {"t": 18.0, **s("generating", "showing", "image")},
    ]


@pytest.fixture(scope="module")
def picture(tmp_path_factory) -> Path:
    return make_picture(tmp_path_factory.mktemp("pics") / "girl.png")


def make_config(tmp_path: Path, **window) -> Config:
    cfg = Config()
    cfg.general.data_dir = str(tmp_path / "data")
    for k, v in window.items():
        setattr(cfg.window, k, v)
    return cfg


class Session:
    """A bus on a fake clock and a headless display, fed a recorded stream event by event."""

    def __init__(self, tmp_path: Path, lang: str, size=(1280, 800)):
        self.clock = FakeClock()
        self.bus = EventBus(clock=self.clock, origin=0.0)
        self.display = create_display(make_config(tmp_path, width=size[0], height=size[1]), self.bus, "headless")
        self.lang = lang
        self.shots: dict[str, tuple] = {}

    def play(self, events, until: float) -> None:
        for e in events:
            if e.get("_played") or e["t"] > until:
                continue
            self.clock.t = e["t"]
            self.bus.emit(ev.from_dict({k: v for k, v in e.items() if k != "_played"}))
            e["_played"] = True
        self.clock.t = until

    def shot(self, name: str):
        frame = self.display.render_frame()
        path = ART / f"{self.lang}-{len(self.shots):02d}-{name}.png"
        self.display.save_frame(path)
        arr = pygame.surfarray.array3d(frame).transpose(1, 0, 2).copy()  # rows, cols, rgb
        self.shots[name] = (arr, self.display.layout, self.display.view.phase)
        return arr, self.display.layout


def font_book():
    return fonts.FontBook()


def text_matches(arr, rect, text, px, bold, bg, color=theme.TEXT) -> float:
    """Mean absolute difference between the frame inside `rect` and `text` rendered there afresh."""
    book = font_book()
    surf = pygame.Surface(rect.size)
    surf.fill(bg)
    glyphs = book.render(text, px, color, bold)
    surf.blit(glyphs, (0, 0))
    want = pygame.surfarray.array3d(surf).transpose(1, 0, 2).astype(int)
    got = arr[rect.top:rect.bottom, rect.left:rect.right].astype(int)
    return float(np.abs(want - got).mean())


def ink(arr, rect, bg) -> int:
    crop = arr[rect.top:rect.bottom, rect.left:rect.right].astype(int)
    return int((np.abs(crop - np.array(bg)).sum(axis=2) > 60).sum())


def run_dialog(tmp_path, picture, lang):
    events = english_dialog(str(picture)) if lang == "en" else chinese_dialog(str(picture))
    s = Session(tmp_path, lang)
    s.shot("idle")
    s.play(events, 1.2)
    s.shot("listening")
    s.play(events, next(e["t"] for e in events if e["type"] == "transcript") + 0.05)
    s.shot("heard")
    s.play(events, 5.0)
    s.shot("confirming")
    s.play(events, 9.5)
    s.shot("corrected")
    s.play(events, 14.0 if lang == "en" else 15.5)
    s.shot("generating")
    s.play(events, 19.0)
    s.shot("showing")
    return s, events


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_full_dialog_screens(tmp_path, picture, lang):
    s, events = run_dialog(tmp_path, picture, lang)
    phases = {name: shot[2] for name, shot in s.shots.items()}
    assert phases == {"idle": "idle", "listening": "listening", "heard": "heard", "confirming": "confirming",
                      "corrected": "confirming", "generating": "generating", "showing": "showing"}

    # Listening: the VAD said "speaking", so the screen says it hears, and the meter shows the level.
    arr, lay = s.shots["listening"][:2]
    heard_line = lay.text_of("listen_text") + lay.text_of("listen_text2")
    assert "I hear you" in heard_line and "我听到了" in heard_line
    meter, fill = lay.rects["meter"], lay.rects["meter_fill"]
    last_db = [e["rms_db"] for e in events if e["type"] == "level"][-1]
    assert abs(fill.width / meter.width - (last_db + 60) / 50) < 0.02

    # Heard: exactly the transcript, drawn where the layout says, glyph for glyph.
    arr, lay = s.shots["heard"][:2]
    transcript = next(e["text"] for e in events if e["type"] == "transcript")
    joiner = " " if lang == "en" else ""
    assert joiner.join(t for n, t, _ in lay.texts if n == "transcript") == transcript
    for _n, text, rect in [x for x in lay.texts if x[0] == "transcript"]:
        right = text_matches(arr, rect, text, 54, True, theme.PANEL)
        wrong = text_matches(arr, rect, text[::-1], 54, True, theme.PANEL)
        assert right < 3.0 < wrong, (text, right, wrong)

    # Confirming: the spoken sentence, chips for every slot, swatches in the palette colours.
    arr, lay = s.shots["confirming"][:2]
    say = [e["text"] for e in events if e["type"] == "say"][0]
    assert lay.text_of("say").replace(" ", "") == say.replace(" ", "")
    for _n, text, rect in [x for x in lay.texts if x[0] == "say"]:
        assert text_matches(arr, rect, text, 44, True, theme.PANEL) < 3.0
    attrs = EN_ATTRS_1 if lang == "en" else ZH_ATTRS_1
    chip_slots = [c[0] for c in lay.chips]
    expected_slots = [slot for slot in attrs for _ in (attrs[slot] if isinstance(attrs[slot], list) else [0])]
    assert sorted(chip_slots) == sorted(expected_slots)
    assert not any(c[3] for c in lay.chips)  # a fresh description highlights nothing
    labels = {c[1] for c in lay.chips}
    if lang == "zh":
        assert {"女孩", "蓝色", "樱花", "红色"} <= labels
    else:
        assert {"girl", "black", "red", "glasses", "hat", "cherry blossoms"} <= labels
    for slot in ("hair_color", "outfit_color"):
        (x, y), rgb = lay.swatches[slot]
        assert tuple(arr[y, x]) == tuple(palette_rgb(attrs[slot])), slot

    # After the correction only the corrected chips are highlighted, and the swatch follows.
    arr, lay = s.shots["corrected"][:2]
    changed = ["hair_color"] if lang == "en" else ["hair_color", "style"]
    assert sorted({c[0] for c in lay.chips if c[3]}) == sorted(changed)
    attrs2 = EN_ATTRS_2 if lang == "en" else ZH_ATTRS_2
    (x, y), _ = lay.swatches["hair_color"]
    assert tuple(arr[y, x]) == tuple(palette_rgb(attrs2["hair_color"]))
    chip = next(c for c in lay.chips if c[0] == "hair_color")
    assert tuple(arr[chip[2].top + 1, chip[2].centerx]) == theme.ACCENT  # the highlight border

    # Generating: bar fill in proportion to step/total (pixels of the accent colour in its middle row).
    arr, lay = s.shots["generating"][:2]
    bar = lay.rects["progress"]
    step, total = (3, 8) if lang == "en" else (7, 10)
    row = arr[bar.centery, bar.left:bar.right]
    filled = int((np.abs(row.astype(int) - np.array(theme.ACCENT)).sum(axis=1) < 10).sum())
    assert abs(filled / bar.width - step / total) < 0.02, (filled, bar.width)
    assert f"{step} / {total}" in lay.text_of("progress_text")
    assert lay.text_of("elapsed").endswith(f"{(14.0 if lang == 'en' else 15.5) - 12.2:.1f} s")
    assert "sketch" in lay.text_of("backend")
    assert ("Hayao" in lay.text_of("style")) if lang == "en" else ("新海诚" in lay.text_of("style"))
    if lang == "zh":
        assert "出了问题" in lay.text_of("error")  # a friendly message, the screen carries on

    # Showing: the picture's own pixels are on screen, with its caption in the speaker's language.
    arr, lay = s.shots["showing"][:2]
    r = lay.rects["picture"]
    assert r.width > 500 and r.height > 500  # large
    want = np.asarray(Image.open(picture).convert("RGB").resize(r.size, Image.BILINEAR)).astype(int)
    got = arr[r.top:r.bottom, r.left:r.right].astype(int)
    assert np.abs(want - got).mean() < 8.0
    caption = lay.text_of("caption")
    assert caption
    if lang == "zh":
        assert any(fonts._is_cjk(ch) for ch in caption)
    else:
        assert "girl" in caption.lower()
    assert ink(arr, lay.rects_of("caption")[0], theme.BG_TOP) > 200


def test_chinese_is_not_tofu():
    face = fonts.find_cjk_face()
    assert face is not None, fonts.INSTALL_HINT
    pygame.freetype.init()

    def glyph(font, ch):
        surf, _ = font.render(ch, fgcolor=(255, 255, 255), bgcolor=(0, 0, 0), size=48)
        return pygame.surfarray.array3d(surf)[:, :, 0]

    def is_notdef(font, ch, notdef):
        g = glyph(font, ch)
        return g.shape == notdef.shape and np.array_equal(g, notdef)

    cjk = pygame.freetype.Font(str(face.path), 48, font_index=face.index)
    notdef = glyph(cjk, "\U000F0000")  # a private-use code point no font here draws
    text = "画一个蓝发少女站在樱花树下对吗新海诚风格"
    assert not any(is_notdef(cjk, ch, notdef) for ch in text)
    # The check can fail: a Latin-only font draws these as its .notdef box.
    latin = pygame.freetype.Font(pygame.font.get_default_font() if False else None, 48)
    latin_notdef = glyph(latin, "\U000F0000")
    assert all(is_notdef(latin, ch, latin_notdef) for ch in "画樱花")


@pytest.mark.parametrize("size", [(1920, 1080), (800, 600), (1024, 1280)])
def test_layout_scales_to_other_sizes(tmp_path, picture, size):
    s = Session(tmp_path, "zh", size=size)
    events = chinese_dialog(str(picture))
    for until in (1.2, 4.15, 5.0, 13.5, 19.0):
        s.play(events, until)
        frame = s.display.render_frame()
        assert frame.get_size() == size
        bounds = frame.get_rect()
        for name, text, rect in s.display.layout.texts:
            assert bounds.contains(rect), (size, name, text, rect)
    s.display.save_frame(ART / f"scaled-{size[0]}x{size[1]}.png")


def test_idle_slideshow_and_browsing(tmp_path, picture):
    s = Session(tmp_path, "en")
    s.play(english_dialog(str(picture)), 19.0)
    s.clock.t = 30.0
    s.bus.emit(ev.State(source="showing", to="idle", trigger="timeout"))
    arr, lay = s.shot("idle-slideshow")
    assert "slide" in lay.rects and lay.text_of("title_zh") == "说出你想画的画面"
    assert lay.text_of("example_en") and lay.text_of("example_zh")
    s.display.view.browse(+1, s.bus.now())
    arr, lay = s.shot("browsing")
    assert lay.text_of("counter") == "1 / 1" and "picture" in lay.rects


def test_unknown_and_malformed_events_never_break_the_screen(tmp_path):
    s = Session(tmp_path, "en")
    @dataclasses.dataclass(frozen=True)
    class Mystery(ev.Event):  # a type this window has never heard of
        type: typing.ClassVar[str] = "mystery"
        x: int = 1

    for event in (Mystery(), ev.Progress(step="many", total=None), ev.Level(rms_db="loud"),
                  ev.Image(path="/nonexistent/none.png", backend=None, style=None, seconds=None, attributes=None),
                  ev.Say(text=None, lang=None), ev.Understood(intent=None, attributes="not a dict", changed=None)):
        s.bus.emit(event)
        s.display.render_frame()
    arr, lay = s.shot("missing-picture")
    assert s.display.view.phase == "showing" and "could not be opened" in lay.text_of("missing")


def test_headless_run_writes_a_frame_per_screen(tmp_path, picture):
    """run() on the main thread while a worker thread emits the dialog at its own pace."""
    bus = EventBus()
    out = tmp_path / "frames"
    display = create_display(make_config(tmp_path), bus, "headless", frames_dir=out)
    stop = threading.Event()
    events = english_dialog(str(picture))

    def worker():
        time.sleep(0.2)
        for e in events:
            bus.emit(ev.from_dict(e))
            time.sleep(0.03)
        time.sleep(0.4)
        stop.set()

    threading.Thread(target=worker, daemon=True).start()
    display.run(stop)
    names = [p.name for p in display.frames_written]
    assert sorted(p.name for p in out.glob("frame-*.png")) == names
    phases = [n.split("-")[2].removesuffix(".png") for n in names]
    assert phases[:2] == ["idle", "listening"]
    for phase in ("heard", "confirming", "generating", "showing"):
        assert phase in phases, names
    assert (out / "latest.png").exists()
    assert Image.open(out / "latest.png").size == (1280, 800)

    # Only the newest keep_frames numbered frames stay on disk.
    cfg = make_config(tmp_path)
    cfg.window.keep_frames = 3
    bus = EventBus()
    out2 = tmp_path / "frames2"
    display = create_display(cfg, bus, "headless", frames_dir=out2)
    stop = threading.Event()
    events = english_dialog(str(picture))
    threading.Thread(target=worker, daemon=True).start()
    display.run(stop)
    assert len(list(out2.glob("frame-*.png"))) == 3 and len(display.frames_written) == 3


def _run_window(display, stop, limit=5.0):
    timer = threading.Timer(limit, stop.set)
    timer.start()
    start = time.monotonic()
    display.run(stop)
    timer.cancel()
    return time.monotonic() - start


def test_window_keys_push_to_talk_browse_and_quit(tmp_path, picture):
    bus = EventBus()
    rec = Recorder()
    bus.subscribe(rec)
    display = create_display(make_config(tmp_path), bus, "window")
    display.view.recent = []
    bus.emit(ev.Image(path=str(picture), backend="sketch", style="hayao", seconds=1.0, attributes=EN_ATTRS_2))
    pygame.display.init()
    for key, kind in ((pygame.K_SPACE, pygame.KEYDOWN), (pygame.K_SPACE, pygame.KEYUP),
                      (pygame.K_RIGHT, pygame.KEYDOWN), (pygame.K_f, pygame.KEYDOWN),
                      (pygame.K_ESCAPE, pygame.KEYDOWN)):
        pygame.event.post(pygame.event.Event(kind, key=key, mod=0))
    took = _run_window(display, threading.Event())
    assert took < 4.0  # Esc quits at once outside kiosk mode
    assert [e["down"] for e in rec.of_type("ptt")] == [True, False]
    assert display.view.phase == "browsing"
    assert display.fullscreen  # F toggled it
    assert len(display.frame_work_s) >= 1 and display.frames_drawn >= 1


def test_kiosk_needs_a_long_press_of_escape(tmp_path):
    cfg = make_config(tmp_path)
    cfg.kiosk.enabled = True
    cfg.kiosk.quit_hold_s = 0.6
    bus = EventBus()
    display = create_display(cfg, bus, "window")
    pygame.display.init()
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_ESCAPE, mod=0))
    took = _run_window(display, threading.Event())
    assert 0.5 < took < 4.0  # held, not tapped
    assert display.fullscreen and display.cursor_hidden

    # A tap (down then up) does not quit: the timer has to stop it.
    display = create_display(cfg, bus, "window")
    pygame.display.init()
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_ESCAPE, mod=0))
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=pygame.K_ESCAPE, mod=0))
    took = _run_window(display, threading.Event(), limit=1.5)
    assert took >= 1.4

    # Staff's key combination quits at once.
    display = create_display(cfg, bus, "window")
    pygame.display.init()
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_q, mod=pygame.KMOD_LCTRL | pygame.KMOD_LSHIFT))
    took = _run_window(display, threading.Event())
    assert took < 1.0


def test_kiosk_returns_to_attract_screen_and_shifts_the_frame(tmp_path, picture):
    clock = FakeClock()
    bus = EventBus(clock=clock, origin=0.0)
    cfg = make_config(tmp_path)
    cfg.kiosk.enabled = True
    cfg.kiosk.idle_s = 20.0
    cfg.kiosk.burn_in_shift_s = 60.0
    display = create_display(cfg, bus, "headless")
    events = english_dialog(str(picture))
    for e in events:
        clock.t = e["t"]
        bus.emit(ev.from_dict(e))
    clock.t = 30.0
    display.render_frame()
    assert display.view.phase == "showing"
    clock.t = 17.0 + 20.5
    display.render_frame()
    assert display.view.phase == "idle"
    offsets = {display.burn_in_offset(t) for t in range(0, 600, 60)}
    assert len(offsets) >= 5 and all(max(abs(dx), abs(dy)) <= 8 for dx, dy in offsets)


def test_words_the_dialog_did_not_act_on_show_the_reply_then_fall_back(tmp_path, picture):
    s = Session(tmp_path, "en")
    events = english_dialog(str(picture))
    s.play(events, 19.0)  # a picture is showing
    s.clock.t = 25.0
    s.bus.emit(ev.Listening(speaking=True))
    arr, lay = s.shot("speaking-over-picture")
    assert s.display.view.phase == "showing" and "mic_badge" in lay.rects  # the picture stays, a mic shows
    s.clock.t = 27.0
    s.bus.emit(ev.Listening(speaking=False))
    s.bus.emit(ev.Transcript(text="mumble mumble", lang="en", confidence=0.2, asr_seconds=0.4))
    s.bus.emit(ev.Understood(intent="unknown", attributes=EN_ATTRS_2, changed=[]))
    s.bus.emit(ev.Say(text="Sorry, I didn't catch that. Could you say it again?", lang="en", audio_path=None))
    arr, lay = s.shot("not-understood")
    assert s.display.view.phase == "heard"
    assert lay.text_of("transcript") == "mumble mumble"
    assert "say it again" in " ".join(t for n, t, _ in lay.texts if n == "reply")
    s.clock.t = 27.0 + 16.0
    s.display.render_frame()
    assert s.display.view.phase == "showing"  # the dialog never left "showing"


def test_none_mode_draws_nothing_and_a_missing_screen_is_one_clear_line(tmp_path, monkeypatch):
    from assistant.errors import UserError

    bus = EventBus()
    display = create_display(make_config(tmp_path), bus, "none")
    stop = threading.Event()
    threading.Timer(0.2, stop.set).start()
    display.run(stop)
    bus.emit(ev.Transcript(text="hello", lang="en", confidence=1.0, asr_seconds=0.1))
    assert display.view.transcript == ""  # not even listening
    assert not (tmp_path / "data" / "frames").exists()

    for var in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER"):
        monkeypatch.delenv(var, raising=False)
    with pytest.raises(UserError) as err:
        create_display(make_config(tmp_path), bus, "window")
    assert "--display headless" in err.value.line()
    with pytest.raises(UserError):
        create_display(make_config(tmp_path), bus, "hologram")


def test_headless_burst_of_events_still_leaves_a_frame_per_screen(tmp_path, picture):
    bus = EventBus()
    out = tmp_path / "burst"
    display = create_display(make_config(tmp_path), bus, "headless", frames_dir=out)
    for e in english_dialog(str(picture)):  # all queued before the loop even starts
        bus.emit(ev.from_dict(e))
    stop = threading.Event()
    threading.Timer(2.0, stop.set).start()
    display.run(stop)
    phases = [p.name.split("-")[2].removesuffix(".png") for p in display.frames_written]
    assert [p for i, p in enumerate(phases) if i == 0 or phases[i - 1] != p] == \
        ["listening", "heard", "confirming", "generating", "showing"]


def test_attract_slideshow_starts_from_the_gallery(tmp_path, picture):
    from assistant.gallery import Gallery

    cfg = make_config(tmp_path)
    g = Gallery(cfg)
    g.add(str(picture), {"subject": "girl", "hair_color": "blue"}, "a girl with blue hair", "en", style="hayao")
    g.add(str(picture), {"subject": "cat"}, "一只猫", "zh", style="shinkai")
    g.add(str(tmp_path / "deleted.png"), {"subject": "dog"}, "a dog", "en")  # its file is gone: skipped
    g.close()
    clock = FakeClock()
    display = create_display(cfg, EventBus(clock=clock, origin=0.0), "headless")
    assert [r.lang for r in display.view.recent] == ["zh", "en"]
    clock.t = 1.0  # first slide: the newest picture, captioned in its own language
    display.render_frame()
    lay = display.layout
    assert "slide" in lay.rects and any(fonts._is_cjk(ch) for ch in lay.text_of("slide_caption"))
    clock.t = 9.5  # the slideshow has moved on
    display.save_frame(ART / "idle-from-gallery.png")
    assert "girl" in display.layout.text_of("slide_caption").lower()
