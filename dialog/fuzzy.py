"""Tolerance for speech-recognition slips: near-miss English words and traditional Chinese.

English: a token that is not in the lexicon is compared with the lexicon's single words (and
multi-word phrases written as one word, "headphones" for "head phones") by edit distance, only
for tokens of 4+ letters, allowing 1 edit up to 7 letters and 2 from 8. Real English words are
never "corrected" ("trying" is not "crying", "make" is not "lake"): `en_guard.json` lists the
common words (whole-word tokens of the Whisper vocabulary) that lie within that distance of a
vocabulary word; regenerate the data files with `python -m dialog.fuzzy [guard|variants|pinyin]`
after changing the lexicon.

Chinese: `zh_variants.json` maps traditional characters (Whisper often writes 頭髮, 藍, 貓, 眼鏡)
to the simplified ones the lexicon uses; generated with OpenCC for every character the Chinese
tables and parser use, so the runtime needs no OpenCC. `zh_pinyin.json` holds the usual toneless
reading of each common character (from pypinyin) so that characters no word claimed can be
matched to a vocabulary word by sound (兰色 -> 蓝色, 森淋 -> 森林), plus the real words that
sound like vocabulary words (大学 like 大雪) and must stay as said. Regeneration needs OpenCC,
pypinyin and the Whisper tokenizer; the runtime needs none of them.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from dialog import lexicon

_HERE = Path(__file__).parent
GUARD_PATH = _HERE / "en_guard.json"
VARIANTS_PATH = _HERE / "zh_variants.json"
PINYIN_PATH = _HERE / "zh_pinyin.json"

# Characters the Chinese parser reads besides the lexicon (grammar, negation, correction words).
ZH_GRAMMAR = ("的地得着了在是不对没有要戴穿拿把换成改变加再去掉摘删除别用带个只位名副顶件条双"
              "对好行可以就这样画吧算了取消重新开始来头发眼睛但是还有也一和跟与并且而且请帮给我想"
              "你他她它们啊呀吗呢嗯哦嘛吧那这里上下中边旁前后左右里面外应该变成改为换为换掉脱掉拿走"
              "错误正确确定确认没问题开始重来从头算取消停止不画不要了不用了颜色色红蓝绿黄紫粉白黑灰"
              "银金棕橙长短卷发型背景时间天气风格样子衣服")


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
    return _nearest(token)


def _nearest(token: str) -> str | None:
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
    readings = zh_readings()
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
    readings = zh_readings()
    if not readings or span in zh_real_words():
        return None
    sound = _sound(span, readings)
    best = None
    for word in _zh_sound_index().get(sound, ()) if sound else ():
        # 南的 is no 男的: a shared 的/了 says nothing about the word, so it does not count
        same = sum(a == b and a not in ZH_FUNCTION_CHARS for a, b in zip(span, word))
        if any(a != b and a in ZH_FUNCTION_CHARS for a, b in zip(span, word)):
            continue  # 调大一点 is no 大衣: the words around a noun are not misheard nouns
        if same and (best is None or same > best[0]):
            best = (same, word)
    return best[1] if best else None


# ---------------------------------------------------------------------------------------------
# Regeneration of the two data files (development time only; needs the Whisper tokenizer that
# the speech model ships with, and OpenCC).

def _whisper_words() -> set[str]:
    import glob
    import sys

    for root in sys.path:
        for path in glob.glob(f"{root}/*whisper*/**/tokenizer.json", recursive=True):
            with open(path, encoding="utf-8") as f:
                vocab = json.load(f)["model"]["vocab"]
            return {k[1:] for k in vocab if k.startswith("\u0120") and k[1:].isalpha()
                    and k[1:].islower() and k[1:].isascii()}
    raise SystemExit("no Whisper tokenizer.json found on sys.path")


def regenerate_guard() -> int:
    table = lexicon.table("en")
    guarded = {w for w in _whisper_words()
               if w not in table and w.rstrip("s") not in table and _nearest(w) is not None}
    # Slips we do want corrected even though Whisper knows them as words.
    guarded -= set(lexicon.EN_SOUNDALIKE)
    with open(GUARD_PATH, "w", encoding="utf-8") as f:
        json.dump(sorted(guarded), f, indent=0)
    return len(guarded)


def regenerate_variants() -> int:
    import opencc

    # Whole phrases first: a simplified character can have several traditional forms and only
    # the word decides (发 is 髮 in 头发 but 發 in 发现).
    phrases = set(ZH_GRAMMAR)
    for values in lexicon.ZH.values():
        for group in values.values():
            phrases.update(group.split("|"))
    phrases.update(lexicon.ZH_SOUNDALIKE.values())
    from dialog import corrections, parse_zh

    for group in (corrections.ZH_YES, corrections.ZH_NO, corrections.ZH_CANCEL,
                  corrections.ZH_RESTART, corrections.ZH_CORRECTION_WORDS, corrections.ZH_FILLER,
                  parse_zh.NEG_BEFORE, parse_zh.NEG_AFTER, parse_zh.LINK, parse_zh.WEAR,
                  tuple(parse_zh.CONTEXT_WORDS)):
        phrases.update(group)
    variants: dict[str, str] = {}
    back = opencc.OpenCC("t2s")
    for conf in ("s2t", "s2tw", "s2hk", "s2twp"):
        conv = opencc.OpenCC(conf)
        for phrase in phrases:
            for src in (phrase, *phrase):
                trad = conv.convert(src)
                if len(trad) != len(src):
                    continue
                for s_ch, t_ch in zip(src, trad):
                    if s_ch != t_ch and "\u4e00" <= t_ch <= "\u9fff" and back.convert(t_ch) == s_ch:
                        variants[t_ch] = s_ch
    with open(VARIANTS_PATH, "w", encoding="utf-8") as f:
        json.dump(dict(sorted(variants.items())), f, ensure_ascii=False, indent=0)
    return len(variants)


def regenerate_pinyin() -> int:
    """Readings of the GB2312 characters (the common simplified set) that share a toneless
    reading with a vocabulary character; needs pypinyin (development only)."""
    from pypinyin import Style, pinyin

    def reading(ch: str) -> str:
        return pinyin(ch, style=Style.NORMAL)[0][0]

    vocab_chars = {ch for key in lexicon.table("zh") for ch in key if "\u4e00" <= ch <= "\u9fff"}
    vocab_readings = {reading(ch) for ch in vocab_chars}
    common = set()
    for b1 in range(0xB0, 0xF8):
        for b2 in range(0xA1, 0xFF):
            try:
                common.add(bytes([b1, b2]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    table = {}
    for ch in sorted(common | vocab_chars):
        r = reading(ch)
        if r.isalpha() and (ch in vocab_chars or r in vocab_readings):
            table[ch] = r
    # Real words (pypinyin's phrase list) that sound like a vocabulary word are kept as said.
    from pypinyin import phrases_dict

    _zh_sound_data.cache_clear()
    _zh_sound_index.cache_clear()
    zh_real_words.cache_clear()
    with open(PINYIN_PATH, "w", encoding="utf-8") as f:
        json.dump({"readings": table, "real_words": []}, f)
    vocab = lexicon.table("zh")
    candidates = set(phrases_dict.phrases_dict) | _common_zh_words()
    real = sorted(w for w in candidates
                  if 2 <= len(w) <= 4 and w not in vocab and zh_soundalike(w))
    _zh_sound_data.cache_clear()
    with open(PINYIN_PATH, "w", encoding="utf-8") as f:
        json.dump({"readings": table, "real_words": real}, f, ensure_ascii=False,
                  separators=(",", ":"))
    return len(table)


def _common_zh_words(min_freq: int = 50) -> set[str]:
    """Common words from jieba's dictionary (老实, 小道, 原子 sound like 老师, 小岛, 院子),
    when jieba is installed: pypinyin's phrase list holds few plain words. Rare entries are left
    out, as a recogniser's slips (辨子, 沙坦) appear there too."""
    try:
        import jieba
    except ImportError:
        return set()
    path = Path(jieba.__file__).with_name("dict.txt")
    words = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and int(parts[1]) >= min_freq:
                words.add(parts[0])
    return words


def regenerate(which: str = "all") -> None:
    if which in ("all", "pinyin"):
        print(f"{regenerate_pinyin()} characters with readings")
    if which in ("all", "variants"):
        print(f"{regenerate_variants()} traditional characters")
    if which in ("all", "guard"):
        print(f"{regenerate_guard()} guarded English words")


if __name__ == "__main__":
    import sys

    regenerate(sys.argv[1] if len(sys.argv) > 1 else "all")
