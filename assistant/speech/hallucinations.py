"""What whisper says when nobody spoke: subtitle credits and sign-offs learnt from video subtitles.

Whisper was trained on subtitled videos, so on silence, breath or noise it tends to "hear" the
credits ("Thanks for watching", "字幕由…提供", "请不吝点赞订阅…"). A transcript that is nothing but
one of these is dropped. Long, distinctive phrases match anywhere in the text; short ones that a
person might really say ("thank you", "谢谢") only count when the decoder also doubted there was
speech at all.
"""

from __future__ import annotations

import re
import unicodedata

# Match anywhere: nobody describes a picture with these.
ANYWHERE = (
    "thanks for watching", "thank you for watching", "thank you so much for watching",
    "subtitles by", "subtitled by", "captions by", "captioning by", "transcribed by", "translated by",
    "amara.org", "please subscribe", "like and subscribe", "don't forget to subscribe",
    "see you in the next video", "see you next time", "in the next video",
    "字幕由", "字幕提供", "字幕志愿者", "中文字幕", "字幕组", "校对", "请不吝点赞", "点赞订阅", "订阅转发",
    "打赏支持", "明镜与点点", "谢谢观看", "感谢观看", "谢谢收看", "感谢收看", "下期再见", "欢迎订阅",
    "优优独播剧场", "本字幕", "词曲",
    # What whisper base said on white, pink and brown noise, claps, chords and typing (the noise
    # suite in tests/noise_fixtures.py). Nobody says these to a drawing assistant.
    "i'm not sure if i'm going to be able to", "i'm not sure if i can do it", "i'm not sure if i'm right",
    "i do not know how to do", "i don't know how to do it",
)
# Whole-utterance only, and only when the decoder already suspected silence (no_speech_prob).
# Never listed: answers the dialog needs ("okay", "no", "好", "嗯"), however often whisper
# invents them.
SUSPECT_WHOLE = (
    "you", "thank you", "thanks", "bye", "bye bye", "oh", "hmm", "uh", "um",
    "the end", "music", "applause", "laughter", "silence",
    "谢谢", "谢谢大家", "啊", "拜拜", "再见", "音乐", "掌声",
    "i'm sorry", "i'm not a girl", "sorry",
)
# Real one-word answers measured 0.1-0.3 here; whisper's invented ones on noise sit higher.
SUSPECT_NO_SPEECH = 0.35


def normalise(text: str) -> str:
    """Lower case, no punctuation, no brackets' contents like [Music] kept as words."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[\[\]\(\)（）【】♪♫*]", " ", text)
    text = "".join(" " if unicodedata.category(ch).startswith(("P", "S")) else ch for ch in text)
    return " ".join(text.split())


def hallucination(text: str, no_speech_prob: float = 0.0) -> str | None:
    """The reason `text` looks like a hallucination, or None when it looks like real speech."""
    norm = normalise(text)
    if not norm:
        return "no words"
    squashed = norm.replace(" ", "")
    for phrase in ANYWHERE:
        p = normalise(phrase)
        if p and (p in norm or p.replace(" ", "") in squashed):
            return f"hallucination ({phrase!r})"
    whole = {normalise(w) for w in SUSPECT_WHOLE}
    if no_speech_prob >= SUSPECT_NO_SPEECH and (norm in whole or squashed in whole):
        return f"hallucination ({norm!r} with no_speech_prob {no_speech_prob:.2f})"
    return None
