"""The event stream is a contract: `chat --json` prints today's objects, field for field.

`tests/data/chat_stream.jsonl` was recorded from the assistant before events became typed
classes (run this file with RECORD_EVENT_STREAM=1 to record it again, on purpose and with the
README). Times, picture paths and drawing seconds vary per run and are normalised; everything
else (types, field names and their order, values) must match exactly.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RECORDED = ROOT / "tests" / "data" / "chat_stream.jsonl"

# Every path through the dialog: confirm, correct, deny then correct, cancel, restart,
# nonsense asked about and given up on, "yes, but", redraw while shown, both languages, stops in
# idle, and thanks, noise, "no", a change that changes nothing and a new description while shown.
DIALOGS = [
    ["draw a black-haired boy reading on the beach", "no, a girl", "yes"],
    ["a girl with red hair in a forest", "no", "make her hair pink", "yes"],
    ["a dog in the park", "yes, but at night", "make it a cat"],
    ["a boy with glasses and a hat", "cancel"],
    ["a woman in a blue dress", "start over", "a cat on a rooftop", "yes"],
    ["a robot", "a cat under the moon", "blorp fizz", "wibble wobble"],
    ["画一个蓝发少女站在樱花树下", "不对,是男孩", "对"],
    ["一只在屋顶上的猫", "对,但是换成晚上", "算了"],
    ["hello there", "thanks"],
    # Added with the table-driven machine (recorded on the handler-based one): idle's answers to a
    # stop, and everything said, or not, while a picture is shown.
    ["cancel", "start over", "a cat on the beach", "yes", "thanks", "blorp fizz", "no", "no hat",
     "draw a dog in the snow", "yes", "start over"],
    ["a cat", "no", "no", "yes, but with a hat", "make it a dog", "draw a girl with red hair", "cancel"],
]


def _chat(turns: list[str], tmp: Path) -> list[dict]:
    cmd = [sys.executable, str(ROOT / "run_assistant.py"), "chat", "--json", "--image-out", str(tmp)]
    for t in turns:
        cmd += ["--turn", t]
    env = dict(os.environ, XDG_DATA_HOME=str(tmp / "data"))
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)
    assert p.returncode == 0, p.stderr
    return [json.loads(line) for line in p.stdout.splitlines() if line.startswith("{")]


def _normalise(event: dict, tmp: Path) -> dict:
    e = dict(event)
    e["t"] = 0.0
    if e["type"] == "image":
        e["path"] = Path(e["path"]).name.split("-", 2)[-1]  # drop the folder and the time stamp
        e["seconds"] = 0.0
    return e


def _stream(tmp: Path) -> list[str]:
    lines = []
    for i, turns in enumerate(DIALOGS):
        out = tmp / str(i)
        out.mkdir()
        lines.append(json.dumps({"dialog": turns}, ensure_ascii=False))
        lines += [json.dumps(_normalise(e, out), ensure_ascii=False) for e in _chat(turns, out)]
    return lines


def test_chat_json_stream_is_unchanged(tmp_path):
    got = _stream(tmp_path)
    if os.environ.get("RECORD_EVENT_STREAM"):
        RECORDED.parent.mkdir(parents=True, exist_ok=True)
        RECORDED.write_text("\n".join(got) + "\n", encoding="utf-8")
        pytest.skip("recorded")
    want = RECORDED.read_text(encoding="utf-8").splitlines()
    assert got == want


LISTEN_SCHEMA = ROOT / "tests" / "data" / "listen_schema.json"


@pytest.mark.slow
def test_listen_events_keep_their_fields(tmp_path):
    """`listen --events`: every event type carries the fields it carried before, in that order.

    Whisper's words differ between CPUs, so the values are not compared here (the dialog's own
    tests check what reaches the picture); the shape of each object is.
    """
    import shutil

    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    from tests.audio_fixtures import compose, speak, write_wav

    audio, _ = compose([0.6, speak("a girl with blue hair on the beach", "en"), 1.4,
                        speak("yes", "en"), 1.4, speak("画一只猫", "zh"), 1.4])
    wav = write_wav(tmp_path / "in.wav", audio, 16000)
    config = tmp_path / "config.toml"
    config.write_text("[gallery]\nenabled = false\n")
    events_path = tmp_path / "events.jsonl"
    p = subprocess.run([sys.executable, str(ROOT / "run_assistant.py"), "listen", "--audio-in", str(wav),
                        "--events", str(events_path), "--tts-out", str(tmp_path / "tts"),
                        "--image-out", str(tmp_path / "pictures"), "--config", str(config)],
                       capture_output=True, text=True, timeout=300, cwd=ROOT,
                       env=dict(os.environ, XDG_DATA_HOME=str(tmp_path / "data")))
    assert p.returncode == 0, p.stderr
    shapes: dict[str, list[str]] = {}
    for line in events_path.read_text(encoding="utf-8").splitlines():
        event = json.loads(line)
        shapes.setdefault(event["type"], list(event))
    if os.environ.get("RECORD_EVENT_STREAM"):
        LISTEN_SCHEMA.write_text(json.dumps(shapes, indent=1) + "\n", encoding="utf-8")
        pytest.skip("recorded")
    recorded = json.loads(LISTEN_SCHEMA.read_text(encoding="utf-8"))
    for kind in ("speech", "transcript", "understood", "state", "say"):
        assert kind in shapes, f"no {kind} event"
    for kind, keys in shapes.items():
        if kind in recorded:
            assert keys == recorded[kind], kind
