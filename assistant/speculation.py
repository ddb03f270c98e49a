"""Speculative recognition: start transcribing on the segmenter's first pause.

The segmenter calls `on_pause` after pause_s of silence, while the rest of end_silence_s is being
confirmed. When the segment then closes with exactly that audio the running job is reused;
when speech resumed it is discarded. This is what keeps the reply under the latency target.

With a `judge` (assistant/endpoint.py), each finished guess is also judged, on the recognizer's
thread as it finishes, and `complete()` tells the segmenter whether the turn may close early.
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass
from typing import Callable

import numpy as np

from assistant.audio.vad import Segment


@dataclass
class _Guess:
    start: float
    samples: int
    future: Future
    complete: bool | None = None  # judged: on the recognizer's thread as it finishes, or on first ask


class Speculator:
    def __init__(self, submit: Callable[[np.ndarray], Future], judge: Callable[[object], bool] | None = None):
        self._submit = submit
        self._judge = judge
        self._guess: _Guess | None = None
        self.hits = 0
        self.misses = 0

    def on_pause(self, audio: np.ndarray, start: float, pause_start: float) -> None:
        previous = self._guess
        if previous is not None:
            previous.future.cancel()  # a pause that speech ended: not started yet, never will be
        guess = self._guess = _Guess(start, len(audio), self._submit(audio))
        if self._judge is not None:
            guess.future.add_done_callback(lambda future: self._verdict(guess, future))

    def _verdict(self, guess: _Guess, future: Future) -> None:
        if future.cancelled() or future.exception() is not None:
            guess.complete = False
            return
        try:
            guess.complete = bool(self._judge(future.result()))
        except Exception:  # noqa: BLE001 - a judge that fails only means no early close
            guess.complete = False

    def complete(self) -> bool:
        """The current guess is finished and judged a complete turn (read from the audio loop)."""
        guess = self._guess
        if guess is None or self._judge is None or not guess.future.done():
            return False
        if guess.complete is None:  # finished, its callback not yet run: judge it here (once)
            self._verdict(guess, guess.future)
        return bool(guess.complete)

    def pending(self) -> Future | None:
        """The running or queued guess, if any (tests and benchmarks wait on it)."""
        guess = self._guess
        return None if guess is None or guess.future.done() else guess.future

    def forget(self) -> None:
        """The segmenter was reset: a guess at its audio is no longer about a coming segment."""
        self._guess = None

    def recognition(self, segment: Segment) -> Future:
        """The transcription of `segment`: the guess's when it was about exactly this audio."""
        guess, self._guess = self._guess, None
        if (guess is not None and not segment.cut and abs(guess.start - segment.start) < 1e-3
                and guess.samples == len(segment.audio) and not guess.future.cancelled()):
            self.hits += 1  # the segment closed on the pause that was being recognised
            return guess.future
        if guess is not None:
            guess.future.cancel()
        self.misses += 1
        return self._submit(segment.audio)
