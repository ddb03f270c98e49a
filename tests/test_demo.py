"""`demo`: the scripted bilingual conversation through the real pipeline, as `make demo` runs it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_demo_writes_pictures_spoken_replies_events_and_frames():
    out = ROOT / "tests" / "artifacts" / "demo"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    config = out / "config.toml"
    config.write_text("[gallery]\nenabled = false\n")
    done = subprocess.run([sys.executable, str(ROOT / "run_assistant.py"), "demo", "--display", "headless",
                           "--out", str(out), "--config", str(config)],
                          capture_output=True, text=True, timeout=400, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    events = [json.loads(line) for line in (out / "events.jsonl").read_text(encoding="utf-8").splitlines()]
    kinds = {e["type"] for e in events}
    assert {"speech", "transcript", "understood", "say", "generate", "image"} <= kinds, kinds
    images = [e for e in events if e["type"] == "image"]
    assert images and all(Path(e["path"]).is_file() and Path(e["path"]).parent == out / "pictures"
                          for e in images)
    # The English conversation is recognised well enough to end in its corrected picture.
    assert any(e["attributes"].get("hair_color") == "pink" and e["attributes"].get("subject") == "girl"
               for e in images), images
    # The person speaks with the natural voices; a language whose voice is unavailable falls back
    # to espeak-ng, and the summary says so.
    voices_line = next(line for line in done.stdout.splitlines() if "person's voices:" in line)
    assert "en: Piper" in voices_line, voices_line
    if "zh: espeak-ng" not in voices_line:
        # Natural Mandarin: the Chinese conversation, too, ends in its corrected picture.
        assert any(e["attributes"].get("setting") == "forest" and e["attributes"].get("subject") == "girl"
                   for e in images), images
    says = [e for e in events if e["type"] == "say"]
    assert {e["lang"] for e in says} == {"en", "zh"}
    assert all(Path(e["audio_path"]).is_file() and Path(e["audio_path"]).parent == out / "tts" for e in says)
    assert (out / "conversation.wav").is_file()
    # make demo's headless display drew frames on the main thread while the pipeline ran.
    assert len(list((out / "frames").glob("frame-*.png"))) >= 3
    # The readable timeline and the closing summary are printed.
    assert "understood" in done.stdout and "demo summary" in done.stdout
    assert f"pictures written: {len(images)}" in done.stdout
