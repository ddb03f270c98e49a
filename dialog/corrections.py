"""A reply to a confirmation -> what the person wants: yes, no, a correction, a new picture...

A correction changes only the slots it names (attributes.md, "Corrections"): a named value
replaces the current one ("no, a girl", "头发换成白色"), an accessory is added ("add a hat") or
removed ("no hat", "去掉眼镜"), a colour said as "not red, blue" moves the slot that was red, and
a bare colour ("make it pink") goes to the slot the reply points at, else to the colour slot the
confirmation spoke last. Everything else in `current` is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from dialog import attributes as attrs
from dialog import figure_edit, fuzzy, syllables
from dialog.mentions import COLOR_SLOTS, WEAK_SUBJECT_WORDS, Analysis
from dialog.parse import analyse, effective_lang

ONE_VALUED = ("subject", "hair_color", "hair_style", "eye_color", "outfit", "outfit_color",
              "action", "expression", "setting", "time_of_day", "weather", "style")


@dataclass
class Reply:
    intent: str           # describe, correct, confirm, deny, cancel, restart, unknown
    attributes: dict      # the whole record after this turn
    changed: list[str] = field(default_factory=list)
    lang: str = "en"
    affirm: bool | None = None  # True: said yes; False: said no; None: neither
    question: str = ""    # intent "clarify": what to ask ("Whose hair, the girl's or the woman's?")
    left_out: list[str] = field(default_factory=list)  # figures past the limit of three


# ---------------------------------------------------------------------------------------------
# English markers, matched on the parser's tokens (lower case, apostrophes dropped).

def _phrases(text: str) -> list[tuple[str, ...]]:
    return sorted((tuple(p.split()) for p in text.split("|")), key=len, reverse=True)


EN_FILLER = {"uh", "um", "umm", "uhm", "er", "erm", "hmm", "hm", "mm", "ah", "oh", "well", "so",
             "like", "okay so", "and", "then", "just", "hey", "oops", "wait", "sorry", "please",
             "actually", "hmmm", "ehm", "eh", "now", "alright so"}
EN_YES = _phrases(
    "yes|yeah|yep|yup|yea|ya|yah|yeh|yess|yes please|sure|sure thing|ok|okay|kay|alright|"
    "all right|right|correct|exactly|perfect|great|good|fine|cool|nice|awesome|absolutely|"
    "definitely|certainly|indeed|affirmative|go ahead|go on|do it|just do it|sounds good|"
    "sounds great|sounds perfect|looks good|thats right|thats it|that is right|thats correct|"
    "that is correct|of course|go for it|draw it|please do|uh huh|mhm|mm hmm|mhmm|you got it|"
    "thats perfect|lets go|lets do it|why not|love it|spot on|bingo|confirm|confirmed|proceed|"
    "all good|thats fine|good to go|do that|paint it|make it so|yes yes|yes it is|"
    "thats good|thats great|that works|works for me|fine by me|go|yes thats right|"
    "right on|you bet|totally|precisely|true|thats what i want|thats what i said|"
    "yes thank you|ok thank you|okay thanks|start drawing|draw|generate it|make it|yes do it|"
    "yes go ahead|exactly right|very good|very nice|excellent|wonderful|brilliant|"
    "alright then|yessir|sure go ahead|go right ahead|i do|i agree|agreed|yes indeed|"
    "sure why not|ok go|okay go|do it please|yes draw it|right thats it|looks right|"
    "sounds right|bang on|on point|i guess so|i think so|guess so|i suppose|i suppose so|"
    "thats the one|thats it exactly|yes exactly|uh huh yes|mm hmm yes|yeah yeah|yep yep|"
    "looks great|it looks good|its good|its fine|its perfect|its right|thats all|"
    "nothing else|no changes|no change|keep it|keep it like that|leave it like that|as is|"
    "no problem|no problems|no complaints|thats exactly what i want|exactly what i want|"
    "thats exactly it|thats exactly right|just right|thats just right|thats the idea|"
    "thats what i wanted|exactly what i wanted|nailed it|you nailed it|looks perfect|"
    "sounds about right|thats about right|yes thats her|yes thats him|thats her|thats him|"
    "lovely|beautiful|amazing|fantastic|yes thanks|sweet|neat|please|i like it|i love it|"
    "i like that|i love that|like it|love that|im happy with that|im happy with it|"
    "i am happy with that|happy with that|im satisfied|that will do|thatll do|good enough|"
    "its ok|its okay|it is fine|its fine|thats ok|thats okay|all correct|everything is correct|"
    "everything is right|everything is fine|everythings fine|everythings correct|"
    "everything looks good|everything looks fine|not bad|lets see it|show me|show me it|"
    "lets see|start|begin|draw now|aye|y|yes maam|yes madam|i am sure|im sure|all set|"
    "ready|im ready|go now|yes now|now draw it|now go|no objections|no objection")
# Yes words that need nothing after them to be a yes ("please." but not "please draw a cat").
EN_YES_ALONE = (["draw"], ["make", "it"], ["go"], ["please"], ["start"], ["begin"],
                ["show", "me"], ["lets", "see"], ["y"], ["ready"], ["lets", "go"], ["why", "not"])
# After a bare "no", these say "no (changes), it is fine": the reply is a yes.
EN_FINE_AFTER_NO = _phrases(
    "thats fine|its fine|everything is fine|everythings fine|its perfect|thats perfect|"
    "go ahead|its good|thats good|all good|looks good|its ok|its okay|thats ok|thats okay|"
    "everything is correct|everything is right|its right|its correct|thats correct|"
    "keep it|keep it like that|leave it like that|draw it|do it|perfect|fine|good")
EN_NO = _phrases(
    "no|nope|nah|nay|wrong|incorrect|not quite|not really|thats wrong|thats not right|"
    "that is wrong|not right|negative|no no|no way|not exactly|uh uh|not that|thats not it|"
    "not what i said|not what i meant|no thats wrong|thats incorrect|you got it wrong|"
    "not correct|no thats not right|no no no|nope nope|wrong wrong|noo|nooo|not at all|"
    "no its not|no it isnt|no thats not it|hell no|absolutely not|definitely not|"
    "thats not what i want|not what i want|thats not what i wanted|i dont think so|"
    "dont think so|i dont like it|i dont like that|im not happy with it|"
    "im not happy with that|not happy with it|not happy with that|i dont want that|"
    "thats not it at all|no way jose|nah nah")
EN_CANCEL = _phrases(
    "never mind|nevermind|cancel|cancel that|cancel it|forget it|forget about it|stop|"
    "quit|abort|dont draw|dont bother|no thanks|no thank you|nothing|forget that|"
    "dont want it|i dont want it|skip it|drop it|leave it|not anymore|call it off|"
    "dont do it|stop it|enough|nevermind that|scratch that|stop drawing|i changed my mind|"
    "changed my mind|goodbye|bye|bye bye|good bye|see you|no more|thats enough")
EN_RESTART = _phrases(
    "start over|start again|restart|begin again|from scratch|start from scratch|"
    "new picture|something else|lets start over|reset|from the beginning|from the top|"
    "start fresh|start anew|lets try again|try again|do over|redo|start a new one|new one|"
    "another picture|different picture|one more time from the start")
EN_REQUEST = _phrases(
    "draw|draw me|paint|paint me|sketch|can you draw|could you draw|can you paint|"
    "could you make|could you make me|can you make me|i want|i wanna|i would like|id like|"
    "i want to see|give me|show me|make me|create|generate|lets draw|lets have|lets see|"
    "new picture of|another picture of|now draw|now i want|how about drawing|picture of|"
    "a picture of|an image of|please draw|can i have|could i have|i need|now|next")
EN_CORRECTION_WORDS = {"instead", "change", "turn", "switch", "replace", "swap", "rather",
                       "actually", "should", "not", "no", "but", "also", "too", "add", "remove",
                       "put", "more", "less", "without", "wrong", "anymore", "make", "give"}

# Chinese markers, matched on the normalised (simplified, spaceless) text.
ZH_FILLER = ("嗯嗯嗯", "那个", "然后", "呃", "额", "啊", "哦", "噢", "唔", "哎", "诶",
             "欸", "嘛", "呀", "那", "请", "麻烦", "嗯")
ZH_YES = sorted(("对", "对的", "对啊", "对呀", "对对", "对对对", "是的", "是啊", "是呀", "是", "好的",
                 "好", "好啊", "好呀", "好吧", "好嘞", "好滴", "可以", "可以的", "可以啊", "可以了", "行",
                 "行啊", "行吧", "没错", "没错没错", "画吧", "就这样", "就这样吧", "没问题", "确定", "确认",
                 "正确", "嗯嗯", "嗯", "对了", "开始吧", "就这个", "就它了", "ok", "okay", "是这样",
                 "当然", "妥", "完美", "很好", "不错", "挺好", "就画这个", "开始画吧", "画出来吧",
                 "去画吧", "太好了", "嗯对", "对没错", "是的没错", "好的谢谢", "可以画", "画吧画吧",
                 "就这么画", "就这样画", "同意", "好的好的", "对的对的", "是滴", "对滴", "没毛病",
                 "yes", "可以的谢谢", "开始", "画", "嗯好", "嗯可以", "好耶", "棒", "真棒", "对头",
                 "就是这样", "正是", "是这个", "就是它", "嗯呢", "没有问题", "挺好的", "挺好",
                 "按这个画", "就按这个画", "照这个画", "就照这个画", "不用改了", "不用改", "不需要改",
                 "不用再改了", "可以开始了", "好极了", "对极了", "是这样的", "没错的", "明白", "明白了",
                 "收到", "了解", "一模一样", "好看", "很好看", "真好看", "挺好看", "漂亮", "很漂亮",
                 "真漂亮", "太棒了", "好棒", "喜欢", "我喜欢", "很喜欢", "满意", "很满意", "嗯哼",
                 "也行", "也可以", "都行", "都可以", "差不多", "差不多了", "ok的", "没啥问题",
                 "没什么问题", "就是这个", "完全正确", "说得对", "中"),
                key=len, reverse=True)
# Sentence-final particles: a yes/no word followed only by these still stands ("就这个吧").
ZH_PARTICLES = "吧啊呀了哦呢嘛啦哈噢喔"
ZH_NO = sorted(("不对", "不是", "不", "错了", "错", "不行", "不好", "不是的", "不对不对", "不太对",
                "不完全对", "不是这样", "搞错了", "你错了", "说错了", "错啦", "不对哦", "不对啊", "不是啊",
                "不不", "不不不", "不要这样", "不是这个", "没说对", "弄错了", "有问题", "不太对劲",
                "no", "不正确", "错误", "不准确", "不好看", "不喜欢", "不满意", "不太好", "不要", "不用"), key=len, reverse=True)
# Multi-character yes/no words stand even when content follows without a comma ("好的加个帽子").
ZH_STRONG = {"对的", "是的", "好的", "可以", "没错", "不对", "错了", "不是的", "不行", "就这样",
             "没问题", "不太对", "搞错了", "说错了", "弄错了"}
ZH_JOIN = ("但是", "不过", "就是", "然后", "只是", "可是", "但", "另外", "还有", "再", "还", "把")
ZH_CANCEL = ("算了吧", "算了", "算啦", "取消", "不画了", "别画了", "不用了", "不要了", "停止", "停下", "停",
             "不想画了", "不用画了", "没事了", "没事", "忘了吧", "不要画了", "别弄了", "退出", "结束",
             "不想要了", "不想画")
ZH_RESTART = ("重新开始", "重来", "从头开始", "从头来", "重新来", "再来一次", "重新来过", "从新开始",
              "重新画", "换一张", "从头再来", "再来一遍", "推倒重来", "重新说", "重说", "重新描述")
ZH_REQUEST = re.compile(r"^(?:请|麻烦)?(?:你)?(?:帮我|给我|替我|为我)?(?:再)?"
                        r"(?:画|来|生成|做|创作|整|搞|弄|我想要|我想画|我要|我想看|我想|想要|要|换个|换成画)"
                        r"(?!成|得|的|出)")
ZH_CORRECTION_WORDS = ("换成", "改成", "变成", "换", "改", "加", "去掉", "不要", "应该", "也", "还要",
                       "再加", "而是", "不是", "把", "不对", "只要", "别", "而不是")


def _clean(text: str) -> str:
    return " ".join(str(text).split())


def _match_at(tokens: list[str], i: int, phrases) -> int:
    for p in phrases:
        if tuple(tokens[i:i + len(p)]) == p:
            return len(p)
    return 0


def _contains(tokens: list[str], phrases) -> bool:
    return any(_match_at(tokens, i, phrases) for i in range(len(tokens)))


@dataclass
class _Markers:
    affirm: bool | None = None
    cancel: bool = False
    restart: bool = False
    request: bool = False     # "draw a ...", "我想要..."
    correction_words: bool = False
    said: set = field(default_factory=set)  # token positions inside yes/no words ("happy with")


def _markers_en(text: str, analysis: Analysis) -> _Markers:
    from dialog.parse_en import tokenize

    tokens = tokenize(text)
    m = _Markers()
    words = [t for t in tokens if t not in ",.;!?:"]
    negated_pos = {x.pos for x in analysis.mentions if x.negated}
    i = 0
    # Leading filler, then yes/no words: "uh yeah", "no no, a girl", "yes but at night".
    content_start = None
    bare_no = False
    yes_pos: set[int] = set()
    while i < len(tokens):
        t = tokens[i]
        if t in ",.;!?:" or (t in EN_FILLER and not _match_at(tokens, i, EN_YES)
                                and not _match_at(tokens, i, EN_NO)):  # "uh-uh" is a no
            i += 1
            continue
        n_no = _match_at(tokens, i, EN_NO)
        if n_no and _match_at(tokens, i, EN_YES) > n_no:
            n_no = 0  # "no changes", "no problem": a longer yes that starts with no
        if n_no:
            nxt = i + n_no
            # "no hat" negates the hat: the "no" is not a reply to the question.
            if tokens[i:nxt] == ["no"] and any(nxt <= p <= nxt + 3 for p in negated_pos) \
                    and nxt < len(tokens) and tokens[nxt] not in ",.;!?:":
                break
            m.affirm = False if m.affirm is None else m.affirm
            bare_no = tokens[i:nxt] == ["no"] and m.affirm is False
            m.said.update(range(i, nxt))
            i = nxt
            continue
        n_yes = _match_at(tokens, i, EN_YES)
        if n_yes and tokens[i:i + n_yes] not in EN_YES_ALONE or (
                n_yes and (i + n_yes == len(tokens) or tokens[i + n_yes] in ",.;!?:")):
            if bare_no and _match_at(tokens, i, EN_FINE_AFTER_NO):
                m.affirm = True  # "no, that's fine": no changes wanted
            m.affirm = True if m.affirm is None else m.affirm
            m.said.update(range(i, i + n_yes))
            yes_pos.update(range(i, i + n_yes))
            bare_no = False
            i += n_yes
            continue
        if t == "but":
            i += 1
            continue
        content_start = i
        break
    rest = tokens[content_start:] if content_start is not None else []
    # "good enough" is a yes, not "enough": words already read as yes/no are left out.
    unsaid = [t for p, t in enumerate(tokens) if p not in yes_pos and t not in ",.;!?:"]
    m.cancel = _contains(unsaid, EN_CANCEL) and not [x for x in analysis.mentions
                                                     if x.pos not in m.said]
    m.restart = _contains(words, EN_RESTART)
    if rest and m.affirm is None:
        j = 0
        while j < len(rest) and rest[j] in EN_FILLER - {"now"}:
            j += 1
        n = _match_at(rest, j, EN_REQUEST)
        if n:
            after = rest[j + n:j + n + 2]
            m.request = not (after and after[0] in ("it", "her", "him", "them", "she", "he", "the"))
    m.correction_words = any(t in EN_CORRECTION_WORDS for t in rest)
    return m


def _markers_zh(text: str, analysis: Analysis) -> _Markers:
    from dialog.parse_zh import PUNCT, normalise

    s = normalise(text)
    m = _Markers()
    i = 0
    content_start = None
    while i < len(s):
        if s[i] in PUNCT or s[i].isspace():
            i += 1
            continue
        filler = next((f for f in ZH_FILLER if s.startswith(f, i)), None)
        # 嗯 said alone is a yes; before other words ("嗯,不对") it is filler.
        if filler and not (filler.startswith("嗯") and not s[i + len(filler):].strip(
                "".join(PUNCT) + "嗯" + ZH_PARTICLES) and m.affirm is None):
            i += len(filler)
            continue
        word = None
        for w in ZH_NO + ZH_YES:
            if s.startswith(w, i):
                end = i + len(w)
                tail = s[end:]
                bare = tail.lstrip(ZH_PARTICLES)
                # "就这个吧", "ok没问题", "好好好": a word followed by particles, or by another word
                # of the same answer, stands.
                stands = not bare or bare[0] in PUNCT or w in ZH_STRONG or tail.startswith(ZH_JOIN) \
                    or bare.startswith(tuple(x for x in (ZH_NO if w in ZH_NO else ZH_YES) if x != "画"))
                if w in ZH_NO and not stands and w in ("不是", "不", "错"):
                    # "不是红色" still says no; "不要帽子"/"不戴" do not (they remove something).
                    stands = w == "不是"
                if stands:
                    word = w
                    break
        if word is None and m.affirm is None:
            word = _answer_heard_before_correction(s, i)
        if word is None and m.affirm is not None:
            # 好的。花帮。 is 好的,画吧: a short clause after the answer that sounds like the same
            # answer is part of it, not a flower.
            end = next((j for j in range(i, len(s)) if s[j] in PUNCT), len(s))
            if end - i <= 3 and affirm_by_sound(s[i:end], "zh") is m.affirm:
                m.said |= {x.pos for x in analysis.mentions if i <= x.pos < end}
                i = end
                continue
        if word is None:
            content_start = i
            break
        if word in ZH_NO:
            m.affirm = False if m.affirm is None else m.affirm
        else:
            m.affirm = True if m.affirm is None else m.affirm
        i += len(word)
        while i < len(s) and s[i] in ZH_PARTICLES:
            i += 1
        join = next((j for j in ZH_JOIN if s.startswith(j, i)), None)
        if join and join not in ("再", "还", "把"):
            i += len(join)
        if word == "不是":
            content_start = i
            break
    rest = s[content_start:] if content_start is not None else ""
    has_positive = any(not x.negated for x in analysis.mentions)
    m.cancel = any(w in s for w in ZH_CANCEL) and not analysis.mentions
    m.restart = any(w in s for w in ZH_RESTART) and (not has_positive or s.startswith(ZH_RESTART))
    if rest and m.affirm is None:
        m.request = bool(ZH_REQUEST.match(rest))
    m.correction_words = any(w in rest for w in ZH_CORRECTION_WORDS)
    return m


# ---------------------------------------------------------------------------------------------

def _bare_color_slot(current: dict, analysis: Analysis, pos: int) -> str:
    """Where a colour with no noun of its own goes: the slot the reply points at, else the
    colour slot the confirmation spoke last, else hair (or the outfit when there is one)."""
    pointed = [slot for slot, p in analysis.context if slot in COLOR_SLOTS]
    if pointed:
        before = [slot for slot, p in analysis.context if slot in COLOR_SLOTS and p <= pos]
        return (before or pointed)[-1]
    present = [s for s in attrs.SLOT_ORDER if s in COLOR_SLOTS and s in current]
    if present:
        return present[-1]
    if "outfit" in current:
        return "outfit_color"
    return "hair_color"


def apply_correction(current: dict, analysis: Analysis) -> dict:
    new = dict(current)
    for x in analysis.mentions:
        if x.negated and x.value is None:
            new.pop(x.slot, None)  # "no background", "不要配饰": the slot itself goes first
    pos_subjects = analysis.positive("subject")
    if pos_subjects:
        named = [x for x in pos_subjects if x.text not in WEAK_SUBJECT_WORDS] or pos_subjects
        chosen = named[-1]
        new["subject"] = chosen.value
        if chosen.count is not None:
            new["count"] = chosen.count
    counts = analysis.positive("count")
    if counts and not (pos_subjects and pos_subjects[-1].count is not None):
        new["count"] = counts[-1].value
        if new.get("count") == 1:
            new.pop("count")  # "just one": one is what an unsaid count means
    for slot in ONE_VALUED:
        if slot == "subject":
            continue
        pos = analysis.positive(slot)
        if pos:
            new[slot] = pos[-1].value
        elif any(x.value is not None and x.value == new.get(slot) for x in analysis.negative(slot)):
            del new[slot]
    # Colours with no noun: "not red, blue", "make it pink", "粉色".
    bare = analysis.positive("color")
    for neg in analysis.negative("color"):
        holders = [s for s in COLOR_SLOTS if current.get(s) == neg.value and s not in
                   {x.slot for x in analysis.mentions if not x.negated and x.slot in COLOR_SLOTS}]
        if not holders:
            continue
        target = holders[-1] if len(holders) == 1 else _bare_color_slot(
            {s: current[s] for s in holders}, analysis, neg.pos)
        later = [x for x in bare if x.pos > neg.pos] or bare
        if later:
            new[target] = _fit(target, later[-1].value)
            bare = [x for x in bare if x is not later[-1]]
        else:
            new.pop(target, None)
    for x in bare:
        target = _bare_color_slot(current, analysis, x.pos)
        new[target] = _fit(target, x.value)
    acc = set(new.get("accessories", []))
    acc |= {x.value for x in analysis.positive("accessories")}
    acc -= {x.value for x in analysis.negative("accessories")}
    if acc:
        new["accessories"] = sorted(acc)
    else:
        new.pop("accessories", None)
    return new


def _fit(slot: str, color: str) -> str:
    if slot == "hair_color" and color in ("gold", "yellow"):
        return "blonde"
    if slot != "hair_color" and color == "blonde":
        return "gold"
    return color


def _is_new_description(current: dict, analysis: Analysis, m: _Markers) -> bool:
    """A fresh request while confirming: "draw a cat in the forest", or a new subject with
    several new details and no word that marks a correction."""
    subjects = [x for x in analysis.positive("subject") if x.value != "person" or x.count]
    if not subjects:
        return False
    if m.request and not m.correction_words:
        return True
    if m.affirm is not None or m.correction_words:
        return False
    if "figures" in current and {x.value for x in subjects} <= {
            f.get("subject") for f in attrs.figures_of(current)}:
        return False  # "the girl should wear a red dress and glasses": one of the figures
    record, _ = analysis.record("first")
    new_slots = [s for s, v in record.items()
                 if s not in ("subject", "count") and current.get(s) != v]
    return record.get("subject") != current.get("subject") and len(new_slots) >= 2


def interpret(text: str, current: dict, lang: str = "auto", state: str = "confirming",
              pending: str | None = None) -> Reply:
    """Understand one reply. `current` is the record being confirmed (empty when idle).
    `pending`: the reply a "clarify" question was about; this reply answers it."""
    text = _clean(text)
    if pending:
        text = _clean(f"{pending}, {text}")
    current = _sanitise(current)
    lang = effective_lang(text, lang)
    if not text or not any(ch.isalnum() for ch in text):
        return Reply("unknown", current, [], lang, None)
    analysis = analyse(text, lang)
    m = _markers_en(text, analysis) if lang == "en" else _markers_zh(text, analysis)
    if m.said:
        # "I'm happy with that" is a yes, not a smiling face
        analysis.mentions = [x for x in analysis.mentions if x.pos not in m.said]
    if state != "idle" and current and m.affirm is None and not (m.cancel or m.restart) \
            and not analysis.mentions:
        # A reply to "shall I draw it?" that names nothing: a yes or no the recogniser
        # misspelt (推动 for 对的, "Sound good." for "sounds good") is still that answer.
        m.affirm = affirm_by_sound(text, lang)
    positive = [x for x in analysis.mentions if not x.negated]

    if state == "idle" or not current:
        if positive:
            record = attrs.validate(analysis.record("first")[0])
            if record:
                return Reply("describe", record, attrs.changed_slots(current, record), lang, m.affirm,
                             left_out=list(analysis.left_out))
        return Reply(_bare_intent(m), current, [], lang, m.affirm)

    if (m.cancel or m.restart) and not positive:
        return Reply("restart" if m.restart else "cancel", current, [], lang, m.affirm)
    if m.restart and positive:
        record = attrs.validate(analysis.record("first")[0])
        return Reply("describe", record, attrs.changed_slots(current, record), lang, m.affirm,
                     left_out=list(analysis.left_out))
    if _is_new_description(current, analysis, m):
        record = attrs.validate(analysis.record("first")[0])
        return Reply("describe", record, attrs.changed_slots(current, record), lang, m.affirm,
                     left_out=list(analysis.left_out))

    if "figures" in current or figure_edit.adds_figure(text, analysis, lang, current):
        edited = figure_edit.correct(text, current, analysis, lang, apply_correction)
        if edited.question:
            return Reply("clarify", current, [], lang, m.affirm, edited.question)
        new = attrs.validate(edited.record)
    else:
        new = attrs.validate(apply_correction(current, analysis))
    changed = attrs.changed_slots(current, new)
    if changed:
        return Reply("correct", new, changed, lang, m.affirm)
    if analysis.mentions and m.affirm is not True:
        # They named something that is already so ("no hat" with no hat): a correction that
        # changes nothing, so the dialog asks again rather than drawing or giving up.
        return Reply("correct", current, [], lang, m.affirm)
    return Reply(_bare_intent(m), current, [], lang, m.affirm)


# By sound, a yes or no must be this near (mean cost per syllable, dialog.syllables) and this
# much nearer than the other answer; anything less sure is asked again.
SOUND_MAX_MEAN = 0.55
SOUND_MARGIN = 0.5


@lru_cache(maxsize=1)
def _zh_answer_sounds() -> tuple[tuple, tuple, frozenset]:
    def sounds(words):
        out = {fuzzy.zh_sounds(w) for w in words if not w.isascii()}
        return tuple(sorted(x for x in out if x))
    particles = frozenset(fuzzy.zh_readings().get(ch) for ch in ZH_PARTICLES) - {None}
    return sounds(ZH_YES), sounds(ZH_NO), particles


def _answer_heard_before_correction(s: str, i: int) -> str | None:
    """不断是男孩子 is 不对, 是男孩子: a two-character yes or no word misheard in its second
    syllable, right before 是 or a pause, opens a correction. The word found, or None."""
    from dialog.parse_zh import PUNCT

    span = s[i:i + 2]
    after = s[i + 2:i + 3]
    if len(span) < 2 or not after or not (after == "是" or after in PUNCT):
        return None
    heard = fuzzy.zh_sounds(span)
    best = None
    for w in ZH_STRONG:
        sound = fuzzy.zh_sounds(w) if len(w) == 2 else None
        if heard and sound and heard[0] == sound[0] and span[0] == w[0]:
            cost = syllables.word_cost(heard, sound)
            if cost <= 0.7 and (best is None or cost < best[0]):
                best = (cost, w)
    return best[1] if best else None


def affirm_by_sound(text: str, lang: str) -> bool | None:
    """True or False when the whole reply sounds like a yes or a no and clearly not the other
    (行话吧 is 行, 画吧; "yeah shure" is "yeah sure"), else None."""
    if lang == "zh":
        from dialog.parse_zh import PUNCT, normalise

        s = "".join(ch for ch in normalise(text) if ch not in PUNCT and not ch.isspace())
        heard = fuzzy.zh_sounds(s) if s else None
        if not heard or len(heard) > 6:
            return None
        yes, no, particles = _zh_answer_sounds()
        costs = {True: fuzzy.phrase_sound_cost(heard, yes, particles),
                 False: fuzzy.phrase_sound_cost(heard, no, particles)}
        limit = 0.0 if len(heard) == 1 else SOUND_MAX_MEAN * len(heard)
    else:
        from dialog.parse_en import tokenize

        said = " ".join(t for t in tokenize(text) if t not in ",.;!?:")
        limit = fuzzy.max_edits(said.replace(" ", ""))
        if not limit or len(said.split()) > 4:
            return None
        costs = {answer: min(fuzzy.distance(said, " ".join(p), limit) for p in phrases)
                 for answer, phrases in ((True, EN_YES), (False, EN_NO))}
    best = min(costs, key=costs.get)
    if costs[best] <= limit and costs[not best] >= costs[best] + (SOUND_MARGIN if lang == "zh" else 1):
        return best
    return None


def _sanitise(record) -> dict:
    """`current` as a valid record, dropping any slot that is not (a caller's bad data must
    not turn a reply into a crash)."""
    try:
        return attrs.validate(dict(record or {}))
    except (attrs.InvalidRecord, TypeError, ValueError):
        kept = {}
        for slot, value in dict(record or {}).items():
            try:
                kept.update(attrs.validate({slot: value}))
            except (attrs.InvalidRecord, TypeError, ValueError):
                continue
        return attrs.validate(kept)


def _bare_intent(m: _Markers) -> str:
    if m.restart:
        return "restart"
    if m.cancel:
        return "cancel"
    if m.affirm is True:
        return "confirm"
    if m.affirm is False:
        return "deny"
    return "unknown"
