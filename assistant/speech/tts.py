"""Spoken replies: text to speech, written as numbered WAV files or played live.

A speaker is what the dialog calls: `say(text, lang) -> audio_path | None`. It emits the `say`
event itself at the moment the reply starts (the WAV is written, or its first sample is handed
to the output device), because only it knows that moment and the file. The speaker does events,
files and playback; the sound comes from a voice per language (natural.Voice: `info`,
`synthesize(text) -> float32 samples at info.sample_rate`, `close()`). Three engines
([tts] engine):

- `NaturalSpeaker` ("natural", the default): each language's neural voice (natural.load_voice),
  loaded once in the background when the speaker is made and kept warm; a language whose voice
  cannot load is spoken by espeak-ng, and the first reply in it says so once (an `error` event
  and a stderr line with the fix).
- `EspeakSpeaker` runs the espeak-ng program (`EspeakVoice`: one short subprocess a clause).
- `Pyttsx3Speaker` goes through pyttsx3's espeak driver (libespeak-ng in process).

Live replies are played without blocking the caller; a second reply waits for the first to end.
A reply starts with its first clause: that is synthesised alone and starts playing while the
rest is synthesised, so the person hears the answer after one clause's synthesis, not the whole
reply's. WAV output stays one file a reply (the clauses joined, at the voice's own rate), with one
`say` event as before; `add_first_audio_listener` tells when the first clause's samples exist
(bench/bench_latency.py, bench/bench_tts.py).
Before a live reply starts, each `on_speaking(until_monotonic)` listener hears how long the
microphone must be ignored (reply plus config.tts.tail_s), so the assistant never hears itself;
`stop()` cuts a reply short when the person talks over it (barge-in).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable

import numpy as np

import voices
from assistant.config import Config
from assistant.errors import UserError
from assistant.events import EventBus
from assistant.atomic import create_temp
from assistant.speech.natural import Voice, VoiceInfo, VoiceUnavailable, load_voice
from dialog import events as ev

SpeakingListener = Callable[[float], None]

_NUMBERED = re.compile(r"^(\d+)-")
_CLAUSE_END = re.compile(r"[,，、;；:：。？！]+\s*|[.?!]+\s+")
MIN_CLAUSE_CHARS = 8  # a lone "So," or "好," is merged with what follows: no one-word first sound


def first_clause(text: str) -> tuple[str, str]:
    """`text` split after its first clause of at least MIN_CLAUSE_CHARS: (head, rest); rest is
    "" when there is nothing after it worth a second synthesis."""
    for m in _CLAUSE_END.finditer(text):
        head, rest = text[:m.end()].strip(), text[m.end():].strip()
        if len(head) >= MIN_CLAUSE_CHARS and rest:
            return head, rest
    return text, ""


class SpeechOutputError(UserError):
    """The speech synthesiser is missing or failed."""


def voice_for(lang: str) -> dict:
    """espeak voice name, rate (words a minute) and pitch for `lang`, from voices/<lang>.toml."""
    settings = voices.voice_settings(lang)
    return {"voice": str(settings.get("espeak_voice", "en-us")), "rate": int(settings.get("rate", 165)),
            "pitch": int(settings.get("pitch", 50))}


class Speaker:
    """What every engine shares: numbering, the `say` event, live playback and muting."""

    engine = "?"

    def __init__(self, config: Config, bus: EventBus, out_dir: str | os.PathLike | None = None,
                 on_speaking: SpeakingListener | None = None):
        self._config = config
        self._bus = bus
        self._out_dir = Path(out_dir) if out_dir else None
        self._listeners: list[SpeakingListener] = [on_speaking] if on_speaking else []
        self._lock = threading.Lock()      # numbering and the one-reply-at-a-time rule
        self._number = self._last_number()
        self._player = None
        self._live_failed = False
        self._first_audio: list[Callable[[], None]] = []
        self._rest: threading.Thread | None = None  # synthesises and plays a live reply's later clauses
        self._cancel = threading.Event()  # set by stop(): the later clauses are not played
        if self._out_dir is not None:
            self._out_dir.mkdir(parents=True, exist_ok=True)

    # -- the dialog's side -------------------------------------------------------------------

    def say(self, text: str, lang: str) -> str | None:
        text = " ".join((text or "").split())
        if not text:
            return None
        lang = self._lang(lang)
        if self._out_dir is not None:
            return str(self._write(text, lang))
        self._play(text, lang)
        return None

    # -- the pipeline's side -----------------------------------------------------------------

    def add_listener(self, fn: SpeakingListener) -> None:
        """`fn(until_monotonic)` is called just before a live reply starts."""
        self._listeners.append(fn)

    def add_first_audio_listener(self, fn: Callable[[], None]) -> None:
        """`fn()` is called when a reply's first samples exist: live, just before they play."""
        self._first_audio.append(fn)

    @property
    def live(self) -> bool:
        return self._out_dir is None

    @property
    def speaking(self) -> bool:
        rest = self._rest
        return (self._player is not None and self._player.playing) or (rest is not None and rest.is_alive())

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the live reply in progress has played out; True at once for WAV output."""
        deadline = None if timeout is None else time.monotonic() + timeout
        rest = self._rest
        if rest is not None:
            rest.join(timeout)
            if rest.is_alive():
                return False
        if self._player is None:
            return True
        return self._player.wait(None if deadline is None else max(0.0, deadline - time.monotonic()))

    def stop(self) -> None:
        """Cut the live reply short (the person started talking over it)."""
        self._cancel.set()
        if self._player is not None:
            self._player.stop()

    def close(self) -> None:
        self.stop()
        rest = self._rest
        if rest is not None:
            rest.join(5.0)
        if self._player is not None:
            self._player.close()

    # -- voices ----------------------------------------------------------------------------

    def voice(self, lang: str) -> Voice:
        """The voice that speaks `lang` (a known language), ready to synthesise."""
        raise NotImplementedError

    def synthesize_samples(self, text: str, lang: str) -> tuple[np.ndarray, int]:
        """`text` spoken in `lang` as float32 mono samples and their rate."""
        voice = self.voice(self._lang(lang))
        return voice.synthesize(text), voice.info.sample_rate

    def _lang(self, lang: str | None) -> str:
        if lang in voices.LANGUAGES:
            return lang
        fallback = self._config.general.language
        return fallback if fallback in voices.LANGUAGES else "en"

    def _last_number(self) -> int:
        # Continue after files already in the folder, so a second session never overwrites the first.
        if self._out_dir is None or not self._out_dir.is_dir():
            return 0
        numbers = [int(m.group(1)) for p in self._out_dir.glob("*.wav") if (m := _NUMBERED.match(p.name))]
        return max(numbers, default=0)

    def _write(self, text: str, lang: str) -> Path:
        with self._lock:
            fd, tmp = create_temp(self._out_dir, ".wav", prefix=".tts-")
            os.close(fd)
            tmp = Path(tmp)
            try:
                head, rest = first_clause(text)
                if rest:
                    self._synthesize_joined(head, rest, lang, tmp)
                else:
                    from assistant.audio.wav import write_wav

                    samples, rate = self.synthesize_samples(text, lang)
                    self._notify_first_audio()
                    write_wav(tmp, samples, rate)
                path = self._publish(tmp, lang)
            finally:
                if tmp.exists():
                    tmp.unlink()
            self._bus.emit(ev.Say(text=text, lang=lang, audio_path=str(path)))
        return path

    def _synthesize_joined(self, head: str, rest: str, lang: str, path: Path) -> None:
        """One WAV of `head` then `rest`, synthesised as a live reply is (first clause first)."""
        from assistant.audio.wav import write_wav

        first, rate = self.synthesize_samples(head, lang)
        self._notify_first_audio()
        second, rate2 = self.synthesize_samples(rest, lang)
        if rate2 != rate:
            from assistant.audio.wav import resample

            second = resample(second, rate2, rate)
        write_wav(path, np.concatenate([first, second]), rate)

    def _notify_first_audio(self) -> None:
        for fn in self._first_audio:
            fn()

    def _publish(self, tmp: Path, lang: str) -> Path:
        """Give the finished reply the next free number. Another run may share the folder: a
        name is taken only if nobody has it (link fails on an existing name), never overwritten."""
        while True:
            self._number += 1
            path = self._out_dir / f"{self._number:03d}-{lang}.wav"
            try:
                os.link(tmp, path)
                return path
            except FileExistsError:
                continue
            except OSError:
                pass  # no hard links here (FAT, some network shares): reserve the name instead
            try:
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            except FileExistsError:
                continue
            os.replace(tmp, path)
            return path

    def _play(self, text: str, lang: str) -> None:
        from assistant.speech.playback import Player

        head, rest = first_clause(text)
        samples, rate = self.synthesize_samples(head, lang)
        with self._lock:
            previous = self._rest
            if previous is not None:
                previous.join()  # its clauses end the last reply; it never takes this lock
            if self._player is None:
                self._player = Player(self._config)
            self._cancel = threading.Event()
            self._start(samples, rate, first=True)
            self._bus.emit(ev.Say(text=text, lang=lang, audio_path=None))
            if rest:
                self._rest = threading.Thread(target=self._play_rest, args=(rest, lang, self._cancel),
                                              name="tts-rest", daemon=True)
                self._rest.start()
            else:
                self._rest = None

    def _start(self, samples: np.ndarray, rate: int, first: bool) -> None:
        """Play `samples` once the reply before them has played out (the lock or the rest thread
        is the only caller at a time)."""
        from assistant.speech.playback import PlaybackError

        # One reply at a time: the next one starts when the last has played out, or when a
        # stalled device has had long enough (the dialog waits on the speaker meanwhile).
        if not self._player.wait_for_end():
            self._player.stop()
            self._bus.emit(ev.Error(
                stage="speak", message=f"the audio output device stalled: a {self._player.duration:.1f} s reply "
                                       "had not finished playing, so it was stopped — fix: check the speakers "
                                       "and [audio] output_device"))
        if self._live_failed:
            if first:
                self._notify_first_audio()
            return

        def mute(duration: float) -> None:
            until = time.monotonic() + duration + self._config.tts.tail_s
            for listener in self._listeners:
                listener(until)
            if first:
                self._notify_first_audio()

        try:
            self._player.start(samples, rate, before_start=mute)
        except PlaybackError as exc:
            # Without speakers the conversation still goes on (window, events); say so once.
            self._live_failed = True
            self._bus.emit(ev.Error(stage="speak", message=exc.line()))

    def _play_rest(self, rest: str, lang: str, cancel: threading.Event) -> None:
        """The reply's later clauses: synthesised while the first plays, then played after it."""
        try:
            samples, rate = self.synthesize_samples(rest, lang)
        except UserError as exc:  # SpeechOutputError, or a natural voice that failed
            self._bus.emit(ev.Error(stage="speak", message=exc.line()))
            return
        if not cancel.is_set():
            self._start(samples, rate, first=False)




# -- espeak-ng as voices -------------------------------------------------------------------------

ESPEAK_RATE = 22050  # what espeak-ng writes with -w
ESPEAK_LICENCE = "espeak-ng: GPL-3.0-or-later"


def espeak_to_wav(text: str, path, voice: str, rate: int = 165, pitch: int = 50, fix: str = "") -> Path:
    """Run espeak-ng once: `text` spoken with `voice` into the WAV file `path` (22.05 kHz)."""
    path = Path(path)
    # Text goes on stdin so a reply that starts with "-" is never taken for an option.
    cmd = ["espeak-ng", "-v", voice, "-s", str(rate), "-p", str(pitch), "-w", str(path)]
    try:
        done = subprocess.run(cmd, input=text.encode("utf-8"), capture_output=True, timeout=60)
    except FileNotFoundError:
        raise SpeechOutputError("espeak-ng is not installed", "install it: sudo apt install espeak-ng") from None
    except subprocess.TimeoutExpired:
        raise SpeechOutputError("espeak-ng did not finish within 60 s", "check the espeak-ng install") from None
    if done.returncode != 0 or not path.exists() or path.stat().st_size == 0:
        reason = " ".join(done.stderr.decode("utf-8", "replace").split()) or f"exit status {done.returncode}"
        raise SpeechOutputError(f"espeak-ng failed with voice {voice!r} ({reason})",
                                fix or "check the voice name against `espeak-ng --voices`")
    return path


def _samples_of(path: Path, want_rate: int) -> np.ndarray:
    from assistant.audio.wav import read_wav, resample

    samples, rate = read_wav(path)
    return samples if rate == want_rate else resample(samples, rate, want_rate)


class EspeakVoice:
    """espeak-ng as a program, one subprocess a clause. The settings are read from
    voices/<lang>.toml at each call, so an edited file is heard on the next reply."""

    def __init__(self, lang: str):
        self._lang = lang
        self.info = VoiceInfo(lang, f"espeak-ng {voice_for(lang)['voice']}", "espeak-ng (system package)",
                              ESPEAK_LICENCE, ESPEAK_RATE)

    def synthesize(self, text: str) -> np.ndarray:
        v = voice_for(self._lang)
        with tempfile.TemporaryDirectory(prefix="anime-tts-") as tmp:
            path = espeak_to_wav(text, Path(tmp) / "say.wav", v["voice"], v["rate"], v["pitch"],
                                 fix=f"check [voice] espeak_voice in voices/{self._lang}.toml against "
                                     "`espeak-ng --voices`")
            return _samples_of(path, self.info.sample_rate)

    def close(self) -> None:
        pass


class Pyttsx3Voice:
    """pyttsx3's espeak driver. Its engine is one per process and not thread-safe: one lock."""

    _engine_lock = threading.Lock()
    _engine = None

    def __init__(self, lang: str):
        self._lang = lang
        self.info = VoiceInfo(lang, f"pyttsx3 espeak {voice_for(lang)['voice']}", "pyttsx3 + libespeak-ng1",
                              "pyttsx3: MPL-2.0; " + ESPEAK_LICENCE, ESPEAK_RATE)
        with self._engine_lock:
            if Pyttsx3Voice._engine is None:
                Pyttsx3Voice._engine = self._init_engine()

    @staticmethod
    def _init_engine():
        try:
            import pyttsx3
            from pyttsx3.drivers import espeak as driver
        except (ImportError, OSError) as exc:
            raise SpeechOutputError(f"pyttsx3 with its espeak driver is unavailable ({exc})",
                                    "pip install pyttsx3 and sudo apt install libespeak-ng1, "
                                    "or set [tts] engine = \"espeak\"") from None
        # The driver prints "Audio saved to ..." on stdout after each file, which would corrupt
        # `--json` output; silence that print in the driver's module only.
        driver.print = lambda *args, **kwargs: None
        return pyttsx3.init("espeak")

    def synthesize(self, text: str) -> np.ndarray:
        v = voice_for(self._lang)
        with tempfile.TemporaryDirectory(prefix="anime-tts-") as tmp:
            path = Path(tmp) / "say.wav"
            with self._engine_lock:
                engine = Pyttsx3Voice._engine
                try:
                    engine.setProperty("voice", v["voice"])
                    engine.setProperty("rate", v["rate"])
                    engine.setProperty("pitch", v["pitch"])
                    engine.save_to_file(text, str(path))
                    engine.runAndWait()
                except (ValueError, RuntimeError) as exc:
                    raise SpeechOutputError(f"pyttsx3 failed with voice {v['voice']!r} ({exc})",
                                            f"check [voice] espeak_voice in voices/{self._lang}.toml") from None
            if not path.exists() or path.stat().st_size == 0:
                raise SpeechOutputError("pyttsx3 wrote no audio", "set [tts] engine = \"espeak\"")
            return _samples_of(path, self.info.sample_rate)

    def close(self) -> None:
        pass


# -- the engines ---------------------------------------------------------------------------------

class EspeakSpeaker(Speaker):
    """espeak-ng as a program: `espeak-ng -v VOICE -s RATE -p PITCH -w FILE`, text on stdin."""

    engine = "espeak"

    def __init__(self, config: Config, bus: EventBus, out_dir=None, on_speaking=None):
        if shutil.which("espeak-ng") is None:
            raise SpeechOutputError("espeak-ng is not installed, so the assistant cannot speak",
                                    "install it: sudo apt install espeak-ng")
        super().__init__(config, bus, out_dir, on_speaking)
        self._voices = {lang: EspeakVoice(lang) for lang in voices.LANGUAGES}

    def voice(self, lang: str) -> Voice:
        return self._voices[lang]


class Pyttsx3Speaker(Speaker):
    engine = "pyttsx3"

    def __init__(self, config: Config, bus: EventBus, out_dir=None, on_speaking=None):
        super().__init__(config, bus, out_dir, on_speaking)
        self._voices = {lang: Pyttsx3Voice(lang) for lang in voices.LANGUAGES}

    def voice(self, lang: str) -> Voice:
        return self._voices[lang]


class NaturalSpeaker(Speaker):
    """Each language's natural voice, loaded once and kept warm for the process.

    Loading takes about a second a voice (onnxruntime session, model file), far longer than the
    first clause takes to synthesise, so every language's voice starts loading in a background
    thread when the speaker is made (the configured language first): the first reply then finds
    its voice warm, and start-up does not wait. A reply that comes before its voice has loaded
    waits for that load only. A voice that cannot load leaves its language to espeak-ng.
    """

    engine = "natural"

    def __init__(self, config: Config, bus: EventBus, out_dir=None, on_speaking=None, warm: bool = True):
        super().__init__(config, bus, out_dir, on_speaking)
        self._voices: dict[str, Voice] = {}
        self._unavailable: dict[str, VoiceUnavailable] = {}
        self._reported: set[str] = set()
        self._load_locks = {lang: threading.Lock() for lang in voices.LANGUAGES}
        self._closed = False
        self._warming: threading.Thread | None = None
        if warm:
            first = config.general.language
            order = sorted(voices.LANGUAGES, key=lambda lang: lang != first)
            # Not a daemon: a process that exits while onnxruntime is still building a session
            # aborts ("terminate called without an active exception"); a load ends in seconds.
            self._warming = threading.Thread(target=self._warm, args=(order,), name="tts-warm")
            self._warming.start()

    def voice(self, lang: str) -> Voice:
        voice = self._load(lang)
        if lang in self._unavailable and lang not in self._reported:
            self._reported.add(lang)
            exc = self._unavailable[lang]
            message = f"{exc.problem}, so {lang} replies are spoken by espeak-ng instead — fix: {exc.fix}"
            print(f"warning: {message}", file=sys.stderr, flush=True)
            self._bus.emit(ev.Error(stage="speak", message=message))
        return voice

    def fallbacks(self) -> dict[str, str]:
        """Languages spoken by espeak-ng instead of their natural voice, with the reason."""
        return {lang: exc.line() for lang, exc in self._unavailable.items()}

    def wait_warm(self, timeout: float | None = None) -> bool:
        """Block until the background load has finished (benchmarks, tests)."""
        if self._warming is not None:
            self._warming.join(timeout)
            return not self._warming.is_alive()
        return True

    def close(self) -> None:
        super().close()
        self._closed = True
        if self._warming is not None and self._warming is not threading.current_thread():
            self._warming.join(30.0)
        for lang, lock in self._load_locks.items():
            # A load still running closes its own voice when it finds the speaker closed.
            if lock.acquire(blocking=False):
                try:
                    voice = self._voices.pop(lang, None)
                    if voice is not None:
                        voice.close()
                finally:
                    lock.release()

    def _warm(self, order) -> None:
        for lang in order:
            if self._closed:
                return
            try:
                self._load(lang)
            except Exception:  # noqa: BLE001 - the reply that needs this voice reports it
                pass

    def _load(self, lang: str) -> Voice:
        with self._load_locks[lang]:
            voice = self._voices.get(lang)
            if voice is not None:
                return voice
            try:
                voice = load_voice(lang, self._config.tts.threads, voices.voice_settings(lang))
            except VoiceUnavailable as exc:
                self._unavailable[lang] = exc
                voice = EspeakVoice(lang)
            if self._closed:
                voice.close()
                raise SpeechOutputError("the speaker was closed", "make a new speaker")
            self._voices[lang] = voice
            return voice


ENGINES = {"natural": NaturalSpeaker, "espeak": EspeakSpeaker, "pyttsx3": Pyttsx3Speaker}


def create_speaker(config: Config, bus: EventBus, out_dir=None,
                   on_speaking: SpeakingListener | None = None) -> Speaker:
    """The speaker config.tts.engine names (config.py checks the name against ENGINES' keys)."""
    return ENGINES[config.tts.engine](config, bus, out_dir, on_speaking)
