"""The pygame loop: runs on the main thread, draws only what the event stream says.

Workers (audio, recognition, generation) emit events on the bus from their own threads; the
display's subscriber only puts them on a queue, and the main thread applies them to the
ViewState between frames, so a slow worker can never freeze the screen and no pygame call ever
happens off the main thread.

mode "window" opens a window (fullscreen in kiosk mode); "headless" draws the same frames off
screen and writes them as PNG files (one per screen change, at most one a second otherwise, and
`latest.png` for remote monitoring); "none" draws nothing.
"""

from __future__ import annotations

import collections
import logging
import os
import queue
import sys
import threading
import time
from pathlib import Path

from assistant.atomic import temp_path
from assistant.window.view_state import Recent, ViewState
from dialog.events import Event, Image, Level, Ptt

log = logging.getLogger(__name__)

BROWSE_IDLE_S = 30.0  # browsing the gallery falls back to the attract screen after this
LISTEN_IDLE_S = 15.0
HEADLESS_MIN_GAP_S = 1.0
LATEST_EVERY_S = 5.0
# The screen's queue. The main thread normally empties it every frame; if it stalls (a slow
# disk in headless mode, a dragged window) the microphone meter's ten `level` events a second
# are what goes first: they are superseded by the next one anyway. Events that tell a turn's
# story are kept, up to QUEUE_HARD_MAX, past which only the oldest are dropped (and counted).
QUEUE_MAX = 512
QUEUE_HARD_MAX = 8192
_DROPPABLE = (Level,)
_SHIFTS = ((0, 0), (1, 0), (1, 1), (0, 1), (-1, 1), (-1, 0), (-1, -1), (0, -1), (1, -1))


class EventQueue:
    """A bounded queue of events for the screen: old `level` events are dropped first."""

    def __init__(self, maxsize: int = QUEUE_MAX, hard_max: int = QUEUE_HARD_MAX):
        self.maxsize = maxsize
        self.hard_max = hard_max
        self.dropped = 0
        self._items: collections.deque = collections.deque()
        self._ready = threading.Condition()

    def put(self, event: Event) -> None:
        with self._ready:
            items = self._items
            if len(items) >= self.maxsize:
                self._drop_one_level() or (len(items) >= self.hard_max and self._drop_oldest())
            if len(items) >= self.maxsize and isinstance(event, _DROPPABLE):
                self.dropped += 1  # full of events that matter: this meter reading is the one to go
                return
            items.append(event)
            self._ready.notify()

    def _drop_one_level(self) -> bool:
        for i, e in enumerate(self._items):
            if isinstance(e, _DROPPABLE):
                del self._items[i]
                self.dropped += 1
                return True
        return False

    def _drop_oldest(self) -> bool:
        self._items.popleft()
        self.dropped += 1
        if self.dropped == 1 or self.dropped % 1000 == 0:
            log.warning("window: the screen fell %d events behind; the oldest were dropped", self.hard_max)
        return True

    def get_nowait(self) -> dict:
        with self._ready:
            if not self._items:
                raise queue.Empty
            return self._items.popleft()

    def get(self, timeout: float | None = None) -> dict:
        with self._ready:
            if not self._ready.wait_for(lambda: self._items, timeout):
                raise queue.Empty
            return self._items.popleft()

    def qsize(self) -> int:
        with self._ready:
            return len(self._items)


class Display:
    def __init__(self, config, bus, mode: str = "window", frames_dir: str | os.PathLike | None = None,
                 recent: list[Recent] | None = None):
        self.config = config
        self.bus = bus
        self.mode = mode
        self.kiosk = bool(config.kiosk.enabled)
        self.view = ViewState()
        self.view.lang = config.general.language if config.general.language in ("en", "zh") else "en"
        if recent:
            self.view.recent = list(recent)
        self.size = (int(config.window.width), int(config.window.height))
        default_frames = Path(config.general.data_dir).expanduser() / "frames"
        self.frames_dir = Path(frames_dir or config.window.frames_dir or default_frames).expanduser()
        self.layout = None  # where things were drawn in the last frame (tests read it)
        self.frame_work_s: collections.deque = collections.deque(maxlen=20000)
        self.frame_interval_s: collections.deque = collections.deque(maxlen=20000)
        self.frames_written: list[Path] = []
        self.frames_drawn = 0
        self._queue = EventQueue()
        self._pg = None
        self._assets = None
        self._canvas = None
        self._esc_down_at: float | None = None
        self._quit_combo = None
        self._ptt_held = False
        self.fullscreen = False
        self.cursor_hidden = False
        self._frame_no = 0
        if mode != "none":
            bus.subscribe(self._on_event)

    # -- the event stream, any thread ------------------------------------------------------------
    def _on_event(self, event: dict) -> None:
        self._queue.put(event)

    def now(self) -> float:
        return self.bus.now()

    def pump(self) -> int:
        """Apply every queued event to the view (main thread); returns how many there were."""
        n = 0
        while True:
            try:
                event = self._queue.get_nowait()
            except queue.Empty:
                return n
            self._apply(event)
            n += 1

    def _apply(self, event: Event) -> None:
        try:
            self.view.apply(event)
        except Exception as exc:  # noqa: BLE001 - one malformed event must not stop the screen
            log.warning("window: ignored event %r: %s", event.type, exc)
        if isinstance(event, Image) and self._assets is not None:
            self._assets.images.forget(str(event.path or ""))

    # -- drawing ---------------------------------------------------------------------------------
    def _ensure_pygame(self):
        if self._pg is None:
            if self.mode != "window":
                os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
            os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
            import pygame

            from assistant.window import fonts, screens

            pygame.font.init()
            book = fonts.FontBook(self.config.window.font)
            if not book.has_cjk:
                log.warning("window: no Chinese font found; %s", fonts.INSTALL_HINT)
            self._pg = pygame
            self._screens = screens
            self._assets = screens.Assets(book)
        return self._pg

    def render_frame(self, now: float | None = None, size: tuple[int, int] | None = None, pump: bool = True):
        """Apply pending events (unless pump=False) and draw one frame; returns the pygame Surface."""
        pg = self._ensure_pygame()
        if pump:
            self.pump()
        now = self.now() if now is None else now
        self._housekeeping(now)
        size = size or self.size
        if self._canvas is None or self._canvas.get_size() != size:
            self._canvas = pg.Surface(size)
        hold = self._hold_fraction(now)
        self.layout = self._screens.render(self._canvas, self.view, self._assets, now, hold)
        return self._canvas

    def save_frame(self, path: str | os.PathLike, now: float | None = None) -> Path:
        """Render a frame and write it as PNG atomically (a monitor never reads half a file)."""
        surface = self.render_frame(now)
        return self._write(surface, Path(path))

    def _write(self, surface, path: Path) -> Path:
        with temp_path(path) as tmp:
            self._pg.image.save(surface, str(tmp))
        return path

    def _housekeeping(self, now: float) -> None:
        v = self.view
        quiet = now - v.last_event_t
        if v.phase == "browsing" and quiet > BROWSE_IDLE_S:
            v.back_to_idle(now)
        # Push-to-talk or a VAD start with nothing after it, or words the dialog did not act on:
        # do not stay on "listening" or "heard" for ever.
        if v.phase in ("listening", "heard") and not (v.speaking or v.ptt) and quiet > LISTEN_IDLE_S:
            v.back_to_dialog_state(now)
        if self.kiosk and v.phase not in ("idle", "generating") and not (v.speaking or v.ptt) \
                and quiet > self.config.kiosk.idle_s:
            v.back_to_idle(now)

    def _hold_fraction(self, now: float) -> float:
        if self._esc_down_at is None or not self.kiosk:
            return 0.0
        return min(1.0, (time.monotonic() - self._esc_down_at) / max(0.1, self.config.kiosk.quit_hold_s))

    def burn_in_offset(self, now: float) -> tuple[int, int]:
        """A few pixels' shift of the whole frame, changed every burn_in_shift_s (kiosk only)."""
        if not self.kiosk or self.config.kiosk.burn_in_shift_s <= 0:
            return (0, 0)
        dx, dy = _SHIFTS[int(now // self.config.kiosk.burn_in_shift_s) % len(_SHIFTS)]
        amount = max(2, round(4 * self.size[1] / 800))
        return (dx * amount, dy * amount)

    # -- running -----------------------------------------------------------------------------------
    def run(self, stop: threading.Event) -> None:
        """Run on the main thread until `stop` is set (or the person quits the window)."""
        if self.mode == "none":
            stop.wait()
            return
        if self.mode == "headless":
            self._run_headless(stop)
        else:
            self._run_window(stop)

    def _run_headless(self, stop: threading.Event) -> None:
        self._ensure_pygame()
        last_phase, last_rev = None, -1
        last_saved = last_latest = -1e9
        while not stop.is_set():
            # One event at a time, so a burst of events still leaves one frame per screen.
            try:
                self._apply(self._queue.get(timeout=0.1))
            except queue.Empty:
                pass
            now = self.now()
            self._housekeeping(now)
            v = self.view
            phase_changed = v.phase != last_phase
            if phase_changed or (v.revision != last_rev and now - last_saved >= HEADLESS_MIN_GAP_S):
                surface = self.render_frame(now, pump=False)
                self._frame_no += 1
                path = self.frames_dir / f"frame-{self._frame_no:06d}-{v.phase}.png"
                self.frames_written.append(self._write(surface, path))
                self._prune_frames()
                self._write(surface, self.frames_dir / "latest.png")
                last_phase, last_rev, last_saved, last_latest = v.phase, v.revision, now, now
            elif now - last_latest >= LATEST_EVERY_S:
                self._write(self.render_frame(now, pump=False), self.frames_dir / "latest.png")
                last_latest = now
        # The final state is always on disk.
        self._write(self.render_frame(), self.frames_dir / "latest.png")

    def _prune_frames(self) -> None:
        keep = int(getattr(self.config.window, "keep_frames", 0) or 0)
        while keep > 0 and len(self.frames_written) > keep:
            old = self.frames_written.pop(0)
            try:
                old.unlink()
            except OSError:
                pass

    def _run_window(self, stop: threading.Event) -> None:
        pg = self._ensure_pygame()
        pg.display.init()
        self._quit_combo = _parse_combo(getattr(self.config.kiosk, "quit_keys", ""))
        fullscreen = bool(self.config.window.fullscreen or self.kiosk)
        screen = self._open(fullscreen)
        pg.display.set_caption("anime-assistant · 画画助手")
        if self.kiosk:
            pg.mouse.set_visible(False)
            self.cursor_hidden = True
        clock = pg.time.Clock()
        fps = max(5, int(self.config.window.fps))
        last = time.perf_counter()
        # A worker busy in Python holds the GIL for the whole switch interval (5 ms by default)
        # every time the loop gives it up; a shorter interval keeps frames on time.
        last_key = None
        switch = sys.getswitchinterval()
        sys.setswitchinterval(min(switch, 0.001))
        try:
            while not stop.is_set():
                start = time.perf_counter()
                self.frame_interval_s.append(start - last)
                last = start
                self.pump()  # keys act on the screen as the events left it
                for ev in pg.event.get():
                    if ev.type == pg.QUIT:
                        stop.set()
                    elif ev.type == pg.KEYDOWN:
                        screen, fullscreen = self._key_down(ev, stop, screen, fullscreen)
                    elif ev.type == pg.KEYUP:
                        self._key_up(ev)
                    elif ev.type == pg.VIDEORESIZE and not fullscreen:
                        screen = pg.display.get_surface()
                    elif ev.type in (pg.VIDEOEXPOSE, getattr(pg, "WINDOWEXPOSED", -1)):
                        last_key = None  # uncovered: draw again even if nothing changed
                self.pump()
                now = self.now()
                hold = self._hold_fraction(now)
                if hold >= 1.0:
                    stop.set()
                self._housekeeping(now)
                self.size = screen.get_size()
                offset = self.burn_in_offset(now)
                key = (self.view.revision, self.size, offset, round(hold, 2), fullscreen,
                       self._screens.animation_key(self.view, now, fps))
                if key != last_key:  # nothing changed: no drawing, no flip
                    frame = self.render_frame(now)
                    if offset != (0, 0):
                        screen.fill((0, 0, 0))
                    screen.blit(frame, offset)
                    pg.display.flip()
                    last_key = key
                    self.frames_drawn += 1
                self.frame_work_s.append(time.perf_counter() - start)
                clock.tick(fps)
        finally:
            sys.setswitchinterval(switch)
            if self._ptt_held:
                self._ptt_held = False
                self.bus.emit(Ptt(down=False))
            pg.display.quit()

    def _open(self, fullscreen: bool):
        pg = self._pg
        self.fullscreen = fullscreen
        if fullscreen:
            return pg.display.set_mode((0, 0), pg.FULLSCREEN)
        return pg.display.set_mode(self.size, pg.RESIZABLE)

    def _key_down(self, ev, stop, screen, fullscreen):
        pg = self._pg
        now = self.now()
        if ev.key == pg.K_SPACE and not self._ptt_held:
            self._ptt_held = True
            self.bus.emit(Ptt(down=True))  # the pipeline listens while it is held
            self.pump()  # so later keys in this frame see it in order
        elif ev.key == pg.K_RIGHT:
            self.view.browse(+1, now)
        elif ev.key == pg.K_LEFT:
            self.view.browse(-1, now)
        elif ev.key == pg.K_f:
            fullscreen = not fullscreen
            screen = self._open(fullscreen)
        elif ev.key == pg.K_ESCAPE:
            if self.kiosk:
                self._esc_down_at = time.monotonic()
            else:
                stop.set()
        if self._quit_combo and ev.key == self._quit_combo[1] and \
                all(ev.mod & group for group in self._quit_combo[0]):  # left or right modifier
            stop.set()
        return screen, fullscreen

    def _key_up(self, ev) -> None:
        pg = self._pg
        if ev.key == pg.K_SPACE and self._ptt_held:
            self._ptt_held = False
            self.bus.emit(Ptt(down=False))
            self.pump()
        elif ev.key == pg.K_ESCAPE:
            self._esc_down_at = None


def _parse_combo(text: str):
    """"ctrl+shift+q" -> (modifier groups, key code); empty or unknown -> None."""
    if not text:
        return None
    import pygame

    mods = {"ctrl": pygame.KMOD_CTRL, "shift": pygame.KMOD_SHIFT, "alt": pygame.KMOD_ALT}
    groups, key = [], None
    for part in text.lower().replace(" ", "").split("+"):
        if part in mods:
            groups.append(mods[part])
        else:
            try:
                key = pygame.key.key_code(part)
            except (ValueError, pygame.error):
                log.warning("window: unknown key %r in [kiosk] quit_keys", part)
                return None
    return (tuple(groups), key) if key is not None and groups else None
