"""Tolerance for speech-recognition slips: near-miss English words and traditional Chinese.

English: a token that is not in the lexicon is compared with the lexicon's single words (and
multi-word phrases written as one word, "headphones" for "head phones") by edit distance, only
for tokens of 4+ letters, allowing 1 edit up to 7 letters and 2 from 8. Real English words are
never "corrected" ("trying" is not "crying", "make" is not "lake"): `en_guard.json` lists the
common words (whole-word tokens of the Whisper vocabulary) that lie within that distance of a
vocabulary word; regenerate the data files with `python -m dialog.regenerate [guard|variants|pinyin]`
after changing the lexicon.

Chinese: `zh_variants.json` maps traditional characters (Whisper often writes 頭髮, 藍, 貓, 眼鏡)
to the simplified ones the lexicon uses; generated with OpenCC for every character the Chinese
tables and parser use, so the runtime needs no OpenCC. `zh_pinyin.json` holds the usual toneless
reading of each common character (from pypinyin) so that characters no word claimed can be
matched to a vocabulary word by sound (兰色 -> 蓝色, 森淋 -> 森林), plus the real words that
sound like vocabulary words (大学 like 大雪) and must stay as said. Regeneration needs OpenCC,
pypinyin and the Whisper tokenizer (dialog/regenerate.py); the runtime needs none of them.

Near sounds (zh_near_words): a slip inside a syllable (射女 for 少女, 阴花术 for 樱花树) scored
by dialog.syllables over the vocabulary words of as many syllables, at most one syllable off;
the parser decides with the words around whether to take one (parse_zh._near_sounds).
`near_real_words` lists the real words (pypinyin's phrase list) one slip from a vocabulary
word, kept as said (发射 is no 法师).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from dialog import attributes, lexicon, syllables

_HERE = Path(__file__).parent
GUARD_PATH = _HERE / "en_guard.json"
VARIANTS_PATH = _HERE / "zh_variants.json"
PINYIN_PATH = _HERE / "zh_pinyin.json"

# Grammar characters a recogniser writes correctly; a near-homophone never stands for them.
ZH_FUNCTION_CHARS = set("一二两三个只位名的地得着了过在是不没有和与跟就都也还很太更最这那哪"
                        "我你他她它们吗呢吧啊呀把被给让从到对向往为以及或而又再才刚已将会能"
                        "要想可以说看点些么什谁几多少下上中里外前后左右时天年月日号请帮")


def max_edits(word: str) -> int:
    n = len(word)
    if n < 4:
        return 0
    return 1 if n < 8 else 2


def distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (edits plus adjacent swaps), or limit+1 when above."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        best = cur[0]
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
            best = min(best, v)
        if best > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[len(b)]


@lru_cache(maxsize=1)
def _targets() -> dict[tuple[str, int], list[tuple[str, str]]]:
    """Fuzzy targets grouped by first letter and length: (written form, lexicon key). A slip
    keeps its first letter nearly always, and the grouping keeps a lookup near 1 ms.
    Multi-word keys also appear written as one word, so "headfones" can reach "head phones"."""
    by_len: dict[tuple[str, int], list[tuple[str, str]]] = {}
    seen = set()
    for key, entries in lexicon.table("en").items():
        if all(kind in ("shade", "thing", "count") for kind, _ in entries):
            continue  # never steer a slip towards a word that means nothing to the record
        for form in {key, key.replace(" ", "")}:
            if len(form) >= 4 and form.isalpha() and form not in seen:
                seen.add(form)
                by_len.setdefault((form[0], len(form)), []).append((form, key))
    return by_len


@lru_cache(maxsize=1)
def guard() -> frozenset[str]:
    try:
        with open(GUARD_PATH, encoding="utf-8") as f:
            return frozenset(json.load(f))
    except OSError:
        return frozenset()


@lru_cache(maxsize=4096)
def correct_en(token: str) -> str | None:
    """The lexicon key a misheard token most likely stands for, or None."""
    if token in guard():
        return None
    return nearest_en(token)


def nearest_en(token: str) -> str | None:
    """The nearest lexicon key within the edit limit, real word or not (no guard)."""
    limit = max_edits(token)
    if not limit or not token.isalpha():
        return None
    best: tuple[int, str] | None = None
    targets = _targets()
    for n in range(len(token) - limit, len(token) + limit + 1):
        for form, key in targets.get((token[0], n), ()):
            if max_edits(form) == 0:
                continue
            d = distance(token, form, min(limit, max_edits(form)))
            if d <= min(limit, max_edits(form)):
                # Ties go to the word sharing the longer beginning ("shrin": shrine, not shirt).
                rank = (d, -_common_prefix(token, form))
                if best is None or rank < best[0]:
                    best = (rank, key)
    return best[1] if best else None


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


@lru_cache(maxsize=1)
def zh_variants() -> dict[str, str]:
    try:
        with open(VARIANTS_PATH, encoding="utf-8") as f:
            return json.load(f)
    except OSError:
        return {}


def to_simplified(text: str) -> str:
    table = zh_variants()
    return "".join(table.get(ch, ch) for ch in text)


@lru_cache(maxsize=1)
def _zh_sound_data() -> dict:
    try:
        with open(PINYIN_PATH, encoding="utf-8") as f:
            return json.load(f)
    except OSError:
        return {"readings": {}, "real_words": []}


def zh_readings() -> dict[str, str]:
    """The usual toneless pinyin of each common character that sounds like a vocabulary one."""
    return _zh_sound_data()["readings"]


@lru_cache(maxsize=1)
def zh_real_words() -> frozenset[str]:
    """Real words that sound like vocabulary words (大学 like 大雪, 箱子 like 巷子): never
    "corrected"."""
    return frozenset(_zh_sound_data()["real_words"])


def _sound(word: str, readings: dict) -> tuple[str, ...] | None:
    out = tuple(readings.get(ch, "") for ch in word)
    return out if all(out) else None


@lru_cache(maxsize=1)
def _zh_sound_index() -> dict[tuple[str, ...], list[str]]:
    return zh_sound_index(zh_readings())


def zh_sound_index(readings: dict[str, str]) -> dict[tuple[str, ...], list[str]]:
    """Vocabulary words of 2-4 characters by the readings of their characters."""
    index: dict[tuple[str, ...], list[str]] = {}
    for key in lexicon.table("zh"):
        if 2 <= len(key) <= 4:
            sound = _sound(key, readings)
            if sound:
                index.setdefault(sound, []).append(key)
    return index


def zh_soundalike(span: str) -> str | None:
    """The vocabulary word that `span` (2-4 characters a recogniser wrote) sounds like, when
    they share at least one character in the same place ("兰色" -> 蓝色, "公元" -> 公园).
    Only each character's usual reading counts, so 下面 (xia mian) never becomes 假面."""
    return soundalike_in(span, zh_readings(), _zh_sound_index(), zh_real_words())


def soundalike_in(span: str, readings: dict[str, str], index: dict[tuple[str, ...], list[str]],
                  real_words: frozenset[str] = frozenset()) -> str | None:
    """zh_soundalike over the given tables (the regeneration passes the ones it is building)."""
    if not readings or span in real_words:
        return None
    sound = _sound(span, readings)
    best = None
    for word in index.get(sound, ()) if sound else ():
        # 南的 is no 男的: a shared 的/了 says nothing about the word, so it does not count
        same = sum(a == b and a not in ZH_FUNCTION_CHARS for a, b in zip(span, word))
        if any(a != b and a in ZH_FUNCTION_CHARS for a, b in zip(span, word)):
            continue  # 调大一点 is no 大衣: the words around a noun are not misheard nouns
        if same and (best is None or same > best[0]):
            best = (same, word)
    return best[1] if best else None


# ---------------------------------------------------------------------------------------------
# Near sounds: a recogniser's slip inside a syllable (少女 heard 射女, 樱花树 heard 阴花术).

@dataclass(frozen=True)
class NearWord:
    """A vocabulary word a span of heard characters may stand for, and how well it fits."""

    word: str
    cost: float            # syllables.word_cost: 0 when every syllable is the same
    exact: int             # syllables said exactly
    shared: int            # characters in common, grammar characters aside
    grammar_changed: bool  # a grammar character (一, 在, 中) would be read as another
    content_exact: int = 0  # syllables said exactly on characters other than grammar ones


def zh_sounds(span: str) -> tuple[str, ...] | None:
    """The toneless syllables of `span`, or None when a character has no reading in the table."""
    return _sound(span, zh_readings())


def zh_heard_readings(span: str) -> tuple[tuple[str, ...], ...] | None:
    """Each heard character's usual reading and its other common ones: a recogniser writes the
    character, not the sound, so 宗似 may be zong si though 似 alone reads shi."""
    sound = zh_sounds(span)
    if not sound:
        return None
    other = _zh_sound_data().get("other_readings", {})
    return tuple((r, *other[ch].split()) if ch in other else (r,) for ch, r in zip(span, sound))


@lru_cache(maxsize=1)
def _zh_words_by_length() -> dict[int, list[tuple[str, tuple[str, ...]]]]:
    readings = zh_readings()
    said = _zh_sound_data().get("word_readings", {})
    out: dict[int, list[tuple[str, tuple[str, ...]]]] = {}
    for key in lexicon.table("zh"):
        if 1 <= len(key) <= 4:
            # a vocabulary word as a phrase is read (长发 chang fa, though 长 alone is zhang)
            sound = tuple(said[key].split()) if key in said else _sound(key, readings)
            if sound:
                out.setdefault(len(key), []).append((key, sound))
    return out


@lru_cache(maxsize=4096)
def zh_near_words(span: str, max_cost: float = 0.75) -> tuple[NearWord, ...]:
    """Vocabulary words with as many syllables as `span` whose syllables are all near the heard
    ones and at most one of them not the same, best first. Exact-sound words are included."""
    heard = zh_heard_readings(span)
    if not heard or span in zh_real_words() or span in zh_near_real_words():
        return ()
    return near_words_in(span, heard, _zh_words_by_length().get(len(span), ()), max_cost)


def near_words_in(span: str, sound, words, max_cost: float = 0.75) -> tuple[NearWord, ...]:
    """`sound`: the heard syllables, or for each one the readings it may have (zh_heard_readings)."""
    heard = tuple((s,) if isinstance(s, str) else tuple(s) for s in sound)
    found = []
    for word, wsound in words:
        if word == span or len(wsound) != len(heard):
            continue
        said = [w in h for h, w in zip(heard, wsound)]
        exact = sum(said)
        if exact < len(heard) - 1:
            continue
        cost = sum(min(syllables.syllable_cost(r, w) for r in h) for h, w in zip(heard, wsound))
        if cost > max_cost:
            continue
        shared = sum(a == b and a not in ZH_FUNCTION_CHARS for a, b in zip(span, word))
        grammar = any(a != b and a in ZH_FUNCTION_CHARS for a, b in zip(span, word))
        content = sum(ok and ch not in ZH_FUNCTION_CHARS for ok, ch in zip(said, span))
        found.append(NearWord(word, cost, exact, shared, grammar, content))
    # Ties go to the schema's own words, the ones people say most (射女: 少女, not 熟女).
    found.sort(key=lambda w: (w.cost, w.word not in _starter_words(), -w.shared, w.word))
    return tuple(found)


@lru_cache(maxsize=1)
def _starter_words() -> frozenset[str]:
    words = set()
    for values in attributes.starter_lexicon("zh").values():
        if isinstance(values, dict):
            for group in values.values():
                words.update(group)
    return frozenset(words)


@lru_cache(maxsize=1)
def zh_near_real_words() -> frozenset[str]:
    """Real words one slip away from a vocabulary word (不断 near 不对): kept as said."""
    return frozenset(_zh_sound_data().get("near_real_words", ()))


def phrase_sound_cost(heard: tuple[str, ...], phrases: tuple[tuple[str, ...], ...],
                      skippable: frozenset[str] = frozenset(), max_mean: float = 0.55) -> float:
    """The cheapest way to hear `heard` as a run of the given phrases (by their syllables),
    syllables in `skippable` (sentence-final particles) free after a phrase: 行话吧 as 行 + 画吧.
    At most one phrase may be heard inexactly, by at most `max_mean` a syllable and never a
    one-syllable one: 等一下 is no 同意 + 行."""
    inf = float("inf")
    n = len(heard)
    best = [[inf, inf] for _ in range(n + 1)]  # [syllables covered][inexact phrases used]
    best[0][0] = 0.0
    for i in range(n):
        for used in (0, 1):
            here = best[i][used]
            if here == inf:
                continue
            if i and heard[i] in skippable:
                best[i + 1][used] = min(best[i + 1][used], here)
            for p in phrases:
                j = i + len(p)
                if j > n:
                    continue
                cost = syllables.word_cost(heard[i:j], p)
                if cost == 0:
                    best[j][used] = min(best[j][used], here)
                elif not used and len(p) > 1 and cost <= max_mean * len(p):
                    best[j][1] = min(best[j][1], here + cost)
    return min(best[n])
