"""English word forms both parsers read: the tokenizer's pattern, lexicon keys normalised to
token strings, the phrase index built from them and the singulars of a plural.

Chinese speakers switch to English words mid-sentence ("穿hoodie的女孩"), so the Chinese parser
looks those up in the same index; it lives here so that neither parser imports the other.
"""

from __future__ import annotations

import re
from functools import lru_cache

from dialog import lexicon

TOKEN = re.compile(r"\d+|[a-z\u00e0-\u00ff]+|[,.;!?:]")
LEADING_FUNCTION_WORDS = {"in", "at", "on", "the", "a", "an", "by", "during"}


def norm_key(key: str) -> str:
    return " ".join(TOKEN.findall(key.replace("'", "").replace("-", " ")))


@lru_cache(maxsize=1)
def en_index() -> tuple[dict, dict, int]:
    """Phrase index on normalised token strings, the same phrases written as one word, and the
    longest phrase length in tokens."""
    phrases: dict[str, tuple[str, str]] = {}
    compact: dict[str, tuple[str, str]] = {}
    longest = 1
    table = lexicon.table("en")
    normed = {norm_key(k): v[0] for k, v in table.items()}
    for key, entries in table.items():
        norm = norm_key(key)
        kind, value = entries[0]
        head, _, rest = norm.partition(" ")
        if rest and head in LEADING_FUNCTION_WORDS:
            # "in the snow" is just "snow": a leading function word would let a phrase steal the
            # word after it from a longer one ("in the snow field").
            full = norm
            while head in LEADING_FUNCTION_WORDS and rest:
                head, _, rest = rest.partition(" ")
            norm = f"{head} {rest}".strip()
            if norm in normed:
                other = normed[norm]
                # "on the moon" is space though "moon" alone is night: a place phrase whose
                # last word means another slot value keeps its preposition.
                if other[0] in ("shade", "thing") or other == (kind, value) \
                        or full.split(" ", 1)[0] in ("the", "a", "an"):
                    continue
                norm = full
        phrases.setdefault(norm, (kind, value))
        n = norm.count(" ") + 1
        longest = max(longest, n)
        if n > 1:
            compact.setdefault(norm.replace(" ", ""), (kind, value))
    return phrases, compact, longest


def singular(tok: str) -> list[str]:
    out = []
    if tok.endswith("ies") and len(tok) > 4:
        out.append(tok[:-3] + "y")
    if tok.endswith("es") and len(tok) > 4 and tok[:-2].endswith(("s", "x", "z", "ch", "sh")):
        out.append(tok[:-2])  # "witches", "ashes"; but "hates" is no "hat"
    if tok.endswith("s") and len(tok) > 3:
        out.append(tok[:-1])
    return out
