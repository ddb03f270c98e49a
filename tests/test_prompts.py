"""The Stable Diffusion prompt builder: style terms, subject with count, every slot, defaults
for what the record leaves out, and a negative prompt."""

import re

import pytest

from dialog.attributes import slot_values, validate
from dialog.prompts import STYLE_TERMS, build_prompt

FULL = validate({
    "subject": "girl", "count": 2, "hair_color": "silver", "hair_style": "twintails",
    "eye_color": "red", "outfit": "school uniform", "outfit_color": "blue",
    "accessories": ["glasses", "hat", "headphones", "scarf"], "action": "playing guitar",
    "expression": "smiling", "setting": "cherry blossoms", "time_of_day": "sunset",
    "weather": "rain", "style": "shinkai",
})


def clip_tokens(text: str) -> int:
    # CLIP's BPE gives about one token per word or punctuation mark for plain English tags.
    return len(re.findall(r"[A-Za-z]+|\d+|[^\sA-Za-z\d]", text))


@pytest.mark.parametrize("style", ["hayao", "shinkai", "paprika", "face_paint"])
def test_style_terms(style):
    prompt, _ = build_prompt({"subject": "girl"}, style)
    assert STYLE_TERMS[style] in prompt
    assert {"hayao": "ghibli", "shinkai": "shinkai", "paprika": "satoshi kon",
            "face_paint": "portrait"}[style] in prompt


def test_style_argument_overrides_and_falls_back_to_record():
    assert "ghibli" in build_prompt({"subject": "cat", "style": "shinkai"}, "hayao")[0]
    assert "shinkai" in build_prompt({"subject": "cat", "style": "shinkai"}, None)[0]
    assert "anime" in build_prompt({"subject": "cat"}, None)[0]


@pytest.mark.parametrize("record,phrase", [
    ({"subject": "girl"}, "1girl"), ({"subject": "girl", "count": 2}, "2girls"),
    ({"subject": "boy", "count": 3}, "3boys"), ({"subject": "cat", "count": 2}, "two cats"),
    ({"subject": "woman", "count": 2}, "two women"), ({"subject": "child", "count": 4}, "four children"),
    ({"subject": "dog"}, "a dog"), ({"subject": "man"}, "a man"), ({}, "no humans"),
])
def test_subject_and_count(record, phrase):
    assert phrase in build_prompt(record, None)[0]


def test_every_slot_reaches_the_prompt():
    prompt, negative = build_prompt(FULL, None)
    for word in ("2girls", "silver hair", "twintails", "red eyes", "blue school uniform",
                 "glasses", "hat", "headphones", "scarf", "guitar", "smile", "cherry blossoms",
                 "sunset", "rain", "shinkai"):
        assert word in prompt, word
    assert "None" not in prompt and "none" not in negative


def test_every_canonical_value_has_terms():
    for slot in ("hair_style", "outfit", "accessories", "action", "expression", "setting",
                 "time_of_day", "weather"):
        for value in slot_values(slot):
            record = {"subject": "girl", slot: [value] if slot == "accessories" else value}
            prompt, _ = build_prompt(record, None)
            assert prompt.count(",") >= 4


def test_defaults_live_in_the_prompt_not_the_record():
    record = {"subject": "boy"}
    prompt, _ = build_prompt(record, None)
    assert "simple background" in prompt
    assert record == {"subject": "boy"}


def test_fits_clip_window():
    prompt, _ = build_prompt(FULL, "hayao")
    assert clip_tokens(prompt) <= 77, clip_tokens(prompt)


def test_animal_fur_and_negative_prompt():
    prompt, negative = build_prompt({"subject": "cat", "hair_color": "white"}, None)
    assert "white fur" in prompt
    for word in ("lowres", "bad anatomy", "extra fingers", "blurry", "watermark", "text", "nsfw"):
        assert word in negative
    assert "human" in negative
    assert "multiple people" in build_prompt({"subject": "girl"}, None)[1]
    assert "multiple people" not in build_prompt({"subject": "girl", "count": 2}, None)[1]
