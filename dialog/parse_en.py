"""English utterance -> attribute mentions.

Steps: lower-case tokens (hyphens and apostrophes dropped, punctuation kept as clause breaks) ->
sound-alike and fuzzy repair of misheard words -> longest phrase match against the lexicon ->
binding (a colour to the noun it qualifies, "long" to hair, a number to the subject after it) ->
negation scope ("without glasses or a hat").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from dialog import fuzzy, lexicon
from dialog.mentions import Analysis, Mention
from dialog.words import TOKEN, en_index, singular

PUNCT = set(",.;!?:")

# Colour words that can only describe hair ("a brunette", "a blonde girl").
HAIR_ONLY = {"blonde", "blond", "blondie", "brunette", "brunet", "ginger", "auburn", "redhead",
             "red haired", "platinum", "platinum blonde", "raven", "flaxen", "towheaded",
             "honey blonde", "strawberry blonde", "dirty blonde"}
# Lightness words that name a colour only for hair.
HAIR_SHADES = {"dark": "black", "fair": "blonde", "light": "blonde"}
# Things named for their colour, a colour only right before hair, eyes or clothes.
COLOR_NOUNS = {"rose": "pink", "roses": "pink", "peach": "orange", "cherry": "red",
               "coffee": "brown", "chocolate": "brown", "lemon": "yellow", "sky": "blue",
               "ocean": "blue", "sea": "blue", "snow": "white", "milk": "white", "sand": "brown",
               "flame": "red", "fire": "red", "blood": "red", "honey": "blonde", "straw": "blonde",
               "ash": "gray", "smoke": "gray", "grass": "green", "leaf": "green", "forest": "green",
               "sapphire": "blue", "ruby": "red", "emerald": "green", "amethyst": "purple"}
# Things whose colour a simile names, matched as their lexicon meaning ("the color of the sky").
COLORED_THINGS = {("setting", "cherry blossoms"): "pink", ("setting", "beach"): "blue",
                  ("weather", "snow"): "white", ("weather", "sunny"): "yellow",
                  ("setting", "forest"): "green", ("setting", "field"): "green",
                  ("time_of_day", "sunset"): "orange", ("time_of_day", "night"): "black",
                  ("accessories", "flower"): "pink", ("weather", "rain"): "gray"}
# Words between a noun and its colour ("hair that is pink", "make her hair pink", "dress to red").
LINKING = {"is", "are", "was", "were", "be", "been", "being", "to", "into", "colored", "dyed",
           "of", "a", "an", "the", "should", "bit", "more", "which", "that", "thats", "turned",
           "turn", "made", "make", "all", "her", "his", "its", "their", "change", "changed",
           "color", "colour", "now", "look", "looks", "painted", "paint", "in", "go", "goes",
           "instead", "please", "totally", "completely", "little", "kind", "sort", "ish",
           "shade", "tone", "something", "like", "maybe", "very", "quite", "pretty",
           "has", "have", "having", "got", "eye", "both", "as"}
# Words after which a noun-less colour is the outfit's ("dressed in red", "wearing white").
WEARING = {"wearing", "wears", "wear", "dressed", "clad", "outfit", "clothes", "dress", "in"}
# Words a colour may look across on its way to its noun; anything else unknown is skipped only
# twice ("blue summer dress", "red fluffy scarf").
BOUNDARY = {"with", "in", "on", "at", "under", "by", "near", "wearing", "holding", "while",
            "who", "is", "are", "was", "and", "or", "but", "to", "from", "into", "of", "the",
            "a", "an", "her", "his", "their", "its", "has", "have", "standing", "sitting",
            "next", "behind", "beside", "that", "this", "as", "for", "like", "wears", "over"}
NEG_STARTS = ("without", "no", "not", "never", "dont", "doesnt", "didnt", "isnt", "arent",
              "wont", "cant", "shouldnt", "wouldnt", "hasnt", "havent", "wasnt", "werent",
              "cannot", "mustnt", "neednt", "aint", "remove", "removing", "removed", "lose", "drop", "minus",
              "delete", "skip", "nor", "neither", "except", "nothing", "none", "exclude",
              "forget", "ditch", "scrap", "scratch", "cancel", "nevermind", "omit", "lose")
NEG_PHRASES = (("take", "off"), ("take", "away"), ("get", "rid", "of"), ("leave", "out"),
               ("leave", "off"), ("instead", "of"), ("rather", "than"), ("no", "more"),
               ("do", "not"), ("does", "not"), ("did", "not"), ("is", "not"), ("are", "not"),
               ("no", "longer"), ("take", "out"), ("takeoff",), ("lose", "the"), ("get", "rid"),
               ("free", "of"), ("less",), ("with", "no"), ("with", "out"), ("no", "need", "for"),
               ("dont", "need"), ("no", "need", "to", "have"), ("never", "mind"),
               ("forget", "about"), ("get", "rid", "of"))
# Filler a negation reaches across ("without any glasses", "no hat or scarf").
NEG_FILL = {"a", "an", "the", "any", "her", "his", "their", "its", "wearing", "wear", "wears",
            "have", "has", "having", "want", "need", "those", "that", "this", "these", "them",
            "of", "pair", "more", "or", "nor", "and", "either", "put", "on", "at", "in", "be",
            "should", "she", "he", "it", "they", "want", "needs", "there", "carry", "carrying",
            "holding", "hold", "use", "using", "with", "like", "so", "much", "too", "also",
            "him", "them", "anymore", "longer", "i", "dont", "do", "please", "got", "gonna"}
# "don't give her a hat", "never draw glasses": a verb a spoken "don't" reaches across (a bare
# "no" does not: "no, give her a hat" adds the hat).
NEG_VERBAL = {"dont", "never", "didnt", "doesnt", "wont", "shouldnt", "cant", "not", "wouldnt"}
NEG_VERBS = {"give", "add", "include", "draw", "paint", "show", "put", "make", "let", "dress",
             "need", "want", "wanna", "like", "bother", "with", "to", "see", "her", "him", "them"}
NEG_LIST = {"or", "nor", "and", "a", "an", "any", "the", "either", "neither", "also", "even",
            "her", "his", "their", "its"}
ACTION_AS_ADJECTIVE_AFTER = {"a", "an", "the", "with", "by", "of", "some", "many", "and", "among",
                             "her", "his", "their", "its", "few", "several", "two", "three"}
SUBJECT_RANK = {"cat": 5, "dog": 5, "girl": 4, "boy": 4, "woman": 3, "man": 3, "child": 2,
                "person": 1}
# Garment words that are verbs: a colour before them is not the clothes' ("dressed in red" is).
VERB_GARMENTS = {"dressed in", "clothed", "wear", "dressed"}
SHOP_WORDS = {"shop", "shops", "store", "stores", "stall", "stand", "boutique", "market", "seller",
              "vendor", "factory", "maker", "makers"}
CHANGE_WORDS = {"replace", "swap", "change", "switch", "exchange", "trade", "turn", "substitute"}
VALUE_SLOTS = ("subject", "hair_style", "outfit", "accessories", "action", "expression", "setting",
               "time_of_day", "weather", "style")
CONTEXT_NOUNS = {
    "background": "setting", "backdrop": "setting", "scene": "setting", "place": "setting",
    "location": "setting", "setting": "setting", "scenery": "setting", "backgrounds": "setting",
    "weather": "weather", "time": "time_of_day", "style": "style", "expression": "expression",
    "face": "expression", "mood": "expression", "pose": "action", "doing": "action",
    "outfit": "outfit_color", "clothes": "outfit_color", "clothing": "outfit_color",
    "hair": "hair_color", "eyes": "eye_color", "eye": "eye_color", "hairstyle": "hair_style",
    "haircut": "hair_style", "accessories": "accessories", "accessory": "accessories",
}
# Slots a negated slot noun clears ("no background", "without any accessories").
CLEARABLE = {"background": "setting", "backdrop": "setting", "scenery": "setting",
             "backgrounds": "setting", "weather": "weather", "style": "style",
             "accessories": "accessories", "accessory": "accessories", "expression": "expression"}


@dataclass
class _Item:
    kind: str        # lexicon kind, "word" or "punct"
    value: object
    start: int       # token index
    end: int
    text: str
    negated: bool = False
    bound: str | None = None


# Short function words are never half of a word split in two ("the start" is not "the stars").
NO_JOIN = {"the", "a", "an", "in", "on", "at", "of", "to", "and", "or", "with", "by", "for",
           "is", "are", "her", "his", "she", "he", "it", "its", "my", "me", "i", "you", "be",
           "as", "so", "but", "no", "not", "that", "this", "from", "up", "into", "some", "very"}


def _entry(key: str):
    """(kind, value) of a raw lexicon key, as the fuzzy matcher names them."""
    entries = lexicon.table("en").get(key)
    return entries[0] if entries else None


# Slips that are real words, repaired only where the word before gives them away:
# "with classes" (glasses), "at knight" (night), "blue ice" (eyes).
CONTEXT_SLIPS = {
    "classes": ({"with", "wearing", "wears", "no", "without", "some", "his", "her", "round"}, "glasses"),
    "knight": ({"at", "tonight", "the"}, "night"),
    "ice": (set(), "eyes"),
    "grill": ({"a", "the", "anime", "little", "cute", "young"}, "girl"),
    "grills": ({"two", "three", "four", "some", "anime", "little", "cute", "young"}, "girls"),
    "ayes": (set(), "eyes"),
}


# Recognisers and typists glue compounds together: "blackhaired", "blueeyed", "pinkhaired".
_GLUED = re.compile(r"\b([a-z]{3,}?)(haired|eyed)\b")


def tokenize(text: str) -> list[str]:
    text = text.lower().replace("\u2019", "'").replace("'", "").replace("&", " and ")
    text = text.replace("-", " ").replace("_", " ")
    text = _GLUED.sub(r"\1 \2", text)
    toks = [w for t in TOKEN.findall(text) for w in lexicon.EN_SOUNDALIKE.get(t, t).split()]
    toks = _drop_disfluencies(toks)
    for i, t in enumerate(toks):
        slip = CONTEXT_SLIPS.get(t)
        if slip and i > 0:
            before, fixed = slip
            colour_before = toks[i - 1] in _colour_words()
            if toks[i - 1] in before or (not before and colour_before):
                toks[i] = fixed
    # "a cat girl", "neko boy", "fox girl": a person with animal ears, not an animal.
    for i in range(len(toks) - 2, -1, -1):
        if toks[i] in ANIMAL_EARED and toks[i + 1] in EARED_PEOPLE:
            toks[i:i + 1] = ["cat", "ears"]
    return toks


ANIMAL_EARED = {"cat", "neko", "kitty", "fox", "kitsune", "wolf", "bunny"}
EARED_PEOPLE = {"girl", "girls", "boy", "boys", "woman", "women", "man", "men", "maid", "maids",
                "lady", "kid", "child", "person"}


# Hesitation sounds carry no meaning and must not split "crimson, uh, eyes" apart.
HESITATIONS = {"um", "umm", "uhm", "uh", "uhh", "er", "erm", "ehm", "uhhh", "ummm"}


def _drop_disfluencies(toks: list[str]) -> list[str]:
    """Hesitations (with the comma a recogniser puts after one) and stutters ("with with")."""
    out: list[str] = []
    skip_comma = False
    for i, t in enumerate(toks):
        nxt = toks[i + 1] if i + 1 < len(toks) else ""
        prev = toks[i - 1] if i else ""
        if t in HESITATIONS and not (t == "uh" and ("huh" in (nxt, prev) or "uh" in (nxt, prev))):
            skip_comma = True  # ("uh-huh" is a yes and "uh-uh" a no)
            if nxt == "," and out and out[-1] == ",":
                out.pop()  # "crimson, uh, eyes": the commas only frame the hesitation
            continue
        if skip_comma and t == ",":
            skip_comma = False
            continue
        if (t == "you" and nxt == "know" or t == "know" and prev == "you") and not (
                toks[i - 1 if t == "you" else i - 2: i][:1] in (["do"], ["did"], ["dont"], ["if"])):
            skip_comma = t == "know"  # "she has, you know, pink hair"
            continue
        skip_comma = False
        if out and t == out[-1] and t.isalpha() and t != "uh":
            continue
        out.append(t)
    return out


@lru_cache(maxsize=1)
def _colour_words() -> frozenset[str]:
    return frozenset(k for k, v in en_index()[0].items() if v[0] == "color" and " " not in k)


def _match(tokens: list[str]) -> list[_Item]:
    phrases, compact, longest = en_index()
    items: list[_Item] = []
    i = 0
    n_tok = len(tokens)
    while i < n_tok:
        tok = tokens[i]
        if tok in PUNCT:
            items.append(_Item("punct", tok, i, i + 1, tok))
            i += 1
            continue
        found = None
        if i > 0 and tokens[i - 1] in ("named", "called"):
            # "a boy named Bob", "a cat called Rose": a name, whatever else it means
            items.append(_Item("word", tok, i, i + 1, tok))
            i += 1
            continue
        # Longest phrase first, never across punctuation.
        for n in range(min(longest, n_tok - i), 0, -1):
            span = tokens[i:i + n]
            if any(t in PUNCT for t in span):
                continue
            key = " ".join(span)
            hit = phrases.get(key) or (compact.get("".join(span)) if n > 1 else None)
            if hit:
                found = (hit, n)
                break
        if not found:
            for form in singular(tok):
                # a plural number is no count: "dozens of cats", "in her twenties"
                if form in phrases and phrases[form][0] != "count":
                    found = (phrases[form], 1)
                    break
        if not found and i + 1 < n_tok and tokens[i + 1] not in PUNCT \
                and tok not in phrases and tokens[i + 1] not in phrases \
                and tok not in NO_JOIN and tokens[i + 1] not in NO_JOIN:
            # A word split in two by the recogniser ("head fones", "back pak").
            joined = tok + tokens[i + 1]
            key = fuzzy.correct_en(joined) if len(joined) >= 6 else None
            # A short second word must join exactly: "please do" is no "pleased".
            allowed = 1 if len(tokens[i + 1]) > 2 else 0
            if key and fuzzy.distance(joined, key.replace(" ", ""), 1) <= allowed and _entry(key):
                found = (_entry(key), 2)
        if not found and tok.endswith("ish") and len(tok) > 5:
            # "brownish", "reddish", "goldish": the colour, said loosely
            stem = tok[:-3]
            for form in (stem, stem[:-1] if stem[-1:] == stem[-2:-1] else None, stem + "e"):
                hit = phrases.get(form) if form else None
                if hit and hit[0] == "color":
                    found = (hit, 1)
                    break
        if not found:
            key = fuzzy.correct_en(tok)
            if key and _entry(key):
                found = (_entry(key), 1)
        if found:
            (kind, value), n = found
            items.append(_Item(kind, value, i, i + n, " ".join(tokens[i:i + n])))
            i += n
        else:
            items.append(_Item("word", tok, i, i + 1, tok))
            i += 1
    return items


def _bind_colors(items: list[_Item]) -> None:
    for k, it in enumerate(items):
        j = k - 1
        while j >= 0 and items[j].text in ("the", "a", "an", "fresh", "ripe"):
            j -= 1
        if j >= 1 and items[j].text == "of" and items[j - 1].text in ("color", "shade", "tone") \
                and (it.text in COLOR_NOUNS or (it.kind, it.value) in COLORED_THINGS):
            # "hair the colour of cherry blossoms", "eyes the color of the sea"
            it.kind, it.value = "color", COLOR_NOUNS.get(it.text) or COLORED_THINGS[(it.kind, it.value)]
            continue
        if it.kind == "word" and it.text == "read" and k + 1 < len(items) \
                and items[k + 1].kind in ("hair_noun", "eye_noun", "garment", "outfit"):
            it.kind, it.value = "color", "red"  # "read hair": a misheard "red"
        elif it.kind == "shade" and it.text in HAIR_SHADES and k + 1 < len(items) \
                and items[k + 1].kind == "hair_noun" and (k == 0 or items[k - 1].kind != "color"):
            it.kind, it.value = "color", HAIR_SHADES[it.text]  # "dark hair", "fair-haired"
        elif it.text in COLOR_NOUNS and _simile(items, k):
            # A simile: "hair like snow" is white hair, "white as snow" is no weather.
            if any(x.kind == "color" for x in items[max(0, k - 5):k - 1]):
                it.kind, it.value = "word", it.text
            else:
                it.kind, it.value = "color", COLOR_NOUNS[it.text]
        elif it.kind != "color" and it.text in COLOR_NOUNS and k + 1 < len(items) \
                and items[k + 1].kind == "color":
            it.kind, it.value = "shade", "_"  # "rose gold", "sky blue": one colour's name
        elif it.kind != "color" and it.text in COLOR_NOUNS and _noun_after(items, k):
            it.kind, it.value = "color", COLOR_NOUNS[it.text]  # "rose hair", "honey-coloured hair"
    for k in range(len(items) - 1):
        before = items[k - 1].text if k else ""
        if items[k].kind == "color" and items[k + 1].kind == "color" and (
                items[k].text.endswith("ish") or _noun_after(items, k + 1) or (
                    before not in NEG_STARTS and before not in ("from", "than", "of", "instead"))):
            # "ash blonde hair", "reddish brown", "bluish green eyes": the last names the base
            # colour ("not red blue" is two colours)
            items[k].kind, items[k].value = "shade", "_"
    for k, it in enumerate(items):
        if it.kind != "color":
            continue
        it.bound = _forward_target(items, k)
        if it.bound is None:
            it.bound = _backward_target(items, k)
        elif it.bound == _BLOCK_MARK:
            # "her hair is blue, cat ears too": a noun right before wins over a blocked one after.
            it.bound = _backward_target(items, k, wearing=False) or _BLOCK_MARK
        if it.bound is None and it.text in HAIR_ONLY:
            it.bound = "hair_color"
        if it.bound == "hair_color" and it.value in ("gold", "yellow"):
            it.value = "blonde"
        elif it.bound in ("eye_color", "outfit_color") and it.value == "blonde":
            it.value = "gold"


def _noun_after(items: list[_Item], k: int) -> bool:
    j = k + 1
    if j < len(items) and items[j].text in ("colored", "coloured", "color", "colour", "tinted"):
        j += 1
    return j < len(items) and items[j].kind in ("hair_noun", "eye_noun", "garment", "outfit")


def _list_comma(items: list[_Item], j: int) -> bool:
    """A comma inside a list of adjectives ("long, pink hair")."""
    if not (items[j].kind == "punct" and items[j].text == "," and j + 1 < len(items)):
        return False
    nxt = items[j + 1]
    return nxt.kind in ("color", "length", "shade") or (
        nxt.kind == "hair_style" and ("hair" in nxt.text or (
            j + 2 < len(items) and items[j + 2].kind == "hair_noun")))


def _forward_target(items: list[_Item], k: int) -> str | None:
    color = items[k]
    skipped_words = 0
    j = k + 1
    while j < len(items):
        it = items[j]
        if it.kind in ("shade", "length", "color") or _list_comma(items, j):
            j += 1
            continue
        if it.kind == "word":
            if it.text in ("and", "or") and j + 1 < len(items) and items[j + 1].kind == "color":
                j += 1
                continue
            if it.text in BOUNDARY or skipped_words >= 2:
                return None
            skipped_words += 1
            j += 1
            continue
        if it.kind in ("hair_noun", "hair_style"):
            return "hair_color"
        if it.kind == "eye_noun":
            return "eye_color"
        if it.kind == "garment" and it.text in VERB_GARMENTS:
            return None  # "her eyes are blue dressed in a coat": the verb names no colour
        if it.kind in ("outfit", "garment"):
            return "outfit_color"
        if it.kind == "subject" and color.text in HAIR_ONLY and it.value not in ("cat", "dog"):
            # "a ginger girl" is her hair; "a ginger cat" is fur, which no slot holds
            return "hair_color"
        if it.kind in ("subject", "thing", "accessories", "setting", "weather", "time_of_day"):
            return _BLOCK_MARK
        return None
    return None


_BLOCK_MARK = "_blocked"


def _simile(items: list[_Item], k: int) -> bool:
    """"hair like snow", "eyes like the ocean", "white as snow"."""
    j = k - 1
    if j >= 0 and items[j].text in ("the", "a", "an", "fresh", "new", "deep", "clear"):
        j -= 1
    if j < 1 or items[j].text not in ("like", "as"):
        return False
    return any(x.kind in ("hair_noun", "eye_noun", "garment", "outfit", "color")
               for x in items[max(0, j - 4):j])


def _backward_target(items: list[_Item], k: int, wearing: bool = True) -> str | None:
    j = k - 1
    steps = 0
    while j >= 0 and steps < 7:  # "hair that is a light shade of purple"
        it = items[j]
        if it.kind in ("hair_noun", "hair_style"):
            return "hair_color"
        if it.kind == "eye_noun":
            return "eye_color"
        if it.kind in ("outfit", "garment"):
            return "outfit_color"
        if wearing and it.kind == "word" and it.text in WEARING and (j == k - 1 or items[j + 1].text == "all"):
            return "outfit_color"
        if it.kind in ("accessories", "thing"):
            return _BLOCK_MARK  # "make the hat red": a hat's colour is no slot
        if it.kind in ("shade", "length") or (it.kind == "word" and it.text in LINKING) or (
                it.kind == "punct" and it.text == ":") or (
                # "hair is long and pink": "and" after another word about the same noun
                it.kind == "word" and it.text == "and" and j > 0 and items[j - 1].kind == "length"):
            j -= 1
            steps += 1
            continue
        return None
    return None


def _bind_lengths(items: list[_Item]) -> None:
    for k, it in enumerate(items):
        if it.kind != "length":
            continue
        target = None
        j = k + 1
        while j < len(items) and j <= k + 6:  # "long, wavy, black hair"
            nxt = items[j]
            if nxt.kind == "hair_noun":
                target = it.value
                break
            if nxt.kind in ("shade", "color", "length") or _list_comma(items, j) or (
                    nxt.kind == "word" and nxt.text in ("and",)):
                j += 1
                continue
            break
        if target is None:
            j = k - 1
            while j >= 0 and j >= k - 4:
                prev = items[j]
                if prev.kind == "hair_noun":
                    target = it.value
                    break
                if prev.kind == "word" and prev.text in LINKING or prev.kind == "shade":
                    j -= 1
                    continue
                break
        if target:
            it.kind, it.value = "hair_style", target


def _negations(items: list[_Item], tokens: list[str]) -> None:
    k = 0
    while k < len(items):
        it = items[k]
        if it.kind != "word":
            k += 1
            continue
        width = 0
        for phrase in NEG_PHRASES:
            if tuple(x.text for x in items[k:k + len(phrase)]) == phrase:
                width = len(phrase)
                break
        if not width and it.text in NEG_STARTS:
            width = 1
        if width and it.text == "not" and k and items[k - 1].text == "why":
            width = 0  # "why not at the beach?" suggests the beach
        if not width:
            k += 1
            continue
        j = k + width
        if it.text == "no" and width == 1:
            # "no, a girl" / "no a girl": a bare no before a new value, not a negation of it.
            if j >= len(items) or items[j].kind == "punct" or items[j].text in ("a", "an", "its", "it", "she", "he", "i", "make", "change", "the", "that", "thats", "just", "actually", "wait", "her", "his", "not", "no", "but", "sorry"):
                k = j
                continue
            if items[j].kind == "subject":
                k = j
                continue
        negated_any = False
        first_kind = None
        while j < len(items):
            nxt = items[j]
            if nxt.kind == "punct":
                break
            if nxt.kind == "word":
                if first_kind is not None and items[k + width - 1].text == "no" and nxt.text == "and" \
                        and j + 1 < len(items) and items[j + 1].text in ("a", "an", "some", "with"):
                    break  # "no hat and a scarf": the scarf is wanted
                # Before the first negated word any filler; after it only a list of the same
                # kind ("without glasses or a hat"), so "without glasses in a black uniform"
                # keeps the uniform.
                if nxt.text in (NEG_FILL if first_kind is None else NEG_LIST) or (
                        first_kind is None and it.text in NEG_VERBAL and nxt.text in NEG_VERBS):
                    j += 1
                    continue
                break
            if first_kind is not None and nxt.kind != first_kind and nxt.kind not in ("shade", "length"):
                break
            if nxt.kind == "color" and items[j - 1].kind == "color" and items[j - 1].negated:
                break  # "not red blue": the second colour is the replacement
            if nxt.kind in ("shade", "length"):
                j += 1
                continue
            if nxt.kind in ("hair_noun", "eye_noun", "garment", "thing") and first_kind is None \
                    and nxt.text not in VERB_GARMENTS:
                # "no shoes, sitting": the noun itself is what is negated, and only a list of
                # like things goes on ("without a tie or glasses")
                if nxt.kind in ("hair_noun", "eye_noun"):
                    break
                first_kind = "accessories" if nxt.kind == "thing" else "outfit"
                j += 1
                continue
            if nxt.kind in ("hair_noun", "eye_noun", "garment", "thing", "count"):
                # "not red hair": the colour before it is what is negated; keep going
                j += 1
                continue
            nxt.negated = True
            negated_any = True
            first_kind = first_kind or nxt.kind
            j += 1
        k = j if negated_any else k + width


# Said after the object: "the glasses should go", "glasses aren't needed", "glasses, no".
POST_NEG = (("should", "go"), ("must", "go"), ("can", "go"), ("have", "to", "go"),
            ("has", "to", "go"), ("need", "to", "go"), ("needs", "to", "go"), ("are", "not", "needed"),
            ("is", "not", "needed"), ("arent", "needed"), ("isnt", "needed"), ("not", "needed"),
            ("are", "unnecessary"), ("is", "unnecessary"), ("arent", "necessary"),
            ("isnt", "necessary"), ("have", "to", "be", "removed"), ("should", "be", "removed"),
            ("should", "be", "gone"), ("are", "too", "much"), ("is", "too", "much"),
            ("must", "be", "removed"), ("be", "gone"), ("are", "gone"), ("is", "gone"),
            ("removed",), ("gone", "."), ("gone", ","))


def _negated_after(items: list[_Item], k: int) -> bool:
    j = k + 1
    if items[j].kind == "punct" and items[j].text == "," and j + 1 < len(items) \
            and items[j + 1].text in ("no", "nope", "not") and (
                j + 2 >= len(items) or items[j + 2].kind == "punct" or items[j + 2].text == "please"):
        return True  # "glasses, no"
    words = [x.text for x in items[j:j + 5]]
    if words and words[0] in ("please",):
        words = words[1:]
    for phrase in POST_NEG:
        if tuple(words[:len(phrase)]) == phrase:
            return True
    return False


def _fit_colour(slot: str, value: str) -> str:
    if slot == "hair_color" and value in ("gold", "yellow"):
        return "blonde"
    return "gold" if slot != "hair_color" and value == "blonde" else value


def _shared_colour(items: list[_Item], k: int) -> str | None:
    """The other of hair/eyes when the colour at k qualifies "hair and eyes" together."""
    nouns = ("hair_noun", "eye_noun")
    slot_of = {"hair_noun": "hair_color", "eye_noun": "eye_color"}
    # forward: "blue hair and eyes"
    j = k + 1
    while j < len(items) and items[j].kind in ("shade", "length"):
        j += 1
    if j < len(items) and items[j].kind in nouns:
        pair = _noun_pair(items, j, +1)
        return slot_of[pair] if pair else None
    # backward: "her hair and eyes are green", "make her hair and eyes pink"
    j = k - 1
    while j >= 0 and (items[j].kind == "shade" or (items[j].kind == "word" and items[j].text in LINKING)):
        j -= 1
    if j >= 0 and items[j].kind in nouns:
        pair = _noun_pair(items, j, -1)
        if pair:
            return slot_of[pair]
    return None


def _noun_pair(items: list[_Item], j: int, step: int) -> str | None:
    """The kind of the other noun in "hair and eyes" / "eyes and hair" next to items[j]."""
    i = j + step
    skip = ("her", "his", "their", "its", "the")
    if step > 0:
        # "blue hair and eyes", not "blue hair and her eyes are red"
        if i + 1 < len(items) and items[i].text == "and" and items[i + 1].kind in (
                "hair_noun", "eye_noun") and items[i + 1].kind != items[j].kind and (
                i + 2 >= len(items) or items[i + 2].kind not in ("color", "shade")
                and items[i + 2].text not in ("are", "is", "were", "was", "should", "be", "that",
                                              "which", "look", "looks", "of", "colored")):
            return items[i + 1].kind
        return None
    while i >= 0 and items[i].text in skip:
        i -= 1
    if i >= 1 and items[i].text == "and":
        i -= 1
        while i >= 0 and items[i].text in skip:
            i -= 1
        if i >= 0 and items[i].kind in ("hair_noun", "eye_noun") and items[i].kind != items[j].kind:
            return items[i].kind
    return None


def _taken_off(items: list[_Item]) -> None:
    """"take the hat off", "get those glasses off her": negation after the object."""
    for k, it in enumerate(items):
        if it.kind != "accessories" or k + 1 >= len(items):
            continue
        if _negated_after(items, k):
            it.negated = True
            continue
        nxt = items[k + 1:k + 4]
        if not any(x.kind == "word" and x.text in ("off", "away") for x in nxt):
            continue
        after = items[k + 2] if k + 2 < len(items) else None
        if items[k + 1].text == "off" and (after is None or after.kind == "punct" or after.text == "please"):
            it.negated = True  # "glasses off", "hat off please"
            continue
        before = items[max(0, k - 4):k]
        if any(x.kind == "word" and x.text in ("take", "takes", "taking", "took", "get", "pull",
                                              "throw", "toss", "put") for x in before):
            it.negated = True


def _replacements(items: list[_Item]) -> None:
    """"replace the hat with a crown", "swap the glasses for a scarf": the first is removed;
    "change the red to blue", "from red to blue": the first colour is the one replaced."""
    colors = [j for j, it in enumerate(items) if it.kind == "color"]
    for a, b in zip(colors, colors[1:]):
        between = [items[j] for j in range(a + 1, b)]
        # Only function words between the two ("red to blue", "the red one for a blue"): a
        # noun between ("a green dress with a black hat") means two colours of two things.
        if len(between) > 3 or any(x.kind != "word" for x in between):
            continue
        links = {x.text for x in between}
        before = {x.text for x in items[max(0, a - 4):a] if x.kind == "word"}
        if links & {"to", "into"} or (links & {"for", "with"} and before & (CHANGE_WORDS | {"from"})):
            items[a].negated = True
    for k, it in enumerate(items):
        if not (it.kind == "word" and it.text in CHANGE_WORDS):
            continue
        acc = [j for j in range(k + 1, min(len(items), k + 8)) if items[j].kind == "accessories"]
        if len(acc) >= 2:
            between = {items[j].text for j in range(acc[0] + 1, acc[1])}
            if between & {"with", "for", "to", "into", "by"}:
                items[acc[0]].negated = True


AGE_BEFORE = {"is", "aged", "age", "turned", "turning", "was", "im", "hes", "shes", "theyre", "am"}
AGE_UNITS = {"year", "years", "yr", "yrs", "month", "months", "week", "weeks", "day", "days"}
# Numbers heard as words that sound alike: "to"/"for" homophones, "three" with its th heard
# as f or t ("free cats", "tree dogs").
MISHEARD_COUNTS = {"to": 2, "too": 2, "for": 4, "free": 3, "tree": 3}
COUNT_LEADS = {"draw", "paint", "sketch", "make", "show", "want", "me", "generate", "create",
               "picture", "uh", "um", "so", "okay", "ok", "please", "just", "of", "need", "wanna"}


def _count_for(items: list[_Item], k: int) -> int | None:
    """The number said just before the subject at k ("two little cats", "a pair of dogs")."""
    j = k - 1
    skipped = 0
    while j >= 0 and skipped <= 2:
        it = items[j]
        if it.kind == "count":
            if j + 1 < len(items) and items[j + 1].text in AGE_UNITS:
                return None  # "a five-year-old boy" is one boy
            return int(it.value)
        if it.kind == "word" and it.text in MISHEARD_COUNTS and it.start == items[k].start - 1 \
                and items[k].text.endswith("s") and (j == 0 or items[j - 1].kind == "punct" or (
                    items[j - 1].kind == "word" and items[j - 1].text in COUNT_LEADS)):
            # "draw to cats", "for dogs in a park": a misheard "two"/"four" where a sentence or
            # a request starts.
            return MISHEARD_COUNTS[it.text]
        if it.kind in ("shade", "color", "length") or (it.kind == "word" and it.text not in BOUNDARY and it.text not in ("a", "an")) \
                or (it.kind == "accessories" and it.start == items[k].start - 2):  # "3 cat girls"
            skipped += 1
            j -= 1
            continue
        return None
    return None


def _after_negation(items: list[_Item], k: int) -> bool:
    j = k - 1
    while j >= 0 and items[j].kind == "word" and items[j].text in ("the", "any", "a", "her", "his", "its", "all", "of", "rid"):
        j -= 1
    if j < 0 or items[j].kind != "word":
        return False
    return items[j].text in ("no", "without", "remove", "lose", "drop", "delete", "away", "off",
                             "get", "skip", "clear", "plain", "nix", "none", "forget", "ditch")


def _stands_alone(items: list[_Item], k: int) -> bool:
    nxt = items[k + 1] if k + 1 < len(items) else None
    return nxt is None or nxt.kind == "punct" or (
        nxt.kind == "word" and nxt.text in ("of", "instead", "please", "now", "then", "only"))


def analyse(text: str) -> Analysis:
    tokens = tokenize(text)
    items = _match(tokens)
    for k in range(len(items) - 1):
        a, b = items[k], items[k + 1]
        if a.kind == "subject" and b.kind == "subject":
            # Two nouns in a row name one subject: "an astronaut girl", "a girl knight", "a
            # mother cat". The more telling one stays (an animal, then a girl or boy, ...).
            weaker = a if SUBJECT_RANK[a.value] <= SUBJECT_RANK[b.value] else b
            weaker.kind = "shade"
        elif a.kind == "action" and a.text.endswith("ing") and b.kind in ("thing", "garment") \
                and k > 0 and items[k - 1].text in ACTION_AS_ADJECTIVE_AFTER:
            a.kind = "shade"  # "with floating lanterns", "a flying dragon": what the thing does
        elif a.kind == "style" and b.kind in ("hair_noun", "eye_noun", "garment", "outfit") \
                and a.text.split()[-1] in _colour_words():
            # "perfect blue eyes" is no Satoshi Kon film
            a.kind, a.value, a.text = "color", en_index()[0][a.text.split()[-1]][1], a.text.split()[-1]
        elif a.kind == "setting" and b.kind == "setting" and a.value != b.value \
                and b.text not in ("downtown", "uptown", "outside", "urban"):
            a.kind = "shade"  # "a school library", "a mountain lake": the last noun is the place
    _bind_colors(items)
    _bind_lengths(items)
    _negations(items, tokens)
    _taken_off(items)
    _replacements(items)
    out = Analysis("en")
    for k, it in enumerate(items):
        if it.kind == "time_of_day" and it.value == "day" and k > 0 and items[k - 1].kind == "weather":
            continue  # "a cloudy day", "a stormy day": the day is the weather's

        if it.kind == "color":
            slot = it.bound if it.bound in ("hair_color", "eye_color", "outfit_color") else \
                ("color" if it.bound is None else None)
            if slot:
                out.mentions.append(Mention(slot, it.value, it.start, it.negated, it.text))
            twin = _shared_colour(items, k) if slot in ("hair_color", "eye_color") else None
            if twin:
                # "blue hair and eyes", "her hair and eyes are green": one colour, both nouns
                value = _fit_colour(twin, it.value)
                out.mentions.append(Mention(twin, value, it.start, it.negated, it.text))
        elif it.kind == "accessories" and k + 1 < len(items) and items[k + 1].text in SHOP_WORDS:
            continue  # "a hat shop", "a flower stall": a place, not something worn
        elif it.kind in VALUE_SLOTS:
            m = Mention(it.kind, it.value, it.start, it.negated, it.text)
            if it.kind == "subject":
                m.count = _count_for(items, k)
                m.start, m.refers = _phrase_start(items, k), _said_again(items, k)
                m.figure = not _not_drawn(items, k)
            out.mentions.append(m)
        elif it.kind == "count" and it.text in ("twin", "twins", "couple", "a couple", "pair") and not any(
                x.kind == "subject" for x in items[k + 1:k + 3]):
            out.mentions.append(Mention("subject", "person", it.start, False, it.text, count=2))
        elif it.kind == "count" and _stands_alone(items, k) and it.text not in ("one", "1", "a couple", "couple", "pair") \
                and not (k and items[k - 1].text in AGE_BEFORE):  # "she is seven" is her age
            # "no, three" / "make it two of them": a number for the subject already there.
            out.mentions.append(Mention("count", int(it.value), it.start, it.negated, it.text))
        elif it.kind in ("hair_noun", "eye_noun", "garment"):
            slot = {"hair_noun": "hair_color", "eye_noun": "eye_color", "garment": "outfit_color"}[it.kind]
            out.context.append((slot, it.start))
        elif it.kind in ("word", "thing") and it.text in CONTEXT_NOUNS:
            out.context.append((CONTEXT_NOUNS[it.text], it.start))
            slot = CLEARABLE.get(it.text)
            if slot and _after_negation(items, k):
                # "no background", "remove the accessories": the whole slot goes.
                out.mentions.append(Mention(slot, None, it.start, True, it.text))
        if it.kind in ("outfit",):
            out.context.append(("outfit_color", it.start))
    _self_repairs(tokens, out)
    out.mentions += _one_of_them(items)
    counts = [m for m in out.mentions if m.slot == "count" and not m.negated]
    subjects = [m for m in out.mentions if m.slot == "subject" and not m.negated]
    if counts and subjects and all(m.count is None for m in subjects) and counts[0].pos > subjects[0].pos \
            and (tokens[counts[0].pos + 1:counts[0].pos + 2] == ["of"]
                 or tokens[max(0, counts[0].pos - 2):counts[0].pos] in (["make", "it"], ["make", "them"])):
        subjects[0].count = counts[0].value  # "a cat. two of them."
    return out


# Words a figure's noun phrase may start with or hold before its noun ("a silver haired boy",
# "her kitten"); any other listed word ends it.
PHRASE_OPENERS = {"a", "an", "the", "her", "his", "their", "its", "my", "another", "some",
                  "little", "young", "old", "cute", "small", "big", "tall", "happy"}
PHRASE_KINDS = ("color", "shade", "length", "count", "hair_noun", "eye_noun", "expression",
                "hair_style")


def _phrase_start(items: list[_Item], k: int) -> int:
    """Where the noun phrase of the subject at k starts: back over articles, numbers and
    modifiers, up to a clause break, a preposition or verb, or another noun."""
    j = k
    while j > 0:
        prev = items[j - 1]
        if prev.kind == "action" and j >= 2 and items[j - 2].text in PHRASE_OPENERS:
            j -= 1  # "the sleeping cat"
            continue
        if prev.kind in PHRASE_KINDS or (prev.kind == "word" and (
                prev.text in PHRASE_OPENERS or prev.text not in BOUNDARY)):
            j -= 1
            continue
        break
    return items[j].start


def _said_again(items: list[_Item], k: int) -> bool:
    """"the girl", "that dog", "he is a golden retriever": a figure named before, not a new one."""
    before = [it.text for it in items[max(0, k - 2):k]]
    if before[-1:] and before[-1] in ("the", "that", "this") and items[k].text[-1:] != "s":
        return True
    return len(before) == 2 and before[1] in ("a", "an") and before[0] in COPULA


COPULA = {"is", "was", "are", "were", "be", "hes", "shes", "its", "being"}
# Liked or feared, not drawn: "a girl who likes cats".
NOT_DRAWN_AFTER = {"likes", "like", "loves", "love", "hates", "hate", "afraid", "scared", "fond",
                   "dreaming", "dreams", "thinking", "misses", "wants", "wishes"}


def _not_drawn(items: list[_Item], k: int) -> bool:
    words = [it.text for it in items[max(0, k - 3):k] if it.kind != "count"]
    return any(w in NOT_DRAWN_AFTER for w in words[-2:])


# "two girls, one of them holding an umbrella", "one in red and the other in blue"
SPLIT_PHRASES = (("one", "of", "them"), ("one", "of", "whom"), ("one", "of", "the"),
                 ("the", "other", "one"), ("the", "other"), ("another", "one"))


def _one_of_them(items: list[_Item]) -> list[Mention]:
    out = []
    words = [it.text for it in items]
    for k, it in enumerate(items):
        phrase = next((p for p in SPLIT_PHRASES if tuple(
            w for x in words[k:k + len(p)] for w in x.split())[:len(p)] == p), None)
        lone_one = it.text == "one" and k > 0 and items[k - 1].text in (",", "and", ";") and (
            k + 1 < len(items) and items[k + 1].kind != "subject")
        if phrase or lone_one:
            if phrase and phrase[:2] == ("one", "of") and k + 3 < len(items) and items[k + 2].kind == "subject":
                continue  # "one of the girls" names its group itself
            out.append(Mention("subject", None, it.start, text=it.text, start=it.start, split=True))
    return out


# Words a speaker uses to take back what they just said: "a boy, no wait, a girl".
REPAIRS = (("no", "wait"), ("wait", "no"), ("i", "mean"), ("i", "meant"), ("sorry",),
           ("actually",), ("or", "rather"), ("make", "that"), ("oops",), ("scratch", "that"))


def _self_repairs(tokens: list[str], out: Analysis) -> None:
    """A value named after a repair replaces the same slot's value named before it, so "a
    boy, sorry, I mean a girl" is a girl and "at night, no, at sunset" is sunset."""
    marks = []
    for i, t in enumerate(tokens):
        if any(tuple(tokens[i:i + len(r)]) == r for r in REPAIRS):
            marks.append(i)
        elif t == "no" and 0 < i < len(tokens) - 1 and tokens[i - 1] in PUNCT and tokens[i + 1] in PUNCT:
            marks.append(i)  # "a girl with red, no, blue hair"
    if not marks:
        return
    drop = []
    for mark in marks:
        after = {m.slot for m in out.mentions if m.pos > mark and not m.negated
                 and m.slot not in ("accessories", "color")}
        if after & {"hair_color", "eye_color", "outfit_color"}:
            after.add("color")  # "both red? no, make the dress white": the loose red goes
        drop += [m for m in out.mentions if m.pos < mark and not m.negated and m.slot in after]
    out.mentions = [m for m in out.mentions if all(m is not d for d in drop)]
