"""One run of the assistant: the models, speaker, dialog, event sinks, display, threads and signals
around a `Pipeline`, for the daemon, `listen` and `demo`.

The pipeline runs in a worker thread because the display (pygame) must own the main thread;
Ctrl-C or SIGTERM sets the stop event and everything winds down within about a second.

Every resource is registered on an `ExitStack` as it is created and torn down in reverse: a
failure while starting (a bad path, no screen, a model that will not load) closes exactly what
was opened so far, and a teardown step that raises never skips the ones after it (ExitStack runs
them all, and what the last one raised propagates with the earlier failures as its context: an
event log that could not be written, closed last, is the run's error).
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from assistant.config import Config
from assistant.errors import UserError
from assistant.events import EventBus
from assistant.pipeline import Pipeline, paced
from assistant.protocols import AudioSource, ClosableSpeaker, Mutable
from dialog import events as ev

if TYPE_CHECKING:
    from dialog.machine import Dialog

# Recognition still running at a stop is waited for this long at most (see Worker.drain): a
# transcription takes seconds at worst, and the process must not exit while whisper runs.
ASR_DRAIN_S = 15.0
SourceFactory = Callable[[EventBus], AudioSource]


def _without_levels(sink: Callable) -> Callable:
    """The microphone meter's `level` events (ten a second) are for the window, not for logs:
    a kiosk's --events file would otherwise grow by close to a million lines a day."""
    def forward(event: ev.Event) -> None:
        if not isinstance(event, ev.Level):
            sink(event)

    # The bus names a failing subscriber by its __qualname__: this one must carry the sink's.
    # A sink is any callable (a function has the attribute, an instance only its class), hence getattr.
    forward.__qualname__ = getattr(sink, "__qualname__", type(sink).__qualname__)
    return forward


def _warm_recognizer(config: Config):
    from assistant.speech.asr import Recognizer

    recognizer = Recognizer(config)
    recognizer.warm()
    return recognizer


class _Signals:
    """SIGINT and SIGTERM set the stop event while installed (main thread only); `restore` undoes it."""

    def __init__(self, stop: threading.Event, on_signal: Callable[[int], None]):
        self._stop = stop
        self._on_signal = on_signal
        self._previous: dict = {}

    def install(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return

        def handler(signum, _frame):
            self._on_signal(signum)
            self._stop.set()

        self._previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}

    def restore(self) -> None:
        previous, self._previous = self._previous, {}
        for sig, old in previous.items():
            signal.signal(sig, old)


class _Closer:
    """dialog.close on a thread of its own, started early in teardown and joined, bounded, later:
    a drawing that does not stop must not hold up the rest."""

    def __init__(self, close: Callable[[], None]):
        self._thread = threading.Thread(target=close, name="close-dialog", daemon=True)

    def start(self) -> None:
        if self._thread.ident is None:
            self._thread.start()

    def join(self, timeout: float) -> None:
        self.start()
        self._thread.join(timeout)


@dataclass
class _Parts:
    bus: EventBus
    stop: threading.Event
    source: AudioSource
    dialog: "Dialog"
    pipeline: Pipeline
    closer: _Closer
    display: Callable | None


class Session:
    """One run of the assistant: models, speaker, dialog, event sinks, display, threads, signals."""

    def __init__(self, config: Config, *, display: str = "none", tts_out=None, image_out=None,
                 events: str | None = None, events_mode: str = "a", json_out: bool = False,
                 stdout=None, kiosk: bool = False):
        self.config = config
        self.display_mode = display
        self.tts_out = tts_out
        self.image_out = Path(image_out) if image_out else config.pictures_dir()
        self.events = events
        self.events_mode = events_mode
        self.json_out = json_out
        self.stdout = stdout or sys.stdout
        self.kiosk = kiosk
        self.bus: EventBus | None = None
        self.pipeline: Pipeline | None = None
        self.signal_received: int | None = None  # SIGINT or SIGTERM, when one stopped the run

    @property
    def stopped_by_signal(self) -> bool:
        return self.signal_received is not None

    def run(self, source: AudioSource | SourceFactory, *, realtime: bool = False,
            one_turn_at_a_time: bool = False, subscribers: Iterable[Callable] = (), linger: bool = False,
            greet: bool = False) -> int:
        """Run until the source is exhausted (files) or a stop (Ctrl-C, SIGTERM, the window closed).

        `source` is an AudioSource or a function bus -> AudioSource (the microphone reports on
        the bus). Models are loaded and warmed first, so the session clock starts when listening
        does. `linger` keeps a window open after the input ends, until it is closed. `greet`
        says hello first (the live daemon), so a person knows it is listening.
        """
        with ExitStack() as stack:
            parts = self._assemble(stack, source, one_turn_at_a_time, subscribers)
            failure = self._drive(stack, parts, realtime=realtime, linger=linger, greet=greet)
        if failure is not None:
            raise failure
        return 0

    # -- set-up -----------------------------------------------------------------------------------

    def _assemble(self, stack: ExitStack, source, one_turn_at_a_time: bool, subscribers) -> _Parts:
        from assistant.outputs import writable_dir
        from assistant.render import make_artist
        from assistant.speech.tts import create_speaker
        from dialog.machine import Dialog

        config = self.config
        # Every output place is checked before the models load, so a bad path fails at once.
        image_out = writable_dir(self.image_out, "--image-out")
        tts_out = writable_dir(self.tts_out, "--tts-out") if self.tts_out else None
        display = self._display_factory()
        sinks = self._open_sinks(stack)
        recognizer = _warm_recognizer(config)
        stop = threading.Event()
        bus = self.bus = EventBus()
        self._subscribe(stack, bus, sinks, subscribers)
        signals = _Signals(stop, self._on_signal)
        stack.callback(signals.restore)  # installed just before running, restored late in teardown
        self._signals = signals
        source = source if isinstance(source, Iterable) else source(bus)
        # With barge-in the microphone stays open while replying, so talking over a reply stops it.
        mute = source.mute if isinstance(source, Mutable) and not config.tts.barge_in else None
        speaker: ClosableSpeaker = create_speaker(config, bus, tts_out, on_speaking=mute)
        stack.callback(speaker.close)
        keep_audio = self._attach_gallery(stack, bus) if config.gallery.enabled else None
        dialog = Dialog(bus.emit, config, make_artist(config, bus), speaker, image_out, background=True,
                        new_artist=lambda: make_artist(config, bus))
        closer = _Closer(dialog.close)
        stack.callback(closer.join, 1.0)
        pipeline = self.pipeline = Pipeline(config, bus, recognizer, dialog, speaker, stop=stop,
                                            one_turn_at_a_time=one_turn_at_a_time,
                                            new_recognizer=lambda: _warm_recognizer(config),
                                            keep_audio=keep_audio)
        stack.callback(self._drain, pipeline)
        self._watch(stack, bus, pipeline, dialog)
        return _Parts(bus, stop, source, dialog, pipeline, closer, display)

    def _open_sinks(self, stack: ExitStack) -> list:
        from assistant.outputs import open_events_file

        if not self.events:
            return []
        if self.events_mode == "w":
            Path(self.events).expanduser().unlink(missing_ok=True)
        sink = open_events_file(self.events)
        stack.callback(sink.close)
        return [sink]

    def _subscribe(self, stack: ExitStack, bus: EventBus, sinks: list, subscribers) -> None:
        from assistant.events import JsonLinesSink

        for sink in sinks:
            # A drawing abandoned by Ctrl-C may still report; it must not write to a closed file.
            stack.callback(bus.unsubscribe, bus.subscribe(_without_levels(sink)))
        if self.json_out:
            bus.subscribe(_without_levels(JsonLinesSink(self.stdout)))
        else:
            from assistant.timeline import Timeline

            bus.subscribe(Timeline(self.stdout))
        for fn in subscribers:
            bus.subscribe(fn)

    def _attach_gallery(self, stack: ExitStack, bus: EventBus):
        """Keep finished pictures in the gallery; a gallery that cannot open never stops the session.

        Returns what writes each heard segment's audio for the `transcript` event when
        [gallery] keep_audio is on (None otherwise).
        """
        from assistant.gallery import Gallery

        try:
            gallery = Gallery(self.config)
        except UserError as exc:
            print(f"warning: gallery disabled: {exc.line()}", file=sys.stderr)
            return None
        keep_audio = None
        if self.config.gallery.keep_audio:
            from assistant.heard_audio import HeardAudio

            keep_audio = HeardAudio(gallery.path.parent / "audio", self.config.audio.sample_rate)
            stack.callback(keep_audio.close)  # after the gallery has closed: it copies from here
        stack.callback(gallery.close)
        gallery.subscribe(bus)
        return keep_audio

    def _watch(self, stack: ExitStack, bus: EventBus, pipeline: Pipeline, dialog) -> None:
        if self.kiosk:
            from assistant.kiosk import KioskServices

            kiosk = KioskServices(self.config, bus, restart=pipeline.restart)
            stack.callback(kiosk.close)
            pipeline.watch(kiosk.watchdog)
        elif self.config.image.stall_s > 0:
            from assistant.kiosk import Watchdog

            # Outside a kiosk only drawing is watched: a hung picture must not silence the daemon.
            drawing_watch = Watchdog(bus, self.config.image.stall_s, pipeline.restart).start()
            stack.callback(drawing_watch.close)
            dialog.watch(drawing_watch)

    def _display_factory(self):
        if self.display_mode in (None, "none"):
            return None
        try:
            from assistant.window import create_display
        except ImportError as exc:
            raise UserError(f"the {self.display_mode} display is unavailable ({exc})",
                            "use --display none, or install pygame: pip install pygame") from None
        # Built once on a scratch bus now, so "no screen" fails before the models load.
        create_display(self.config, EventBus(), self.display_mode)
        return lambda bus: create_display(self.config, bus, self.display_mode)

    # -- running ----------------------------------------------------------------------------------

    def _drive(self, stack: ExitStack, parts: _Parts, *, realtime: bool, linger: bool,
               greet: bool) -> BaseException | None:
        """Run the pipeline on a worker thread and the display (or a wait) on this one."""
        stop = parts.stop
        blocks = paced(parts.source, parts.bus.origin, self.config.audio.sample_rate, stop) \
            if realtime else parts.source
        failure: list[BaseException] = []
        worker = threading.Thread(target=self._work, args=(parts, blocks, greet, failure), name="audio",
                                  daemon=True)
        stack.callback(lambda: worker.join(1.0) if worker.ident is not None else None)
        stack.callback(parts.source.close)
        stack.callback(parts.closer.start)
        stack.callback(stop.set)
        self._signals.install()
        screen = parts.display(parts.bus) if parts.display is not None else None
        self._lingering = linger and screen is not None and self.display_mode == "window"
        worker.start()
        if screen is not None:
            screen.run(stop)  # pygame must own the main thread
            stop.set()
        else:
            while not stop.wait(0.2):
                pass
        return failure[0] if failure else None

    def _work(self, parts: _Parts, blocks, greet: bool, failure: list) -> None:
        try:
            if greet:
                parts.dialog.greet()
            parts.pipeline.run(blocks)
        except BaseException as exc:  # noqa: BLE001 - re-raised on the main thread
            failure.append(exc)
            parts.stop.set()
        else:
            if not self._lingering:
                parts.stop.set()
            elif not parts.stop.is_set():
                print("(the conversation is over: close the window or press Ctrl-C to end)",
                      file=sys.stderr, flush=True)

    def _on_signal(self, signum: int) -> None:
        self.signal_received = signum

    def _drain(self, pipeline: Pipeline) -> None:
        if not pipeline.drain(ASR_DRAIN_S):
            print(f"warning: speech recognition was still running {ASR_DRAIN_S:.0f} s after the stop",
                  file=sys.stderr, flush=True)
