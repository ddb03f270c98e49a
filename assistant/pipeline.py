"""The live pipeline: audio blocks -> Segmenter -> Recognizer -> Dialog.

Three threads keep the audio loop from ever waiting on a model:

- the audio loop (`Pipeline.run`) feeds blocks to the segmenter and hands closed segments on;
  a turn closes early, after [endpoint] silence_s, when its speculative transcript is complete
  (assistant/endpoint.py), and speech resuming within end_silence_s replaces that turn;
- the recognizer worker (assistant/worker.py) transcribes, one job at a time, starting
  speculatively on the segmenter's first pause (assistant/speculation.py);
- the turn thread takes segments in order, waits for their transcript and hands it to the
  dialog, and ticks the dialog's timeouts twice a second.

A failing stage never ends the session: it becomes an `error` event, the assistant says so
aloud with the voice's `error` phrase, and listening goes on. The session around a run (models,
speaker, sinks, display, signals) is assistant/session.py.
"""

from __future__ import annotations

import queue
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

import numpy as np

import voices
from assistant.audio.sources import Block
from assistant.audio.vad import Segment
from assistant.config import Config
from assistant.endpoint import Understand
from assistant.errors import UserError
from assistant.events import EventBus
from assistant.protocols import Dialog, Recognizer, Speaker, Stage, Watchdog, WorkerName
from assistant.ptt import PushToTalk
from assistant.speculation import Speculator
from assistant.speech.asr import Transcript
from assistant.worker import Worker
from dialog import events as ev
from dialog.hints import recognition_hints

_TICK_S = 0.5
# Segments waiting for the turn thread. A person says one thing at a time and each is answered
# in seconds, so a full queue means the turn thread is far behind (a slow model, a hang the
# watchdog has not yet replaced). The audio loop then waits for room instead of dropping a
# turn: no turn is ever lost, and the microphone's own bounded buffer reports the audio it drops.
TURN_QUEUE_MAX = 16
# Dialog states in which the reply awaited is short ("yes", "对") and in the conversation's language.
_ANSWERING = ("confirming", "generating", "showing")

KeepAudio = Callable[[Segment], "str | None"]


@dataclass
class _Turn:
    segment: Segment
    future: Future
    done: threading.Event = field(default_factory=threading.Event)
    superseded: bool = False  # the person went on: a rejoined segment holds this turn and more


class Pipeline:
    """source -> Segmenter -> Recognizer -> Dialog for one session.

    one_turn_at_a_time: the audio loop waits until the dialog has finished each turn (spoken reply
    and drawing included) before feeding on: `listen` without --realtime, where audio comes as
    fast as the pipeline takes it. Otherwise audio keeps flowing while turns are handled.
    keep_audio: writes a heard segment's audio and gives its path for the `transcript` event
    ([gallery] keep_audio).
    """

    def __init__(self, config: Config, bus: EventBus, recognizer: Recognizer | None, dialog: Dialog,
                 speaker: Speaker | None = None, *, stop: threading.Event | None = None,
                 one_turn_at_a_time: bool = False, new_recognizer: Callable[[], Recognizer] | None = None,
                 keep_audio: KeepAudio | None = None, understand: "Understand | None" = None):
        """understand(text, lang) -> the intent the dialog would take `text` for, now (for the
        early close); default: dialog.corrections on the dialog's own state and record."""
        from assistant.audio.vad import Segmenter
        from assistant.endpoint import Endpointer, dialog_understanding

        self._config = config
        self._bus = bus
        self._recognizer = recognizer
        self._dialog = dialog
        self._speaker = speaker
        self._stop = stop or threading.Event()
        self._one_at_a_time = one_turn_at_a_time
        self._new_recognizer = new_recognizer
        self._keep_audio = keep_audio
        self._watchdog: Watchdog | None = None
        self._asr = Worker("asr")
        early = config.endpoint.early
        self._endpointer = Endpointer(config.endpoint, understand or dialog_understanding(dialog),
                                      lambda: dialog.state) if early else None
        self._speculation = Speculator(lambda audio: self._asr.submit(self._recognize, audio), self._endpointer)
        self._segmenter = Segmenter(config.vad, rate=config.audio.sample_rate,
                                    on_pause=self._speculation.on_pause,
                                    may_close=self._speculation.complete if early else None,
                                    early_silence_s=config.endpoint.silence_s)
        self._last_turn: _Turn | None = None
        self._ptt = PushToTalk(bus, config.audio.sample_rate, config.vad.min_speech_s, self._forget_heard)
        self._turns: queue.Queue = queue.Queue(maxsize=TURN_QUEUE_MAX)
        self._turn_generation = 0
        self._turn_thread = threading.Thread(target=self._turn_loop, args=(0,), name="turns", daemon=True)
        self._was_muted = False
        self._was_speaking = False
        self._early_closes = 0
        self._rejoins = 0
        bus.subscribe(self._ptt.on_event)

    @property
    def speculation_hits(self) -> int:
        return self._speculation.hits

    @property
    def speculation_misses(self) -> int:
        return self._speculation.misses

    def await_guess(self, timeout: float) -> bool:
        """Wait for the speculative recognition under way, if any; True when none is left.

        For tests and benchmarks that stand in for a machine fast enough to finish it in the
        pause: they stop feeding audio until it is done. Never called by the product.
        """
        from concurrent.futures import wait

        future = self._speculation.pending()
        return future is None or bool(wait([future], timeout).done)

    @property
    def early_closes(self) -> int:
        return self._early_closes

    @property
    def rejoins(self) -> int:
        return self._rejoins

    # -- the audio loop --------------------------------------------------------------------

    def run(self, blocks: Iterable[Block]) -> None:
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

    def drain(self, timeout: float) -> bool:
        """Cancel recognition not yet started and wait, bounded, for the one running; True when none is.

        Called by the session before it returns: whisper's C++ threads must not be running when
        the interpreter exits.
        """
        return self._asr.drain(timeout)

    def _forget_heard(self) -> None:
        self._segmenter.reset()
        self._speculation.forget()

    def _feed(self, block: Block) -> None:
        if self._ptt.hold(block):
            return
        held = self._ptt.release()
        if held is not None:
            self._hand_on(held)
        if self._was_muted and not block.muted:
            # The assistant has just stopped talking: whatever the segmenter holds is its own voice.
            self._forget_heard()
        self._was_muted = block.muted
        for segment in self._guard("listen", lambda: self._segmenter.feed(block), []):
            self._hand_on(segment)
        speaking = bool(self._segmenter.speaking)
        if speaking != self._was_speaking:  # drives the window's "I'm listening" / "I heard you"
            self._was_speaking = speaking
            self._bus.emit(ev.Listening(speaking=speaking))
        if (self._config.tts.barge_in and self._speaker is not None and self._speaker.speaking
                and self._segmenter.speaking):
            self._speaker.stop()
            self._bus.emit(ev.BargeIn(t_audio=round(block.start, 3)))

    def _hand_on(self, segment: Segment) -> None:
        self._bus.emit(ev.Speech(start=round(segment.start, 3), end=round(segment.end, 3)))
        self._early_closes += segment.early
        previous = self._last_turn
        if segment.rejoined and previous is not None:
            # The person went on after an early close: this segment holds that turn and the rest.
            # Not yet heard, it never will be; heard, its reply is cut short.
            self._rejoins += 1
            previous.superseded = True
            if self._speaker is not None and self._speaker.speaking:
                self._speaker.stop()
        turn = _Turn(segment, self._speculation.recognition(segment))
        self._last_turn = turn
        if not self._put_turn(turn):
            return
        if self._one_at_a_time:
            while not turn.done.wait(0.2):
                if self._stop.is_set():
                    return

    def _put_turn(self, turn: _Turn | None) -> bool:
        """Queue `turn` for the turn thread, waiting for room if it is far behind; False on stop."""
        try:
            self._turns.put_nowait(turn)
            return True
        except queue.Full:
            self._bus.emit(ev.Error(stage="listen",
                                    message=f"{TURN_QUEUE_MAX} things said are still waiting for an answer: "
                                            "listening waits until the assistant catches up"))
        while not self._stop.is_set():
            try:
                self._turns.put(turn, timeout=_TICK_S)
                return True
            except queue.Full:
                continue
        return False

    def _recognize(self, audio: np.ndarray) -> Transcript:
        assert self._recognizer is not None, "a pipeline that hears speech needs a recognizer"
        # A dialog that keeps no language or record (a stand-in that only counts turns) gets none.
        lang = getattr(self._dialog, "lang", None)
        # Hints go to the recogniser in every language: it uses them as a prompt only where
        # [asr] dialog_hints says so, and everywhere to know a whole yes or no when it hears one.
        hints = recognition_hints(self._dialog.state, getattr(self._dialog, "record", {}), lang)
        if hints is None:  # a recogniser without hints (a test double) is called as before
            return self._recognizer.transcribe(audio, lang_hint=self._lang_hint())
        return self._recognizer.transcribe(audio, lang_hint=self._lang_hint(), hints=hints)

    def _lang_hint(self) -> str | None:
        # A short answer ("yes", "对") carries little language evidence; while the dialog awaits
        # one, the conversation's language is the better guess. A description is detected freely.
        return self._dialog.lang if self._dialog.state in _ANSWERING else None

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
        if turn.superseded:
            self._bus.emit(ev.Ignored(start=round(turn.segment.start, 3), end=round(turn.segment.end, 3),
                                      text=transcript.text, reason="continued"))
            return
        if transcript.dropped or not (transcript.text or "").strip():
            self._bus.emit(ev.Ignored(start=round(turn.segment.start, 3), end=round(turn.segment.end, 3),
                                      text=transcript.raw_text or transcript.text,
                                      reason=transcript.dropped or "no words"))
            return
        self._bus.emit(ev.Transcript(text=transcript.text, lang=transcript.lang,
                                     confidence=round(float(transcript.confidence), 3),
                                     asr_seconds=round(float(transcript.asr_seconds), 3),
                                     audio_path=self._kept_audio(turn.segment)))
        self._dialog.hear(transcript.text, lang=transcript.lang, confidence=transcript.confidence)
        if self._one_at_a_time:
            self._settle()

    def _kept_audio(self, segment: Segment) -> str | None:
        if self._keep_audio is None:
            return None
        try:
            return self._keep_audio(segment)
        except OSError as exc:  # the turn is still heard, only its recording is not kept
            self._bus.emit(ev.Error(stage="gallery", message=f"the recorded speech could not be written ({exc})"))
            return None

    def _settle(self) -> None:
        """Wait until the dialog has drawn and the speaker has said everything."""
        while not self._stop.is_set():
            self._beat("turns")
            drawn = self._dialog.wait(_TICK_S)
            spoken = self._speaker.wait(_TICK_S) if self._speaker is not None else True
            if drawn and spoken and self._dialog.idle:
                return

    # -- the kiosk watchdog ----------------------------------------------------------------

    def watch(self, watchdog: Watchdog) -> None:
        """Report liveness to a kiosk Watchdog (beat/done); it calls `restart` for a hung worker."""
        self._watchdog = watchdog
        self._asr.watchdog = watchdog
        self._dialog.watch(watchdog)  # drawing is the `generate` worker, with its own deadline

    def _beat(self, name: WorkerName) -> None:
        if self._watchdog is not None:
            self._watchdog.beat(name)

    def restart(self, name: WorkerName) -> None:
        """Replace a hung worker: a fresh recognizer and ASR thread, a fresh turn thread, or (for
        `generate`) the dialog's drawing, abandoned for a fresh artist.

        Python cannot kill a thread, so the hung one is abandoned (it is a daemon thread) and
        ends by itself if its call ever returns.
        """
        if name == "asr":
            recognizer = self._new_recognizer() if self._new_recognizer else self._recognizer
            old, self._recognizer = self._asr, recognizer
            self._asr = Worker("asr", self._watchdog)
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

    def _guard(self, stage: Stage, fn: Callable, default=None):
        try:
            return fn()
        except Exception as exc:  # noqa: BLE001 - one bad block or turn never ends the daemon
            self._fail(stage, exc)
            if stage == "listen":
                self._segmenter.reset()
            return default

    def _fail(self, stage: Stage, exc: Exception) -> None:
        message = exc.line() if isinstance(exc, UserError) else f"{type(exc).__name__}: {exc}"
        self._bus.emit(ev.Error(stage=stage, message=message))
        if self._speaker is None:
            return
        lang = self._dialog.lang if self._dialog.lang in voices.LANGUAGES else "en"
        try:
            self._speaker.say(voices.phrase("error", lang, stage=voices.stage_name(stage, lang)), lang)
        except Exception as say_exc:  # noqa: BLE001 - cannot even say so: the event is enough
            self._bus.emit(ev.Error(stage="speak", message=f"{type(say_exc).__name__}: {say_exc}"))


def paced(blocks: Iterable[Block], origin: float, rate: int, stop: threading.Event) -> Iterator[Block]:
    """Blocks at their natural pace, each when it would have finished arriving from a microphone.

    `origin` is the monotonic time of audio position 0 (the bus origin), so event times and audio
    times can be subtracted.
    """
    for block in blocks:
        delay = origin + block.start + len(block.samples) / rate - time.monotonic()
        if delay > 0 and stop.wait(delay):
            return
        yield block
