"""The typed configuration: defaults, TOML overrides, and one clear error per bad key."""

import dataclasses
import math
import subprocess
import sys
import typing
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


# Values people have written that used to pass and fail later (a ZeroDivisionError after the model
# loaded, a picture drawn whose gallery row was silently lost), each with the key it must name.
BAD_VALUES = [
    ("audio", "block_ms", "0"),
    ("audio", "block_ms", "-30"),
    ("audio", "block_ms", "25"),
    ("vad", "frame_ms", "15"),
    ("audio", "sample_rate", "22050"),
    ("audio", "sample_rate", "0"),
    ("vad", "max_segment_s", "inf"),
    ("vad", "end_silence_s", "nan"),
    ("vad", "preroll_s", "-inf"),
    ("image", "width", "-512"),
    ("image", "width", "100000"),
    ("image", "height", "500"),
    ("image", "seed", "99999999999999999999"),
    ("image", "seed", "9223372036854775808"),
    ("image", "seed", "-2"),
    ("dialog", "confirm_timeout_s", "-1"),
    ("kiosk", "watchdog_s", "-5"),
    ("asr", "threads", "-1"),
    ("animegan", "threads", "0"),
    ("sd", "threads", "-2"),
    ("gallery", "keep_newest", "-1"),
    ("gallery", "keep_days", "-0.5"),
    ("window", "keep_frames", "-10"),
]


def _numeric_fields():
    for section in dataclasses.fields(config.Config):
        cls = section.default_factory
        hints = typing.get_type_hints(cls)
        for f in dataclasses.fields(cls):
            if hints[f.name] in (int, float):
                yield section.name, f, hints[f.name]


def _toml_number(x) -> str:
    if isinstance(x, float) and not math.isfinite(x):
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    return repr(x)


def _one_past_each_end():
    """For every numeric key: the value just past either end of its declared range, plus NaN for floats."""
    for name, f, kind in _numeric_fields():
        if "choices" in f.metadata:
            yield name, f.name, str(max(f.metadata["choices"]) + 1)
            continue
        lo, hi = f.metadata["range"]
        nudge = 1 if kind is int else max(1e-3, abs(hi - lo) * 1e-3)
        yield name, f.name, _toml_number(lo - nudge)
        yield name, f.name, _toml_number(hi + nudge)
        if kind is float:
            yield name, f.name, "nan"


def test_every_numeric_key_declares_what_it_allows():
    missing = [f"[{s}] {f.name}" for s, f, _ in _numeric_fields()
               if "range" not in f.metadata and "choices" not in f.metadata]
    assert not missing, missing


def test_defaults_are_within_their_declared_ranges():
    cfg = config.Config()
    written = {}
    for s, f, _ in _numeric_fields():
        written.setdefault(s, {})[f.name] = getattr(getattr(cfg, s), f.name)
    assert config.from_dict(written) == cfg  # every default, written out, passes its own check


@pytest.mark.parametrize("section, key, value", BAD_VALUES + list(_one_past_each_end()))
def test_out_of_range_value_names_key_value_and_range(tmp_path, section, key, value):
    f = tmp_path / "c.toml"
    f.write_text(f"[{section}]\n{key} = {value}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        config.load(f)
    line = err.value.line()
    assert f"[{section}] {key} = " in line and "fix: use" in line and "\n" not in line
    assert value.lstrip("-") in line or value in ("inf", "-inf", "nan")


@pytest.mark.parametrize("section, key, value, allowed", [
    ("audio", "block_ms", "0", "from 10 to 1000"),
    ("vad", "frame_ms", "15", "10, 20, 30"),
    ("image", "seed", "99999999999999999999", "9223372036854775807"),
    ("vad", "max_segment_s", "inf", "from 1.0 to 120.0"),
])
def test_bad_values_are_one_line_through_the_cli(tmp_path, section, key, value, allowed):
    f = tmp_path / "bad.toml"
    f.write_text(f"[{section}]\n{key} = {value}\n", encoding="utf-8")
    p = subprocess.run([sys.executable, "run_assistant.py", "parse", "--config", str(f), "a cat"], cwd=ROOT,
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 2 and p.stdout == ""
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and f"[{section}] {key} = {value}" in lines[0] and allowed in lines[0], p.stderr


def test_values_at_the_ends_of_their_ranges_are_accepted(tmp_path):
    f = tmp_path / "c.toml"
    f.write_text("[audio]\nblock_ms = 10\n[vad]\nframe_ms = 10\n[image]\nwidth = 2048\nheight = 64\n"
                 "seed = 9223372036854775807\n[gallery]\nkeep_days = 0\n", encoding="utf-8")
    cfg = config.load(f)
    assert (cfg.audio.block_ms, cfg.vad.frame_ms, cfg.image.width, cfg.image.height) == (10, 10, 2048, 64)
    assert cfg.image.seed == 2**63 - 1


def test_utf8_byte_order_mark_is_accepted(tmp_path):
    f = tmp_path / "notepad.toml"
    f.write_bytes("\ufeff[asr]\nmodel = \"tiny.en\"\n".encode("utf-8"))
    assert config.load(f).asr.model == "tiny.en"
    p = subprocess.run([sys.executable, "run_assistant.py", "parse", "--config", str(f), "a cat"], cwd=ROOT,
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
