"""The event stream's vocabulary: one frozen dataclass per event type.

Every component talks through these: the dialog, the audio and speech parts, the artist, the
window, the gallery, `--events` files and the tests all see the same objects. The interface
spec (`shared/spec/interface.md`) is the contract for their JSON form: `to_dict()` yields
exactly the object a line of `--events` or `chat --json` holds, `{"t": ..., "type": ..., fields
in declaration order}`.

They live here, at the bottom of the dependency graph, because `dialog/` imports nothing from
`assistant/` while both emit events. The bus stamps `t` (seconds since the session started)
when an event is emitted; an event built by hand has t = 0.

A field declared with `optional()` is left out of the JSON when it is None (the spec's objects
only carry it in some cases: `understood.reason`, `listening.ptt`, `transcript.audio_path`);
every other field is always written, None as null.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

_OPTIONAL = "omit_when_none"
_JSON_NAME = "json_name"


def optional(default=None):
    """A field written to JSON only when it is not None."""
    return field(default=default, metadata={_OPTIONAL: True})


def _named(json_name: str):
    return field(metadata={_JSON_NAME: json_name})


@dataclass(frozen=True)
class Event:
    """Base of every event; `type` is the spec's name for it."""

    type: ClassVar[str] = ""
    t: float = field(default=0.0, kw_only=True, compare=False)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"t": self.t, "type": self.type}
        for f in _fields(type(self)):
            value = getattr(self, f.name)
            if value is None and f.metadata.get(_OPTIONAL):
                continue
            out[f.metadata.get(_JSON_NAME, f.name)] = value
        return out

    def stamped(self, t: float) -> "Event":
        return dataclasses.replace(self, t=t)


_FIELDS: dict[type, tuple] = {}


def _fields(cls: type) -> tuple:
    cached = _FIELDS.get(cls)
    if cached is None:
        cached = _FIELDS[cls] = tuple(f for f in dataclasses.fields(cls) if f.name != "t")
    return cached


# -- the dialog ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class State(Event):
    """A transition of the dialog's state machine."""

    type: ClassVar[str] = "state"
    source: str = _named("from")
    to: str
    trigger: str


@dataclass(frozen=True)
class Understood(Event):
    """The dialog has interpreted one turn; `attributes` is the whole record after it."""

    type: ClassVar[str] = "understood"
    intent: str
    attributes: dict
    changed: list
    reason: str | None = optional()


@dataclass(frozen=True)
class Say(Event):
    """The assistant starts to speak; `audio_path` is null when spoken live."""

    type: ClassVar[str] = "say"
    text: str
    lang: str
    audio_path: str | None = None


@dataclass(frozen=True)
class Generate(Event):
    type: ClassVar[str] = "generate"
    prompt: str
    negative_prompt: str
    backend: str
    style: str
    seed: int


@dataclass(frozen=True)
class Progress(Event):
    type: ClassVar[str] = "progress"
    step: int
    total: int


@dataclass(frozen=True)
class Image(Event):
    """A finished picture has been written."""

    type: ClassVar[str] = "image"
    path: str
    backend: str
    style: str
    seconds: float
    attributes: dict


@dataclass(frozen=True)
class Error(Event):
    """Something failed at `stage`; the assistant carries on."""

    type: ClassVar[str] = "error"
    stage: str
    message: str


# -- hearing -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Speech(Event):
    """A speech segment closed by the VAD (seconds on the audio clock)."""

    type: ClassVar[str] = "speech"
    start: float
    end: float


@dataclass(frozen=True)
class Transcript(Event):
    """Recognition of one segment finished; `audio_path` is set when [gallery] keep_audio kept it."""

    type: ClassVar[str] = "transcript"
    text: str
    lang: str
    confidence: float
    asr_seconds: float
    audio_path: str | None = optional()


@dataclass(frozen=True)
class Ignored(Event):
    """A segment dropped as noise or a hallucination, with the reason."""

    type: ClassVar[str] = "ignored"
    start: float
    end: float
    text: str
    reason: str


@dataclass(frozen=True)
class Listening(Event):
    """The window's "I'm listening" signal: speech has started or stopped."""

    type: ClassVar[str] = "listening"
    speaking: bool
    ptt: bool | None = optional()


@dataclass(frozen=True)
class Level(Event):
    """The microphone meter (kept out of --events files: about a million lines a day)."""

    type: ClassVar[str] = "level"
    rms_db: float
    muted: bool = False


@dataclass(frozen=True)
class Microphone(Event):
    type: ClassVar[str] = "microphone"
    status: str
    device: str
    native_rate: int
    channels: int


@dataclass(frozen=True)
class BargeIn(Event):
    """The person spoke over a reply, which was stopped."""

    type: ClassVar[str] = "barge_in"
    t_audio: float


@dataclass(frozen=True)
class Ptt(Event):
    """The talk key went down or up."""

    type: ClassVar[str] = "ptt"
    down: bool


# -- unattended operation ------------------------------------------------------------------------
@dataclass(frozen=True)
class Watchdog(Event):
    """A worker stopped reporting and was restarted."""

    type: ClassVar[str] = "watchdog"
    worker: str
    stalled_s: float


@dataclass(frozen=True)
class Summary(Event):
    """The daily summary of a kiosk."""

    type: ClassVar[str] = "summary"
    day: str
    turns: int
    pictures: int
    errors: int
    partial: bool


TYPES: dict[str, type[Event]] = {cls.type: cls for cls in Event.__subclasses__()}


def from_dict(data: dict) -> Event:
    """The typed event for one JSON object of the stream (unknown types raise KeyError)."""
    cls = TYPES[data["type"]]
    kwargs = {f.name: data[f.metadata.get(_JSON_NAME, f.name)] for f in _fields(cls)
              if f.metadata.get(_JSON_NAME, f.name) in data}
    return cls(**kwargs, t=float(data.get("t", 0.0)))


class Sink(Protocol):
    """Where a component sends its events (the bus's `emit`)."""

    def __call__(self, event: Event) -> Event: ...
