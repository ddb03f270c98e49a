"""The live pipeline: audio blocks -> Segmenter -> Recognizer -> Dialog, and the session around it.

Three threads keep the audio loop from ever waiting on a model:

- the audio loop (`Pipeline.run`) feeds blocks to the segmenter and hands closed segments on;
- the recognizer worker transcribes, one job at a time. Recognition starts speculatively on the
  segmenter's `on_pause` (the first pause_s of silence), while the rest of end_silence_s is being
  confirmed; when the segment closes with exactly that audio the running job is reused, and when
  speech resumed it is discarded. This is what keeps the reply under the latency target;
- the turn thread takes segments in order, waits for their transcript and hands it to the
  dialog, and ticks the dialog's timeouts twice a second.

A failing stage never ends the session: it becomes an `error` event, the assistant says so
aloud with the voice's `error` phrase, and listening goes on.

`Session` wires a source, the models, the speaker, the dialog, the event sinks and the display
for the daemon, `listen` and `demo`: the pipeline runs in worker threads because the display
(pygame) must own the main thread; Ctrl-C or SIGTERM sets the stop event and everything winds
down within about a second.
"""

from __future__ import annotations

import queue
import signal
import sys
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

import voices
from assistant.config import Config
from assistant.errors import UserError
from assistant.events import EventBus

_TICK_S = 0.5
# Segments waiting for the turn thread. A person says one thing at a time and each is answered
# in seconds, so a full queue means the turn thread is far behind (a slow model, a hang the
# watchdog has not yet replaced). The audio loop then waits for room instead of dropping a
# turn: no turn is ever lost, and the microphone's own bounded buffer reports the audio it drops.
TURN_QUEUE_MAX = 16


class _Worker:
    """One daemon thread running jobs in order; futures carry results back.

    Not a ThreadPoolExecutor: its threads are joined at interpreter exit, so a transcription in
    progress would hold up Ctrl-C by a second or more.
    """

    def __init__(self, name: str, watchdog=None):
        self.name = name
        self._watchdog = watchdog
        self._jobs: queue.Queue = queue.Queue()
        self._current: Future | None = None
        self._abandoned = False  # a replaced worker no longer reports to the watchdog
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._thread.start()

    def submit(self, fn: Callable, *args) -> Future:
        future: Future = Future()
        self._jobs.put((future, fn, args))
        return future

    def _loop(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            future, fn, args = job
            if not future.set_running_or_notify_cancel():
                continue
            self._current = future
            if self._watchdog is not None and not self._abandoned:
                self._watchdog.beat(self.name)  # a job that runs past the watchdog's limit is hung
            try:
                result = fn(*args)
            except BaseException as exc:  # noqa: BLE001 - handed to whoever waits on the future
                if not future.done():
                    future.set_exception(exc)
            else:
                if not future.done():  # an abandoned job's future was already failed
                    future.set_result(result)
            finally:
                self._current = None
                if self._watchdog is not None and not self._abandoned:
                    self._watchdog.done(self.name)

    def abandon(self, successor: "_Worker", reason: str) -> None:
        """Give up on a hung job (its future fails with `reason`) and hand queued jobs on."""
        self._abandoned = True
        current = self._current
        if current is not None and not current.done():
            current.set_exception(RuntimeError(reason))
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                break
            if job is not None:
                successor._jobs.put(job)
        self._jobs.put(None)  # if the hung call ever returns, the old thread ends

    def close(self, timeout: float = 0.5) -> None:
        self._jobs.put(None)
        self._thread.join(timeout)


@dataclass
class _Speculation:
    start: float
    samples: int
    future: Future


@dataclass
class _Turn:
    segment: object
    future: Future
    done: threading.Event = field(default_factory=threading.Event)


class Pipeline:
    """source -> Segmenter -> Recognizer -> Dialog for one session.

    one_turn_at_a_time: the audio loop waits until the dialog has finished each turn (spoken reply
    and drawing included) before feeding on: `listen` without --realtime, where audio comes as
    fast as the pipeline takes it. Otherwise audio keeps flowing while turns are handled.
    """

    def __init__(self, config: Config, bus: EventBus, recognizer, dialog, speaker=None, *,
                 stop: threading.Event | None = None, one_turn_at_a_time: bool = False,
                 new_recognizer: Callable[[], object] | None = None):
        from assistant.audio.vad import Segmenter

        self._config = config
        self._bus = bus
        self._recognizer = recognizer
        self._dialog = dialog
        self._speaker = speaker
        self._stop = stop or threading.Event()
        self._one_at_a_time = one_turn_at_a_time
        self._segmenter = Segmenter(config.vad, rate=config.audio.sample_rate, on_pause=self._on_pause)
        self._new_recognizer = new_recognizer
        self._watchdog = None
        self._asr = _Worker("asr")
        self._turns: queue.Queue = queue.Queue(maxsize=TURN_QUEUE_MAX)
        self._turn_generation = 0
        self._turn_thread = threading.Thread(target=self._turn_loop, args=(0,), name="turns", daemon=True)
        self._spec: _Speculation | None = None
        self._was_muted = False
        self._was_speaking = False
        # Push-to-talk (SPACE in the window, for halls too loud for the VAD): while held, every
        # block is speech; releasing it closes the turn. Set from the window's thread, read here.
        self._ptt_down = threading.Event()
        self._ptt_blocks: list | None = None
        bus.subscribe(self._on_event)
        self.speculation_hits = 0
        self.speculation_misses = 0

    # -- the audio loop --------------------------------------------------------------------

    def run(self, blocks: Iterable) -> None:
        """Feed every block; return when the input is exhausted and every turn is done, or on stop."""
        self._turn_thread.start()
        try:
            for block in blocks:
                if self._stop.is_set():
                    return
                self._feed(block)
            if self._stop.is_set():
                return
            for segment in self._guard("listen", self._segmenter.flush, []):
                self._hand_on(segment)
            self._put_turn(None)
            while self._turn_thread.is_alive() and not self._stop.is_set():
                self._turn_thread.join(0.2)
            self._settle()
        finally:
            try:
                self._turns.put_nowait(None)
            except queue.Full:
                pass  # the turn thread ends on the stop event
            self._asr.close()

    def _on_event(self, event: dict) -> None:
        if event["type"] == "ptt":
            (self._ptt_down.set if event.get("down") else self._ptt_down.clear)()

    def _push_to_talk(self, block) -> bool:
        """Collect blocks while the talk key is held; True when the block was taken."""
        if self._ptt_down.is_set():
            if self._ptt_blocks is None:
                self._ptt_blocks = []
                self._segmenter.reset()
                self._spec = None
                self._bus.emit("listening", speaking=True, ptt=True)
            self._ptt_blocks.append(block)
            return True
        if self._ptt_blocks is not None:
            from assistant.audio.vad import Segment

            blocks, self._ptt_blocks = self._ptt_blocks, None
            self._bus.emit("listening", speaking=False, ptt=True)
            audio = np.concatenate([b.samples for b in blocks])
            start = blocks[0].start
            segment = Segment(audio=audio, start=start, end=start + len(audio) / self._config.audio.sample_rate,
                              voiced_s=len(audio) / self._config.audio.sample_rate)
            if segment.voiced_s >= self._config.vad.min_speech_s:
                self._hand_on(segment)
        return False

    def _feed(self, block) -> None:
        if self._push_to_talk(block):
            return
        muted = bool(getattr(block, "muted", False))
        if self._was_muted and not muted:
            # The assistant has just stopped talking: whatever the segmenter holds is its own voice.
            self._segmenter.reset()
            self._spec = None
        self._was_muted = muted
        for segment in self._guard("listen", lambda: self._segmenter.feed(block), []):
            self._hand_on(segment)
        speaking = bool(self._segmenter.speaking)
        if speaking != self._was_speaking:  # drives the window's "I'm listening" / "I heard you"
            self._was_speaking = speaking
            self._bus.emit("listening", speaking=speaking)
        if (self._config.tts.barge_in and self._speaker is not None and self._speaker.speaking
                and self._segmenter.speaking):
            self._speaker.stop()
            self._bus.emit("barge_in", t_audio=round(block.start, 3))

    def _on_pause(self, audio, start: float, pause_start: float) -> None:
        previous = self._spec
        if previous is not None:
            previous.future.cancel()  # a pause that speech ended: not started yet, never will be
        self._spec = _Speculation(start, len(audio), self._asr.submit(self._recognize, audio))

    def _hand_on(self, segment) -> None:
        self._bus.emit("speech", start=round(segment.start, 3), end=round(segment.end, 3))
        spec, self._spec = self._spec, None
        if (spec is not None and not getattr(segment, "cut", False) and abs(spec.start - segment.start) < 1e-3
                and spec.samples == len(segment.audio) and not spec.future.cancelled()):
            future = spec.future  # the segment closed on the pause that was being recognised
            self.speculation_hits += 1
        else:
            if spec is not None:
                spec.future.cancel()
            future = self._asr.submit(self._recognize, segment.audio)
            self.speculation_misses += 1
        turn = _Turn(segment, future)
        if not self._put_turn(turn):
            return
        if self._one_at_a_time:
            while not turn.done.wait(0.2):
                if self._stop.is_set():
                    return

    def _put_turn(self, turn) -> bool:
        """Queue `turn` for the turn thread, waiting for room if it is far behind; False on stop."""
        try:
            self._turns.put_nowait(turn)
            return True
        except queue.Full:
            self._bus.emit("error", stage="listen",
                           message=f"{TURN_QUEUE_MAX} things said are still waiting for an answer: listening "
                                   "waits until the assistant catches up")
        while not self._stop.is_set():
            try:
                self._turns.put(turn, timeout=_TICK_S)
                return True
            except queue.Full:
                continue
        return False

    def _recognize(self, audio):
        return self._recognizer.transcribe(audio, lang_hint=self._lang_hint())

    def _lang_hint(self) -> str | None:
        # A short answer ("yes", "对") carries little language evidence; while the dialog awaits
        # one, the conversation's language is the better guess. A description is detected freely.
        dialog = self._dialog
        if getattr(dialog, "state", "idle") in ("confirming", "generating", "showing"):
            return getattr(dialog, "lang", None)
        return None

    # -- the turn thread -------------------------------------------------------------------

    def _turn_loop(self, generation: int) -> None:
        try:
            self._turns_until_done(generation)
        finally:
            if generation == self._turn_generation and self._watchdog is not None:
                self._watchdog.done("turns")  # finished on purpose: not a hang

    def _turns_until_done(self, generation: int) -> None:
        while not self._stop.is_set() and generation == self._turn_generation:
            self._beat("turns")
            try:
                turn = self._turns.get(timeout=_TICK_S)
            except queue.Empty:
                self._guard("understanding", self._dialog.tick)
                continue
            if turn is None:
                return
            try:
                self._take(turn)
            finally:
                turn.done.set()
            self._guard("understanding", self._dialog.tick)

    def _take(self, turn: _Turn) -> None:
        while True:
            try:
                transcript = turn.future.result(timeout=_TICK_S)
                break
            except TimeoutError:
                self._beat("turns")
                if self._stop.is_set():
                    return
            except Exception as exc:  # noqa: BLE001 - recognition failed for this segment only
                self._fail("listen", exc)
                return
        if getattr(transcript, "dropped", False) or not (transcript.text or "").strip():
            self._bus.emit("ignored", start=round(turn.segment.start, 3), end=round(turn.segment.end, 3),
                           text=getattr(transcript, "raw_text", "") or transcript.text,
                           reason=getattr(transcript, "dropped", None) or "no words")
            return
        self._bus.emit("transcript", text=transcript.text, lang=transcript.lang,
                       confidence=round(float(transcript.confidence), 3),
                       asr_seconds=round(float(transcript.asr_seconds), 3))
        self._dialog.hear(transcript.text, lang=transcript.lang, confidence=transcript.confidence)
        if self._one_at_a_time:
            self._settle()

    def _settle(self) -> None:
        """Wait until the dialog has drawn and the speaker has said everything."""
        while not self._stop.is_set():
            self._beat("turns")
            drawn = self._dialog.wait(_TICK_S)
            spoken = self._speaker.wait(_TICK_S) if self._speaker is not None else True
            if drawn and spoken and self._dialog.idle:
                return

    # -- the kiosk watchdog ----------------------------------------------------------------

    def watch(self, watchdog) -> None:
        """Report liveness to a kiosk Watchdog (beat/done); it calls `restart` for a hung worker."""
        self._watchdog = watchdog
        self._asr._watchdog = watchdog
        watch = getattr(self._dialog, "watch", None)
        if watch is not None:
            watch(watchdog)  # drawing is the `generate` worker, with its own deadline

    def _beat(self, name: str) -> None:
        if self._watchdog is not None:
            self._watchdog.beat(name)

    def restart(self, name: str) -> None:
        """Replace a hung worker: a fresh recognizer and ASR thread, a fresh turn thread, or (for
        `generate`) the dialog's drawing, abandoned for a fresh artist.

        Python cannot kill a thread, so the hung one is abandoned (it is a daemon thread) and
        ends by itself if its call ever returns.
        """
        if name == "asr":
            recognizer = self._new_recognizer() if self._new_recognizer else self._recognizer
            old, self._recognizer = self._asr, recognizer
            self._asr = _Worker("asr", self._watchdog)
            if self._watchdog is not None:
                self._watchdog.done("asr")  # the new worker is idle until the jobs handed to it
            old.abandon(self._asr, "speech recognition hung and was restarted")
        elif name == "turns":
            self._turn_generation += 1
            self._turn_thread = threading.Thread(target=self._turn_loop, args=(self._turn_generation,),
                                                 name="turns", daemon=True)
            self._turn_thread.start()
        elif name == "generate":
            self._dialog.abandon_drawing()

    # -- failures --------------------------------------------------------------------------

    def _guard(self, stage: str, fn: Callable, default=None):
        try:
            return fn()
        except Exception as exc:  # noqa: BLE001 - one bad block or turn never ends the daemon
            self._fail(stage, exc)
            if stage == "listen":
                self._segmenter.reset()
            return default

    def _fail(self, stage: str, exc: Exception) -> None:
        message = exc.line() if isinstance(exc, UserError) else f"{type(exc).__name__}: {exc}"
        self._bus.emit("error", stage=stage, message=message)
        if self._speaker is None:
            return
        lang = getattr(self._dialog, "lang", "en")
        lang = lang if lang in voices.LANGUAGES else "en"
        try:
            self._speaker.say(voices.phrase("error", lang, stage=voices.stage_name(stage, lang)), lang)
        except Exception as say_exc:  # noqa: BLE001 - cannot even say so: the event is enough
            self._bus.emit("error", stage="speak", message=f"{type(say_exc).__name__}: {say_exc}")


def _without_levels(sink: Callable) -> Callable:
    """The microphone meter's `level` events (ten a second) are for the window, not for logs:
    a kiosk's --events file would otherwise grow by close to a million lines a day."""
    def forward(event: dict) -> None:
        if event["type"] != "level":
            sink(event)

    forward.__qualname__ = getattr(sink, "__qualname__", type(sink).__qualname__)
    return forward


def _warm_recognizer(config: Config):
    from assistant.speech.asr import Recognizer

    recognizer = Recognizer(config)
    recognizer.warm()
    return recognizer


def paced(blocks: Iterable, origin: float, rate: int, stop: threading.Event) -> Iterable:
    """Blocks at their natural pace, each when it would have finished arriving from a microphone.

    `origin` is the monotonic time of audio position 0 (the bus origin), so event times and audio
    times can be subtracted.
    """
    for block in blocks:
        delay = origin + block.start + len(block.samples) / rate - time.monotonic()
        if delay > 0 and stop.wait(delay):
            return
        yield block


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
        self.stopped_by_signal = False

    def run(self, source, *, realtime: bool = False, one_turn_at_a_time: bool = False,
            subscribers: Iterable[Callable] = (), linger: bool = False, greet: bool = False) -> int:
        """Run until the source is exhausted (files) or a stop (Ctrl-C, SIGTERM, the window closed).

        `source` is an iterable of Blocks or a function bus -> source (the microphone reports
        on the bus). Models are loaded and warmed first, so the session clock starts when
        listening does. `linger` keeps a window open after the input ends, until it is closed.
        `greet` says hello first (the live daemon), so a person knows it is listening.
        """
        from assistant.events import JsonLinesSink
        from assistant.image.artist import Artist
        from assistant.outputs import open_events_file, writable_dir
        from assistant.speech.tts import create_speaker
        from dialog.machine import Dialog

        config = self.config
        # Every output place is checked before the models load, so a bad path fails at once.
        image_out = writable_dir(self.image_out, "--image-out")
        tts_out = writable_dir(self.tts_out, "--tts-out") if self.tts_out else None
        display = self._display_factory()
        sinks = []
        if self.events:
            if self.events_mode == "w":
                Path(self.events).expanduser().unlink(missing_ok=True)
            sinks.append(open_events_file(self.events))
        try:
            recognizer = _warm_recognizer(config)
        except BaseException:
            for sink in sinks:
                sink.close()
            raise
        artist = Artist(config)
        stop = threading.Event()
        bus = self.bus = EventBus()
        logged = [bus.subscribe(_without_levels(sink)) for sink in sinks]
        if self.json_out:
            bus.subscribe(_without_levels(JsonLinesSink(self.stdout)))
        else:
            from assistant.timeline import Timeline

            bus.subscribe(Timeline(self.stdout))
        for fn in subscribers:
            bus.subscribe(fn)
        if callable(source) and not hasattr(source, "__iter__"):
            source = source(bus)
        mute = getattr(source, "mute", None)
        # With barge-in the microphone stays open while replying, so talking over a reply stops it.
        on_speaking = mute if (mute is not None and not config.tts.barge_in) else None
        speaker = create_speaker(config, bus, tts_out, on_speaking=on_speaking)
        gallery = self._attach_gallery(bus) if config.gallery.enabled else None
        dialog = Dialog(bus.emit, config, artist, speaker, image_out, background=True,
                        new_artist=lambda: Artist(config))
        pipeline = self.pipeline = Pipeline(config, bus, recognizer, dialog, speaker, stop=stop,
                                            one_turn_at_a_time=one_turn_at_a_time,
                                            new_recognizer=lambda: _warm_recognizer(config))
        kiosk = None
        drawing_watch = None
        if self.kiosk:
            from assistant.kiosk import KioskServices

            kiosk = KioskServices(config, bus, restart=pipeline.restart)
            pipeline.watch(kiosk.watchdog)
        elif config.image.stall_s > 0:
            from assistant.kiosk import Watchdog

            # Outside a kiosk only drawing is watched: a hung picture must not silence the daemon.
            drawing_watch = Watchdog(bus, config.image.stall_s, pipeline.restart).start()
            dialog.watch(drawing_watch)
        blocks = paced(source, bus.origin, config.audio.sample_rate, stop) if realtime else source
        failure: list[BaseException] = []

        def work():
            try:
                if greet:
                    dialog.greet()
                pipeline.run(blocks)
            except BaseException as exc:  # noqa: BLE001 - re-raised on the main thread
                failure.append(exc)
                stop.set()
            else:
                if not (linger and screen is not None and self.display_mode == "window"):
                    stop.set()
                elif not stop.is_set():
                    print("(the conversation is over: close the window or press Ctrl-C to end)",
                          file=sys.stderr, flush=True)

        worker = threading.Thread(target=work, name="audio", daemon=True)
        restore = self._install_signals(stop)
        screen = None
        try:
            screen = display(bus) if display is not None else None
            worker.start()
            if screen is not None:
                screen.run(stop)  # pygame must own the main thread
                stop.set()
            else:
                while not stop.wait(0.2):
                    pass
        finally:
            stop.set()
            close = getattr(source, "close", None)
            if close is not None:
                close()
            closer = threading.Thread(target=dialog.close, name="close-dialog", daemon=True)
            closer.start()
            if worker.ident is not None:  # not started when the display failed to open
                worker.join(1.0)
            closer.join(1.0)
            speaker.close()
            if kiosk is not None:
                kiosk.close()
            if drawing_watch is not None:
                drawing_watch.close()
            restore()
            if gallery is not None:
                gallery.close()
            # A drawing abandoned by Ctrl-C may still report; it must not write to a closed file.
            for fn in logged:
                bus.unsubscribe(fn)
            for sink in sinks:
                sink.close()
        if failure:
            raise failure[0]
        return 0

    def _attach_gallery(self, bus: EventBus):
        """Keep finished pictures in the gallery; a gallery that cannot open never stops the session."""
        from assistant.gallery import Gallery

        try:
            gallery = Gallery(self.config)
        except UserError as exc:
            print(f"warning: gallery disabled: {exc.line()}", file=sys.stderr)
            return None
        gallery.subscribe(bus)
        return gallery

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

    def _install_signals(self, stop: threading.Event) -> Callable[[], None]:
        if threading.current_thread() is not threading.main_thread():
            return lambda: None

        def handler(signum, _frame):
            self.stopped_by_signal = True
            stop.set()

        previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}

        def restore():
            for sig, old in previous.items():
                signal.signal(sig, old)

        return restore
