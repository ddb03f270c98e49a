"""The dialog: a state machine (transitions) from heard words to a confirmed, drawn picture.

    idle ──describe──▶ confirming ──confirm──▶ generating ──done──▶ showing
      ▲                 │  ▲   │ correct/deny/describe/reprompt     │ correct (redraw)
      └──cancel/restart/timeout/error────────────────────────────────┘ describe ─▶ confirming
                        ▲                     │ stall (the watchdog gave up on a hung drawing)
                        └─────────────────────┘

TRANSITIONS is the whole behaviour: each interpreted turn fires its intent as a trigger, with
the reply as event data, and the table's conditions pick the transition and its callbacks say
and do what follows. A turn that changes nothing is an internal transition (dest None), which
emits no `state` event. Every other transition is a `state` event, emitted on entering the
destination: after the `before` callbacks, ahead of the `after` ones. Every interpreted turn is
an `understood` event; everything said goes through the speaker (which emits `say`).

Pictures are drawn inline (`chat`) or in a worker thread (the daemon), where a cancel or a
correction stops the drawing between steps. With a watchdog attached (`watch`), drawing is its
`generate` worker: a drawing silent for `[image] stall_s` is abandoned (`abandon_drawing`) and
the same description is offered again.

The dialog imports nothing of the assistant: it is handed the bus's `emit`, an artist and a
speaker (dialog.ports), and builds the typed events of dialog.events itself.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from functools import partial
from typing import Any, Callable

from transitions import Machine, Transition

from dialog import corrections, phrasing
from dialog.events import Error, Generate, Image, Progress, Sink, State, Understood
from dialog.parse import detect_lang
from dialog.ports import Artist, Cancelled, Refused, Speaker, Watchdog
from dialog.states import DialogState, Intent, Trigger
from dialog.text import clean_text

IDLE, CONFIRMING, GENERATING, SHOWING = DialogState
EVERYWHERE = list(DialogState)


@dataclass(frozen=True)
class Say:
    """A callback that says one phrase (phrasing key), with the record described when asked."""

    key: str
    described: bool = False


# Entries are pytransitions' own (trigger, source, dest, conditions, unless, before, after), with
# callbacks named by Dialog method (without its leading underscore) or given as Say(...); plus
# `reported_as`, the trigger name a transition's `state` event carries where it is not the
# intent's. For one trigger and source the first entry whose conditions hold is taken.
TRANSITIONS: list[dict[str, Any]] = [
    # A new description, in any state: spoken back to be confirmed (a drawing under way is dropped).
    # Figures past the limit (three groups) are said to be left out before the confirmation.
    dict(trigger=Intent.DESCRIBE, source=[IDLE, CONFIRMING, SHOWING], dest=CONFIRMING,
         before=["say_left_out", "take_description"], after="confirm_aloud"),
    dict(trigger=Intent.DESCRIBE, source=GENERATING, dest=CONFIRMING,
         before=["stop_drawing", "say_left_out", "take_description"], after="confirm_aloud"),
    # "make her hair pink" with a girl and a woman: ask whose; the answer is read with the question.
    dict(trigger=Intent.CLARIFY, source=[CONFIRMING, GENERATING, SHOWING], dest=None, after="ask_whom"),
    dict(trigger=Intent.CLARIFY, source=IDLE, dest=None, after=Say("not_understood")),
    # Idle: nothing to stop, approve or change. (A correction in idle was read as a description.)
    dict(trigger=Intent.CANCEL, source=IDLE, dest=None, after=Say("cancelled")),
    dict(trigger=Intent.RESTART, source=IDLE, dest=None, after=Say("cancelled")),
    dict(trigger=Intent.CONFIRM, source=IDLE, dest=None, after=Say("not_understood")),
    dict(trigger=Intent.DENY, source=IDLE, dest=None, after=Say("not_understood")),
    dict(trigger=Intent.UNKNOWN, source=IDLE, dest=None, after=Say("not_understood")),
    # Confirming: "yes" draws; "yes, but at night" is a correction approved at once.
    dict(trigger=Intent.CONFIRM, source=CONFIRMING, dest=GENERATING, after="draw"),
    dict(trigger=Intent.CORRECT, source=CONFIRMING, dest=CONFIRMING, conditions="affirmed",
         before=["take_correction", "reset_reprompts"], after="approve"),
    dict(trigger=Intent.CORRECT, source=CONFIRMING, dest=CONFIRMING,
         before=["take_correction", "reset_reprompts"], after="confirm_aloud"),
    dict(trigger=Intent.DENY, source=CONFIRMING, dest=CONFIRMING, before="reset_reprompts",
         after=Say("ask_change")),
    dict(trigger=Intent.CANCEL, source=CONFIRMING, dest=IDLE, after=Say("cancelled")),
    dict(trigger=Intent.RESTART, source=CONFIRMING, dest=IDLE, before="forget", after=Say("restart")),
    dict(trigger=Intent.UNKNOWN, source=CONFIRMING, dest=CONFIRMING, conditions="may_reprompt",
         before="count_reprompt", after=Say("ask_again"), reported_as=Trigger.REPROMPT),
    dict(trigger=Intent.UNKNOWN, source=CONFIRMING, dest=IDLE, after=Say("gave_up"),
         reported_as=Trigger.TIMEOUT),
    # Generating: a change redraws at once; "no" and "stop" stop; the rest waits for the picture.
    dict(trigger=Intent.CORRECT, source=GENERATING, dest=GENERATING, conditions="changes",
         before=["stop_drawing", "take_correction"], after="redraw"),
    dict(trigger=Intent.CORRECT, source=GENERATING, dest=None, after=Say("still_drawing")),
    dict(trigger=Intent.CANCEL, source=GENERATING, dest=IDLE, before="stop_drawing",
         after=Say("cancelled")),
    dict(trigger=Intent.DENY, source=GENERATING, dest=IDLE, before="stop_drawing",
         after=Say("cancelled"), reported_as=Intent.CANCEL),
    dict(trigger=Intent.RESTART, source=GENERATING, dest=IDLE, before="stop_drawing",
         after=Say("restart")),
    dict(trigger=Intent.CONFIRM, source=GENERATING, dest=None, after=Say("still_drawing")),
    dict(trigger=Intent.UNKNOWN, source=GENERATING, dest=None, after=Say("still_drawing")),
    # Showing: a change redraws; "thanks" and noise need no answer.
    dict(trigger=Intent.CORRECT, source=SHOWING, dest=GENERATING, conditions="changes",
         before="take_correction", after="redraw"),
    dict(trigger=Intent.CORRECT, source=SHOWING, dest=None, after=Say("ask_change")),
    dict(trigger=Intent.CANCEL, source=SHOWING, dest=IDLE, after=Say("cancelled")),
    dict(trigger=Intent.RESTART, source=SHOWING, dest=IDLE, after=Say("restart")),
    dict(trigger=Intent.DENY, source=SHOWING, dest=None, after=Say("ask_change")),
    dict(trigger=Intent.CONFIRM, source=SHOWING, dest=None),
    dict(trigger=Intent.UNKNOWN, source=SHOWING, dest=None),
    # A turn heard too doubtfully to act on is asked for again, wherever the dialog is.
    dict(trigger=Trigger.DOUBT, source=EVERYWHERE, dest=None, after=Say("low_confidence")),
    # The drawing's outcome (only a current drawing's: see Dialog._render).
    dict(trigger=Trigger.DONE, source=GENERATING, dest=SHOWING, before="show_picture",
         after=["say_picture_note", Say("done")]),
    dict(trigger=Trigger.ERROR, source=[CONFIRMING, GENERATING, SHOWING], dest=IDLE,
         before="report_failure", after="say_failure"),
    dict(trigger=Trigger.STALL, source=GENERATING, dest=CONFIRMING,
         before=["note_activity", "reset_reprompts"], after=Say("drawing_stuck", described=True)),
    # The clock (Dialog.tick): a confirmation nobody answers, a picture on show long enough.
    dict(trigger=Trigger.TIMEOUT, source=CONFIRMING, dest=IDLE, conditions="confirmation_expired",
         after=Say("gave_up")),
    dict(trigger=Trigger.TIMEOUT, source=SHOWING, dest=IDLE, conditions="showing_expired"),
]

_CALLBACKS = ("conditions", "unless", "prepare", "before", "after")


class _Transition(Transition):
    """A transition that may carry another trigger's name in its `state` event."""

    def __init__(self, *args, reported_as: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.reported_as = reported_as


class _Machine(Machine):
    transition_cls = _Transition


class _Model:
    """What the state machine drives; kept apart so Dialog's own attributes never clash with triggers."""

    state: str


def _intent_of(reply, state: DialogState) -> Intent:
    intent = Intent(reply.intent)
    if state == IDLE and intent == Intent.CORRECT:
        intent = Intent.DESCRIBE  # with nothing to correct, any understood content is a description
    if intent in (Intent.DESCRIBE, Intent.CORRECT) and not reply.attributes:
        intent = Intent.UNKNOWN
    return intent


def _spoken_back(intent: Intent, state: DialogState) -> bool:
    """Whether a turn is only spoken back for confirmation, so a doubtful hearing of it is harmless."""
    return intent == Intent.DESCRIBE or (intent == Intent.CORRECT and state == CONFIRMING)


class Dialog:
    def __init__(self, emit: Sink, config, artist: Artist, speaker: Speaker, out_dir, background: bool = False,
                 clock: Callable[[], float] = time.monotonic, new_artist: Callable[[], Artist] | None = None):
        self._emit = emit
        self._config = config
        self._artist = artist
        self._speaker = speaker
        self._out_dir = out_dir
        self._background = background
        self._clock = clock
        self._lock = threading.RLock()
        self._model = _Model()
        self._machine = self._build_machine()
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
        self._watchdog: Watchdog | None = None
        self._drawers: set[threading.Thread] = set()
        self._drawers_lock = threading.Lock()

    # ------------------------------------------------------------------ the machine
    def _build_machine(self) -> Machine:
        states = [{"name": s.value, "on_enter": [self._announce]} for s in DialogState]
        machine = _Machine(model=self._model, states=states, initial=IDLE.value, send_event=True,
                           auto_transitions=False)
        for spec in TRANSITIONS:
            machine.add_transition(**self._bound(spec))
        return machine

    def _bound(self, spec: dict[str, Any]) -> dict[str, Any]:
        """A table entry with plain-string names and its callbacks bound to this dialog."""
        out: dict[str, Any] = {"trigger": str(spec["trigger"]), "dest": spec["dest"] and str(spec["dest"])}
        source = spec["source"]
        out["source"] = [str(s) for s in source] if isinstance(source, list) else str(source)
        for key in _CALLBACKS:
            names = spec.get(key)
            if names is not None:
                out[key] = [self._callback(n) for n in (names if isinstance(names, list) else [names])]
        if spec.get("reported_as"):
            out["reported_as"] = str(spec["reported_as"])
        return out

    def _callback(self, name: str | Say) -> Callable:
        if isinstance(name, Say):
            return partial(self._say_phrase, name)
        return getattr(self, f"_{name}")

    def _announce(self, event) -> None:
        transition = event.transition
        self._emit(State(source=transition.source, to=transition.dest,
                         trigger=transition.reported_as or event.event.name))

    def _fire(self, trigger: str, **data) -> None:
        self._model.trigger(str(trigger), **data)

    def _fire_if_defined(self, trigger: str, **data) -> None:
        """Fire a trigger of the dialog's own (the clock's, the watchdog's) where the table has it."""
        if str(trigger) in self._machine.get_triggers(self._model.state):
            self._fire(trigger, **data)

    # ------------------------------------------------------------------ state
    @property
    def state(self) -> DialogState:
        return DialogState(self._model.state)

    @property
    def busy(self) -> bool:
        """True while a turn is being handled or a picture is being drawn."""
        worker = self._worker
        return self._processing or (worker is not None and worker.is_alive())

    @property
    def idle(self) -> bool:
        """Nothing in progress: the dialog waits for the person (in any state)."""
        return not self.busy

    # ------------------------------------------------------------------ speech out
    def _say(self, key: str, variant: int = 0, **fields) -> None:
        self._speak(phrasing.phrase(key, self.lang, variant, **fields))

    def _speak(self, text: str) -> None:
        try:
            self._speaker.say(text, self.lang)
        except Exception as exc:  # noqa: BLE001 - a broken speaker must not end the dialog
            self._emit(Error(stage="speak", message=str(exc) or type(exc).__name__))

    def _say_phrase(self, say: Say, event=None) -> None:
        if say.described:
            self._say(say.key, description=phrasing.describe(self.record, self.lang))
        else:
            self._say(say.key)

    def _confirm_aloud(self, event=None) -> None:
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
                self._emit(Error(stage="understanding", message=f"{type(exc).__name__}: {exc}"))
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
        reply = corrections.interpret(text, self.record if state != IDLE else {}, self.lang, state=state.value,
                                      pending=self._pending)
        self._pending = None
        intent = _intent_of(reply, state)
        if self._doubtful(confidence, intent, text):
            if not _spoken_back(intent, state):
                # A doubtful "yes", "cancel" or change to a picture on show would act on a guess.
                self._emit(Understood(intent=Intent.UNKNOWN.value, attributes=self.record, changed=[],
                                      reason="low confidence"))
                self._fire(Trigger.DOUBT, reply=reply)
                return
            reply.affirm = None  # spoken back anyway, but never approved on a guess
        attributes = reply.attributes if intent in (Intent.DESCRIBE, Intent.CORRECT) else self.record
        self._emit(Understood(intent=intent.value, attributes=attributes, changed=reply.changed))
        self._fire(intent, reply=reply, text=text)

    def _doubtful(self, confidence: float | None, intent, text: str) -> bool:
        """The recogniser doubts its own words (the [asr] min_confidence gate).

        A bare yes or no acts at once, so it must be surer ([asr] min_reply_confidence): noise
        decoded as "No." scored 0.10-0.22, espeak's spoken yes/no 0.59-0.78 at 10 dB SNR.
        """
        if confidence is None:
            return False
        floor = self._config.asr.min_confidence
        if intent in (Intent.CONFIRM, Intent.DENY) and len(text.split()) <= 2:
            floor = max(floor, self._config.asr.min_reply_confidence)
        return confidence < floor

    # -- conditions (event.kwargs: reply for a turn, quiet for the clock)
    def _affirmed(self, event) -> bool:
        return bool(event.kwargs["reply"].affirm)

    def _changes(self, event) -> bool:
        return bool(event.kwargs["reply"].changed)

    def _may_reprompt(self, event) -> bool:
        return self._reprompts < self._config.dialog.max_reprompts

    def _confirmation_expired(self, event) -> bool:
        return event.kwargs["quiet"] > self._config.dialog.confirm_timeout_s

    def _showing_expired(self, event) -> bool:
        return event.kwargs["quiet"] > self._config.dialog.showing_timeout_s

    # -- actions
    def _take_description(self, event) -> None:
        self.record = dict(event.kwargs["reply"].attributes)
        self._reprompts = 0

    def _say_picture_note(self, event) -> None:
        note = getattr(event.kwargs["picture"], "note", None)  # artists of the Picture protocol before notes
        if note:
            self._say(note)

    def _say_left_out(self, event) -> None:
        left_out = event.kwargs["reply"].left_out
        if left_out:
            self._speak(phrasing.left_out(left_out, self.lang))

    def _ask_whom(self, event) -> None:
        self._pending = event.kwargs["text"]
        self._speak(event.kwargs["reply"].question)

    def _take_correction(self, event) -> None:
        self.record = event.kwargs["reply"].attributes

    def _reset_reprompts(self, event=None) -> None:
        self._reprompts = 0

    def _count_reprompt(self, event) -> None:
        self._reprompts += 1

    def _forget(self, event) -> None:
        self.record = {}

    def _note_activity(self, event=None) -> None:
        self._last_activity = self._clock()

    def _approve(self, event) -> None:
        """The "yes" of "yes, but at night": the corrected description is approved as well."""
        self._fire(Intent.CONFIRM, **event.kwargs)

    # ------------------------------------------------------------------ drawing
    def _draw(self, event=None, phrase_key: str = "drawing") -> None:
        record = dict(self.record)
        self._generation += 1
        generation = self._generation
        self._cancel = cancel = threading.Event()
        self._say(phrase_key, description=phrasing.describe(record, self.lang))
        plan = self._artist.plan(record)
        self._emit(Generate(prompt=plan.prompt, negative_prompt=plan.negative_prompt,
                            backend=plan.backend, style=plan.style, seed=plan.seed))
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

    def _redraw(self, event) -> None:
        self._draw(event, "redrawing")

    def _render_watched(self, *args) -> None:
        try:
            self._render(*args)
        finally:
            self._left()

    def _render(self, plan, record: dict, generation: int, cancel: threading.Event) -> None:
        def progress(step: int, total: int) -> None:
            with self._drawers_lock:
                if threading.current_thread() in self._drawers:
                    self._alive()
            if not cancel.is_set():
                self._emit(Progress(step=step, total=total))

        try:
            picture = self._artist.render(plan, record, self._out_dir, progress=progress, cancel=cancel)
        except Cancelled:
            return
        except Exception as exc:  # noqa: BLE001 - report, say so, go back to listening
            with self._lock:
                if self._current(generation, cancel):
                    self._fire(Trigger.ERROR, failure=exc)
            return
        with self._lock:
            # A correction or cancel that arrived while drawing makes this picture stale.
            if self._current(generation, cancel):
                self._fire(Trigger.DONE, picture=picture, record=record)

    def _current(self, generation: int, cancel: threading.Event) -> bool:
        return generation == self._generation and not cancel.is_set()

    def _show_picture(self, event) -> None:
        picture = event.kwargs["picture"]
        self._emit(Image(path=str(picture.path), backend=picture.backend, style=picture.style,
                         seconds=picture.seconds, attributes=event.kwargs["record"]))
        self._last_activity = self._clock()

    def _report_failure(self, event) -> None:
        exc = event.kwargs["failure"]
        message = exc.line() if hasattr(exc, "line") else f"{type(exc).__name__}: {exc}"
        self._emit(Error(stage="generate", message=message))

    def _say_failure(self, event) -> None:
        if isinstance(event.kwargs["failure"], Refused):  # a refusal, not a fault: say so plainly
            self._say("blocked")
        else:
            self._say("error", stage=phrasing.voices.stage_name("generate", self.lang))

    def _stop_drawing(self, event=None) -> None:
        self._cancel.set()
        self._generation += 1

    # ------------------------------------------------------------------ the watchdog
    def watch(self, watchdog: Watchdog) -> None:
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
        the same description is offered again (`stall`), so "yes" retries it; if they had moved
        on (a stop, a new description) nothing is said.
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
            self._fire_if_defined(Trigger.STALL)

    # ------------------------------------------------------------------ housekeeping
    def tick(self) -> None:
        """Time out a state nobody answers; call it about twice a second."""
        with self._lock:
            quiet = self._clock() - self._last_activity
            release_after = self._config.image.release_after_s
            if (release_after > 0 and quiet > release_after and not self._released and not self.busy
                    and self.state in (IDLE, SHOWING)):
                self._released = True
                release = getattr(self._artist, "release", None)
                if release is not None:
                    release()
            self._fire_if_defined(Trigger.TIMEOUT, quiet=quiet)

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
