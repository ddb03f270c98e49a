"""`run_assistant.py stylize` end to end, as a person runs it: real subprocess, real files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.test_toon import photo

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"


def stylize(*args: str, config: Path | None = None) -> subprocess.CompletedProcess:
    cmd = [sys.executable, str(ROOT / "run_assistant.py"), "stylize", *args]
    if config is not None:
        cmd += ["--config", str(config)]
    env = {k: v for k, v in os.environ.items() if k != "ANIME_ASSISTANT_DEBUG"}
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=ROOT, env=env)


def one_error_line(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode != 0, proc.stdout
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.fixture()
def empty_config(tmp_path) -> Path:
    """A configuration whose weights folders hold nothing, wherever the repository's weights are."""
    cfg = tmp_path / "empty.toml"
    cfg.write_text(f'[weights]\ndir = "{tmp_path / "no-weights"}"\n'
                   f'[general]\ndata_dir = "{tmp_path / "data"}"\n')
    return cfg


@pytest.fixture()
def picture(tmp_path) -> Path:
    path = tmp_path / "in.jpg"
    photo(160, 120).save(path, quality=90)
    return path


def test_toon_is_the_fallback_without_weights_and_says_so(tmp_path, picture, empty_config):
    out = tmp_path / "sub" / "out.png"
    proc = stylize(str(picture), str(out), "--style", "shinkai", config=empty_config)
    assert proc.returncode == 0, proc.stderr
    note = proc.stderr.strip().splitlines()
    assert len(note) == 1 and "toon" in note[0] and "fetch-weights paprika" in note[0]
    with Image.open(out) as im:
        assert im.size == (160, 120) and im.format == "PNG"
        assert im.text.get("backend") == "toon"
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".tmp-")]


def test_toon_writes_jpeg_from_rgba_input(tmp_path, empty_config):
    src = tmp_path / "in.png"
    im = photo(90, 70).convert("RGBA")
    im.putalpha(128)
    im.save(src)
    out = tmp_path / "out.jpg"
    proc = stylize(str(src), str(out), "--backend", "toon", config=empty_config)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""  # an explicit backend needs no note
    with Image.open(out) as res:
        assert res.format == "JPEG" and res.size == (90, 70)


@pytest.mark.slow
def test_animegan_with_a_checkpoint_from_the_config(tmp_path, picture):
    torch = pytest.importorskip("torch")
    from assistant.image import animegan

    weights = tmp_path / "w"
    weights.mkdir()
    torch.manual_seed(7)
    torch.save(animegan.build_generator().state_dict(), weights / "face_paint_512_v2.pt")
    cfg = tmp_path / "cfg.toml"
    cfg.write_text(f'[animegan]\nweights_dir = "{weights}"\nruntime = "eager"\n'
                   f'[general]\ndata_dir = "{tmp_path / "data"}"\n')
    out = tmp_path / "anime.png"
    proc = stylize(str(picture), str(out), "--style", "face_paint", config=cfg)
    assert proc.returncode == 0, proc.stderr
    assert "face_paint_512_v2" in proc.stdout
    with Image.open(out) as im:
        assert im.size == (160, 120) and im.text.get("backend") == "animegan"
        assert np.asarray(im).std() > 0
    # --backend animegan for a style whose checkpoint is missing: one line naming the fix
    line = one_error_line(stylize(str(picture), str(tmp_path / "x.png"), "--style", "paprika",
                                  "--backend", "animegan", config=cfg))
    assert "run_assistant.py fetch-weights paprika" in line
    # a damaged checkpoint: one line, no torch traceback
    (weights / "face_paint_512_v2.pt").write_bytes(b"PK\x03\x04 not really a zip")
    line = one_error_line(stylize(str(picture), str(tmp_path / "y.png"), "--style", "face_paint", config=cfg))
    assert "face_paint_512_v2.pt" in line and "fetch-weights face_paint_512_v2" in line


def test_animegan_backend_without_weights_names_fetch_weights(tmp_path, picture, empty_config):
    line = one_error_line(stylize(str(picture), str(tmp_path / "o.png"), "--backend", "animegan",
                                  "--style", "face_paint", config=empty_config))
    assert "run_assistant.py fetch-weights face_paint_512_v2" in line
    assert not (tmp_path / "o.png").exists()


def test_bad_inputs_and_outputs_give_one_line(tmp_path, picture, empty_config):
    text = tmp_path / "notes.png"
    text.write_text("this is not a picture\n")
    truncated = tmp_path / "cut.jpg"
    truncated.write_bytes(picture.read_bytes()[:600])
    blocker = tmp_path / "file"
    blocker.write_text("x")
    cases = [
        ([str(tmp_path / "missing.jpg"), str(tmp_path / "o.png")], "does not exist"),
        ([str(text), str(tmp_path / "o.png")], "not a picture"),
        ([str(truncated), str(tmp_path / "o.png")], "damaged or truncated"),
        ([str(tmp_path), str(tmp_path / "o.png")], "is a folder"),
        ([str(picture), str(blocker / "o.png"), "--backend", "toon"], "cannot write"),
        ([str(picture), str(tmp_path / "o.unknown")], "extension"),
        ([str(picture), str(tmp_path / "o.png"), "--style", "ghibli"], "invalid choice"),
    ]
    for args, words in cases:
        line = one_error_line(stylize(*args, config=empty_config))
        assert words in line, (args, line)
    assert not (tmp_path / "o.png").exists()


def test_look_at_a_toon_of_a_photo(tmp_path, empty_config):
    """Writes tests/artifacts/stylize_toon.png for a person to look at."""
    src = tmp_path / "photo.png"
    photo(512, 384).save(src)
    ARTIFACTS.mkdir(exist_ok=True)
    out = ARTIFACTS / "stylize_toon.png"
    proc = stylize(str(src), str(out), "--backend", "toon", config=empty_config)
    assert proc.returncode == 0, proc.stderr
    assert "toon" in proc.stdout and out.is_file()


def test_large_picture_is_toon_filtered_at_a_bounded_size_and_keeps_its_size(tmp_path, empty_config):
    src = tmp_path / "big.jpg"
    photo(4000, 3000).save(src, quality=85)
    out = tmp_path / "big_toon.jpg"
    proc = stylize(str(src), str(out), "--backend", "toon", config=empty_config)
    assert proc.returncode == 0, proc.stderr
    notes = proc.stderr.strip().splitlines()
    assert notes == ["note: scaled 4000x3000 to 2048x1536 for the toon filter "
                     "(the result is scaled back to 4000x3000)"], proc.stderr
    with Image.open(out) as im:
        assert im.size == (4000, 3000)


def test_picture_over_the_input_limit_is_refused_before_decoding(tmp_path, empty_config):
    cfg = tmp_path / "small_limit.toml"
    cfg.write_text(empty_config.read_text() + "[image]\nmax_input_megapixels = 1.0\n")
    src = tmp_path / "two_mp.png"
    photo(1600, 1250).save(src)
    line = one_error_line(stylize(str(src), str(tmp_path / "o.png"), "--backend", "toon", config=cfg))
    assert "1600x1250 (2.0 megapixels)" in line and "1-megapixel limit" in line
    assert "[image] max_input_megapixels" in line
    assert not (tmp_path / "o.png").exists()
    # The same picture under the limit goes through.
    cfg.write_text(empty_config.read_text() + "[image]\nmax_input_megapixels = 2.0\n")
    assert stylize(str(src), str(tmp_path / "o.png"), "--backend", "toon", config=cfg).returncode == 0
