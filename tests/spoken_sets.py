"""The project's own spoken dialog sets (tests/data/spoken_dialogs_{en,zh}.json) and how they score.

Each dialog is what one person says to the assistant, turn by turn (fillers, self-repairs,
corrections, refusals, a yes at the end), and `expect`: the attribute record of the last picture
drawn, or null when the person cancels and nothing may be drawn. The sets were written from the
rules (the shared attributes spec and docs/attributes.md), not taken from the shared dev set.

`dialog_audio` speaks a dialog as one person's WAV (a natural voice or espeak-ng, with the
pauses of someone waiting for the reply) and `run_listen` puts it through the real `listen`
command; bench/bench_spoken_dialogs.py and tests/test_spoken_dialogs.py use both.

`matches` is the score both the typed check and the spoken runs use: every expected slot equal
and no slot the person did not say (an extra attribute is as wrong as a missing one).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
LANGS = ("en", "zh")


@dataclass(frozen=True)
class SpokenDialog:
    id: str
    lang: str
    kind: str                 # what the dialog exercises: "plain", "fillers", "self-repair", ...
    turns: tuple[str, ...]    # the person's turns, in order
    expect: dict | None       # the last picture's record, or None: nothing may be drawn
    gap: str = ""             # a known parser gap this dialog shows (typed), if any


def load(lang: str) -> list[SpokenDialog]:
    if lang not in LANGS:
        raise ValueError(f"no spoken dialog set for {lang!r}; use one of {', '.join(LANGS)}")
    rows = json.loads((DATA / f"spoken_dialogs_{lang}.json").read_text(encoding="utf-8"))
    return [SpokenDialog(r["id"], lang, r["kind"], tuple(r["turns"]), r["expect"], r.get("gap", ""))
            for r in rows]


def subset(lang: str, n: int) -> list[SpokenDialog]:
    """`n` dialogs spread over the kinds: one of each kind in turn, in file order."""
    by_kind: dict[str, list[SpokenDialog]] = {}
    for d in load(lang):
        if not d.gap:  # a known parser gap would fail whatever the voice; the subset measures speech
            by_kind.setdefault(d.kind, []).append(d)
    picked: list[SpokenDialog] = []
    while len(picked) < n and any(by_kind.values()):
        for kind in list(by_kind):
            if by_kind[kind] and len(picked) < n:
                picked.append(by_kind[kind].pop(0))
    return picked


def _normal(record: dict | None) -> Any:
    """A record with its sets as sorted lists, so equal records compare equal."""
    if record is None:
        return None
    out = {}
    for key, value in record.items():
        if key == "accessories":
            value = sorted(value)
        elif key == "figures":
            value = [_normal(f) for f in value]
        out[key] = value
    return out


def matches(expect: dict | None, drawn: dict | None) -> bool:
    """All expected slots equal, nothing more; None (nothing drawn) matches only None."""
    return _normal(expect) == _normal(drawn)


def differences(expect: dict | None, drawn: dict | None) -> str:
    """What a wrong picture got wrong, in one line, for failure lists."""
    if drawn is None:
        return "nothing was drawn"
    if expect is None:
        return f"drew {drawn} though the person cancelled"
    e, d = _normal(expect), _normal(drawn)
    parts = []
    for key in sorted(set(e) | set(d)):
        if e.get(key) != d.get(key):
            parts.append(f"{key}: expected {e.get(key)!r}, drew {d.get(key)!r}")
    return "; ".join(parts)


def typed_final(turns, config) -> tuple[dict | None, list[str]]:
    """The turns typed through the project's own Dialog (as `chat` runs it): the last picture's
    record (None when nothing was drawn) and what the assistant said."""
    import tempfile

    from assistant.events import EventBus, Recorder
    from assistant.render import make_artist
    from assistant.speech.text_speaker import TextSpeaker
    from dialog import events as ev
    from dialog.machine import Dialog

    bus = EventBus()
    recorder = Recorder()
    bus.subscribe(recorder)
    with tempfile.TemporaryDirectory(prefix="spoken-typed-") as out:
        dialog = Dialog(bus.emit, config, make_artist(config, bus), TextSpeaker(bus), Path(out),
                        background=False)
        try:
            for turn in turns:
                dialog.hear(turn)
        finally:
            dialog.close()
    images = [e for e in recorder.typed if isinstance(e, ev.Image)]
    said = [e.text for e in recorder.typed if isinstance(e, ev.Say)]
    return (images[-1].attributes if images else None), said


# -- spoken: the turns as one person's audio, and one dialog through `listen` -------------------

RATE = 16000
LEAD_S = 0.8
# Longer than [vad] end_silence_s (0.7 s) so each turn is one segment; `listen` itself waits for
# the reply before it reads on, so this is only the person's own pause before answering.
GAP_S = 1.6
TAIL_S = 1.5
# espeak-ng voices for the person, other than the assistant's; the Mandarin one is the variant
# whisper base made out best (see assistant/commands/demo.py).
ESPEAK = {"en": ("en-us", 150), "zh": ("cmn-latn-pinyin+f3", 125)}


def speak_turn(text: str, lang: str, voice: str):
    from tests.audio_fixtures import speak, speak_natural

    if voice == "natural":
        return speak_natural(text, lang, RATE)
    name, wpm = ESPEAK[lang]
    return speak(text, name, RATE, wpm=wpm)


def dialog_audio(dialog, voice: str):
    from tests.audio_fixtures import compose

    parts: list = [LEAD_S]
    for turn in dialog.turns:
        parts += [speak_turn(turn, dialog.lang, voice), GAP_S]
    parts[-1] = TAIL_S
    audio, _ = compose(parts, RATE)
    return audio


def write_config(path: Path, model: str, sized: bool, threads: int) -> Path:
    path.write_text("\n".join([
        "[gallery]", "enabled = false",
        "[image]", 'backend = "sketch"',
        "[asr]", f'model = "{model}"', f"sized_window = {'true' if sized else 'false'}", f"threads = {threads}",
        "",
    ]), encoding="utf-8")
    return path


def run_listen(wav: Path, config: Path, work: Path, timeout: float) -> dict:
    """One dialog through `listen`: the last picture's record, what was heard, the exit status."""
    events = work / "events.jsonl"
    cmd = [sys.executable, str(ROOT / "run_assistant.py"), "listen", "--config", str(config),
           "--audio-in", str(wav), "--events", str(events), "--image-out", str(work / "pictures"),
           "--tts-out", str(work / "tts"), "--display", "none"]
    env = dict(os.environ, PYTHONPATH=str(ROOT), SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=str(ROOT), env=env)
        code, err = done.returncode, done.stderr.strip().splitlines()[-1:] or [""]
    except subprocess.TimeoutExpired:
        code, err = "timeout", [f"listen ran past {timeout:.0f} s"]
    rows = []
    if events.is_file():
        rows = [json.loads(line) for line in events.read_text(encoding="utf-8").splitlines() if line.strip()]
    images = [e for e in rows if e["type"] == "image"]
    heard = []
    for e in rows:
        if e["type"] == "transcript":
            heard.append(f"[{e.get('lang')}] {e['text']} ({e.get('confidence', 0):.2f})")
        elif e["type"] == "ignored":
            heard.append(f"(ignored: {e.get('reason', '')})")
    says = [e["text"] for e in rows if e["type"] == "say"]
    # What the dialog last understood the picture to be (confirmed or still being confirmed).
    understood = [e["attributes"] for e in rows if e["type"] == "understood" and e.get("attributes")]
    return {"drawn": images[-1]["attributes"] if images else None, "heard": heard, "said": says,
            "understood": understood[-1] if understood else None,
            "code": code, "stderr": err[0]}


def sketch_config():
    """A configuration that draws with the built-in sketch and keeps no gallery: fast, offline."""
    from assistant.config import from_dict

    return from_dict({"gallery": {"enabled": False}, "image": {"backend": "sketch"}})


if __name__ == "__main__":  # typed check: python -m tests.spoken_sets [en|zh]
    config = sketch_config()
    for lang in sys.argv[1:] or LANGS:
        dialogs = load(lang)
        right = 0
        for d in dialogs:
            drawn, said = typed_final(d.turns, config)
            ok = matches(d.expect, drawn)
            right += ok
            if not ok:
                print(f"  FAIL {d.id} [{d.kind}]{' (gap: ' + d.gap + ')' if d.gap else ''}: "
                      f"{differences(d.expect, drawn)}")
                print(f"       turns: {list(d.turns)}")
                print(f"       said:  {said}")
        print(f"{lang}: typed {right}/{len(dialogs)} right")
