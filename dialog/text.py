"""Cleaning typed or recognised text before it is understood.

Typed turns can hold anything: control characters, binary junk pasted by accident, emoji, or a
whole document. Understanding works on a bounded, printable string; nothing here rejects input,
so the dialog can still answer politely.
"""

from __future__ import annotations

import unicodedata

# Longer turns are cut: no spoken description is this long, and parsing stays fast.
MAX_CHARS = 2000


def clean_text(text: str) -> str:
    """NFKC-normalised, printable, single-spaced text of at most MAX_CHARS characters."""
    if not isinstance(text, str):
        text = str(text)
    text = text[: MAX_CHARS * 4]
    text = unicodedata.normalize("NFKC", text)
    kept = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cf", "Cs", "Co", "Cn"):
            kept.append(" ")
        elif cat == "So":  # emoji and pictographs carry no attribute words
            kept.append(" ")
        else:
            kept.append(ch)
    return " ".join("".join(kept).split())[:MAX_CHARS]
