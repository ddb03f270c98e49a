"""How alike two toneless Mandarin syllables sound, as a speech recogniser confuses them.

A recogniser that mishears Mandarin mostly keeps the syllable count and slips inside a syllable:
retroflex and flat initials merge (zh/z, ch/c, sh/s), as do l/n, f/h and r/l, and aspiration is
lost or added (d/t, b/p, g/k, j/q); front and back nasals merge (an/ang, en/eng, in/ing,
ian/iang, uan/uang); a final nasal is dropped or added (fa/fan) and a vowel is reduced (shao/she).
Tones are left out altogether: the tables hold toneless pinyin (dialog/zh_pinyin.json).

`syllable_cost` is 0 for the same syllable, small for one of these confusions, 1 for syllables
that share nothing; `word_cost` adds it up over two words of the same number of syllables.
Pure functions over strings: the tables of readings live elsewhere (dialog.fuzzy).
"""

from __future__ import annotations

from functools import lru_cache

INITIALS = ("zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x",
            "r", "z", "c", "s", "y", "w")
# Pairs a recogniser confuses, each way round.
NEAR_INITIALS = {frozenset(p) for p in (("zh", "z"), ("ch", "c"), ("sh", "s"), ("l", "n"), ("f", "h"),
                                        ("r", "l"), ("d", "t"), ("b", "p"), ("g", "k"), ("j", "q"),
                                        ("zh", "ch"), ("z", "c"))}
NEAR_FINALS = {frozenset(p) for p in (("an", "ang"), ("en", "eng"), ("in", "ing"), ("ian", "iang"),
                                      ("uan", "uang"), ("un", "ong"), ("eng", "ong"), ("i", "v"),
                                      ("u", "v"), ("ui", "ei"), ("iu", "ou"), ("ie", "ue"))}
# After z/c/s/zh/ch/sh/r the final "i" is no [i] but a buzzed vowel close to the "e" of se/she/ze:
# 色 is heard as 饰, 四, 丝 (宗四 for 棕色, 粉丝头发 for 粉色头发).
SIBILANTS = frozenset(("z", "c", "s", "zh", "ch", "sh", "r"))
NEAR_INITIAL_COST = 0.3
NEAR_FINAL_COST = 0.3
# A final one letter off (a nasal dropped or added: fa/fan, e/en; ao/a) sounds closer than two
# unrelated vowels (shao/she), which still keep the syllable's shape and its initial.
ONE_OFF_FINAL_COST = 0.5
OTHER_FINAL_COST = 0.7


def split(syllable: str) -> tuple[str, str]:
    """("zh", "ang") for "zhang"; ("", "an") for "an"."""
    for ini in INITIALS:
        if syllable.startswith(ini) and len(syllable) > len(ini):
            return ini, syllable[len(ini):]
    return "", syllable


def _final(ini: str, fin: str) -> str:
    # j/q/x/y write ü as u: "ju" is jü, "yue" is yüe. Written back as v to compare finals.
    if ini in ("j", "q", "x", "y") and fin.startswith("u"):
        return "v" + fin[1:]
    return fin


def _one_off(a: str, b: str) -> bool:
    """A final that is the other with a nasal or a glide added at its end (fa/fan, e/en, a/ao)."""
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return long_.startswith(short) and long_[len(short):] in ("n", "ng", "g", "o", "i", "u")


@lru_cache(maxsize=65536)
def syllable_cost(a: str, b: str) -> float:
    """0 (same) to 1 (nothing in common) for two toneless syllables."""
    if a == b:
        return 0.0
    ia, fa = split(a)
    ib, fb = split(b)
    fa, fb = _final(ia, fa), _final(ib, fb)
    if ia == ib:
        cost = 0.0
    elif frozenset((ia, ib)) in NEAR_INITIALS:
        cost = NEAR_INITIAL_COST
    else:
        return 1.0  # a different consonant: another syllable, whatever the vowel
    if fa != fb:
        if frozenset((fa, fb)) in NEAR_FINALS or (
                {fa, fb} == {"i", "e"} and ia in SIBILANTS and ib in SIBILANTS):
            cost += NEAR_FINAL_COST
        elif _one_off(fa, fb):
            cost += ONE_OFF_FINAL_COST
        else:
            cost += OTHER_FINAL_COST
    return min(cost, 1.0)


def word_cost(heard: tuple[str, ...], word: tuple[str, ...]) -> float:
    """Sum of syllable costs, or infinity when the syllable counts differ."""
    if len(heard) != len(word):
        return float("inf")
    return sum(syllable_cost(a, b) for a, b in zip(heard, word))


def exact_syllables(heard: tuple[str, ...], word: tuple[str, ...]) -> int:
    return sum(a == b for a, b in zip(heard, word))
