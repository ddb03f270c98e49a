"""The dialog's shared names: its states, what a turn can mean, and the triggers of its machine.

String enums, so each value is the very string the event stream carries (`state.from`/`to`/
`trigger`, `understood.intent`) and compares equal to it.
"""

from __future__ import annotations

from enum import StrEnum


class DialogState(StrEnum):
    IDLE = "idle"
    CONFIRMING = "confirming"
    GENERATING = "generating"
    SHOWING = "showing"


class Intent(StrEnum):
    """What one interpreted turn means (dialog.corrections.Reply.intent); each is a trigger."""

    DESCRIBE = "describe"
    CORRECT = "correct"
    CONFIRM = "confirm"
    DENY = "deny"
    CANCEL = "cancel"
    RESTART = "restart"
    CLARIFY = "clarify"  # the words could mean two figures: ask which (dialog.corrections.Reply.question)
    UNKNOWN = "unknown"


class Trigger(StrEnum):
    """The machine's triggers that are not a person's intent, and the names a transition may be
    reported by in its `state` event."""

    DOUBT = "doubt"          # a turn heard with too little confidence to act on
    DONE = "done"            # the picture is drawn
    ERROR = "error"          # drawing failed or was refused
    TIMEOUT = "timeout"      # nobody answered, or the reprompts ran out
    STALL = "stall"          # the watchdog gave up on a hung drawing
    REPROMPT = "reprompt"    # reported: a turn not understood while confirming, asked again
