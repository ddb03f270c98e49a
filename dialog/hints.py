"""What the dialog expects to hear next, as words for the recogniser to lean towards.

While confirming, the person answers the description just said back: yes, no, or a change to
it. Whisper decodes a short answer far more surely when the words it is likely to contain were
in its context, so the description and the reply words are handed over as a decoder prompt and
as hotwords (the recogniser decides which it uses: [asr] dialog_hints). Pure: state and record
in, text out; the dialog never learns who listens.
"""

from __future__ import annotations

from dataclasses import dataclass

from dialog import corrections, phrasing
from dialog.states import DialogState

# Yes first, no last: whisper continues a prompt's style, and the ending is what it weighs most.
# Short forms only: the prompt's words are what noise decodes into when the decoder invents.
REPLIES = {
    "en": ("Yes.", "Yeah, okay.", "Yep.", "No."),
    "zh": ("对。", "好的。", "行。", "嗯。", "是的。", "不对。", "不是。"),
}
HOTWORDS = {"en": "yes yeah yep okay no", "zh": "对 好 行 嗯 是 不对 不是"}


# Murmurs are left out of the expected replies: whisper writes them for any hum or breath.
MURMURS = {"嗯", "嗯嗯", "嗯哼", "嗯呢", "mhm", "mhmm", "mm hmm", "uh huh", "uh uh", "y"}


def _bare_replies(lang: str) -> frozenset[str]:
    """The dialog's own yes and no words that make a whole reply in a breath (up to three
    characters or two words), as plain lower-case text."""
    if lang == "zh":
        words = [w for w in corrections.ZH_YES + corrections.ZH_NO if len(w) <= 3 and not w.isascii()]
    else:
        words = [" ".join(p) for p in corrections.EN_YES + corrections.EN_NO if len(p) <= 2]
    return frozenset(w for w in words if w not in MURMURS)


REPLY_WORDS = {lang: _bare_replies(lang) for lang in REPLIES}


@dataclass(frozen=True)
class Hints:
    lang: str      # the language they are written in; a decode in another language ignores them
    prompt: str    # context text: the description said back, then the reply words
    hotwords: str  # the same as a word list
    replies: frozenset = frozenset()  # whole replies expected now (yes/no words, no punctuation)


def recognition_hints(state: str, record: dict, lang: str) -> Hints | None:
    """Hints for the next turn, or None when nothing particular is expected (idle, drawing,
    showing, or no description yet)."""
    if state != DialogState.CONFIRMING or not record or lang not in REPLIES:
        return None
    description = phrasing.describe(record, lang)
    if lang == "zh":
        # The question as the assistant asked it, then the answers: a bare 对 after a long
        # description decodes at 0.58-0.72 this way, 0.35-0.47 after the description alone.
        prompt = phrasing.phrase("confirm", "zh", 0, description=description) + "".join(REPLIES["zh"])
        return Hints(lang, prompt, f"{HOTWORDS['zh']} {description}", REPLY_WORDS["zh"])
    prompt = description[:1].upper() + description[1:] + "? " + " ".join(REPLIES["en"])
    return Hints(lang, prompt, f"{HOTWORDS['en']} {description}", REPLY_WORDS["en"])
