"""The dialog: a state machine (transitions) from heard words to a confirmed, drawn picture.

    idle ──describe──▶ confirming ──confirm──▶ generating ──done──▶ showing
      ▲                 │  ▲   │ correct/deny/describe/reprompt     │ correct (redraw)
      └──cancel/restart/timeout/error────────────────────────────────┘ describe ─▶ confirming
                        ▲                     │ stall (the watchdog gave up on a hung drawing)
                        └─────────────────────┘

Every transition is a `state` event; every interpreted turn an `understood` event; everything
said goes through the speaker (which emits `say`). Pictures are drawn inline (`chat`) or in a
worker thread (the daemon), where a cancel or a correction stops the drawing between steps.
With a watchdog attached (`watch`), drawing is its `generate` worker: a drawing silent for
`[image] stall_s` is abandoned (`abandon_drawing`) and the same description is offered again.
"""

from __future__ import annotations

import threading
import time

from transitions import Machine

from assistant.events import EventBus
from assistant.textinput import clean_text
from dialog import corrections, phrasing
from dialog.parse import detect_lang

STATES = ["idle", "confirming", "generating", "showing"]
TRANSITIONS = [
    # trigger, source(s), destination
    ("describe", ["idle", "confirming", "generating", "showing"], "confirming"),
    ("correct", "confirming", "confirming"),
    ("correct", ["generating", "showing"], "generating"),
    ("deny", "confirming", "confirming"),
    ("reprompt", "confirming", "confirming"),
    ("confirm", "confirming", "generating"),
    ("done", "generating", "showing"),
    ("cancel", ["confirming", "generating", "showing"], "idle"),
    ("restart", ["confirming", "generating", "showing"], "idle"),
    ("timeout", ["confirming", "showing"], "idle"),
    ("error", ["confirming", "generating", "showing"], "idle"),
    ("stall", "generating", "confirming"),
]


class _Model:
    """What the state machine drives; kept apart so Dialog's own attributes never clash with triggers."""

    state: str


class Dialog:
    def __init__(self, bus: EventBus, config, artist, speaker, out_dir, background: bool = False,
                 clock=time.monotonic, new_artist=None):
        self._bus = bus
        self._config = config
        self._artist = artist
        self._speaker = speaker
        self._out_dir = out_dir
        self._background = background
        self._clock = clock
        self._lock = threading.RLock()
        self._model = _Model()
        self._machine = Machine(model=self._model, states=STATES, initial="idle", send_event=True,
                                auto_transitions=False, after_state_change=self._on_state_change)
        for trigger, source, dest in TRANSITIONS:
            self._machine.add_transition(trigger, source, dest)
        self.record: dict = {}
        self.lang = config.general.language if config.general.language != "auto" else "en"
        self._reprompts = 0
        self._pending: str | None = None  # the reply a "clarify" question asked about
        self._last_activity = clock()
        self._released = False
        self._turns = 0
        # Alternate the confirmation's wording so repeated corrections don't sound canned.
        self._confirmations = -1
        self._generation = 0
        self._cancel = threading.Event()
        self._worker: threading.Thread | None = None
        self._processing = False
        # Drawing as the watchdog sees it: the threads started and not yet ended or abandoned. A new
        # drawing waits for a cancelled one to leave the artist, so it shares that one's deadline.
        self._new_artist = new_artist  # a hung artist keeps its lock: the next drawing needs a fresh one
        self._watchdog = None
        self._drawers: set[threading.Thread] = set()
        self._drawers_lock = threading.Lock()

    # ------------------------------------------------------------------ state
    @property
    def state(self) -> str:
        return self._model.state

    @property
    def busy(self) -> bool:
        """True while a turn is being handled or a picture is being drawn."""
        worker = self._worker
        return self._processing or (worker is not None and worker.is_alive())

    @property
    def idle(self) -> bool:
        """Nothing in progress: the dialog waits for the person (in any state)."""
        return not self.busy

    def _on_state_change(self, event) -> None:
        self._bus.emit("state", **{"from": event.transition.source, "to": event.transition.dest,
                                   "trigger": event.event.name})

    def _fire(self, trigger: str) -> None:
        getattr(self._model, trigger)()

    # ------------------------------------------------------------------ speech out
    def _say(self, key: str, variant: int = 0, **fields) -> None:
        self._speak(phrasing.phrase(key, self.lang, variant, **fields))

    def _speak(self, text: str) -> None:
        try:
            self._speaker.say(text, self.lang)
        except Exception as exc:  # noqa: BLE001 - a broken speaker must not end the dialog
            self._bus.emit("error", stage="speak", message=str(exc) or type(exc).__name__)

    def _confirm_aloud(self) -> None:
        self._confirmations += 1
        self._say("confirm", variant=self._confirmations, description=phrasing.describe(self.record, self.lang))

    def greet(self) -> None:
        """Say hello in the configured language, so a person knows the assistant is listening."""
        self._say("greeting")

    # ------------------------------------------------------------------ turns
    def hear(self, text: str, lang: str | None = None, confidence: float | None = None) -> None:
        """Handle one user utterance (typed or recognised)."""
        with self._lock:
            self._processing = True
            try:
                self._hear(text, lang, confidence)
            except Exception as exc:  # noqa: BLE001 - the dialog survives any bad turn
                self._bus.emit("error", stage="understanding", message=f"{type(exc).__name__}: {exc}")
                self._say("error", stage=phrasing.voices.stage_name("understanding", self.lang))
            finally:
                self._processing = False

    def _hear(self, text: str, lang: str | None, confidence: float | None) -> None:
        self._last_activity = self._clock()
        self._released = False
        self._turns += 1
        text = clean_text(text)
        if text:
            self.lang = lang if lang in ("en", "zh") else detect_lang(text)
        state = self.state
        current = self.record if state != "idle" else {}
        reply = corrections.interpret(text, current, self.lang, state=state, pending=self._pending)
        self._pending = None
        if reply.intent == "clarify" and state != "idle":
            # "make her hair pink" with a girl and a woman: ask whose, and read the answer with it
            self._pending = text
            self._bus.emit("understood", intent="clarify", attributes=self.record, changed=[])
            self._speak(reply.question)
            return
        if reply.left_out and reply.intent == "describe":
            self._speak(phrasing.left_out(reply.left_out, self.lang))
        intent = reply.intent
        if state == "idle" and intent == "correct":
            intent = "describe"  # with nothing to correct, any understood content is a description
        if intent in ("describe", "correct") and not reply.attributes:
            intent = "unknown"
        if confidence is not None and confidence < self._config.asr.min_confidence:
            # A doubtful hearing may only lead to a question: a description or a correction is
            # spoken back for confirmation anyway, but a doubtful "yes", "cancel" or a change to a
            # picture on show would act on a guess, so those are asked again.
            if intent == "describe" or (intent == "correct" and state == "confirming"):
                reply.affirm = None
            else:
                self._bus.emit("understood", intent="unknown", attributes=self.record, changed=[],
                               reason="low confidence")
                self._say("low_confidence")
                return
        self._bus.emit("understood", intent=intent, attributes=reply.attributes if intent in
                       ("describe", "correct") else self.record, changed=reply.changed)
        handler = getattr(self, f"_in_{state}")
        handler(intent, reply)

    def _in_idle(self, intent: str, reply) -> None:
        if intent == "describe":
            self._start_confirming(reply.attributes, "describe")
        elif intent in ("cancel", "restart"):
            self._say("cancelled")
        else:
            self._say("not_understood")

    def _in_confirming(self, intent: str, reply) -> None:
        if intent == "confirm":
            self._fire("confirm")
            self._draw("drawing")
        elif intent == "correct":
            self.record = reply.attributes
            self._reprompts = 0
            self._fire("correct")
            if reply.affirm:  # "yes, but at night": approved with the change
                self._fire("confirm")
                self._draw("drawing")
            else:
                self._confirm_aloud()
        elif intent == "describe":
            self._start_confirming(reply.attributes, "describe")
        elif intent == "deny":
            self._reprompts = 0
            self._fire("deny")
            self._say("ask_change")
        elif intent == "cancel":
            self._fire("cancel")
            self._say("cancelled")
        elif intent == "restart":
            self.record = {}
            self._fire("restart")
            self._say("restart")
        else:
            self._reprompts += 1
            if self._reprompts <= self._config.dialog.max_reprompts:
                self._fire("reprompt")
                self._say("ask_again")
            else:
                self._fire("timeout")
                self._say("gave_up")

    def _in_generating(self, intent: str, reply) -> None:
        if intent == "correct" and not reply.changed:
            self._say("still_drawing")  # nothing to change ("no hat" without a hat): keep drawing
        elif intent == "correct":
            self._stop_drawing()
            self.record = reply.attributes
            self._fire("correct")
            self._draw("redrawing")
        elif intent == "describe":
            self._stop_drawing()
            self._start_confirming(reply.attributes, "describe")
        elif intent in ("cancel", "restart", "deny"):
            self._stop_drawing()
            self._fire("cancel" if intent != "restart" else "restart")
            self._say("cancelled" if intent != "restart" else "restart")
        else:
            self._say("still_drawing")

    def _in_showing(self, intent: str, reply) -> None:
        if intent == "correct" and not reply.changed:
            self._say("ask_change")  # the words named nothing that differs from the picture shown
        elif intent == "correct":
            self.record = reply.attributes
            self._fire("correct")
            self._draw("redrawing")
        elif intent == "describe":
            self._start_confirming(reply.attributes, "describe")
        elif intent in ("cancel", "restart"):
            self._fire(intent)
            self._say("cancelled" if intent == "cancel" else "restart")
        elif intent == "deny":
            self._say("ask_change")
        # confirm ("thanks") and noise while a picture is shown need no answer

    def _start_confirming(self, record: dict, trigger: str) -> None:
        self.record = dict(record)
        self._reprompts = 0
        self._fire(trigger)
        self._confirm_aloud()

    # ------------------------------------------------------------------ drawing
    def _draw(self, phrase_key: str) -> None:
        record = dict(self.record)
        self._generation += 1
        generation = self._generation
        self._cancel = cancel = threading.Event()
        self._say(phrase_key, description=phrasing.describe(record, self.lang))
        plan = self._artist.plan(record)
        self._bus.emit("generate", prompt=plan.prompt, negative_prompt=plan.negative_prompt,
                       backend=plan.backend, style=plan.style, seed=plan.seed)
        if self._background:
            self._worker = worker = threading.Thread(target=self._render_watched,
                                                     args=(plan, record, generation, cancel),
                                                     name="draw", daemon=True)
            with self._drawers_lock:
                if not self._drawers:
                    self._alive()
                self._drawers.add(worker)
            worker.start()
        else:
            self._render(plan, record, generation, cancel)

    def _render_watched(self, *args) -> None:
        try:
            self._render(*args)
        finally:
            self._left()

    def _render(self, plan, record: dict, generation: int, cancel: threading.Event) -> None:
        from assistant.image.artist import Cancelled

        def progress(step: int, total: int) -> None:
            with self._drawers_lock:
                if threading.current_thread() in self._drawers:
                    self._alive()
            if not cancel.is_set():
                self._bus.emit("progress", step=step, total=total)

        try:
            picture = self._artist.render(plan, record, self._out_dir, progress=progress, cancel=cancel)
        except Cancelled:
            return
        except Exception as exc:  # noqa: BLE001 - report, say so, go back to listening
            with self._lock:
                if generation != self._generation or cancel.is_set():
                    return
                message = exc.line() if hasattr(exc, "line") else f"{type(exc).__name__}: {exc}"
                self._bus.emit("error", stage="generate", message=message)
                self._fire("error")
                from assistant.image.safety import PictureWithheld, PromptRefused

                if isinstance(exc, (PromptRefused, PictureWithheld)):  # a refusal, not a fault: say so plainly
                    self._say("blocked")
                else:
                    self._say("error", stage=phrasing.voices.stage_name("generate", self.lang))
            return
        with self._lock:
            if generation != self._generation or cancel.is_set():
                return  # a correction or cancel arrived while drawing: this picture is stale
            self._bus.emit("image", path=str(picture.path), backend=picture.backend, style=picture.style,
                           seconds=picture.seconds, attributes=record)
            self._last_activity = self._clock()
            self._fire("done")
            self._say("done")

    def _stop_drawing(self) -> None:
        self._cancel.set()
        self._generation += 1

    # ------------------------------------------------------------------ the watchdog
    def watch(self, watchdog) -> None:
        """Report background drawing to a kiosk Watchdog as its `generate` worker (beat/done)."""
        if self._config.image.stall_s > 0:
            self._watchdog = watchdog

    def _alive(self) -> None:
        if self._watchdog is not None:
            self._watchdog.beat("generate", timeout_s=self._config.image.stall_s)

    def _left(self) -> None:
        """A drawing thread ends: the watch goes on for one still waiting behind it, else stops."""
        with self._drawers_lock:
            thread = threading.current_thread()
            if thread not in self._drawers:
                return  # abandoned, or drawn inline: the watchdog is done with it
            self._drawers.discard(thread)
            if self._watchdog is not None:
                if self._drawers:
                    self._watchdog.beat("generate")
                else:
                    self._watchdog.done("generate")

    def abandon_drawing(self) -> None:
        """Give up on a hung drawing (the watchdog's restart for `generate`).

        Python cannot stop a thread: the hung one is cancelled (it stops at its next step if it
        ever gets there), its late result is ignored, and drawing goes on with a fresh artist,
        because the hung one holds the old artist's lock. While the person waits for that picture
        the same description is offered again, so "yes" retries it; if they had moved on (a stop,
        a new description) nothing is said.
        """
        with self._lock:
            self._stop_drawing()
            with self._drawers_lock:
                self._drawers.clear()
            self._worker = None
            if self._new_artist is not None:
                self._artist = self._new_artist()
            if self._watchdog is not None:
                self._watchdog.done("generate")
            if self.state == "generating":
                self._last_activity = self._clock()
                self._reprompts = 0
                self._fire("stall")
                self._say("drawing_stuck", description=phrasing.describe(self.record, self.lang))

    # ------------------------------------------------------------------ housekeeping
    def tick(self) -> None:
        """Time out a state nobody answers; call it about twice a second."""
        with self._lock:
            quiet = self._clock() - self._last_activity
            release_after = self._config.image.release_after_s
            if (release_after > 0 and quiet > release_after and not self._released and not self.busy
                    and self.state in ("idle", "showing")):
                self._released = True
                release = getattr(self._artist, "release", None)
                if release is not None:
                    release()
            if self.state == "confirming" and quiet > self._config.dialog.confirm_timeout_s:
                self._fire("timeout")
                self._say("gave_up")
            elif self.state == "showing" and quiet > self._config.dialog.showing_timeout_s:
                self._fire("timeout")

    def wait(self, timeout: float | None = None) -> bool:
        """Block until a background drawing has finished; True when nothing is left running."""
        worker = self._worker
        if worker is not None:
            worker.join(timeout)
            return not worker.is_alive()
        return True

    def close(self) -> None:
        with self._lock:
            self._stop_drawing()
        self.wait(5.0)
