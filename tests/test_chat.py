"""`chat` through the public command: every dev-set dialog ends in the right picture, and bad input
never produces a traceback."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "dev-set" / "dialogs.jsonl"
ARTIFACTS = ROOT / "tests" / "artifacts" / "chat"


def chat(*turns, image_out=None, extra=(), env=None):
    cmd = [sys.executable, "run_assistant.py", "chat", "--json", *extra]
    for t in turns:
        cmd += ["--turn", t]
    if image_out is not None:
        cmd += ["--image-out", str(image_out)]
    full_env = dict(os.environ, **(env or {}))
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120, env=full_env)
    events = [json.loads(line) for line in p.stdout.splitlines() if line.startswith("{")]
    return p, events


@pytest.fixture
def data_env(tmp_path):
    # Keep the gallery and pictures of these runs out of the user's data folder.
    return {"XDG_DATA_HOME": str(tmp_path / "data")}


def _dialogs():
    if DEV.exists():
        return [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    return []


OWN_DIALOGS = [
    {"turns": ["draw a black-haired boy reading on the beach", "no, a girl", "yes"],
     "expect": {"subject": "girl", "hair_color": "black", "action": "reading", "setting": "beach"}},
    {"turns": ["a boy with glasses and a hat", "no hat", "yes"], "expect": {"subject": "boy", "accessories": ["glasses"]}},
    {"turns": ["画一个黑头发的男孩", "不对,是女孩", "对"], "expect": {"subject": "girl", "hair_color": "black"}},
    {"turns": ["a woman in a blue dress", "not blue, green", "yes please"],
     "expect": {"subject": "woman", "outfit": "dress", "outfit_color": "green"}},
    {"turns": ["a dog in the park", "yes, but at night"], "expect": {"subject": "dog", "setting": "park", "time_of_day": "night"}},
    {"turns": ["一只在屋顶上的猫", "对,但是换成晚上"], "expect": {"subject": "cat", "setting": "rooftop", "time_of_day": "night"}},
]


@pytest.mark.parametrize("dialog", _dialogs() + OWN_DIALOGS, ids=lambda d: " / ".join(d["turns"])[:60])
def test_dialog_ends_in_expected_picture(dialog, tmp_path, data_env):
    p, events = chat(*dialog["turns"], image_out=tmp_path, env=data_env)
    assert p.returncode == 0, p.stderr
    images = [e for e in events if e["type"] == "image"]
    assert images, f"no image event: {p.stdout[-2000:]}"
    got = dict(images[-1]["attributes"])
    want = dict(dialog["expect"])
    want.setdefault("accessories", [])
    got.setdefault("accessories", [])
    assert got == want
    assert Path(images[-1]["path"]).is_file()
    # every event carries t and type; every transition is a state event from the spec's states
    for e in events:
        assert isinstance(e["t"], float) and e["type"]
    states = [e for e in events if e["type"] == "state"]
    assert states[0]["from"] == "idle" and states[-1]["to"] == "showing"


def test_confirmation_is_spoken_naturally_in_each_language(tmp_path, data_env):
    _, events = chat("draw a black-haired boy reading on the beach", image_out=tmp_path, env=data_env)
    says = [e for e in events if e["type"] == "say"]
    assert says[-1]["lang"] == "en"
    assert says[-1]["text"] == "A black-haired boy reading on the beach, is that right?"
    _, events = chat("一个在海边看书的黑头发男孩", image_out=tmp_path, env=data_env)
    says = [e for e in events if e["type"] == "say"]
    assert says[-1]["lang"] == "zh"
    assert says[-1]["text"] == "一个黑头发的男孩在海边看书,对吗?"


def test_correction_after_picture_redraws_and_new_description_starts_over(tmp_path, data_env):
    _, events = chat("a girl with red hair in a forest", "yes", "make her hair pink",
                     "draw a cat on a rooftop", image_out=tmp_path, env=data_env)
    images = [e for e in events if e["type"] == "image"]
    assert len(images) == 2
    assert images[0]["attributes"]["hair_color"] == "red"
    assert images[1]["attributes"] == {"subject": "girl", "hair_color": "pink", "setting": "forest"}
    last = [e for e in events if e["type"] == "state"][-1]
    assert last["to"] == "confirming" and last["trigger"] == "describe"


def test_deny_asks_what_to_change_then_correction(tmp_path, data_env):
    _, events = chat("a boy with a hoodie", "no", "a red hoodie", "sure", image_out=tmp_path, env=data_env)
    says = [e["text"] for e in events if e["type"] == "say"]
    assert any("what should I change" in s for s in says)
    images = [e for e in events if e["type"] == "image"]
    assert images[-1]["attributes"] == {"subject": "boy", "outfit": "hoodie", "outfit_color": "red"}


def test_nonsense_is_asked_again_once_then_back_to_idle(tmp_path, data_env):
    _, events = chat("a girl with a crown", "blorp", "zzzz qqqq", image_out=tmp_path, env=data_env)
    states = [(e["from"], e["to"], e["trigger"]) for e in events if e["type"] == "state"]
    assert states == [("idle", "confirming", "describe"), ("confirming", "confirming", "reprompt"),
                      ("confirming", "idle", "timeout")]
    assert not [e for e in events if e["type"] == "image"]


def test_cancel_in_both_languages(tmp_path, data_env):
    for turns in (["a cat in space", "never mind"], ["一只在太空的猫", "算了"]):
        _, events = chat(*turns, image_out=tmp_path, env=data_env)
        states = [e for e in events if e["type"] == "state"]
        assert states[-1]["to"] == "idle" and states[-1]["trigger"] == "cancel"
        assert not [e for e in events if e["type"] == "image"]


@pytest.mark.parametrize("turn", ["", "   \t  ", "x" * 10000, "\x01\x02\x1b[31m\xff garbage \x7f\ufffd", "🎨🐱✨",
                                  "画一个 girl with 蓝色 hair", "a " * 5000])
def test_odd_input_never_breaks_the_dialog(turn, tmp_path, data_env):
    p, events = chat(turn, "a cat", "yes", image_out=tmp_path, env=data_env)
    assert p.returncode == 0, p.stderr
    assert "Traceback" not in p.stderr
    images = [e for e in events if e["type"] == "image"]
    assert images and images[-1]["attributes"]["subject"] == "cat"


def test_unknown_option_is_one_line(tmp_path):
    p = subprocess.run([sys.executable, "run_assistant.py", "chat", "--turn", "a cat", "--colour", "red"],
                       cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert p.returncode == 2
    assert len(p.stderr.strip().splitlines()) == 1 and "--colour" in p.stderr


def test_unwritable_image_out_is_one_line(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    p, _ = chat("a cat", "yes", image_out=blocker / "sub")
    assert p.returncode != 0
    assert len(p.stderr.strip().splitlines()) == 1 and "--image-out" in p.stderr
    assert "Traceback" not in p.stderr


def test_picture_carries_its_description(tmp_path, data_env):
    from assistant.image.png import read_metadata

    _, events = chat("a blonde girl with a ponytail playing guitar", "yes", image_out=tmp_path, env=data_env)
    image = [e for e in events if e["type"] == "image"][-1]
    meta = read_metadata(image["path"])
    assert meta["attributes"] == image["attributes"]
    assert "guitar" in meta["prompt"]
    generate = [e for e in events if e["type"] == "generate"][-1]
    assert int(meta["seed"]) == generate["seed"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "guitar_girl.png").write_bytes(Path(image["path"]).read_bytes())
