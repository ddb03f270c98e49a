"""Chinese utterance -> attribute mentions.

Chinese has no spaces, so the text (traditional characters and near-homophones first mapped to
the simplified vocabulary) is cut by forward longest match against the lexicon: compounds such
as 白天, 车站, 雨伞, 连帽衫 win over the single characters inside them. Then, as in English, a
colour binds to the noun after it (蓝发, 红色的连衣裙, 绿色眼睛) or before it (头发是粉色的,
头发换成白色), 长/短 bind to hair, a number with its measure word (两只, 三个) to the subject
after it, and 不要/不戴/去掉/没有 (or a trailing 去掉/不要了) negate what they govern.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from dialog import fuzzy, lexicon, syllables
from dialog.mentions import Analysis, Mention
from dialog.words import en_index, singular

# Clause breaks. The enumeration comma 、 is not one: it joins the items of a list
# ("帽子、眼镜和围巾都去掉").
PUNCT = set(",.;!?:，。！？；：、…~～\"'“”‘’()（）[]【】")
VALUE_SLOTS = ("subject", "hair_style", "outfit", "accessories", "action", "expression", "setting",
               "time_of_day", "weather", "style")
# Characters a colour looks across on its way to its noun (红色的连衣裙, 金色长发, 一身白色的衣服).
COLOR_GAP = ("色的", "颜色的", "颜色", "色", "的", "地", "得", "之", "一件", "一条", "一身", "件", "条", "身",
             "系", "彩", "头", "很", "又", "和", "与", "配", "渐变", "偏", "一点的", "一点", "些")
COLOR_GAP_CHARS = set("".join(COLOR_GAP))
# Between a noun and its colour: 头发是粉色的, 头发换成白色, 衣服要红色, 眼睛变成金色.
LINK = ("应该是", "应该", "换成了", "换成", "改成了", "改成", "变成了", "变成", "染成了", "染成", "改为",
        "换为", "都是", "全是", "是", "为", "成", "要", "都", "也", "呈", "的", "颜色", "色", "用",
        "弄成", "画成", "涂成", "搞成", "改", "换", "变", "染", "全", "全部", "整个", "想要", "要是",
        "颜色是", "颜色换成", "的颜色", "得", "很", "比较", "非常", "更", "再", "可以", "一点")
PREDICATE_CHARS = set("是为成要改换变染用")
WEAR = ("穿着一身", "穿一身", "穿着", "穿的", "穿", "一身", "身穿", "着装", "打扮成", "全身")
NEG_BEFORE = ("不想要", "不需要", "不要", "不戴", "没有", "没戴", "别戴", "不用", "不带", "去掉", "拿掉",
              "摘掉", "摘下", "取下", "删掉", "删除", "去除", "除掉", "拿走", "脱掉", "脱下", "取掉",
              "不穿", "不拿", "不用戴", "别带", "别穿", "别要", "别", "无", "不是", "没", "不", "去",
              "免", "除了", "拿下", "撤掉", "换掉", "扔掉", "丢掉",
              # 别画眼镜 / 不要画成晚上: "draw" between the negation and the thing
              "不要画成", "别画成", "不要弄成", "别弄成", "不要画", "别画", "不画", "不用画", "不要有",
              "别有", "不怎么", "不太", "从不", "从来不", "很少", "不再")
NEG_AFTER = ("去掉", "拿掉", "摘掉", "不要了", "不要", "删掉", "去了", "摘了", "拿走", "脱掉", "换掉",
             "删了", "拿了", "摘下来", "摘下", "取下", "取掉", "不戴了", "别戴了", "别要了", "撤掉",
             "丢掉", "扔掉", "去除", "除掉", "不用了", "就不要了", "也不要了", "也不要", "就不要",
             "脱了", "拿下", "不用画了", "不用画", "不画了", "别画了", "不要画了", "就不画了", "也不画了")
NEG_FILL = ("戴着", "戴", "着", "穿", "拿着", "拿", "带着", "带", "任何", "一副", "一顶", "一个", "一把",
            "一条", "一件", "一只", "一朵", "副", "顶", "个", "把", "只", "条", "件", "朵", "的", "了",
            "和", "或者", "或", "也", "还有", "跟", "她的", "他的", "它的", "她", "他", "它", "那个",
            "这个", "那", "这", "掉", "要", "上", "再", "给", "请", "、", "以及", "及", "与", "什么", "啥")
# Words that end in a negation character without negating: 特别开心, 出没在森林.
NOT_NEGATION = ("特别", "分别", "区别", "告别", "离别", "性别", "级别", "差别", "个别", "埋没", "淹没",
                "出没", "沉没", "虚无", "要不")
# 不是在海边 / 不在海边: the place word after a negation.
SETTING_FILL = ("在", "到", "于")
POST_FILL = ("给", "也", "就", "都", "全", "全部", "了", "请", "要", "可以", "都给", "通通", "统统", "一起")
LIST_JOINERS = {"和", "跟", "与", "、", "还有", "以及", "或者", "或", "及", ",", ""}
CONTEXT_WORDS = {"头发": "hair_color", "发色": "hair_color", "眼睛": "eye_color", "瞳色": "eye_color",
                 "眼珠": "eye_color", "衣服": "outfit_color", "服装": "outfit_color",
                 "背景": "setting", "场景": "setting", "地方": "setting", "地点": "setting",
                 "环境": "setting", "天气": "weather", "时间": "time_of_day", "风格": "style",
                 "画风": "style", "表情": "expression", "动作": "action", "发型": "hair_style",
                 "配饰": "accessories", "饰品": "accessories", "装饰": "accessories"}
CLEARABLE = {"背景": "setting", "场景": "setting", "天气": "weather", "风格": "style",
             "画风": "style", "表情": "expression", "配饰": "accessories", "饰品": "accessories"}
_CONTEXT_RE = re.compile("|".join(sorted(CONTEXT_WORDS, key=len, reverse=True)))
_SPACE_RE = re.compile(r"(?<![a-z0-9])\s+|\s+(?![a-z0-9])")


@dataclass
class _Item:
    kind: str
    value: object
    start: int
    end: int
    text: str
    negated: bool = False
    bound: str | None = None


@lru_cache(maxsize=1)
def _index() -> tuple[dict, int]:
    table = {k: v[0] for k, v in lexicon.table("zh").items()}
    return table, max(len(k) for k in table)


@lru_cache(maxsize=1)
def _soundalikes() -> list[tuple[str, str]]:
    return sorted(lexicon.ZH_SOUNDALIKE.items(), key=lambda kv: -len(kv[0]))


def normalise(text: str) -> str:
    text = fuzzy.to_simplified(text.lower())
    text = _SPACE_RE.sub("", text)
    for wrong, right in _soundalikes():
        if wrong in text:
            text = text.replace(wrong, right)
    return text


def _match(text: str, near: bool = True) -> list[_Item]:
    table, longest = _index()
    items: list[_Item] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in PUNCT or ch.isspace():
            items.append(_Item("punct", ch, i, i + 1, ch))
            i += 1
            continue
        number = _NUMBER_RE.match(text, i)
        if number and _number_value(number.group(1)):
            # 12个, 10只, 十二个: numbers the table's fixed forms do not spell
            items.append(_Item("count", str(_number_value(number.group(1))), i, number.end(),
                               number.group()))
            i = number.end()
            continue
        for n in range(min(longest, len(text) - i), 0, -1):
            hit = table.get(text[i:i + n])
            if hit:
                # An ASCII word must stand alone ("tee" not inside "teeth").
                if text[i:i + n].isascii() and (
                        (i > 0 and text[i - 1].isalnum() and text[i - 1].isascii()) or
                        (i + n < len(text) and text[i + n].isascii() and text[i + n].isalnum())):
                    continue
                items.append(_Item(hit[0], hit[1], i, i + n, text[i:i + n]))
                i += n
                break
        else:
            word = _ASCII_WORD.match(text, i) if ch.isascii() and ch.isalpha() else None
            hit = _english_word(word.group()) if word else None
            if hit:
                # Code-switching: "穿hoodie的女孩" uses the English vocabulary for the word.
                items.append(_Item(hit[0], hit[1], i, word.end(), word.group()))
                i = word.end()
                continue
            items.append(_Item("char", ch, i, i + 1, ch))
            i += 1
    items = _soundalikes_in_leftovers(text, items, table)
    return _colours_by_place(text, _near_sounds(text, items, table), table) if near else items


def _soundalikes_in_leftovers(text: str, items: list[_Item], table: dict) -> list[_Item]:
    """Characters no word claimed may be a recogniser's near-homophone of one (公元 for 公园,
    兰色 for 蓝色): try the runs of unclaimed characters against the vocabulary's sounds."""
    def loose(x: _Item) -> bool:
        # A one-character noun outside the schema (书, 窗) may be part of a misheard word too:
        # 图书官 is 图书馆.
        return x.kind in ("char", "thing") and len(x.text) == 1 and "\u4e00" <= x.text <= "\u9fff"

    out: list[_Item] = []
    k = 0
    while k < len(items):
        it = items[k]
        if not loose(it):
            out.append(it)
            k += 1
            continue
        run_end = k
        while run_end < len(items) and loose(items[run_end]):
            run_end += 1
        j = k
        while j < run_end:
            for n in range(min(4, run_end - j), 1, -1):
                kinds = {x.kind for x in items[j:j + n]}
                if "char" not in kinds or ("thing" in kinds and n < 3):
                    continue  # 窗边 stays 窗边 (not 床边): two characters with a real noun
                span = text[items[j].start:items[j].start + n]
                word = fuzzy.zh_soundalike(span)
                if word and word in table:
                    kind, value = table[word]
                    out.append(_Item(kind, value, items[j].start, items[j].start + n, span))
                    j += n
                    break
            else:
                out.append(items[j])
                j += 1
        k = run_end
    return _soundalikes_beside_words(text, out, table)


def _soundalikes_beside_words(text: str, items: list[_Item], table: dict) -> list[_Item]:
    """A one-character word may be half of a misheard one: 笑服 is 校服 (not "smiling" + 服),
    女海 is 女孩 (not 女 + "beach"). Try each such word with the unclaimed character beside it."""
    out: list[_Item] = []
    k = 0
    while k < len(items):
        pair = items[k:k + 2]
        # 咖啡听 is 咖啡厅: a noun outside the schema may be half of one too.
        if len(pair) == 2 and pair[0].end == pair[1].start and all(
                (len(x.text) == 1 or x.kind == "thing" and len(x.text) <= 3)
                and all("\u4e00" <= ch <= "\u9fff" for ch in x.text) for x in pair) \
                and (any(x.kind == "char" for x in pair) or len(pair[0].text + pair[1].text) == 2) \
                and any(x.kind != "char" for x in pair) \
                and not {"count", "color", "length"} & {pair[0].kind, pair[1].kind}:
            span = pair[0].text + pair[1].text
            word = fuzzy.zh_soundalike(span)
            claimed = {(x.kind, x.value) for x in pair if x.kind != "char"}
            if word and word in table and table[word] not in claimed and not any(
                    x.kind == "thing" and len(x.text) == 1 for x in pair):  # 窗边 is no 床边
                kind, value = table[word]
                out.append(_Item(kind, value, pair[0].start, pair[1].end, span))
                k += 2
                continue
        out.append(items[k])
        k += 1
    return out


# What the words just before a slot word say it is (穿 a garment, 戴 an accessory, 在 a place):
# with one of them a near-sound reading of unclaimed characters needs less evidence.
LEAD = {"outfit": ("穿", "换", "换成", "换上", "一身", "身穿", "改成", "变成", "套"),
        "accessories": ("戴", "加", "拿", "背", "带", "撑", "打", "挂", "配", "添", "加上", "戴上",
                        "拿起", "举"),
        "setting": ("在", "去", "到", "于", "来到", "回到", "走进", "进", "坐在", "站在", "走在",
                    # 把背景换成城市: the background names a place whatever verb follows it
                    "背景换成", "背景改成", "背景变成", "背景是", "背景换到", "场景换成", "换到", "搬到"),
        "subject": ("是", "画", "个", "只", "位", "名", "的", "画一", "有"),
        "hair_style": ("留", "留着", "一头", "剪成", "扎", "扎着", "梳", "梳着", "披着"),
        "color": ("是", "成", "染成", "换成", "变成", "要", "改成"),
        "expression": ("很", "一脸", "满脸", "表情"),
        "weather": ("下着", "下", "在"),
        "time_of_day": ("在", "是")}
# Measure words and particles between a lead and its word: 戴着一副, 穿一件, 拿着一把.
LEAD_FILL = ("一副", "一顶", "一把", "一件", "一条", "一身", "一双", "一个", "一只", "着", "副", "顶",
             "把", "件", "条", "双", "了", "上", "的")
# Nouns right after a colour that say whose colour it is.
COLOR_NOUN_AFTER = ("头发", "发", "眼睛", "眼", "衣服", "的头发", "的眼睛", "的衣服", "瞳")
NEAR_KINDS = ("subject", "outfit", "accessories", "action", "expression", "setting", "time_of_day",
              "weather", "hair_style", "color")


def _lead(text: str, out: list[_Item], start: int, a: int) -> str:
    """The clause before `start` less the colours and measure words in front of the word
    (穿红色的 -> 穿, 戴着一副 -> 戴)."""
    pos = start
    while pos > a:
        prev = next((x for x in reversed(out) if x.end == pos), None)
        if prev is not None and prev.kind in ("color", "shade", "length") and prev.start >= a:
            pos = prev.start
            continue
        fill = next((w for w in LEAD_FILL + ("色",) if text.endswith(w, a, pos)), None)
        if fill:
            pos -= len(fill)
            continue
        break
    return text[a:pos]


def _supported(kind: str, text: str, out: list[_Item], start: int, end: int) -> bool:
    """Whether the words around text[start:end] make a reading as a `kind` word likely."""
    a, b = _clause_bounds(text, start)
    lead = _lead(text, out, start, a)
    after = text[end:b]
    prev = next((x for x in reversed(out) if x.kind != "punct" and x.end <= start), None)
    adjacent = prev is not None and prev.end == start and prev.start >= a
    if lead.endswith(LEAD.get(kind, ())):
        return True
    if kind == "subject":
        # 蓝发少女, 长发女孩: a hair or eye word right before a person word describes them
        return adjacent and prev.kind in ("hair_noun", "hair_style", "eye_noun", "outfit")
    if kind == "action":
        # 女孩站在..., 少女在奔跑: a verb right after the figure
        gap = text[prev.end:start] if prev is not None and prev.start >= a else None
        return (prev is not None and prev.kind == "subject" and gap in ("", "在", "正在", "正", "一直")) \
            or after.startswith(("着", "在"))
    if kind == "hair_style":
        rest = after[1:] if after.startswith("的") else after
        return (adjacent and prev.kind == "color") or _starts_with_kind(rest, "subject")
    if kind == "color":
        return after.startswith(COLOR_NOUN_AFTER)
    if kind == "outfit":
        # 黄色连一群: a colour said right before a garment of two or more characters makes it
        # likely, whatever verb led (one character after a colour is a verb too often: 红色改成)
        return adjacent and prev.kind == "color" and end - start >= 2
    if kind == "setting":
        return after.startswith(("里", "上", "边", "下"))
    return False


def _starts_with_kind(s: str, kind: str) -> bool:
    table, longest = _index()
    return any(table.get(s[:n], ("",))[0] == kind for n in range(min(longest, len(s)), 0, -1))


def _near_sounds(text: str, items: list[_Item], table: dict) -> list[_Item]:
    """Slips inside a syllable (dialog.syllables): characters no word claimed, with one-character
    words beside them, read as the vocabulary word they sound nearly like. Longest span first;
    exact syllables are the strongest evidence, context words (LEAD) stand in for the rest:

    - every syllable the same and three or more of them (蝴蝶结 heard 糊叠节), or two with a
      character in common: taken anywhere;
    - one syllable off by a common confusion (阴花术下: yin for ying) with a character in
      common: taken anywhere;
    - one syllable off by more (射女: she for shao), or no character in common, or a grammar
      character read as another (连一群, 中色): only where the words around say what it is.

    A word of several characters is never broken up, and a real word is kept (the guard lists
    in zh_pinyin.json)."""
    def loose(i: int) -> bool:
        x = items[i]
        if len(x.text) != 1 or not "\u4e00" <= x.text <= "\u9fff":
            return False
        if x.kind == "color":
            # a colour and its noun (蓝发, 绿眼) hold on to each other, but a colour that colours
            # nothing may be the end of a word heard wrong (围金: 围巾)
            nxt = items[i + 1] if i + 1 < len(items) else None
            return nxt is None or nxt.kind in ("char", "punct") and not text.startswith(
                COLOR_NOUN_AFTER, x.end)
        # 窗边 stays: a one-character noun outside the schema only inside a long word (渣马以: 扎马尾)
        return x.kind not in ("count", "punct", "hair_noun", "eye_noun", "length")

    out: list[_Item] = []
    k = 0
    while k < len(items):
        it = items[k]
        if not loose(k) or it.kind in ("color", "thing"):
            out.append(it)
            k += 1
            continue
        run_end = k
        while run_end < len(items) and loose(run_end) and items[run_end].start == \
                items[k].start + (run_end - k):
            run_end += 1
        taken = None
        for n in range(min(4, run_end - k), 0, -1):
            span_items = items[k:k + n]
            if not any(x.kind == "char" for x in span_items):
                continue  # at least one character nothing explains
            if n == 1 and it.kind != "char":
                continue
            if any(x.kind == "thing" for x in span_items) and n < 3:
                continue
            colour = any(x.kind == "color" for x in span_items)
            if colour and span_items[-1].kind != "color":
                continue
            start, end = it.start, it.start + n
            span = text[start:end]
            for cand in fuzzy.zh_near_words(span):
                kind, value = table[cand.word]
                if kind not in NEAR_KINDS:
                    continue
                if (kind, value) in {(x.kind, x.value) for x in span_items}:
                    continue  # already read as that word: nothing to repair
                if n == 1 and kind not in ("accessories", "outfit") and not (
                        kind == "color" and cand.cost == 0 and not (out and out[-1].kind == "char"
                                                                    and out[-1].end == start)):
                    continue  # 子头发 is 紫头发 (not 狮子): a one-character colour only by its exact sound, before its noun
                if colour and not (cand.cost == 0 and cand.shared):
                    continue
                if _near_accepted(cand, n, kind, lambda: _supported(kind, text, out, start, end)):
                    taken = _Item(kind, value, start, end, span)
                    break
            if taken:
                break
        if taken:
            out.append(taken)
            k += len(taken.text)
        else:
            out.append(it)
            k += 1
    return out


COLOURED = ("hair_noun", "hair_style", "eye_noun", "outfit")


def _colours_by_place(text: str, items: list[_Item], table: dict) -> list[_Item]:
    """Two characters right before hair, eyes or a garment are its colour, whatever they were
    heard as (颜色长发 for 银色长发, 宗四头发 for 棕色头发), when one colour sounds nearest to them:
    the place says a colour was said, the sound says which."""
    out = list(items)
    for k in range(len(out) - 1, 1, -1):
        pair = out[k - 2:k]
        if out[k].kind not in COLOURED or not all(x.kind in ("char", "count") and len(x.text) == 1
                                                  for x in pair) or pair[1].end != out[k].start:
            continue
        if text.endswith(("什么", "啥", "哪", "种", "这个", "那个", "同", "换个", "的"), 0, pair[0].start):
            continue  # 什么颜色头发: a question about the colour, not one
        colours = [c for c in fuzzy.zh_near_words(pair[0].text + pair[1].text)
                   if table[c.word][0] == "color" and c.cost <= syllables.OTHER_FINAL_COST]
        if colours and (len(colours) == 1 or colours[1].cost > colours[0].cost):
            kind, value = table[colours[0].word]
            out[k - 2:k] = [_Item(kind, value, pair[0].start, pair[1].end, pair[0].text + pair[1].text)]
    return out


def _near_accepted(cand, n: int, kind: str, supported) -> bool:
    near = syllables.NEAR_INITIAL_COST
    if cand.grammar_changed:
        # 连一群 is 连衣裙 after 穿, but 个可 is no 哥哥: the rest must be said right
        return cand.cost <= near and (cand.shared or cand.content_exact) and supported()
    if cand.cost == 0 and (cand.shared or n >= 3):
        return True
    if n >= 2 and cand.cost <= near and cand.shared:
        return True
    if n == 1:
        return cand.cost <= near and supported()
    if not supported():
        return False
    if not cand.shared:
        # Only grammar in common (戴着 is no 蹲着, 在爬 no 在跑): the same sounds, or a near
        # slip beside a syllable said right on a content character (常犯: 长发).
        return cand.cost == 0 or (cand.content_exact and cand.cost <= syllables.ONE_OFF_FINAL_COST)
    if cand.cost <= syllables.ONE_OFF_FINAL_COST:
        return True
    # Two unrelated vowels (射女: 少女) only for a person word with its other half said right,
    # or a garment after 穿 or its colour (穿友衣: 泳衣).
    return kind in ("subject", "outfit")


_ASCII_WORD = re.compile(r"[a-z]+")
_NUMBER_RE = re.compile(r"(\d{1,2}|[二三四五六七八九]?十[一二三四五六七八九]?)(个|只|位|名|条|头)")
_DIGITS = {ch: n for n, ch in enumerate("零一二三四五六七八九")}


def _number_value(s: str) -> int | None:
    if s.isdigit():
        return int(s) or None
    tens, _, ones = s.partition("十")  # 十二 = 12, 二十 = 20, 十 = 10
    return _DIGITS.get(tens, 1) * 10 + _DIGITS.get(ones, 0)


def _english_word(word: str):
    phrases = en_index()[0]
    for form in (word, *singular(word)):
        if form in phrases and phrases[form][0] not in ("thing", "shade"):
            return phrases[form]
    return None


def _strip_end(s: str, words) -> str:
    changed = True
    while changed and s:
        changed = False
        for w in words:
            if s.endswith(w):
                s = s[: -len(w)]
                changed = True
                break
    return s


def _strip_start(s: str, words) -> str:
    changed = True
    while changed and s:
        changed = False
        for w in words:
            if s.startswith(w):
                s = s[len(w):]
                changed = True
                break
    return s


def _clause_bounds(text: str, pos: int) -> tuple[int, int]:
    a = pos
    while a > 0 and text[a - 1] not in PUNCT:
        a -= 1
    b = pos
    while b < len(text) and text[b] not in PUNCT:
        b += 1
    return a, b


def _bind_colors(text: str, items: list[_Item]) -> None:
    for k, it in enumerate(items):
        if it.kind != "color":
            continue
        # 头发是粉红色的眼睛是蓝色的: a colour said as the predicate of the noun before it
        # (是/换成/染成...) belongs to that noun, whatever follows.
        it.bound = _backward(text, items, k, wearing=False, predicate=True) or _forward(text, items, k)
        if it.bound is None:
            it.bound = _backward(text, items, k) or _across_pause(text, items, k)
        elif it.bound == "_blocked":
            # 头发是蓝色的猫耳少女: the noun right before wins over a blocked one after.
            it.bound = _backward(text, items, k, wearing=False) or "_blocked"
        if it.bound == "hair_color" and it.value in ("gold", "yellow"):
            it.value = "blonde"
        elif it.bound in ("eye_color", "outfit_color") and it.value == "blonde":
            it.value = "gold"


NOUN_COLOR_SLOT = {"hair_noun": "hair_color", "hair_style": "hair_color", "eye_noun": "eye_color",
                   "outfit": "outfit_color", "garment": "outfit_color"}


def _across_pause(text: str, items: list[_Item], k: int) -> str | None:
    """一个女孩。蓝色的。头发。: a recogniser cuts a phrase at each pause. A colour alone in its
    clause belongs to the noun ending the clause before it, else to the one starting the next."""
    it = items[k]
    a, b = _clause_bounds(text, it.start)
    if set(text[a:it.start] + text[it.end:b]) - COLOR_GAP_CHARS:
        return None
    before = [x for x in items[:k] if x.end <= a and x.kind != "punct"]
    after = [x for x in items[k + 1:] if x.start >= b and x.kind != "punct"]
    return (NOUN_COLOR_SLOT.get(before[-1].kind) if before else None) or \
        (NOUN_COLOR_SLOT.get(after[0].kind) if after else None)


def _forward(text: str, items: list[_Item], k: int) -> str | None:
    j = k + 1
    gap = ""
    while j < len(items):
        it = items[j]
        if it.kind in ("color", "length", "shade"):
            j += 1
            continue
        if it.kind == "char":
            gap += it.text
            if len(gap) > 4 or not set(gap) <= COLOR_GAP_CHARS:
                return None
            j += 1
            continue
        if it.kind in ("hair_noun", "hair_style"):
            return "hair_color"
        if it.kind == "eye_noun":
            return "eye_color"
        if it.kind in ("outfit", "garment"):
            return "outfit_color"
        if it.kind in ("subject", "thing", "accessories", "setting", "weather", "time_of_day",
                       "action", "expression", "style"):
            return "_blocked"
        return None
    return None


def _backward(text: str, items: list[_Item], k: int, wearing: bool = True,
              predicate: bool = False) -> str | None:
    it = items[k]
    a, _ = _clause_bounds(text, it.start)
    before = _strip_end(text[a:it.start], LINK)
    if predicate and not set(text[a + len(before):it.start]) & PREDICATE_CHARS:
        return None
    for w in WEAR if wearing else ():
        if before.endswith(w):
            return "outfit_color"
    # the item that ends where the stripped text ends
    for prev in reversed(items[:k]):
        if prev.end <= a:
            break
        if prev.end == a + len(before):
            if prev.kind in ("hair_noun", "hair_style"):
                return "hair_color"
            if prev.kind == "eye_noun":
                return "eye_color"
            if prev.kind in ("outfit", "garment"):
                return "outfit_color"
            if prev.kind in ("accessories", "thing") and before != text[a:it.start]:
                return "_blocked"  # 帽子换成红色的: a hat's colour is no slot
            break
    return None


def _bind_lengths(text: str, items: list[_Item]) -> None:
    for k, it in enumerate(items):
        if it.kind != "length":
            continue
        target = None
        j = k + 1
        while j < len(items) and j <= k + 4:
            nxt = items[j]
            if nxt.kind == "hair_noun":
                target = it.value
                break
            if nxt.kind in ("color", "length") or (nxt.kind == "char" and nxt.text in "的色又直"):
                j += 1
                continue
            break
        if target is None:
            a, _ = _clause_bounds(text, it.start)
            before = _strip_end(text[a:it.start], LINK)
            for prev in reversed(items[:k]):
                if prev.end == a + len(before) and prev.kind == "hair_noun":
                    target = it.value
                if prev.end <= a + len(before):
                    break
        if target:
            it.kind, it.value = "hair_style", target


def _negations(text: str, items: list[_Item]) -> None:
    negatable = set(VALUE_SLOTS) | {"color"}
    for k, it in enumerate(items):
        if it.kind not in negatable:
            continue
        a, b = _clause_bounds(text, it.start)
        before = text[a:it.start]
        # 不要眼镜和帽子: the hat is negated through the negated glasses before it.
        for prev in reversed(items[:k]):
            if prev.start < a:
                break
            if prev.negated and prev.kind == "accessories" and it.kind == "accessories" \
                    and _strip_end(text[prev.end:it.start], NEG_FILL) == "":
                it.negated = True
                break
        if it.negated:
            continue
        fill = NEG_FILL if it.kind == "accessories" else SETTING_FILL if it.kind == "setting" else ()
        stripped = _negated_by_end(before, fill)
        if stripped is not None and it.kind != "accessories" and stripped.endswith("去") \
                and not stripped.endswith(("去掉", "除去", "不去", "别去")):
            stripped = None  # 去海边: going to a place names it
        if stripped is not None:
            if it.kind == "subject" and not stripped.endswith("不是"):
                continue  # "不要男孩" still names a subject; only "不是X" rejects one
            it.negated = True
            continue
        if it.kind == "accessories":
            # 帽子和眼镜都不要: reach the negation across the accessories listed after this one.
            end = it.end
            for nxt in (x for x in items[k + 1:] if x.kind != "char"):
                if nxt.kind != "accessories" or text[end:nxt.start] not in LIST_JOINERS:
                    break
                end = nxt.end
            after = _strip_start(text[end:b], POST_FILL)
            if any(after.startswith(w) for w in NEG_AFTER):
                it.negated = True


@lru_cache(maxsize=1)
def _subject_sounds() -> dict[tuple[str, ...], tuple[str, object]]:
    table, _ = _index()
    out = {}
    for word, (kind, value) in table.items():
        sound = fuzzy.zh_sounds(word) if kind == "subject" and len(word) >= 2 else None
        if sound:
            out.setdefault(sound, (word, value))
    return out


def _person_heard_as_place(text: str, items: list[_Item]) -> list[_Item]:
    """一个南海 is 一个男孩 (nan hai both): 个 counts people and things, never a place, so two
    characters right after it holding a place word and sounding exactly like a person word
    are that person."""
    out: list[_Item] = []
    k = 0
    while k < len(items):
        pair = items[k:k + 2]
        if len(pair) == 2 and pair[0].start > 0 and text[pair[0].start - 1] == "个" \
                and pair[0].end == pair[1].start and pair[1].end - pair[0].start == 2 \
                and "setting" in {x.kind for x in pair} and {x.kind for x in pair} <= {"setting", "char"}:
            hit = _subject_sounds().get(fuzzy.zh_sounds(text[pair[0].start:pair[1].end]) or ())
            if hit:
                out.append(_Item("subject", hit[1], pair[0].start, pair[1].end, text[pair[0].start:pair[1].end]))
                k += 2
                continue
        out.append(items[k])
        k += 1
    return out


_OFF_FILL = tuple(w for w in NEG_FILL if w != "掉")


def _off_verbs(text: str, items: list[_Item]) -> None:
    """A verb with 掉 before an accessory takes it off whatever the verb (摘掉, 扔掉, and 去掉
    heard as 吃掉): 掉 says "off", and nobody eats a mask. The verb is then no action."""
    for k, it in enumerate(items):
        if it.kind != "accessories" or it.negated:
            continue
        a, _ = _clause_bounds(text, it.start)
        before = _strip_end(text[a:it.start], _OFF_FILL)
        if before.endswith("掉") and len(before) >= 2:
            it.negated = True
            verb = next((x for x in items[:k] if x.end == a + len(before) - 1), None)
            if verb is not None and verb.kind == "action":
                verb.kind = "char"


# What a hesitation (嗯, 呃, 啊) is written as when a recogniser takes it for a word: 樱、那个
HESITATION_SOUNDS = frozenset(("en", "eng", "n", "ng", "m", "e", "a", "o", "ai", "ei", "ao", "ou", "er",
                               "ying", "yin"))


def _hesitations(items: list[_Item]) -> None:
    """A one-character word that is a whole clause by itself and sounds like a hesitation is one:
    no one says a place or an action as a lone syllable (樱、在咖啡馆 is 嗯、在咖啡馆). A colour may be
    an answer (银。), so it stays."""
    for k, it in enumerate(items):
        if len(it.text) != 1 or it.kind in ("char", "punct", "color", "count"):
            continue
        alone = (k == 0 or items[k - 1].kind == "punct") and (
            k + 1 == len(items) or items[k + 1].kind == "punct")
        heard = fuzzy.zh_heard_readings(it.text)
        if alone and heard and set(heard[0]) & HESITATION_SOUNDS:
            items[k] = _Item("char", it.text, it.start, it.end, it.text)


GENDERED = {"女": {"man": "woman", "boy": "girl", "person": "woman", "child": "girl"},
            "男": {"woman": "man", "girl": "boy", "person": "man", "child": "boy"}}


def _gender_prefix(items: list[_Item]) -> None:
    """女骑士, 女程序员, 男护士: 女/男 before a person word says which one."""
    for prev, it in zip(items, items[1:]):
        if it.kind == "subject" and prev.kind == "char" and prev.text in GENDERED \
                and prev.end == it.start:
            it.value = GENDERED[prev.text].get(it.value, it.value)


def _negated_by_end(before: str, fill) -> str | None:
    """The text up to a negation word that ends `before`, peeling filler words one at a time
    (不需要眼镜 ends in 不需要 before 要 is peeled as filler, 不要戴眼镜 only after 戴 is)."""
    while True:
        if before.endswith(("别着", "别上", "别了一") + NOT_NEGATION):
            return None  # 头发上别着一朵花: 别 here pins the flower on; 特别开心 is very happy
        if any(before.endswith(w) for w in NEG_BEFORE):
            return before
        for w in fill:
            if before.endswith(w):
                before = before[: -len(w)]
                break
        else:
            return None


def _glasses_heard_as_eyes(text: str, items: list[_Item]) -> None:
    """眼镜 (glasses) and 眼睛 (eyes) sound the same: "戴着眼睛" means glasses."""
    for k, it in enumerate(items):
        if it.kind == "eye_noun" and it.text == "眼睛":
            a, _ = _clause_bounds(text, it.start)
            before = _strip_end(text[a:it.start], ("着", "一副", "副", "了", "个", "上"))
            if before.endswith(("戴", "带", "配", "摘", "去掉", "拿掉", "摘掉", "不要", "没戴", "不戴", "加")) \
                    or _sounds_like_wearing(text[a:it.start]) or fuzzy.zh_sounds(before[-1:]) == ("dai",):
                # 代眼睛, 待眼睛: any dai before the eyes is 戴 misheard; nobody "has" eyes that way
                it.kind, it.value = "accessories", "glasses"


# 戴/加 with their measure words, by sound: 给他家衣服眼睛 is 给她加一副眼镜 (jia yi fu).
_WEARING_SOUNDS = tuple(tuple(p.split()) for p in (
    "dai yi fu", "jia yi fu", "dai zhe yi fu", "dai shang yi fu", "jia shang yi fu", "pei yi fu",
    "dai fu", "jia fu", "dai zhe", "dai shang", "jia shang", "dai le", "jia le"))


def _sounds_like_wearing(before: str) -> bool:
    for sound in _WEARING_SOUNDS:
        tail = before[-len(sound):]
        if len(tail) == len(sound) and fuzzy.zh_sounds(tail) == sound:
            return True
    return False


def _replacements(text: str, items: list[_Item]) -> None:
    """把帽子换成王冠 / 帽子改成王冠 / 用王冠代替帽子: the first accessory goes."""
    colors = [it for it in items if it.kind == "color"]
    for x, y in zip(colors, colors[1:]):
        if any(w in text[x.end:y.start] for w in ("换成", "改成", "变成", "换为", "改为")) \
                and y.start - x.end <= 5:
            x.negated = True  # 把红色换成蓝色
    acc = [it for it in items if it.kind == "accessories"]
    for x, y in zip(acc, acc[1:]):
        between = text[x.end:y.start]
        if any(w in between for w in ("换成", "改成", "变成", "换为", "改为", "换")):
            x.negated = True
        elif "代替" in text[y.end:y.end + 3] and "用" in text[max(0, x.start - 2):x.start]:
            y.negated = True


def _count_for(text: str, items: list[_Item], k: int) -> int | None:
    a, _ = _clause_bounds(text, items[k].start)
    nxt = items[k + 1] if k + 1 < len(items) else None
    if nxt is not None and nxt.kind == "count" and nxt.text in ("俩", "仨") and nxt.start == items[k].end:
        return int(nxt.value)  # 姐妹俩, 兄弟仨
    for idx in range(k - 1, -1, -1):
        prev = items[idx]
        if prev.start < a or prev.kind in ("subject", "thing"):
            return None
        if prev.kind == "count" and items[idx + 1].start == prev.end and items[idx + 1].kind in (
                "accessories", "outfit", "garment", "hair_noun", "eye_noun"):
            return None  # 戴着两个耳环的女孩: the number counts the earrings
        if prev.kind == "count":
            # A bare numeral counts only right before its noun (两小孩): 三月, 十分, 两边 and
            # their like say nothing about how many.
            if len(prev.text) == 1 and prev.text not in ("俩", "仨") and prev.end != items[k].start:
                return None
            return int(prev.value)
    return None


def _slot_word_negated(text: str, start: int, end: int) -> bool:
    a, b = _clause_bounds(text, start)
    negations = ("不要", "去掉", "拿掉", "删掉", "没有", "不用", "去除", "无", "不需要", "不画", "别画",
                 "不要画", "不用画")
    raw = text[a:start]
    before = _strip_end(raw, ("的", "任何", "那个", "这个", "把", "她的", "他的", "它的", "什么", "啥"))
    after = _strip_start(text[end:b], POST_FILL)
    return raw.endswith(negations) or before.endswith(negations) or after.startswith(NEG_AFTER)


def analyse(text: str, near: bool = True) -> Analysis:
    """`near=False` leaves out the repair of slips inside a syllable (dialog.syllables), so a
    test can show that a sentence meant as said reads the same either way."""
    text = normalise(text)
    items = _match(text, near)
    _hesitations(items)
    _gender_prefix(items)
    items = _person_heard_as_place(text, items)
    _glasses_heard_as_eyes(text, items)
    _bind_colors(text, items)
    _bind_lengths(text, items)
    _off_verbs(text, items)
    _negations(text, items)
    _replacements(text, items)
    out = Analysis("zh")
    for k, it in enumerate(items):
        if it.kind == "color":
            slot = it.bound if it.bound in ("hair_color", "eye_color", "outfit_color") else \
                ("color" if it.bound is None else None)
            if slot:
                out.mentions.append(Mention(slot, it.value, it.start, it.negated, it.text))
        elif it.kind in VALUE_SLOTS:
            m = Mention(it.kind, it.value, it.start, it.negated, it.text)
            if it.kind == "subject":
                m.count = _count_for(text, items, k)
                m.start = _phrase_start(text, items, k)
            out.mentions.append(m)
        elif it.kind == "count" and it.text == "双胞胎" and not any(
                x.kind == "subject" for x in items[k + 1:k + 3]):
            out.mentions.append(Mention("subject", "person", it.start, False, it.text, count=2))
        elif it.kind == "count" and (k + 1 == len(items) or items[k + 1].kind == "punct" or
                                     text[it.end:it.end + 2] in ("就好", "就行", "吧", "了", "就够")
                                     or text[it.end:it.end + 1] in ("吧", "了")):
            out.mentions.append(Mention("count", int(it.value), it.start, it.negated, it.text))
        if it.kind in ("outfit",):
            out.context.append(("outfit_color", it.start))
    for m in _CONTEXT_RE.finditer(text):
        out.context.append((CONTEXT_WORDS[m.group()], m.start()))
        slot = CLEARABLE.get(m.group())
        if slot and _slot_word_negated(text, m.start(), m.end()):
            # 不要背景 / 配饰都去掉: the whole slot goes.
            out.mentions.append(Mention(slot, None, m.start(), True, m.group()))
    out.context.sort(key=lambda c: c[1])
    _self_repairs(text, out)
    _role_yields_to_person_word(out)
    _said_again(out)
    out.mentions += [Mention("subject", None, m.start(), text=m.group(), start=m.start(), split=True)
                     for m in _SPLIT_RE.finditer(text)]
    return out


# Words that end one figure's phrase and may start the next: 和 (not 和服), 跟, 与, 还有, 以及,
# a pause, a verb of holding ("抱着一只猫").
_FIGURE_BREAK_RE = re.compile(r"和(?!服)|跟|与|还有|以及|[,，、。;；]|抱着|牵着|带着|陪着|拿着|旁边")
_SPLIT_RE = re.compile(r"其中(?:一|的一)[个只位名条]|另(?:外)?一[个只位名条]")


def _phrase_start(text: str, items: list[_Item], k: int) -> int:
    """Where the figure phrase of the subject at k starts: at its number and measure word
    (一个穿校服的女孩), else just after the break before it (穿红裙子的女孩和|戴帽子的男孩)."""
    floor = 0
    for idx in range(k - 1, -1, -1):
        if items[idx].kind == "subject":
            floor = items[idx].end
            break
    for idx in range(k - 1, -1, -1):
        prev = items[idx]
        if prev.start < floor:
            break
        if prev.kind == "count" and text[prev.start:prev.end + 1][:1] in "一两二三四五六七八九十俩仨0123456789":
            return prev.start
    breaks = [m.end() for m in _FIGURE_BREAK_RE.finditer(text, floor, items[k].start)]
    if breaks:
        return breaks[-1]
    # Modifiers without a number are joined by 的 (穿红裙子的女孩); a verb before a bare noun
    # is the figure before it's (女孩蹲在路边看小猫).
    return floor if "的" in text[floor:items[k].start] else items[k].start


# A speaker taking back what they just said, between pauses: 一个红头发,不对,紫头发 /
# 画一只猫,哦不,是一只狗 / 在海边,啊不是,是在山上. The marker stands alone in its clause (or
# before 是), after a filler at most; 我是说 / 我的意思是 open the clause that repairs.
REPAIR_ALONE = ("不对", "不是", "不", "不不", "错了", "说错了", "不好意思")
REPAIR_OPENERS = ("我是说", "我的意思是", "我是想说", "应该是", "更正一下", "我说错了")
REPAIR_FILLERS = "啊阿哦噢呃额嗯唉哎诶"


@lru_cache(maxsize=1)
def _repair_sounds() -> tuple[tuple[tuple[str, ...], ...], tuple[tuple[str, ...], ...]]:
    def sounds(words):
        return tuple(s for s in (fuzzy.zh_sounds(w) for w in words) if s and len(s) >= 2)
    return sounds(REPAIR_ALONE), sounds(REPAIR_OPENERS)


def _sounds_like(heard: tuple[str, ...] | None, markers) -> bool:
    """Heard as one of the markers with one syllable slipped (无对 for 不对, 我不 for 哦不, 我是收 for
    我是说): whisper hears these function words through the same slips as nouns."""
    if not heard:
        return False
    for marker in markers:
        if len(marker) == len(heard) and syllables.exact_syllables(heard, marker) >= len(marker) - 1 \
                and (heard[-1] == marker[-1] or syllables.word_cost(heard, marker) <= 0.7):
            return True
    return False


def _repair_marks(text: str) -> list[int]:
    """Where the speaker takes back what came before: the start of each marker."""
    alone, openers = _repair_sounds()
    marks, start = [], 0
    for i in range(len(text) + 1):
        if i < len(text) and text[i] not in PUNCT and text[i] != "、":  # whisper writes a pause as 、 too
            continue
        clause, at = text[start:i], start
        start = i + 1
        if at == 0:
            continue  # a reply's opening 不对 is the dialog's answer, not a repair inside it
        core = clause.lstrip(REPAIR_FILLERS)
        if not core:
            continue
        pos = at + len(clause) - len(core)
        bare = core[:-1] if core.endswith("是") and len(core) > 1 and core[:-1] in REPAIR_ALONE else core
        if bare in REPAIR_ALONE or core.startswith(REPAIR_OPENERS):
            marks.append(pos)
        elif len(core) <= 3 and _sounds_like(fuzzy.zh_sounds(core), alone):
            marks.append(pos)
        elif len(core) > 3 and _sounds_like(fuzzy.zh_sounds(core[:3]), openers):
            marks.append(pos)
    return marks


def _self_repairs(text: str, out: Analysis) -> None:
    """A value named after a repair replaces the same slot's value named before it (as
    parse_en._self_repairs): 一个女孩,不对,一个男孩 is a boy; 穿蓝色,我是说黄色连衣裙 is yellow;
    戴着帽子,不对,戴着眼镜 is the glasses alone."""
    drop = []
    for mark in _repair_marks(text):
        after = {m.slot for m in out.mentions if m.pos >= mark and not m.negated and m.slot != "color"}
        if after & {"hair_color", "eye_color", "outfit_color"}:
            after.add("color")
        drop += [m for m in out.mentions if m.pos < mark and not m.negated and m.slot in after]
    if drop:
        out.mentions = [m for m in out.mentions if all(m is not d for d in drop)]


def _said_again(out: Analysis) -> None:
    """女孩 named again with no number before it ("女孩穿红裙子") is the same figure."""
    seen: set = set()
    for m in sorted(out.mentions, key=lambda x: x.pos):
        if m.slot == "subject" and not m.negated:
            m.refers = m.value in seen and m.count is None
            seen.add(m.value)


HUMAN = {"girl", "boy", "woman", "man", "child"}


def _role_yields_to_person_word(out: Analysis) -> None:
    """学生模样的女孩, 上班族女性: a role (学生, 医生, 游客) only says "a person"; a word that says
    who (女孩) wins wherever it stands. A role said alone or in place of a rejected subject
    ("不是女孩, 是医生") still names the person."""
    if any(m.slot == "subject" and not m.negated and m.value in HUMAN for m in out.mentions):
        out.mentions = [m for m in out.mentions if not (
            m.slot == "subject" and not m.negated and m.value == "person" and m.count is None)]
