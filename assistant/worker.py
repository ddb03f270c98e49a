"""One daemon thread running jobs in order, futures carrying results back (the recognizer's).

Not a ThreadPoolExecutor: its threads are joined at interpreter exit, so a transcription in
progress would hold up Ctrl-C by a second or more. Instead the session `drain`s it: queued jobs
are cancelled and the one running is waited for, bounded. CTranslate2 runs whisper on C++
threads of its own; one still inside a transcription when the interpreter finalises aborts the
process ("terminate called without an active exception", status -6) instead of exiting.
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future
from typing import Callable

from assistant.protocols import Watchdog, WorkerName


class Worker:
    def __init__(self, name: WorkerName, watchdog: Watchdog | None = None):
        self.name: WorkerName = name
        self.watchdog = watchdog
        self._jobs: queue.Queue = queue.Queue()
        self._current: Future | None = None
        self._abandoned = False  # a replaced worker no longer reports to the watchdog
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._thread.start()

    def submit(self, fn: Callable, *args) -> Future:
        future: Future = Future()
        self._jobs.put((future, fn, args))
        return future

    def _loop(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            future, fn, args = job
            if not future.set_running_or_notify_cancel():
                continue
            self._current = future
            self._report("beat")  # a job that runs past the watchdog's limit is hung
            try:
                result = fn(*args)
            except BaseException as exc:  # noqa: BLE001 - handed to whoever waits on the future
                if not future.done():
                    future.set_exception(exc)
            else:
                if not future.done():  # an abandoned job's future was already failed
                    future.set_result(result)
            finally:
                self._current = None
                self._report("done")

    def _report(self, what: str) -> None:
        if self.watchdog is not None and not self._abandoned:
            (self.watchdog.beat if what == "beat" else self.watchdog.done)(self.name)

    def _take_queued(self) -> list:
        jobs = []
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                return jobs
            if job is not None:
                jobs.append(job)

    def abandon(self, successor: "Worker", reason: str) -> None:
        """Give up on a hung job (its future fails with `reason`) and hand queued jobs on."""
        self._abandoned = True
        current = self._current
        if current is not None and not current.done():
            current.set_exception(RuntimeError(reason))
        for job in self._take_queued():
            successor._jobs.put(job)
        self._jobs.put(None)  # if the hung call ever returns, the old thread ends

    def close(self, timeout: float = 0.5) -> None:
        """Let the queued jobs run, then end; wait up to `timeout` for that."""
        self._jobs.put(None)
        self._thread.join(timeout)

    def drain(self, timeout: float) -> bool:
        """Cancel the queued jobs, end, and wait up to `timeout` for the running job; True when ended.

        An abandoned (hung) worker is not waited for: its call may never return.
        """
        for future, _fn, _args in self._take_queued():
            future.cancel()
        self._jobs.put(None)
        if not self._abandoned:
            self._thread.join(timeout)
        return not self._thread.is_alive()
