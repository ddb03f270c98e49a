"""Spoken replies: text to espeak-ng speech, written as numbered WAV files or played live.

A speaker is what the dialog calls: `say(text, lang) -> audio_path | None`. It emits the `say`
event itself at the moment the reply starts (the WAV is written, or its first sample is handed
to the output device), because only it knows that moment and the file. Two engines:

- `EspeakSpeaker` runs the espeak-ng program (one short subprocess a reply; fast and robust).
- `Pyttsx3Speaker` goes through pyttsx3's espeak driver (libespeak-ng in process).

Live replies are played without blocking the caller; a second reply waits for the first to end.
A reply starts with its first clause: that is synthesised alone and starts playing while the
rest is synthesised, so the person hears the answer after one clause's synthesis, not the whole
reply's. WAV output stays one file a reply (the clauses joined), with one `say` event as before;
`add_first_audio_listener` tells when the first clause's samples exist (bench/bench_latency.py).
Before a live reply starts, each `on_speaking(until_monotonic)` listener hears how long the
microphone must be ignored (reply plus config.tts.tail_s), so the assistant never hears itself;
`stop()` cuts a reply short when the person talks over it (barge-in).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
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
    """What both engines share: numbering, the `say` event, live playback and muting."""

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

    # -- engines ---------------------------------------------------------------------------

    def synthesize(self, text: str, lang: str, path: Path) -> None:
        """Write `text` spoken in `lang` to the WAV file `path`."""
        raise NotImplementedError

    def synthesize_samples(self, text: str, lang: str) -> tuple[np.ndarray, int]:
        """`text` spoken in `lang` as float32 mono samples and their rate."""
        from assistant.audio.wav import read_wav

        with tempfile.TemporaryDirectory(prefix="anime-tts-") as tmp:
            path = Path(tmp) / "say.wav"
            self.synthesize(text, self._lang(lang), path)
            return read_wav(path)

    # -- internals -------------------------------------------------------------------------

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
                    self.synthesize(text, lang, tmp)
                    self._notify_first_audio()
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
        except SpeechOutputError as exc:
            self._bus.emit(ev.Error(stage="speak", message=exc.line()))
            return
        if not cancel.is_set():
            self._start(samples, rate, first=False)


class EspeakSpeaker(Speaker):
    """espeak-ng as a program: `espeak-ng -v VOICE -s RATE -p PITCH -w FILE`, text on stdin."""

    engine = "espeak"

    def __init__(self, config: Config, bus: EventBus, out_dir=None, on_speaking=None):
        if shutil.which("espeak-ng") is None:
            raise SpeechOutputError("espeak-ng is not installed, so the assistant cannot speak",
                                    "install it: sudo apt install espeak-ng")
        super().__init__(config, bus, out_dir, on_speaking)

    def synthesize(self, text: str, lang: str, path: Path) -> None:
        v = voice_for(lang)
        espeak_to_wav(text, path, v["voice"], v["rate"], v["pitch"],
                      fix=f"check [voice] espeak_voice in voices/{lang}.toml against `espeak-ng --voices`")


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


class Pyttsx3Speaker(Speaker):
    """pyttsx3's espeak driver. Its engine is one per process and not thread-safe: one lock."""

    engine = "pyttsx3"
    _engine_lock = threading.Lock()

    def __init__(self, config: Config, bus: EventBus, out_dir=None, on_speaking=None):
        super().__init__(config, bus, out_dir, on_speaking)
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
        with self._engine_lock:
            self._engine = pyttsx3.init("espeak")

    def synthesize(self, text: str, lang: str, path: Path) -> None:
        v = voice_for(lang)
        with self._engine_lock:
            try:
                self._engine.setProperty("voice", v["voice"])
                self._engine.setProperty("rate", v["rate"])
                self._engine.setProperty("pitch", v["pitch"])
                self._engine.save_to_file(text, str(path))
                self._engine.runAndWait()
            except (ValueError, RuntimeError) as exc:
                raise SpeechOutputError(f"pyttsx3 failed with voice {v['voice']!r} ({exc})",
                                        f"check [voice] espeak_voice in voices/{lang}.toml") from None
        if not path.exists() or path.stat().st_size == 0:
            raise SpeechOutputError("pyttsx3 wrote no audio", "set [tts] engine = \"espeak\"")


def create_speaker(config: Config, bus: EventBus, out_dir=None,
                   on_speaking: SpeakingListener | None = None) -> Speaker:
    """The speaker config.tts.engine names."""
    kind = Pyttsx3Speaker if config.tts.engine == "pyttsx3" else EspeakSpeaker
    return kind(config, bus, out_dir, on_speaking)
