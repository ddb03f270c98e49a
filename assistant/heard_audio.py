"""The recorded speech of each heard turn, for the gallery ([gallery] keep_audio).

The gallery keeps the recording of the words that described or corrected a picture: it copies
the file a `transcript` event's `audio_path` names into its audio folder when the picture is
drawn. This writes those files, one WAV per transcript, into a scratch folder inside the
gallery's audio folder (same disk, so the copy is cheap), keeps only the newest few (a kiosk
runs for days; the gallery copies a recording within a few turns of it being heard) and removes
the folder when the session ends.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import deque
from pathlib import Path

from assistant.audio.vad import Segment
from assistant.audio.wav import write_wav

# Turns between the description a picture keeps and the picture (corrections, "yes", a
# question asked again) are a handful; this many recordings are kept, the oldest deleted.
KEPT = 32


class HeardAudio:
    def __init__(self, gallery_audio_dir: Path, rate: int, kept: int = KEPT):
        gallery_audio_dir.mkdir(parents=True, exist_ok=True)
        self.folder = Path(tempfile.mkdtemp(prefix=".heard-", dir=gallery_audio_dir))
        self._rate = rate
        self._kept = kept
        self._paths: deque[Path] = deque()
        self._count = 0

    def __call__(self, segment: Segment) -> str:
        self._count += 1
        path = write_wav(self.folder / f"heard-{self._count:05d}.wav", segment.audio, self._rate)
        self._paths.append(path)
        while len(self._paths) > self._kept:
            self._paths.popleft().unlink(missing_ok=True)
        return str(path)

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
