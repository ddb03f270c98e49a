"""Replies to a confirmation, in both languages: yes, no, corrections (replace, add, remove,
colour swap, several at once), cancel, restart, a fresh description, and noise. Each case gives
the record being confirmed, the reply, the intent and the whole record expected after it."""

import pytest

from dialog.attributes import changed_slots, validate
from dialog.corrections import interpret

G = {"subject": "girl", "hair_color": "blue", "outfit": "dress", "outfit_color": "red", "setting": "park"}
B = {"subject": "boy", "hair_color": "black", "accessories": ["glasses", "hat"], "action": "reading", "setting": "beach"}
C = {"subject": "cat", "setting": "rooftop", "time_of_day": "day"}
EN_REPLIES = [
    (G, "yeah", "confirm", G),
    (G, "uh, yep, go ahead", "confirm", G),
    (G, "sounds good", "confirm", G),
    (G, "perfect, do it", "confirm", G),
    (G, "nope", "deny", G),
    (G, "no, that's wrong", "deny", G),
    (G, "never mind", "cancel", G),
    (G, "forget it", "cancel", G),
    (G, "let's start over", "restart", G),
    (G, "hmm", "unknown", G),
    (G, "no, a boy", "correct", dict(G, subject="boy")),
    (G, "actually make it a woman", "correct", dict(G, subject="woman")),
    (G, "make her hair purple", "correct", dict(G, hair_color="purple")),
    (G, "her hair should be golden", "correct", dict(G, hair_color="blonde")),
    (G, "not red, yellow", "correct", dict(G, outfit_color="yellow")),
    (G, "no, not blue, pink", "correct", dict(G, hair_color="pink")),
    (G, "change the dress to a kimono", "correct", dict(G, outfit="kimono")),
    (G, "put her in a library instead", "correct", dict(G, setting="library")),
    (G, "yes, but at sunset", "correct", dict(G, time_of_day="sunset")),
    (G, "yeah and give her cat ears", "correct", dict(G, accessories=["cat ears"])),
    (G, "make it rain", "correct", dict(G, weather="rain")),
    (G, "she should be smiling and have green eyes", "correct", dict(G, expression="smiling", eye_color="green")),
    (G, "two of them", "correct", dict(G, count=2)),
    (G, "draw a dog running in the snow", "describe", {"subject": "dog", "action": "running", "weather": "snow"}),
    (G, "in Ghibli style please", "correct", dict(G, style="hayao")),
    (B, "no hat", "correct", dict(B, accessories=["glasses"])),
    (B, "take off the glasses", "correct", dict(B, accessories=["hat"])),
    (B, "without the glasses and the hat", "correct", {k: v for k, v in B.items() if k != "accessories"}),
    (B, "replace the hat with a crown", "correct", dict(B, accessories=["crown", "glasses"])),
    (B, "he should be sitting, not reading", "correct", dict(B, action="sitting")),
    (B, "give him a scarf too", "correct", dict(B, accessories=["glasses", "hat", "scarf"])),
    (B, "no, a girl with blonde hair", "correct", dict(B, subject="girl", hair_color="blonde")),
    (B, "make the background a forest", "correct", dict(B, setting="forest")),
    (C, "make it black", "correct", dict(C, hair_color="black")),
    (C, "at night", "correct", dict(C, time_of_day="night")),
    (C, "no, a puppy", "correct", dict(C, subject="dog")),
    (C, "a girl with pink hair dancing in the city at night", "describe",
     {"subject": "girl", "hair_color": "pink", "action": "dancing", "setting": "city", "time_of_day": "night"}),
]
G2 = {"subject": "girl", "hair_color": "blue", "outfit": "dress", "outfit_color": "red", "setting": "park"}
B2 = {"subject": "boy", "hair_color": "black", "accessories": ["glasses", "hat"], "action": "reading", "setting": "beach"}
ZH_REPLIES = [
    (G2, "对的", "confirm", G2),
    (G2, "嗯嗯", "confirm", G2),
    (G2, "没问题,画吧", "confirm", G2),
    (G2, "就这样吧", "confirm", G2),
    (G2, "不对", "deny", G2),
    (G2, "错了", "deny", G2),
    (G2, "算了", "cancel", G2),
    (G2, "不画了", "cancel", G2),
    (G2, "重新开始", "restart", G2),
    (G2, "啊", "unknown", G2),
    (G2, "不对,是男孩", "correct", dict(G2, subject="boy")),
    (G2, "头发换成紫色", "correct", dict(G2, hair_color="purple")),
    (G2, "把她的头发改成金色", "correct", dict(G2, hair_color="blonde")),
    (G2, "不是红色,是黄色", "correct", dict(G2, outfit_color="yellow")),
    (G2, "裙子换成和服", "correct", dict(G2, outfit="kimono")),
    (G2, "对,但是换成晚上", "correct", dict(G2, time_of_day="night")),
    (G2, "好的,再加个猫耳", "correct", dict(G2, accessories=["cat ears"])),
    (G2, "背景换成图书馆", "correct", dict(G2, setting="library")),
    (G2, "她应该在笑", "correct", dict(G2, expression="smiling")),
    (G2, "眼睛要绿色的", "correct", dict(G2, eye_color="green")),
    (G2, "衣服换成白色", "correct", dict(G2, outfit_color="white")),
    (G2, "改成宫崎骏风格", "correct", dict(G2, style="hayao")),
    (G2, "画一只狗在雪地里跑", "describe", {"subject": "dog", "setting": "snow field", "action": "running"}),
    (G2, "改成两个女孩", "correct", dict(G2, count=2)),
    (B2, "去掉帽子", "correct", dict(B2, accessories=["glasses"])),
    (B2, "不要眼镜", "correct", dict(B2, accessories=["hat"])),
    (B2, "把帽子换成王冠", "correct", dict(B2, accessories=["crown", "glasses"])),
    (B2, "帽子不要了", "correct", dict(B2, accessories=["glasses"])),
    (B2, "再给他加一条围巾", "correct", dict(B2, accessories=["glasses", "hat", "scarf"])),
    (B2, "不对,应该是女孩,坐着", "correct", dict(B2, subject="girl", action="sitting")),
    (B2, "是的,不过要下雨", "correct", dict(B2, weather="rain")),
]
EN_REPLIES += [
    (B, "Take the hat off.", "correct", dict(B, accessories=["glasses"])),
    (B, "No, he shouldn't have a hat.", "correct", dict(B, accessories=["glasses"])),
    (B, "Can you make his hair white?", "correct", dict(B, hair_color="white")),
    # nothing is black: the new colour goes where a bare colour goes (the last colour spoken)
    (G, "Not black, white.", "correct", dict(G, outfit_color="white")),
    (G, "make the dress green", "correct", dict(G, outfit_color="green")),
    (G, "Thank you.", "unknown", G),
    (G, "Uh-huh.", "confirm", G),
    (G, "No changes, go ahead.", "confirm", G),
    (G, "change the red to blue", "correct", dict(G, outfit_color="blue")),
    (G, "make the hat green", "correct", dict(G, accessories=["hat"])),  # a hat, colour unrecorded
    (G, "a couple walking in the park", "correct", dict(G, subject="person", count=2, action="walking")),
]
ZH_REPLIES += [
    (G2, "白色的", "correct", dict(G2, outfit_color="white")),   # bare colour: last colour slot spoken
    (G2, "让她在城市里,晚上", "correct", dict(G2, setting="city", time_of_day="night")),
    (G2, "画一个在屋顶上弹吉他的男孩", "describe", {"subject": "boy", "setting": "rooftop", "action": "playing guitar"}),
    (G2, "她应该是金发", "correct", dict(G2, hair_color="blonde")),
    (G2, "扎个马尾", "correct", dict(G2, hair_style="ponytail")),
    (B2, "把帽子摘掉", "correct", dict(B2, accessories=["glasses"])),
    (B2, "眼鏡也不要", "correct", dict(B2, accessories=["hat"])),
    (G2, "谢谢", "unknown", G2),
    (G2, "谢谢观看", "unknown", G2),             # a recogniser's hallucination on silence
    (G2, "對,但是換成晚上", "correct", dict(G2, time_of_day="night")),   # traditional characters
    (G2, "沒問題", "confirm", G2),
    (G2, "嗯,不对,是男孩", "correct", dict(G2, subject="boy")),
    (G2, "把红色换成蓝色", "correct", dict(G2, outfit_color="blue")),
    (B2, "帽子和眼镜都不要", "correct", {k: v for k, v in B2.items() if k != "accessories"}),
    (B2, "帽子换成红色的", "correct", B2),          # a hat's colour is no slot: nothing changes
]


def _check(current, text, intent, expected):
    reply = interpret(text, current)
    assert (reply.intent, reply.attributes) == (intent, validate(expected))
    assert reply.changed == changed_slots(validate(current), reply.attributes)
    return reply


@pytest.mark.parametrize("current,text,intent,expected", EN_REPLIES, ids=[c[1][:40] for c in EN_REPLIES])
def test_english_reply(current, text, intent, expected):
    assert _check(current, text, intent, expected).lang == "en"


@pytest.mark.parametrize("current,text,intent,expected", ZH_REPLIES, ids=[c[1] for c in ZH_REPLIES])
def test_chinese_reply(current, text, intent, expected):
    assert _check(current, text, intent, expected).lang == "zh"


def test_enough_replies_per_language():
    assert len([c for c in EN_REPLIES if c[2] == "correct"]) >= 25
    assert len([c for c in ZH_REPLIES if c[2] == "correct"]) >= 25


@pytest.mark.parametrize("text,affirm", [
    ("yes", True), ("yes, but at night", True), ("no, a boy", False), ("make her hair pink", None),
    ("对,但是换成晚上", True), ("不对,是男孩", False), ("头发换成白色", None), ("no", False),
    ("不要帽子", None), ("no hat", None),
])
def test_affirm_flag(text, affirm):
    assert interpret(text, G).affirm is affirm


def test_subject_correction_keeps_every_other_slot():
    current = {"subject": "boy", "hair_color": "black", "action": "reading", "setting": "beach",
               "count": 2, "accessories": ["glasses"]}
    reply = interpret("no, a girl", current)
    assert reply.attributes == validate(dict(current, subject="girl"))
    assert reply.changed == ["subject"]


def test_idle_description_and_noise():
    reply = interpret("a girl with blue hair", {}, state="idle")
    assert (reply.intent, reply.attributes) == ("describe", {"subject": "girl", "hair_color": "blue"})
    assert interpret("uh", {}, state="idle").intent == "unknown"
    assert interpret("", G).intent == "unknown"
    assert interpret("   ", G).intent == "unknown"
    assert interpret("!!??", G).intent == "unknown"


def test_reply_never_leaves_the_schema():
    for text in ("make it gold", "not red, blonde", "pink", "金色的", "no, three", "两个"):
        reply = interpret(text, G)
        assert validate(reply.attributes) == reply.attributes


# Whole dialogs worded unlike the dev set: a description, corrections, a yes.
from dialog.parse import parse  # noqa: E402

DIALOGS = [
 (["draw a black-haired boy reading on the beach","no, it should be a girl","yes"],{"subject":"girl","hair_color":"black","action":"reading","setting":"beach"}),
 (["a girl with red hair in a forest","change her hair to pink","sure"],{"subject":"girl","hair_color":"pink","setting":"forest"}),
 (["a boy with glasses and a hat","remove the hat","yep"],{"subject":"boy","accessories":["glasses"]}),
 (["a woman in a blue dress","not blue, make it green","okay"],{"subject":"woman","outfit":"dress","outfit_color":"green"}),
 (["a cat on a rooftop","put it on the beach instead","and give it a crown","yes"],{"subject":"cat","setting":"beach","accessories":["crown"]}),
 (["a girl with blue hair","no, silver hair, and make it nighttime","correct"],{"subject":"girl","hair_color":"silver","time_of_day":"night"}),
 (["画一个黑头发的男孩","不是男孩,是女孩","对的"],{"subject":"girl","hair_color":"black"}),
 (["一个戴眼镜戴帽子的男孩","把帽子去掉","好"],{"subject":"boy","accessories":["glasses"]}),
 (["一个在森林里的红发女孩","把头发改成白色","行"],{"subject":"girl","hair_color":"white","setting":"forest"}),
 (["一只在屋顶上的猫","换到海边","加一顶王冠","没错"],{"subject":"cat","setting":"beach","accessories":["crown"]}),
 (["uh, draw me a boy with black hair who's reading at the seaside","nope, a girl","yeah go ahead"],{"subject":"girl","hair_color":"black","action":"reading","setting":"beach"}),
 (["a red haired girl in the woods","her hair should be pink","perfect"],{"subject":"girl","hair_color":"pink","setting":"forest"}),
 (["a boy wearing glasses and a cap","lose the cap","that's right"],{"subject":"boy","accessories":["glasses"]}),
 (["a lady in a blue gown","no not blue, green","yes please"],{"subject":"woman","outfit":"dress","outfit_color":"green"}),
 (["a kitten on the roof","move it to the beach","also add a crown","do it"],{"subject":"cat","setting":"beach","accessories":["crown"]}),
 (["a girl with blue hair","no she should have silver hair and it should be night time","right"],{"subject":"girl","hair_color":"silver","time_of_day":"night"}),
 (["帮我画个黑发的男生","不对,是女生","是的"],{"subject":"girl","hair_color":"black"}),
 (["一个戴着眼镜和帽子的男孩","帽子不要","好的"],{"subject":"boy","accessories":["glasses"]}),
 (["森林里一个红头发的女孩","头发改成白的","可以"],{"subject":"girl","hair_color":"white","setting":"forest"}),
 (["屋顶上的一只猫","背景换成沙滩","再加个皇冠","是的"],{"subject":"cat","setting":"beach","accessories":["crown"]}),
]


@pytest.mark.parametrize("turns,expected", DIALOGS, ids=[d[0][1] for d in DIALOGS])
def test_dialog(turns, expected):
    record = parse(turns[0]).attributes
    intents = []
    for turn in turns[1:]:
        reply = interpret(turn, record)
        intents.append(reply.intent)
        record = reply.attributes
    assert record == validate(expected)
    assert intents[-1] == "confirm" and "confirm" not in intents[:-1], intents


def test_bad_current_record_is_tolerated():
    reply = interpret("make her hair pink", {"subject": "girl", "hair_color": "teal", "mood": "x"})
    assert reply.attributes == {"subject": "girl", "hair_color": "pink"}


@pytest.mark.parametrize("text,gone", [
    ("no background", "setting"), ("remove the background please", "setting"),
    ("without any accessories", "accessories"), ("不要背景", "setting"), ("配饰都去掉", "accessories"),
])
def test_a_negated_slot_noun_clears_the_slot(text, gone):
    current = {"subject": "girl", "setting": "park", "accessories": ["hat", "glasses"]}
    reply = interpret(text, current)
    assert reply.intent == "correct" and reply.changed == [gone]
    assert gone not in reply.attributes
