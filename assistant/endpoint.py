"""When a turn may close before [vad] end_silence_s: its speculative transcript is complete.

The segmenter waits end_silence_s (0.7 s) of silence before a turn is over, because people pause
mid-sentence ("a girl with... um... blue hair"). Most of that wait is not needed: when the
transcript of the audio so far, recognised speculatively from the first pause on, is already
something the dialog acts on -- a description that parses to a picture, a clear yes or no while
confirming -- and it does not end on a word that promises more ("with", "and", "的"), the turn
closes after [endpoint] silence_s instead.

The dialog's understanding comes in as a callable (`understand(text, lang) -> intent`), so
dialog/ knows nothing of this; `dialog_understanding` builds it from a dialog.machine.Dialog.
What happens when the person goes on after an early close is the segmenter's part
(assistant/audio/vad.py: the segment is continued and emitted whole, `rejoined`) and the
pipeline's (the early turn's reply is stopped, the whole turn is heard).
"""

from __future__ import annotations

import re
from typing import Callable

Understand = Callable[[str, "str | None"], str]

# A turn that ends like this is a pause, not an end: whisper writes a trailing-off voice as
# "..." or a comma, and a description broken off after a preposition, article or conjunction
# still parses ("a girl with" is a girl).
_OPEN_ENDINGS = ("...", "…", ",", "，", "、", ";", ":", "-", "—")
_OPEN_WORDS_EN = frozenset("""
a an the and or but with without in on at of for to from by into onto under over near behind
her his their its my your wearing holding who which that is are has have having very some
um uh uhm erm er hmm ah like so then also plus
""".split())
# Chinese: a particle or preposition that needs what follows, and hesitation sounds.
_OPEN_ENDINGS_ZH = ("的", "和", "跟", "与", "在", "穿", "戴", "着", "拿", "有", "是", "把", "还有", "然后",
                    "或者", "一个", "一只", "嗯", "呃", "额", "那个", "就是")
_TRAILING = " \t\r\n\"'“”「」.!?。！？"
# What the dialog acts on at once, per state: the early close is only for these. A correction
# ("不对,是男孩", "make her hair red") is said back at once like a description; one broken off
# mid-pause ("no, a girl ... with red hair") is continued and heard whole (rejoined), as a
# description is. Without "correct" every change waited the full end silence (bench_latency:
# base zh 3 of 5 turns, 0.89 s median).
_COMPLETE = {
    "idle": ("describe",),
    "confirming": ("confirm", "deny", "describe", "correct"),
    "generating": ("describe",),
    "showing": ("describe", "correct"),
}


def open_ended(text: str) -> bool:
    """The words stop where more is coming: a trailing comma or ellipsis, or a word that needs a next one."""
    stripped = text.strip()
    if not stripped or stripped.endswith(_OPEN_ENDINGS):
        return True
    core = stripped.rstrip(_TRAILING)
    if not core or core.endswith(_OPEN_ENDINGS):
        return True
    if core.endswith(_OPEN_ENDINGS_ZH):
        return True
    words = re.findall(r"[a-z']+", core.lower())
    return bool(words) and words[-1] in _OPEN_WORDS_EN


class Endpointer:
    """Judges a speculative Transcript: may the turn close now?"""

    def __init__(self, config, understand: Understand, state: Callable[[], str]):
        self._cfg = config  # [endpoint]
        self._understand = understand
        self._state = state
        self.judged = 0
        self.complete = 0

    def __call__(self, transcript) -> bool:
        self.judged += 1
        text = (transcript.text or "").strip()
        if transcript.dropped or not text or transcript.confidence < self._cfg.min_confidence:
            return False
        if open_ended(transcript.raw_text or text) or open_ended(text):
            return False
        allowed = _COMPLETE.get(str(self._state()), ())
        if self._understand(text, transcript.lang) not in allowed:
            return False
        self.complete += 1
        return True


def dialog_understanding(dialog) -> Understand:
    """What `dialog` (a dialog.machine.Dialog) would make of `text` now, without telling it."""
    from dialog import corrections

    def understand(text: str, lang: str | None) -> str:
        state = str(dialog.state)
        current = dict(getattr(dialog, "record", {}) or {}) if state != "idle" else {}
        reply = corrections.interpret(text, current, lang or dialog.lang, state=state)
        if reply.intent in ("describe", "correct") and not reply.attributes:
            return "unknown"
        if reply.intent in ("confirm", "deny") and reply.affirm is None:
            return "unknown"  # not a clear yes or no
        if reply.intent == "correct" and state == "idle":
            return "describe"
        return reply.intent

    return understand
