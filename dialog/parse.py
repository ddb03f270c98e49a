"""Text -> the canonical attribute record (attributes.md), in English or Chinese.

`parse` is what the `parse` command and the dialog call for a description; `analyse` gives the
mentions in order (with negations and unbound colours) that `corrections.interpret` needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dialog.mentions import Analysis


def detect_lang(text: str) -> str:
    """"zh" when the text holds any CJK ideograph, else "en"."""
    for ch in text:
        if "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff":
            return "zh"
    return "en"


@dataclass
class Parsed:
    lang: str
    attributes: dict
    removed: set[str] = field(default_factory=set)  # accessories the speaker said to leave out
    left_out: list[str] = field(default_factory=list)  # figures past the limit of three, said back


def effective_lang(text: str, lang: str = "auto") -> str:
    """The parser a text needs. `lang` is only a hint (a recogniser's guess, a session's
    language): Chinese characters need the Chinese parser and Latin-only text the English one,
    whatever the hint says. Text with neither (digits, punctuation) keeps the hint."""
    if detect_lang(text) == "zh":
        return "zh"
    if any(ch.isascii() and ch.isalpha() for ch in text) or lang not in ("en", "zh"):
        return "en"
    return lang


def analyse(text: str, lang: str = "auto") -> Analysis:
    lang = effective_lang(text, lang)
    if lang == "zh":
        from dialog import parse_zh
        return parse_zh.analyse(text)
    from dialog import parse_en
    return parse_en.analyse(text)


def parse(text: str, lang: str = "auto") -> Parsed:
    from dialog.attributes import validate

    text = text if isinstance(text, str) else str(text)
    lang = effective_lang(text, lang)
    analysis = analyse(text, lang)
    record, removed = analysis.record(prefer="first")
    return Parsed(lang, validate(record), removed, list(analysis.left_out))
