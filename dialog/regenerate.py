"""Regenerates the tables dialog/fuzzy.py reads, after a change to the lexicon or parsers:

    python -m dialog.regenerate [all|guard|variants|pinyin]

guard: en_guard.json, real English words (from the Whisper tokenizer that the speech model
ships with) near a vocabulary word, never "corrected". variants: zh_variants.json, traditional
characters to simplified (OpenCC). pinyin: zh_pinyin.json, toneless readings and the real words
that sound like vocabulary words (pypinyin, and jieba when installed: the `dev` extra).
Development time only; nothing at run time imports this module, and these libraries are imported
inside the functions that need them.
"""

from __future__ import annotations

import json
from pathlib import Path

from dialog import corrections, fuzzy, lexicon, parse_zh

# Characters the Chinese parser reads besides the lexicon (grammar, negation, correction words).
ZH_GRAMMAR = ("的地得着了在是不对没有要戴穿拿把换成改变加再去掉摘删除别用带个只位名副顶件条双"
              "对好行可以就这样画吧算了取消重新开始来头发眼睛但是还有也一和跟与并且而且请帮给我想"
              "你他她它们啊呀吗呢嗯哦嘛吧那这里上下中边旁前后左右里面外应该变成改为换为换掉脱掉拿走"
              "错误正确确定确认没问题开始重来从头算取消停止不画不要了不用了颜色色红蓝绿黄紫粉白黑灰"
              "银金棕橙长短卷发型背景时间天气风格样子衣服")


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
               if w not in table and w.rstrip("s") not in table and fuzzy.nearest_en(w) is not None}
    # Slips we do want corrected even though Whisper knows them as words.
    guarded -= set(lexicon.EN_SOUNDALIKE)
    with open(fuzzy.GUARD_PATH, "w", encoding="utf-8") as f:
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
    with open(fuzzy.VARIANTS_PATH, "w", encoding="utf-8") as f:
        json.dump(dict(sorted(variants.items())), f, ensure_ascii=False, indent=0)
    return len(variants)


def regenerate_pinyin() -> int:
    """Readings of the GB2312 characters (the common simplified set) and of the vocabulary
    words (as a phrase: 长发 is chang fa though 长 alone reads zhang), and the real words that
    sound like vocabulary words; needs pypinyin (development only)."""
    from pypinyin import Style, lazy_pinyin, pinyin

    def reading(ch: str) -> str:
        return pinyin(ch, style=Style.NORMAL)[0][0]

    vocab = lexicon.table("zh")
    vocab_chars = {ch for key in vocab for ch in key if "\u4e00" <= ch <= "\u9fff"}
    common = set()
    for b1 in range(0xB0, 0xF8):
        for b2 in range(0xA1, 0xFF):
            try:
                common.add(bytes([b1, b2]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    # Every common character: a near-sound slip (射 she for 少 shao) needs readings that no
    # vocabulary character shares.
    table = {}
    for ch in sorted(common | vocab_chars):
        r = reading(ch)
        if r.isalpha():
            table[ch] = r
    other = _other_readings(table)
    words = {}
    for key in vocab:
        if all("\u4e00" <= ch <= "\u9fff" for ch in key):
            said = lazy_pinyin(key, style=Style.NORMAL)
            if len(said) == len(key) and all(r.isalpha() for r in said) and \
                    said != [table.get(ch) for ch in key]:
                words[key] = " ".join(said)
    # Real words (pypinyin's phrase list) that sound like a vocabulary word are kept as said.
    from pypinyin import phrases_dict

    index = fuzzy.zh_sound_index(table)
    candidates = set(phrases_dict.phrases_dict) | _common_zh_words() | _previous_real_words()
    real = sorted(w for w in candidates
                  if 2 <= len(w) <= 4 and w not in vocab and fuzzy.soundalike_in(w, table, index))
    by_length: dict[int, list] = {}
    for key in vocab:
        sound = tuple(words[key].split()) if key in words else fuzzy._sound(key, table)
        if sound and 1 <= len(key) <= 4:
            by_length.setdefault(len(key), []).append((key, sound))
    near_real = sorted(
        w for w in candidates - set(real)
        if 2 <= len(w) <= 4 and w not in vocab and (sound := fuzzy._sound(w, table))
        and fuzzy.near_words_in(w, sound, by_length.get(len(w), ())))
    with open(fuzzy.PINYIN_PATH, "w", encoding="utf-8") as f:
        json.dump({"readings": table, "word_readings": words, "real_words": real,
                   "near_real_words": near_real,
                   "other_readings": other}, f, ensure_ascii=False, separators=(",", ":"))
    print(f"{len(words)} word readings, {len(real)} real words, {len(near_real)} near real words")
    return len(table)


def _other_readings(table: dict[str, str]) -> dict[str, str]:
    """Readings besides the usual one that a character commonly has in words (似 is shi alone,
    si in 相似, 类似, 似乎): those said in at least 5 and a tenth of pypinyin's phrases with it."""
    from collections import Counter, defaultdict

    from pypinyin import phrases_dict
    from pypinyin.contrib.tone_convert import to_normal

    counts: dict[str, Counter] = defaultdict(Counter)
    for phrase, said in phrases_dict.phrases_dict.items():
        if len(phrase) == len(said):
            for ch, r in zip(phrase, said):
                if ch in table:
                    counts[ch][to_normal(r[0])] += 1
    other = {}
    for ch, usual in table.items():
        total = sum(counts[ch].values())
        alts = [r for r, n in counts[ch].most_common()
                if r != usual and r.isalpha() and n >= 5 and n >= 0.1 * total]
        if alts:
            other[ch] = " ".join(alts)
    return other


def _previous_real_words() -> set[str]:
    """The real words the tables already list: a regeneration without jieba keeps the ones an
    earlier run with it found."""
    try:
        with open(fuzzy.PINYIN_PATH, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        return set()
    return set(data.get("real_words", ())) | set(data.get("near_real_words", ()))


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


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m dialog.regenerate", description=__doc__.split("\n")[0])
    ap.add_argument("which", nargs="?", default="all", choices=("all", "guard", "variants", "pinyin"))
    which = ap.parse_args(argv).which
    try:
        regenerate(which)
    except ImportError as e:
        raise SystemExit(f"dialog.regenerate {which}: {e.name} is not installed; "
                         "install the dev extra (pip install -e '.[dev]')") from None
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
