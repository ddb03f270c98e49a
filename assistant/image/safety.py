"""What the text-to-image backend refuses to draw: a prompt block list, and the model's own checker.

Kiosks are public, so both stay on by default. The block list runs before any model is touched
(cheap, no imports); the Stable Diffusion safety checker judges the finished picture inside the
pipeline, and a flagged picture is withheld rather than shown blacked out.
"""

from __future__ import annotations

import re
import unicodedata

from assistant.errors import UserError
from dialog.ports import Refused

# Words that mark a request as sexual, or as graphic violence or self-harm. Matched as whole
# words (an optional plural s), case-insensitively; entries in Chinese script as substrings.
BUILT_IN_BLOCKED = (
    "nsfw", "nude", "nudes", "nudity", "naked", "topless", "bottomless", "undressed", "unclothed",
    "porn", "porno", "pornographic", "hentai", "ecchi", "sex", "sexual", "sexy", "erotic", "erotica",
    "explicit", "lewd", "fetish", "bdsm", "lingerie", "genital", "genitals", "penis", "vagina",
    "nipple", "breasts", "boobs", "cleavage", "orgasm", "masturbation", "rape",
    "gore", "gory", "gruesome", "decapitated", "decapitation", "beheaded", "dismembered",
    "mutilated", "disembowelled", "disemboweled", "torture", "corpse", "suicide", "self-harm",
    "裸", "色情", "情色", "性感", "性爱", "做爱", "黄图", "成人内容", "血腥", "斩首", "肢解", "尸体", "自杀", "自残",
)


class PromptRefused(UserError, Refused):
    """The description asks for something the assistant does not draw."""

    def __init__(self, word: str):
        super().__init__(f"this picture cannot be drawn: the description contains the blocked word {word!r}",
                         "describe something else (the block list is [sd] blocked_words plus a built-in list)")
        self.word = word


class PictureWithheld(UserError, Refused):
    """The safety checker flagged the finished picture, so it is not shown."""

    def __init__(self):
        super().__init__("the finished picture was withheld by the safety checker",
                         "describe the picture differently and try again")


def _has_cjk(text: str) -> bool:
    return any(unicodedata.east_asian_width(ch) in ("W", "F") for ch in text)


def blocked_word(prompt: str, extra: list[str] | tuple[str, ...] = ()) -> str | None:
    """The first blocked word in `prompt`, or None when it may be drawn."""
    text = unicodedata.normalize("NFKC", prompt).casefold()
    for word in (*BUILT_IN_BLOCKED, *extra):
        w = unicodedata.normalize("NFKC", word).casefold().strip()
        if not w:
            continue
        if _has_cjk(w):
            if w in text:
                return word
        elif re.search(r"(?<![\w-])" + re.escape(w) + r"(?:e?s)?(?![\w-])", text):
            return word
    return None


def check_prompt(prompt: str, extra: list[str] | tuple[str, ...] = ()) -> None:
    """Raise PromptRefused when the prompt names something on the block list."""
    word = blocked_word(prompt, extra)
    if word is not None:
        raise PromptRefused(word)
