"""What is on screen, built only from the event stream (no pygame here, so it is easy to test).

The dialog's `state` events lead; content events (a transcript, a generate, an image) also move
the screen on, so the window never looks stuck even when a state event is late or its name is
one this model does not know.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dialog import events as ev

PHASES = ("idle", "listening", "heard", "confirming", "generating", "showing", "browsing")

# Dialog state names (and likely synonyms) -> the screen that shows them.
_STATE_TO_PHASE = {
    "idle": "idle", "attract": "idle", "waiting": "idle", "sleeping": "idle",
    "listening": "listening", "hearing": "listening",
    "heard": "heard", "understanding": "heard", "recognizing": "heard", "thinking": "heard",
    "confirming": "confirming", "confirm": "confirming", "asking": "confirming",
    "generating": "generating", "drawing": "generating", "rendering": "generating",
    "showing": "showing", "shown": "showing", "done": "showing",
}
ERROR_SHOW_S = 8.0
RECENT_MAX = 30

# The question tag the confirmation sentence ends with, stripped when it becomes a caption.
_QUESTION_TAIL = re.compile(r"\s*(,\s*right\??|,\s*is that right\??|,?\s*对吗[??]?|,?\s*是吗[??]?)\s*$",
                            re.IGNORECASE)


@dataclass
class Recent:
    path: str
    caption: str = ""
    style: str = ""
    backend: str = ""
    seconds: float | None = None
    lang: str = "en"
    picture_id: int | None = None
    attributes: dict = field(default_factory=dict)


@dataclass
class ViewState:
    phase: str = "idle"
    phase_since: float = 0.0
    dialog_state: str = ""
    lang: str = "en"
    # Microphone
    level_db: float = -90.0
    level_t: float = -1.0
    speaking: bool = False
    ptt: bool = False
    # What was heard and understood
    transcript: str = ""
    transcript_lang: str = "en"
    confidence: float | None = None
    intent: str = ""
    attributes: dict = field(default_factory=dict)
    changed: list = field(default_factory=list)
    changed_t: float = -1.0
    say_text: str = ""
    say_lang: str = "en"
    say_t: float = -1.0
    transcript_t: float = -1.0
    confirm_text: str = ""  # the last sentence said while confirming
    confirm_lang: str = "en"
    # Generation
    backend: str = ""
    style: str = ""
    seed: int | None = None
    step: int = 0
    total: int = 0
    gen_started: float = 0.0
    # Result
    picture: Recent | None = None
    # Friendly trouble notice
    error: str = ""
    error_stage: str = ""
    error_t: float = -1.0
    notice: str = ""
    notice_t: float = -1.0
    # Slideshow / browsing
    recent: list = field(default_factory=list)
    browse_index: int = 0
    last_event_t: float = 0.0
    revision: int = 0  # bumps whenever what is drawn changes in substance

    def set_phase(self, phase: str, now: float) -> None:
        if phase != self.phase:
            self.phase = phase
            self.phase_since = now
            if phase == "generating":
                self.step, self.total = 0, 0
        self.revision += 1

    def error_visible(self, now: float) -> bool:
        return bool(self.error) and now - self.error_t < ERROR_SHOW_S

    def add_recent(self, item: Recent) -> None:
        self.recent = [r for r in self.recent if r.path != item.path]
        self.recent.insert(0, item)
        del self.recent[RECENT_MAX:]

    # -- events -------------------------------------------------------------------------------
    def apply(self, event: ev.Event, now: float | None = None) -> None:
        handler = self._HANDLERS.get(type(event))
        now = float(event.t if now is None else now)
        if handler is None:
            return  # unknown types are someone else's business
        if not isinstance(event, ev.Level):
            self.last_event_t = now
        handler(self, event, now)

    def _on_state(self, e, now):
        self.dialog_state = str(e.to or "")
        phase = _STATE_TO_PHASE.get(self.dialog_state.lower())
        if phase:
            if phase == "idle":
                self.speaking = False
            self.set_phase(phase, now)

    def _on_level(self, e, now):
        try:
            self.level_db = float(e.rms_db)
        except (TypeError, ValueError):
            return
        self.level_t = now

    def _on_listening(self, e, now):
        self.speaking = bool(e.speaking)
        if self.speaking and self.phase in ("idle", "browsing"):
            self.set_phase("listening", now)
        self.revision += 1

    def _on_ptt(self, e, now):
        self.ptt = bool(e.down)
        if self.ptt and self.phase in ("idle", "browsing"):
            self.set_phase("listening", now)
        self.revision += 1

    def _on_speech(self, e, now):
        self.speaking = False
        if self.phase == "listening":
            self.transcript = ""  # a new segment: recognising
            self.set_phase("heard", now)

    def _on_transcript(self, e, now):
        self.transcript = str(e.text or "")
        self.transcript_t = now
        self.transcript_lang = self.lang = _lang(e.lang, self.lang)
        conf = e.confidence
        self.confidence = float(conf) if isinstance(conf, (int, float)) else None
        if self.phase in ("idle", "listening", "heard", "browsing", "showing"):
            self.set_phase("heard", now)
        else:
            self.revision += 1

    def _on_understood(self, e, now):
        self.intent = str(e.intent or "")
        attrs = e.attributes
        if isinstance(attrs, dict):
            self.attributes = dict(attrs)
        self.changed = [str(s) for s in (e.changed or [])]
        self.changed_t = now
        self.revision += 1

    def _on_say(self, e, now):
        self.say_text = str(e.text or "")
        self.say_t = now
        self.say_lang = self.lang = _lang(e.lang, self.lang)
        described = self.intent in ("describe", "correct") and self.attributes
        if self.phase in ("heard", "listening") and described and not self.dialog_state:
            # No state events in this stream: the reply to a description is the confirmation.
            self.set_phase("confirming", now)
        if self.phase == "confirming" or (self.phase == "heard" and described):
            self.confirm_text, self.confirm_lang = self.say_text, self.say_lang
        self.revision += 1

    def _on_generate(self, e, now):
        self.backend = str(e.backend or "")
        self.style = str(e.style or "")
        self.seed = e.seed
        self.set_phase("generating", now)
        self.step, self.total = 0, 0
        self.gen_started = now
        self.error = ""  # a new attempt: the old trouble notice is stale

    def _on_progress(self, e, now):
        try:
            self.step, self.total = int(e.step), int(e.total)
        except (TypeError, ValueError):
            return
        self.revision += 1

    def _on_image(self, e, now):
        path = str(e.path or "")
        attrs = e.attributes if isinstance(e.attributes, dict) else self.attributes
        lang = self.confirm_lang if self.confirm_text else self.lang
        seconds = e.seconds
        self.picture = Recent(path=path, caption=caption_for(attrs, lang, self.confirm_text),
                              style=str(e.style or self.style), backend=str(e.backend or ""),
                              seconds=float(seconds) if isinstance(seconds, (int, float)) else None,
                              lang=lang, attributes=dict(attrs or {}))
        self.add_recent(self.picture)
        self.set_phase("showing", now)
        if self.error_stage == "generate":
            self.error = ""

    def _on_error(self, e, now):
        self.error = str(e.message or "") or "unknown problem"
        self.error_stage = str(e.stage or "")
        self.error_t = now
        self.revision += 1

    def _on_watchdog(self, e, now):
        self.notice = f"restarted {e.worker or 'a worker'}"
        self.notice_t = now
        self.revision += 1

    _HANDLERS = {ev.State: _on_state, ev.Level: _on_level, ev.Listening: _on_listening, ev.Ptt: _on_ptt,
                 ev.Speech: _on_speech, ev.Transcript: _on_transcript, ev.Understood: _on_understood,
                 ev.Say: _on_say, ev.Generate: _on_generate, ev.Progress: _on_progress, ev.Image: _on_image,
                 ev.Error: _on_error, ev.Watchdog: _on_watchdog}

    # -- browsing the gallery with the arrow keys ------------------------------------------------
    def browse(self, step: int, now: float) -> None:
        if not self.recent:
            return
        if self.phase != "browsing":
            self.browse_index = 0 if step > 0 else len(self.recent) - 1
            self.set_phase("browsing", now)
        else:
            self.browse_index = (self.browse_index + step) % len(self.recent)
            self.revision += 1
        self.last_event_t = now

    def back_to_dialog_state(self, now: float) -> None:
        """Leave a transient screen for the one the dialog's state stands for."""
        phase = _STATE_TO_PHASE.get(self.dialog_state.lower(), "idle")
        if phase in ("listening", "heard") or (phase == "showing" and self.picture is None):
            phase = "idle"
        self.speaking = False
        self.set_phase(phase, now)

    def back_to_idle(self, now: float) -> None:
        self.set_phase("idle", now)
        self.speaking = False


def _lang(value, default: str) -> str:
    value = str(value or "")
    return "zh" if value.startswith("zh") else ("en" if value.startswith("en") else default)


def caption_for(attributes: dict, lang: str, confirm_text: str = "") -> str:
    """The picture's description in the speaker's language.

    The dialog's own phrasing is used when it exists; else the confirmation sentence without its
    question tag; else a plain list of the attribute values.
    """
    attributes = attributes or {}
    try:
        from dialog.phrasing import describe  # the dialog's sentence builder, when present

        text = describe(attributes, lang)
        if text:
            return text
    except Exception:  # noqa: BLE001 - a caption must never break the screen
        pass
    if confirm_text:
        return _QUESTION_TAIL.sub("", confirm_text).strip()
    from assistant.window import theme

    parts = []
    for slot, value in attributes.items():
        values = value if isinstance(value, list) else [value]
        parts.extend(theme.value_label(slot, v, lang) for v in values)
    return ("、" if lang == "zh" else ", ").join(parts)
