"""The typed configuration: defaults, TOML overrides, and one clear error per bad key."""

import subprocess
import sys
from pathlib import Path

import pytest

from assistant import config
from assistant.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent


def test_defaults_need_no_file():
    cfg = config.load(None)
    assert cfg.asr.model == "base"
    assert cfg.vad.end_silence_s == pytest.approx(0.7)
    assert cfg.image.backend == "auto"


def test_toml_overrides_only_what_it_names(tmp_path):
    f = tmp_path / "c.toml"
    f.write_text('[asr]\nmodel = "tiny.en"\n[vad]\nend_silence_s = 1\n', encoding="utf-8")
    cfg = config.load(f)
    assert cfg.asr.model == "tiny.en"
    assert cfg.vad.end_silence_s == 1.0 and isinstance(cfg.vad.end_silence_s, float)
    assert cfg.asr.threads == 2


@pytest.mark.parametrize("text, named", [
    ("[asr]\nmodle = 'x'\n", "[asr] modle"),
    ("[nosuch]\na = 1\n", "[nosuch]"),
    ("[vad]\naggressiveness = 'high'\n", "[vad] aggressiveness"),
    ("[vad]\naggressiveness = 7\n", "[vad] aggressiveness"),
    ("[image]\nbackend = 'dalle'\n", "[image] backend"),
    ("[dialog]\nmax_reprompts = true\n", "[dialog] max_reprompts"),
    ("[asr\nmodel = 1", "not valid TOML"),
])
def test_bad_config_names_the_key(tmp_path, text, named):
    f = tmp_path / "c.toml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        config.load(f)
    assert named in err.value.line()
    assert "fix:" in err.value.line()


def test_missing_config_file_is_one_line_on_stderr(tmp_path):
    p = subprocess.run([sys.executable, "run_assistant.py", "parse", "--config", str(tmp_path / "none.toml"),
                        "a cat"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert p.returncode != 0
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and "does not exist" in lines[0] and "Traceback" not in p.stderr


def test_bad_key_through_cli(tmp_path):
    f = tmp_path / "c.toml"
    f.write_text("[window]\ndisplay = 'projector'\n", encoding="utf-8")
    p = subprocess.run([sys.executable, "run_assistant.py", "--config", str(f), "parse", "a cat"], cwd=ROOT,
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 2
    assert "[window] display" in p.stderr and len(p.stderr.strip().splitlines()) == 1
