"""Two or three figure groups in one picture (docs/attributes.md, "Several figures").

The expected records are written from the rules, not from what the parser says: each figure's
attributes bind to it, a verb said once after a plain list of figures applies to them all, "her
kitten" / "with his dog" make a group of their own, "two girls, one of them ..." is two records,
scene slots stay at the top level. Recall is scored per slot over the whole set (>= 0.95), and
the number of groups must be right in every case.
"""

import itertools
import random

import pytest

from dialog.attributes import validate
from dialog.corrections import interpret
from dialog.parse import parse


def F(subject, **slots):
    fig = {"subject": subject, **slots}
    if "accessories" in fig:
        fig["accessories"] = sorted(fig["accessories"])
    return fig


def R(*figures, **scene):
    return {"figures": list(figures), **scene}


EN_CASES = [
    ("a silver-haired boy in a black coat and a girl with pink twintails in a white dress on a rooftop at sunset",
     R(F("boy", hair_color="silver", outfit="coat", outfit_color="black"),
       F("girl", hair_color="pink", hair_style="twintails", outfit="dress", outfit_color="white"),
       setting="rooftop", time_of_day="sunset")),
    ("a boy and a girl singing", R(F("boy", action="singing"), F("girl", action="singing"))),
    ("a girl with her kitten", R(F("girl"), F("cat"))),
    ("a boy with his dog in the park", R(F("boy"), F("dog"), setting="park")),
    ("two girls, one of them holding an umbrella", R(F("girl"), F("girl", accessories=["umbrella"]))),
    ("two puppies and a kitten", R(F("dog", count=2), F("cat"))),
    ("a boy and a girl", R(F("boy"), F("girl"))),
    ("A boy with blue hair and a girl with red hair.",
     R(F("boy", hair_color="blue"), F("girl", hair_color="red"))),
    ("two boys and a dog", R(F("boy", count=2), F("dog"))),
    ("three dogs and a cat", R(F("dog", count=3), F("cat"))),
    ("a woman walking her dog in the park", R(F("woman", action="walking"), F("dog"), setting="park")),
    ("a boy walking his dog", R(F("boy", action="walking"), F("dog"))),
    ("a girl in a red dress and a boy in a blue suit",
     R(F("girl", outfit="dress", outfit_color="red"), F("boy", outfit="suit", outfit_color="blue"))),
    ("a blonde girl and a black-haired boy at the beach",
     R(F("girl", hair_color="blonde"), F("boy", hair_color="black"), setting="beach")),
    ("a smiling girl and a crying boy", R(F("girl", expression="smiling"), F("boy", expression="crying"))),
    ("a girl with glasses and a boy with a hat",
     R(F("girl", accessories=["glasses"]), F("boy", accessories=["hat"]))),
    ("a cat and a dog sleeping", R(F("cat", action="sleeping"), F("dog", action="sleeping"))),
    ("a girl reading and a boy playing guitar in the library",
     R(F("girl", action="reading"), F("boy", action="playing guitar"), setting="library")),
    ("a man in a suit and a woman in a kimono at a shrine",
     R(F("man", outfit="suit"), F("woman", outfit="kimono"), setting="shrine")),
    ("a girl with long black hair and green eyes and a boy with short brown hair",
     R(F("girl", hair_style="long", hair_color="black", eye_color="green"),
       F("boy", hair_style="short", hair_color="brown"))),
    ("a child with a dog in the snow", R(F("child"), F("dog"), weather="snow")),
    ("a girl holding a cat", R(F("girl"), F("cat"))),
    ("a girl with cat ears and a dog", R(F("girl", accessories=["cat ears"]), F("dog"))),
    ("a boy in a hoodie and a girl in a school uniform in a classroom",
     R(F("boy", outfit="hoodie"), F("girl", outfit="school uniform"), setting="classroom")),
    ("two cats and a girl in a garden", R(F("cat", count=2), F("girl"), setting="garden")),
    ("a boy and a girl holding hands under cherry blossoms",
     R(F("boy"), F("girl"), setting="cherry blossoms")),
    ("a girl in a white dress sitting next to a boy in a black jacket",
     R(F("girl", outfit="dress", outfit_color="white", action="sitting"),
       F("boy", outfit="jacket", outfit_color="black"))),
    ("a boy with red hair, a girl with blue hair and a cat",
     R(F("boy", hair_color="red"), F("girl", hair_color="blue"), F("cat"))),
    ("a blue-eyed girl and a green-eyed boy", R(F("girl", eye_color="blue"), F("boy", eye_color="green"))),
    ("a man and a woman walking in the rain at night",
     R(F("man", action="walking"), F("woman", action="walking"), weather="rain", time_of_day="night")),
    ("a girl with twintails and a boy with a ponytail",
     R(F("girl", hair_style="twintails"), F("boy", hair_style="ponytail"))),
    ("a laughing boy and an angry girl", R(F("boy", expression="laughing"), F("girl", expression="angry"))),
    ("a girl in a kimono and her cat at a shrine", R(F("girl", outfit="kimono"), F("cat"), setting="shrine")),
    ("a woman with earrings and a child with a backpack at the train station",
     R(F("woman", accessories=["earrings"]), F("child", accessories=["backpack"]), setting="train station")),
    ("a girl wearing headphones and a boy wearing glasses on the street",
     R(F("girl", accessories=["headphones"]), F("boy", accessories=["glasses"]), setting="street")),
    ("two girls and a boy dancing in the city",
     R(F("girl", count=2, action="dancing"), F("boy", action="dancing"), setting="city")),
    ("a girl and two cats", R(F("girl"), F("cat", count=2))),
    ("a boy and three dogs running in a field",
     R(F("boy", action="running"), F("dog", count=3, action="running"), setting="field")),
    ("a pink-haired girl and a silver-haired boy", R(F("girl", hair_color="pink"), F("boy", hair_color="silver"))),
    ("a girl with an umbrella and a boy in the rain",
     R(F("girl", accessories=["umbrella"]), F("boy"), weather="rain")),
    ("a girl in a yellow sweater and a boy in a green hoodie",
     R(F("girl", outfit="sweater", outfit_color="yellow"), F("boy", outfit="hoodie", outfit_color="green"))),
    ("a woman reading and a child sleeping in a bedroom",
     R(F("woman", action="reading"), F("child", action="sleeping"), setting="bedroom")),
    ("a man playing guitar and a girl singing", R(F("man", action="playing guitar"), F("girl", action="singing"))),
    ("a surprised cat and a shy dog", R(F("cat", expression="surprised"), F("dog", expression="shy"))),
    ("a girl with a scarf and a boy with a mask in the snow",
     R(F("girl", accessories=["scarf"]), F("boy", accessories=["mask"]), weather="snow")),
    ("a girl with braided hair and a woman with curly hair in a cafe",
     R(F("girl", hair_style="braid"), F("woman", hair_style="curly"), setting="cafe")),
    ("a boy with a crown and a girl with a flower in a castle",
     R(F("boy", accessories=["crown"]), F("girl", accessories=["flower"]), setting="castle")),
    ("two girls, one of them wearing glasses", R(F("girl"), F("girl", accessories=["glasses"]))),
    ("three cats, one of them sleeping", R(F("cat", count=2), F("cat", action="sleeping"))),
    ("a girl and her dog, both smiling", R(F("girl", expression="smiling"), F("dog", expression="smiling"))),
    ("a boy with his cat and a girl", R(F("boy"), F("cat"), F("girl"))),
    ("a man in a gray coat walking with a dog",
     R(F("man", outfit="coat", outfit_color="gray", action="walking"), F("dog"))),
    ("a girl in a pink swimsuit and a boy at the beach",
     R(F("girl", outfit="swimsuit", outfit_color="pink"), F("boy"), setting="beach")),
    ("draw a boy and a girl on a rooftop at night, shinkai style",
     R(F("boy"), F("girl"), setting="rooftop", time_of_day="night", style="shinkai")),
    ("a woman and her daughter", R(F("woman"), F("girl"))),
    ("a cat with a crown and a dog with glasses",
     R(F("cat", accessories=["crown"]), F("dog", accessories=["glasses"]))),
    ("a red-haired woman in a green dress and a man in a black suit in a garden",
     R(F("woman", hair_color="red", outfit="dress", outfit_color="green"),
       F("man", outfit="suit", outfit_color="black"), setting="garden")),
    ("an old man reading and his dog sleeping",
     R(F("man", action="reading"), F("dog", action="sleeping"))),
    ("a kid and a puppy playing in the park",
     R(F("child"), F("dog"), setting="park")),
    ("a boy with glasses reading next to a girl with a ribbon",
     R(F("boy", accessories=["glasses"], action="reading"), F("girl", accessories=["ribbon"]))),
]

ZH_CASES = [
    ("一个穿校服的女孩和一个戴帽子的男孩",
     R(F("girl", outfit="school uniform"), F("boy", accessories=["hat"]))),
    ("两只猫和一只狗", R(F("cat", count=2), F("dog"))),
    ("一个穿黑外套的银发男孩和一个穿白裙子的粉发双马尾女孩在天台上,傍晚",
     R(F("boy", outfit="jacket", outfit_color="black", hair_color="silver"),
       F("girl", outfit="dress", outfit_color="white", hair_color="pink", hair_style="twintails"),
       setting="rooftop", time_of_day="sunset")),
    ("一个男孩和一个女孩在唱歌", R(F("boy", action="singing"), F("girl", action="singing"))),
    ("一个女孩和她的小猫", R(F("girl"), F("cat"))),
    ("一个男孩和他的狗在公园", R(F("boy"), F("dog"), setting="park")),
    ("两个女孩,其中一个拿着雨伞", R(F("girl"), F("girl", accessories=["umbrella"]))),
    ("两只小狗和一只小猫", R(F("dog", count=2), F("cat"))),
    ("两个男生和一只狗", R(F("boy", count=2), F("dog"))),
    ("一个男孩和他的狗", R(F("boy"), F("dog"))),
    ("两个少女和一只猫", R(F("girl", count=2), F("cat"))),
    ("一个红头发的男孩和一个蓝头发的女孩", R(F("boy", hair_color="red"), F("girl", hair_color="blue"))),
    ("一个戴眼镜的男孩和一个戴蝴蝶结的女孩",
     R(F("boy", accessories=["glasses"]), F("girl", accessories=["ribbon"]))),
    ("一个穿和服的女人和一个穿西装的男人在神社",
     R(F("woman", outfit="kimono"), F("man", outfit="suit"), setting="shrine")),
    ("一个微笑的女孩和一个哭的男孩", R(F("girl", expression="smiling"), F("boy", expression="crying"))),
    ("一只猫和一只狗在睡觉", R(F("cat", action="sleeping"), F("dog", action="sleeping"))),
    ("一个女孩抱着一只猫", R(F("girl"), F("cat"))),
    ("金发女孩和黑发男孩在海边", R(F("girl", hair_color="blonde"), F("boy", hair_color="black"), setting="beach")),
    ("一个长发女孩和一个短发男孩", R(F("girl", hair_style="long"), F("boy", hair_style="short"))),
    ("一个穿红裙子的女孩和一个穿蓝衬衫的男孩",
     R(F("girl", outfit="dress", outfit_color="red"), F("boy", outfit="shirt", outfit_color="blue"))),
    ("一个女孩在看书,一个男孩在弹吉他,在图书馆",
     R(F("girl", action="reading"), F("boy", action="playing guitar"), setting="library")),
    ("一个男人和一个女人在雨中散步",
     R(F("man", action="walking"), F("woman", action="walking"), weather="rain")),
    ("一个女孩和两只猫在花园", R(F("girl"), F("cat", count=2), setting="garden")),
    ("一个男孩和三只狗在田野里跑",
     R(F("boy", action="running"), F("dog", count=3, action="running"), setting="field")),
    ("一只戴王冠的猫和一只戴帽子的狗", R(F("cat", accessories=["crown"]), F("dog", accessories=["hat"]))),
    ("一个穿泳衣的女孩和一个男孩在海边", R(F("girl", outfit="swimsuit"), F("boy"), setting="beach")),
    ("一个绿眼睛的女孩和一只猫", R(F("girl", eye_color="green"), F("cat"))),
    ("一个扎马尾的女孩和一个戴耳机的男孩在街道上",
     R(F("girl", hair_style="ponytail"), F("boy", accessories=["headphones"]), setting="street")),
    ("一个红发男孩、一个蓝发女孩和一只猫", R(F("boy", hair_color="red"), F("girl", hair_color="blue"), F("cat"))),
    ("两个女孩,其中一个戴着眼镜", R(F("girl"), F("girl", accessories=["glasses"]))),
    ("三只猫,其中一只在睡觉", R(F("cat", count=2), F("cat", action="sleeping"))),
    ("一个男孩跟一个女孩在跳舞", R(F("boy", action="dancing"), F("girl", action="dancing"))),
    ("一个生气的男孩和一个害羞的女孩", R(F("boy", expression="angry"), F("girl", expression="shy"))),
    ("一个戴围巾的女孩和一个戴面具的男孩在下雪",
     R(F("girl", accessories=["scarf"]), F("boy", accessories=["mask"]), weather="snow")),
    ("一个女人和一个孩子在卧室", R(F("woman"), F("child"), setting="bedroom")),
    ("一个蓝眼睛的男孩和一个紫眼睛的女孩", R(F("boy", eye_color="blue"), F("girl", eye_color="purple"))),
    ("一个穿毛衣的男孩和一只狗在晚上", R(F("boy", outfit="sweater"), F("dog"), time_of_day="night")),
    ("画一个女孩和一个男孩在樱花下,新海诚风格",
     R(F("girl"), F("boy"), setting="cherry blossoms", style="shinkai")),
    ("一个女孩和一个男孩", R(F("girl"), F("boy"))),
    ("一个穿卫衣的男孩和一个穿连衣裙的女孩在教室",
     R(F("boy", outfit="hoodie"), F("girl", outfit="dress"), setting="classroom")),
]

# Template cases: each figure is built from a phrase pattern whose meaning the rules fix, so the
# expected record is known without asking the parser.
EN_SUBJECTS = ["girl", "boy", "woman", "man"]
EN_COLORS = ["black", "red", "blue", "pink", "white", "silver", "green", "purple"]
EN_OUTFITS = ["dress", "coat", "hoodie", "suit", "jacket", "sweater", "kimono"]
EN_ACC = ["glasses", "hat", "scarf", "headphones", "crown", "mask"]
EN_SCENES = [("", {}), (" on the beach", {"setting": "beach"}), (" at night", {"time_of_day": "night"}),
             (" in a forest", {"setting": "forest"}), (" in the rain", {"weather": "rain"})]


def _en_figure(rng, subject):
    kind = rng.randrange(4)
    if kind == 0:
        c = rng.choice(EN_COLORS)
        return f"a {c}-haired {subject}", F(subject, hair_color=c)
    if kind == 1:
        c, o = rng.choice(EN_COLORS), rng.choice(EN_OUTFITS)
        return f"a {subject} in a {c} {o}", F(subject, outfit=o, outfit_color=c)
    if kind == 2:
        a = rng.choice(EN_ACC)
        return f"a {subject} with {'a ' if a in ('hat', 'scarf', 'crown', 'mask') else ''}{a}", \
            F(subject, accessories=[a])
    c = rng.choice(EN_COLORS)
    return f"a {subject} with {c} eyes", F(subject, eye_color=c)


ZH_SUBJECTS = {"girl": "女孩", "boy": "男孩", "woman": "女人", "man": "男人"}
ZH_COLORS = {"black": "黑", "red": "红", "blue": "蓝", "pink": "粉", "white": "白", "green": "绿",
             "purple": "紫"}
ZH_OUTFITS = {"dress": "连衣裙", "coat": "大衣", "hoodie": "卫衣", "suit": "西装", "sweater": "毛衣",
              "kimono": "和服"}
ZH_ACC = {"glasses": "眼镜", "hat": "帽子", "scarf": "围巾", "headphones": "耳机", "crown": "王冠"}
ZH_SCENES = [("", {}), ("在海边", {"setting": "beach"}), ("在森林里", {"setting": "forest"}),
             ("在公园", {"setting": "park"})]


def _zh_figure(rng, subject):
    word = ZH_SUBJECTS[subject]
    kind = rng.randrange(4)
    if kind == 0:
        c = rng.choice(sorted(ZH_COLORS))
        return f"一个{ZH_COLORS[c]}头发的{word}", F(subject, hair_color=c)
    if kind == 1:
        c, o = rng.choice(sorted(ZH_COLORS)), rng.choice(sorted(ZH_OUTFITS))
        if o == "kimono":
            return f"一个穿{ZH_OUTFITS[o]}的{word}", F(subject, outfit=o)
        return f"一个穿{ZH_COLORS[c]}色{ZH_OUTFITS[o]}的{word}", F(subject, outfit=o, outfit_color=c)
    if kind == 2:
        a = rng.choice(sorted(ZH_ACC))
        return f"一个戴{ZH_ACC[a]}的{word}", F(subject, accessories=[a])
    c = rng.choice(sorted(ZH_COLORS))
    return f"一个{ZH_COLORS[c]}眼睛的{word}", F(subject, eye_color=c)


def _templated(lang, n, seed):
    rng = random.Random(seed)
    pairs = [p for p in itertools.permutations(EN_SUBJECTS, 2)]
    cases = []
    for _ in range(n):
        s1, s2 = rng.choice(pairs)
        make = _en_figure if lang == "en" else _zh_figure
        (t1, f1), (t2, f2) = make(rng, s1), make(rng, s2)
        scene_text, scene = rng.choice(EN_SCENES if lang == "en" else ZH_SCENES)
        text = f"{t1} and {t2}{scene_text}" if lang == "en" else f"{t1}和{t2}{scene_text}"
        cases.append((text, R(f1, f2, **scene)))
    return cases


EN_ALL = EN_CASES + _templated("en", 50, 11)
ZH_ALL = ZH_CASES + _templated("zh", 45, 12)


def _score(cases, lang):
    hit = total = wrong_groups = 0
    misses = []
    for text, want in cases:
        got = parse(text, lang).attributes
        figs = got.get("figures", [got])
        if len(figs) != len(want["figures"]):
            wrong_groups += 1
            misses.append(f"groups: want {len(want['figures'])} got {len(figs)} <- {text} -> {got}")
        for i, fig in enumerate(want["figures"]):
            have = figs[i] if i < len(figs) else {}
            for slot, value in fig.items():
                total += 1
                if have.get(slot) == value:
                    hit += 1
                else:
                    misses.append(f"figures[{i}].{slot}: want {value!r} got {have.get(slot)!r} <- {text}")
        for slot, value in want.items():
            if slot == "figures":
                continue
            total += 1
            if got.get(slot) == value:
                hit += 1
            else:
                misses.append(f"{slot}: want {value!r} got {got.get(slot)!r} <- {text}")
    return hit / total, total, wrong_groups, misses


def test_enough_cases():
    assert len(EN_ALL) + len(ZH_ALL) >= 150 and len(EN_ALL) >= 75 and len(ZH_ALL) >= 75


@pytest.mark.parametrize("lang,cases", [("en", EN_ALL), ("zh", ZH_ALL)])
def test_per_slot_recall(lang, cases):
    recall, total, wrong_groups, misses = _score(cases, lang)
    print(f"\n{lang}: per-slot recall {recall:.3f} over {total} slots in {len(cases)} cases, "
          f"{wrong_groups} with the wrong number of groups")
    assert recall >= 0.95 and wrong_groups <= len(cases) * 0.03, "\n".join(misses)


@pytest.mark.parametrize("text,want", EN_CASES[:8] + ZH_CASES[:8], ids=[t for t, _ in EN_CASES[:8] + ZH_CASES[:8]])
def test_the_issue_examples_exactly(text, want):
    assert parse(text).attributes == validate(want)


@pytest.mark.parametrize("text", ["a girl", "a blue-haired girl in a red dress on the beach", "两个女孩",
                                  "a girl knight", "a cat girl with a hat", "一个穿和服的女孩"])
def test_one_group_stays_flat(text):
    assert "figures" not in parse(text).attributes


def test_more_than_three_groups_is_a_limit_said_back():
    got = parse("a boy, a girl, a cat and a dog")
    assert [f["subject"] for f in got.attributes["figures"]] == ["boy", "girl", "cat"]
    assert got.left_out == ["dog"]


def test_validate_flattens_one_figure_and_rejects_bad_figures():
    from dialog.attributes import InvalidRecord
    assert validate({"figures": [{"subject": "girl"}], "setting": "beach"}) == {"subject": "girl", "setting": "beach"}
    with pytest.raises(InvalidRecord):
        validate({"figures": [{"subject": "girl", "setting": "beach"}, {"subject": "boy"}]})
    with pytest.raises(InvalidRecord):
        validate({"figures": [{"subject": "girl"}] * 4})


# --------------------------------------------------------------------------- corrections

BOY_GIRL = validate(R(F("boy", hair_color="silver", outfit="coat", outfit_color="black"),
                      F("girl", hair_color="pink", hair_style="twintails", outfit="dress", outfit_color="white"),
                      setting="rooftop", time_of_day="sunset"))
GIRL_DOG = validate(R(F("girl"), F("dog"), setting="park"))
GIRL_WOMAN = validate(R(F("girl", hair_color="black"), F("woman"), setting="cafe"))


def _with(record, index, **slots):
    out = validate(record)
    figs = [dict(f) for f in out["figures"]]
    for k, v in slots.items():
        if v is None:
            figs[index].pop(k, None)
        else:
            figs[index][k] = v
    return validate({**out, "figures": figs})


CORRECTIONS = [
    (BOY_GIRL, "make the boy's hair red", _with(BOY_GIRL, 0, hair_color="red"), ["figures[0].hair_color"]),
    (BOY_GIRL, "the girl should wear glasses", _with(BOY_GIRL, 1, accessories=["glasses"]), ["figures[1].accessories"]),
    (GIRL_DOG, "the dog is sleeping", _with(GIRL_DOG, 1, action="sleeping"), ["figures[1].action"]),
    (BOY_GIRL, "男孩的头发换成红色", _with(BOY_GIRL, 0, hair_color="red"), ["figures[0].hair_color"]),
    (BOY_GIRL, "给女孩加一顶帽子", _with(BOY_GIRL, 1, accessories=["hat"]), ["figures[1].accessories"]),
    (GIRL_DOG, "去掉狗", {"subject": "girl", "setting": "park"}, None),
    (GIRL_DOG, "no dog", {"subject": "girl", "setting": "park"}, None),
    (GIRL_DOG, "add a cat", validate(R(F("girl"), F("dog"), F("cat"), setting="park")), None),
    (validate({"subject": "girl", "hair_color": "blue"}), "add a cat",
     validate(R(F("girl", hair_color="blue"), F("cat"))), None),
    (BOY_GIRL, "just the girl", validate({"subject": "girl", "hair_color": "pink", "hair_style": "twintails",
                                          "outfit": "dress", "outfit_color": "white", "setting": "rooftop",
                                          "time_of_day": "sunset"}), None),
    (BOY_GIRL, "make her hair pink and her dress blue", _with(BOY_GIRL, 1, outfit_color="blue"), ["figures[1].outfit_color"]),
    (BOY_GIRL, "make his coat red", _with(BOY_GIRL, 0, outfit_color="red"), ["figures[0].outfit_color"]),
    (BOY_GIRL, "change the background to the beach", {**BOY_GIRL, "setting": "beach"}, ["setting"]),
    (BOY_GIRL, "at night", {**BOY_GIRL, "time_of_day": "night"}, ["time_of_day"]),
    (BOY_GIRL, "the boy should be smiling", _with(BOY_GIRL, 0, expression="smiling"), ["figures[0].expression"]),
    (BOY_GIRL, "女孩的裙子换成红色", _with(BOY_GIRL, 1, outfit_color="red"), ["figures[1].outfit_color"]),
    (BOY_GIRL, "男孩戴眼镜", _with(BOY_GIRL, 0, accessories=["glasses"]), ["figures[0].accessories"]),
    (GIRL_DOG, "狗在睡觉", _with(GIRL_DOG, 1, action="sleeping"), ["figures[1].action"]),
    (GIRL_DOG, "再加一只猫", validate(R(F("girl"), F("dog"), F("cat"), setting="park")), None),
    (BOY_GIRL, "只要女孩", validate({"subject": "girl", "hair_color": "pink", "hair_style": "twintails",
                                     "outfit": "dress", "outfit_color": "white", "setting": "rooftop",
                                     "time_of_day": "sunset"}), None),
    (GIRL_DOG, "give the girl a hat", _with(GIRL_DOG, 0, accessories=["hat"]), None),
    (GIRL_DOG, "the girl should have blue hair", _with(GIRL_DOG, 0, hair_color="blue"), None),
    (GIRL_DOG, "make her hair blue", _with(GIRL_DOG, 0, hair_color="blue"), None),
    (_with(BOY_GIRL, 1, accessories=["glasses"]), "remove the girl's glasses", BOY_GIRL, ["figures[1].accessories"]),
    (_with(BOY_GIRL, 1, accessories=["glasses"]), "去掉女孩的眼镜", BOY_GIRL, ["figures[1].accessories"]),
    (BOY_GIRL, "把背景换成海边", {**BOY_GIRL, "setting": "beach"}, ["setting"]),
]


@pytest.mark.parametrize("current,reply,want,changed", CORRECTIONS, ids=[c[1] for c in CORRECTIONS])
def test_correction_addressed_to_one_figure(current, reply, want, changed):
    got = interpret(reply, current, state="confirming")
    assert got.intent == "correct" or (got.attributes == current == want)
    assert got.attributes == want
    if changed is not None:
        assert got.changed == changed


@pytest.mark.parametrize("reply,lang", [("make her hair pink", "en"), ("把她的头发换成粉色", "zh")])
def test_an_ambiguous_pronoun_asks_whose(reply, lang):
    got = interpret(reply, GIRL_WOMAN, lang, state="confirming")
    assert got.intent == "clarify" and got.attributes == GIRL_WOMAN
    assert ("girl" in got.question and "woman" in got.question) or ("女孩" in got.question and "女人" in got.question)
    # The answer to the question, with the question's reply, settles it.
    answer = interpret("the woman's" if lang == "en" else "女人的", GIRL_WOMAN, lang, state="confirming",
                       pending=reply)
    assert answer.intent == "correct"
    assert answer.attributes == _with(GIRL_WOMAN, 1, hair_color="pink")


# --------------------------------------------------------------------------- saying and drawing

def test_confirmation_says_both_figures_short():
    from dialog.phrasing import describe
    en = describe(parse(EN_CASES[0][0]).attributes, "en")
    assert en.startswith("a silver-haired boy in a black coat and a girl with pink") and "white dress" in en
    assert en.endswith("on a rooftop at sunset") and len(en.split()) <= 25
    zh = describe(parse(ZH_CASES[2][0]).attributes, "zh")
    assert "男孩和" in zh and zh.index("黑") < zh.index("男孩") < zh.index("粉") < zh.index("女孩")
    assert "屋顶" in zh and "黄昏" in zh and len(zh) <= 50
    # a verb said once for both is said once back
    assert describe(parse("a boy and a girl singing").attributes, "en") == "a boy and a girl singing"


def test_prompt_has_count_tags_and_each_figure_its_own_group():
    from dialog.prompts import build_prompt
    prompt, negative = build_prompt(parse(EN_CASES[0][0]).attributes, None)
    assert "1girl, 1boy" in prompt
    boy = prompt.index("(boy"), prompt.index("(girl")
    assert "silver hair" in prompt[boy[0]:boy[1]] and "black coat" in prompt[boy[0]:boy[1]]
    assert "pink hair" in prompt[boy[1]:] and "white dress" in prompt[boy[1]:]
    assert "multiple people" not in negative and "solo" not in prompt
    prompt, _ = build_prompt(parse("two girls and a boy dancing").attributes, None)
    assert "2girls, 1boy" in prompt
    prompt, negative = build_prompt(parse("两只猫和一只狗").attributes, None)
    assert "two cats" in prompt and "dog" in prompt and "humanoid" in negative


def test_changed_names_slots_per_figure():
    got = interpret("make the boy's hair red and set it at night", BOY_GIRL)
    assert got.changed == ["figures[0].hair_color", "time_of_day"]


# --------------------------------------------------------------------------- the sketch

def test_sketch_draws_each_group_with_its_own_colours():
    from tests.test_sketch import _near
    from assistant.image import sketch
    record = parse(EN_CASES[0][0]).attributes
    image = sketch.render(record, seed=3)
    lay = sketch.layout(record, seed=3)
    boy, girl = (g[0] for g in lay["groups"])
    from tests.test_sketch import _mean
    from assistant.image.palette import rgb
    import numpy as np

    def closer(box, this, than):
        m = _mean(image, box)
        return np.linalg.norm(m - rgb(this)) < np.linalg.norm(m - rgb(than))
    assert closer(boy["hair"], "silver", "pink") and closer(girl["hair"], "pink", "silver")
    assert _near(image, girl["hair"], "pink") > 5 * _near(image, boy["hair"], "pink")
    assert closer(boy["outfit"], "black", "white") and closer(girl["outfit"], "white", "black")
    assert boy["body"][2] <= girl["body"][0] + 12  # side by side, in the order said


def test_sketch_draws_a_pet_beside_people_small_and_counts_per_group():
    from assistant.image import sketch
    lay = sketch.layout(parse("a girl with her kitten").attributes, seed=1)
    girl, cat = lay["groups"][0][0], lay["groups"][1][0]
    height = lambda box: box[3] - box[1]  # noqa: E731
    assert height(cat["body"]) < 0.6 * height(girl["body"])
    lay = sketch.layout(parse("two puppies and a kitten").attributes, seed=1)
    assert [len(g) for g in lay["groups"]] == [2, 1] and len(lay["figures"]) == 3
    # today's limit of figures holds across groups
    big = validate(R(F("girl", count=3), F("dog", count=3)))
    assert len(sketch.layout(big, seed=1)["figures"]) == 5


# --------------------------------------------------------------------------- whole dialogs

DIALOGS = [
    (["a silver-haired boy in a black coat and a girl with pink twintails in a white dress on a rooftop at sunset",
      "make the boy's hair red", "the girl should wear glasses", "yes"],
     validate(R(F("boy", hair_color="red", outfit="coat", outfit_color="black"),
                F("girl", hair_color="pink", hair_style="twintails", outfit="dress", outfit_color="white",
                  accessories=["glasses"]), setting="rooftop", time_of_day="sunset"))),
    (["一个穿校服的女孩和一个戴帽子的男孩在公园", "男孩的头发换成红色", "给女孩加一顶帽子", "对"],
     validate(R(F("girl", outfit="school uniform", accessories=["hat"]), F("boy", accessories=["hat"], hair_color="red"),
                setting="park"))),
    (["a girl with black hair and a woman in a cafe", "make her hair pink", "the woman's", "yes"],
     validate(R(F("girl", hair_color="black"), F("woman", hair_color="pink"), setting="cafe"))),
    (["两只猫和一只狗在花园", "狗在睡觉", "好的"],
     validate(R(F("cat", count=2), F("dog", action="sleeping"), setting="garden"))),
    (["a girl and a dog in the park", "remove the dog", "add a cat", "yes"],
     validate(R(F("girl"), F("cat"), setting="park"))),
    (["a boy and a girl on the beach", "just the girl", "yes"], {"subject": "girl", "setting": "beach"}),
]


@pytest.mark.parametrize("turns,want", DIALOGS, ids=[d[0][1] for d in DIALOGS])
def test_chat_dialog_ends_in_the_right_picture(turns, want, tmp_path):
    from tests.test_chat import chat
    p, events = chat(*turns, image_out=tmp_path, env={"XDG_DATA_HOME": str(tmp_path / "data")})
    assert p.returncode == 0, p.stderr
    images = [e for e in events if e["type"] == "image"]
    assert images and images[-1]["attributes"] == want
    understood = [e for e in events if e["type"] == "understood"]
    assert all("attributes" in e for e in understood)


# --------------------------------------------------------------------------- the window

@pytest.mark.parametrize("lang,turns", [
    ("en", ["a silver-haired boy in a black coat and a girl with pink twintails in a white dress on a rooftop at sunset",
            "make the boy's hair red", "yes"]),
    ("zh", ["一个穿黑外套的银发男孩和一个穿白裙子的粉发双马尾女孩在天台上,傍晚", "男孩的头发换成红色", "对"]),
])
def test_window_groups_chips_per_figure_and_shows_the_picture(tmp_path, lang, turns):
    import os
    from pathlib import Path
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    from tests.test_chat import chat
    from tests.test_window import Session
    art = Path(__file__).resolve().parent / "artifacts" / "two_subjects"
    art.mkdir(parents=True, exist_ok=True)
    p, events = chat(*turns, image_out=tmp_path, env={"XDG_DATA_HOME": str(tmp_path / "data")})
    assert p.returncode == 0, p.stderr
    s = Session(tmp_path, lang)
    k = next(i for i, e in enumerate(events) if e["type"] == "understood" and e["intent"] == "correct")
    said = next(i for i in range(k, len(events)) if events[i]["type"] == "say")
    s.play(events[:said + 1], events[said]["t"])
    s.display.render_frame()
    s.display.save_frame(art / f"{lang}-confirm.png")
    chips = s.display.layout.chips
    rows = {}
    for slot, _, rect, highlighted in chips:
        index = slot.split("]")[0] if slot.startswith("figures[") else "scene"
        rows.setdefault(index, set()).add(rect.top)
    # each figure's chips start a line of their own, and the corrected one glows
    assert min(rows["figures[1"]) > max(rows["figures[0"])
    assert [slot for slot, _, _, lit in chips if lit] == ["figures[0].hair_color"]
    s.play(events, events[-1]["t"] + 0.5)
    s.display.render_frame()
    s.display.save_frame(art / f"{lang}-picture.png")
    lay = s.display.layout
    (hint,) = lay.rects_of("hint")
    # Every chip that is drawn stays clear of the footer; the ones that did not fit are counted.
    assert lay.chips and all(not rect.colliderect(hint) for _, _, rect, _ in lay.chips)
