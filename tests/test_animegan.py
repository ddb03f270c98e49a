"""AnimeGANv2: checkpoint layout, strict loading, bad files, every picture mode, fast runtimes.

The public checkpoints cannot be downloaded here, so the tests save generators with random
weights under the public key names (torch.save of a state_dict, as the released .pt files are)
and drive the real loader, the real runtimes and the real picture handling with them.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

torch = pytest.importorskip("torch")

from assistant.config import Config  # noqa: E402
from assistant.errors import UserError  # noqa: E402
from assistant.image import animegan  # noqa: E402
from assistant.image.animegan import runtime as animegan_runtime, stylize as animegan_stylize  # noqa: E402

SPEC = Path(__file__).resolve().parents[2] / "shared" / "spec" / "animeganv2_state_dict.json"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def _spec_keys():
    path = SPEC if SPEC.is_file() else Path("/work/shared/spec/animeganv2_state_dict.json")
    if not path.is_file():
        pytest.skip("shared/spec/animeganv2_state_dict.json not available")
    return [(k, list(shape)) for k, shape, _ in json.loads(path.read_text())["keys"]]


@pytest.fixture(scope="module")
def weights(tmp_path_factory):
    folder = tmp_path_factory.mktemp("weights") / "animegan"
    folder.mkdir()
    torch.manual_seed(1)
    for name in ("paprika", "face_paint_512_v2"):
        torch.save(animegan.build_generator().state_dict(), folder / f"{name}.pt")
    return folder


def _config(weights: Path, tmp_path: Path, runtime: str = "eager") -> Config:
    cfg = Config()
    cfg.animegan.weights_dir = str(weights)
    cfg.animegan.runtime = runtime
    cfg.general.data_dir = str(tmp_path / "data")
    return cfg


def _photo(w: int, h: int) -> Image.Image:
    """A photo-like picture: gradient sky, ground, a sun and a house, with noise."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    sky = np.stack([90 + 80 * y / h, 150 + 60 * y / h, 235 - 30 * y / h], -1)
    ground = np.stack([70 + 40 * x / w, 140 - 30 * y / h, 60 + 0 * x], -1)
    arr = np.where((y > h * 0.6)[..., None], ground, sky)
    arr += np.random.default_rng(0).normal(0, 6, arr.shape)
    im = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")
    d = ImageDraw.Draw(im)
    d.ellipse((w * 0.7, h * 0.1, w * 0.85, h * 0.1 + w * 0.15), fill=(250, 220, 90))
    d.rectangle((w * 0.15, h * 0.4, w * 0.45, h * 0.75), fill=(200, 80, 60))
    d.polygon([(w * 0.12, h * 0.4), (w * 0.3, h * 0.22), (w * 0.48, h * 0.4)], fill=(110, 60, 50))
    return im


# --------------------------------------------------------------------------- network and checkpoints

def test_state_dict_matches_public_checkpoint_layout():
    model = animegan.build_generator()
    got = [(k, list(v.shape)) for k, v in model.state_dict().items()]
    assert got == _spec_keys()
    assert len(got) == 77
    assert sum(v.numel() for v in model.state_dict().values()) == 2143552
    assert animegan.Generator is type(model)


def test_checkpoint_loads_strictly_and_reproduces_the_saved_model(tmp_path):
    torch.manual_seed(3)
    model = animegan.build_generator(align_corners=False)
    path = tmp_path / "paprika.pt"
    torch.save(model.state_dict(), path)
    loaded = animegan.load_generator(path, align_corners=False)
    x = torch.rand(1, 3, 36, 52) * 2 - 1
    saved, back = model.state_dict(), loaded.state_dict()
    assert saved.keys() == back.keys() and all(torch.equal(saved[k], back[k]) for k in saved)
    with torch.inference_mode():
        # Same weights; oneDNN may pick other kernels for two module instances, so allow float noise.
        torch.testing.assert_close(loaded(x), model(x), rtol=0, atol=2e-4)  # far below 1/255
    assert loaded(x).shape == x.shape


@pytest.mark.parametrize("damage", ["corrupt", "text", "missing_key", "renamed_key", "wrong_shape",
                                    "not_a_dict", "empty"])
def test_bad_checkpoints_fail_with_one_clear_line(tmp_path, damage):
    state = animegan.build_generator().state_dict()
    path = tmp_path / "face_paint_512_v2.pt"
    if damage == "corrupt":
        buf = io.BytesIO()
        torch.save(state, buf)
        path.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 3])
    elif damage == "text":
        path.write_text("<html>404 Not Found</html>")
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        if damage == "missing_key":
            del state["block_c.3.layers.1.1.bias"]
        elif damage == "renamed_key":
            state["module.out_layer.0.weight"] = state.pop("out_layer.0.weight")
        elif damage == "wrong_shape":
            state["block_e.2.1.weight"] = torch.zeros(32, 64, 3, 3)
        elif damage == "not_a_dict":
            state = [state["out_layer.0.weight"]]
        torch.save(state, path)
    with pytest.raises(UserError) as info:
        animegan.load_generator(path)
    line = info.value.line()
    assert "\n" not in line and str(path) in line
    assert "fetch-weights face_paint_512_v2" in line
    if damage == "missing_key":
        assert "block_c.3.layers.1.1.bias" in line
    if damage == "renamed_key":
        assert "module.out_layer.0.weight" in line
    if damage == "wrong_shape":
        assert "block_e.2.1.weight" in line and "(32, 64, 7, 7)" in line


def test_find_checkpoint_maps_styles_and_falls_back(tmp_path):
    cfg = Config()
    cfg.weights.dir = str(tmp_path)  # animegan.weights_dir empty: <weights dir>/animegan
    folder = tmp_path / "animegan"
    assert animegan.find_checkpoint(cfg, "hayao") is None
    folder.mkdir()
    (folder / "face_paint_512_v1.pt").write_bytes(b"x")
    assert animegan.find_checkpoint(cfg, "face_paint") == folder / "face_paint_512_v1.pt"
    assert animegan.find_checkpoint(cfg, "hayao") == folder / "face_paint_512_v1.pt"
    assert animegan.find_checkpoint(cfg, "paprika") is None
    (folder / "paprika.pt").write_bytes(b"x")
    for style in ("hayao", "shinkai", "paprika"):
        assert animegan.find_checkpoint(cfg, style) == folder / "paprika.pt"
    assert animegan.checkpoint_for(cfg, "paprika").align_corners is False
    assert animegan.checkpoint_for(cfg, "face_paint").align_corners is True
    with pytest.raises(UserError) as info:
        animegan.stylize_image(Config(weights=type(cfg.weights)(dir=str(tmp_path / "none"))),
                               Image.new("RGB", (8, 8)), "face_paint")
    assert "run_assistant.py fetch-weights face_paint_512_v2" in info.value.line()


# --------------------------------------------------------------------------- pictures of every kind

def _rotated_jpeg_bytes() -> Image.Image:
    im = _photo(60, 40)
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: shown rotated 90 degrees clockwise
    buf = io.BytesIO()
    im.save(buf, format="JPEG", exif=exif)
    return Image.open(io.BytesIO(buf.getvalue()))


def _inputs():
    rgb = _photo(333, 517)
    rgba = _photo(70, 50).convert("RGBA")
    alpha = Image.linear_gradient("L").resize((70, 50))
    rgba.putalpha(alpha)
    ramp16 = np.linspace(0, 65535, 48 * 40).reshape(40, 48).astype(np.uint16)
    buf = io.BytesIO()
    Image.frombytes("I;16", (48, 40), ramp16.tobytes()).save(buf, format="PNG")  # a 16-bit PNG
    grey16 = Image.open(io.BytesIO(buf.getvalue()))
    palette = _photo(41, 37).convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    palette.info["transparency"] = 0
    return {
        "odd_rgb": (rgb, (333, 517)),
        "grey": (_photo(45, 31).convert("L"), (45, 31)),
        "rgba": (rgba, (70, 50)),
        "grey16": (grey16, (48, 40)),
        "cmyk": (_photo(39, 52).convert("CMYK"), (39, 52)),
        "palette": (palette, (41, 37)),
        "exif_rotated": (_rotated_jpeg_bytes(), (40, 60)),
        "tiny": (Image.new("RGB", (1, 3), (10, 200, 30)), (1, 3)),
    }


@pytest.mark.slow
def test_stylizes_every_mode_and_size(weights, tmp_path):
    # The default (fastest) runtime where OpenVINO is installed; eager is compared in the next tests.
    runtime = "openvino" if "openvino" in animegan_runtime.available_runtimes() else "eager"
    stylizer = animegan.Stylizer(_config(weights, tmp_path, runtime=runtime))
    ARTIFACTS.mkdir(exist_ok=True)
    for i, (name, (image, size)) in enumerate(_inputs().items()):
        # paprika's decoder (scale_factor 2) and face_paint's (align_corners sizes) in turn
        for style in (("hayao", "face_paint") if i == 0 else (("paprika", "face_paint")[i % 2],)):
            out = stylizer.stylize(image, style)
            assert out.size == size, (name, style)
            arr = np.asarray(out)
            assert arr.dtype == np.uint8 and arr.std() > 0 or min(size) < 4, (name, style)
        if name == "rgba":
            assert out.mode == "RGBA"
            assert np.array_equal(np.asarray(out.getchannel("A")), np.asarray(image.getchannel("A")))
        elif name == "palette":
            assert out.mode == "RGBA"  # its transparent index became alpha and stays
        else:
            assert out.mode == "RGB"
    out.save(ARTIFACTS / "animegan_random_weights_tiny.png")


def test_sixteen_bit_input_is_scaled_not_clipped():
    from assistant.image import loading

    grey16 = Image.frombytes("I;16", (4, 4), np.full((4, 4), 32768, np.uint16).tobytes())
    rgb, alpha = loading.split_alpha(grey16)
    assert alpha is None and rgb.mode == "RGB"
    assert abs(int(np.asarray(rgb)[0, 0, 0]) - 128) <= 1


def test_large_pictures_go_through_overlapping_tiles(weights, tmp_path):
    cfg = _config(weights, tmp_path, runtime="eager")
    cfg.animegan.max_side, cfg.animegan.tile, cfg.animegan.tile_overlap = 96, 64, 16
    image = _photo(150, 97)
    out = animegan.Stylizer(cfg).stylize(image, "face_paint")
    assert out.size == (150, 97)
    # every pixel was covered: no black holes where weights summed to nothing
    assert np.asarray(out).reshape(-1, 3).min(axis=1).max() > 0
    starts = animegan_stylize._starts(150, 64, 16)
    assert starts[0] == 0 and starts[-1] == 150 - 64
    assert all(b - a <= 64 - 16 for a, b in zip(starts, starts[1:]))


# --------------------------------------------------------------------------- fast runtimes

@pytest.mark.slow
@pytest.mark.parametrize("align_corners", [True, False])
def test_fast_runtimes_match_eager(tmp_path, align_corners):
    torch.manual_seed(5)
    generator = animegan.build_generator(align_corners=align_corners)
    onnx_path = animegan_runtime.export_onnx(generator, tmp_path / "g.onnx")
    x = np.random.default_rng(2).uniform(-1, 1, (1, 3, 68, 100)).astype(np.float32)
    with torch.inference_mode():
        reference = generator(torch.from_numpy(x)).numpy()
        graph = animegan_runtime.export_graph(generator)(torch.from_numpy(x)).numpy()
    assert np.abs(graph - reference).max() < 1e-4
    for name in animegan_runtime.available_runtimes():
        engine = animegan_runtime.build_engine(name, generator, onnx_path, threads=2)
        y = engine(x)
        assert y.shape == reference.shape, name
        assert np.abs(y - reference).max() < 1e-3, name
        # a second shape through the same engine (OpenVINO recompiles per shape)
        x2 = x[:, :, :32, :48].copy()
        with torch.inference_mode():
            assert np.abs(engine(x2) - generator(torch.from_numpy(x2)).numpy()).max() < 1e-3, name


@pytest.mark.slow
def test_auto_runtime_is_measured_once_and_cached(weights, tmp_path):
    cfg = _config(weights, tmp_path, runtime="auto")
    checkpoint = animegan.checkpoint_for(cfg, "face_paint")
    generator = animegan.load_generator(checkpoint.path)
    onnx_path = animegan_runtime.cached_onnx(cfg, checkpoint, generator)
    assert onnx_path.parent == animegan_runtime.cache_dir(cfg) and onnx_path.is_file()
    assert animegan_runtime.cached_onnx(cfg, checkpoint, generator) == onnx_path  # reused
    lines = []
    choice = animegan_runtime.choose_runtime(cfg, generator, onnx_path, lines.append, size=48)
    assert choice in animegan_runtime.available_runtimes()
    assert len(lines) == 1 and "max|diff|" in lines[0] and choice in lines[0]
    stored = json.loads((animegan_runtime.cache_dir(cfg) / "runtime.json").read_text())
    (entry,) = stored.values()
    assert entry["runtime"] == choice
    assert entry["measured"][choice]["max_abs_diff"] <= animegan_runtime.PARITY_TOLERANCE["f32"]
    again = animegan_runtime.choose_runtime(cfg, generator, onnx_path, lines.append, size=48)
    assert again == choice and len(lines) == 1  # taken from the cache, nothing measured


def test_bad_precision_is_a_user_error(weights, tmp_path):
    cfg = _config(weights, tmp_path)
    cfg.animegan.precision = "int4"
    with pytest.raises(UserError, match="precision"):
        animegan_runtime.precision_of(cfg)


@pytest.mark.slow
def test_warm_start_needs_no_torch_and_rebuilds_a_damaged_cache(weights, tmp_path):
    import subprocess
    import sys

    if "openvino" not in animegan_runtime.available_runtimes():
        pytest.skip("openvino not installed")
    cfg = _config(weights, tmp_path, runtime="openvino")
    checkpoint = animegan.checkpoint_for(cfg, "face_paint")
    animegan_runtime.make_engine(cfg, checkpoint)  # exports into the cache
    assert animegan_runtime.onnx_cache_path(cfg, checkpoint).is_file()
    script = (
        "import sys; from assistant.config import Config; from assistant.image import animegan\n"
        "from assistant.image.animegan import runtime as animegan_runtime\n"
        "import numpy as np\n"
        f"cfg = Config(); cfg.animegan.weights_dir = {str(weights)!r}; cfg.animegan.runtime = 'openvino'\n"
        f"cfg.general.data_dir = {str(tmp_path / 'data')!r}\n"
        "engine = animegan_runtime.make_engine(cfg, animegan.checkpoint_for(cfg, 'face_paint'))\n"
        "y = engine(np.zeros((1, 3, 32, 32), np.float32))\n"
        "print(y.shape, 'torch' in sys.modules)\n"
    )
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=root, timeout=120)
    assert proc.stdout.split("\n")[0] == "(1, 3, 32, 32) False", proc.stderr
    # a damaged export in the cache is noticed, reported and made again
    animegan_runtime.onnx_cache_path(cfg, checkpoint).write_bytes(b"garbage")
    lines = []
    engine = animegan_runtime.make_engine(cfg, checkpoint, lines.append)
    assert engine(np.zeros((1, 3, 32, 32), np.float32)).shape == (1, 3, 32, 32)
    assert lines and "exporting again" in lines[0]
