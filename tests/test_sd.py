"""Stable Diffusion backend on a tiny randomly initialised SD 1.x pipeline built here.

The pipeline (UNet, VAE, CLIP text encoder, a CLIP tokenizer from a vocab written here, a
scheduler and a tiny safety checker) is saved once per session, then loaded back through the
real loader in `assistant.image.sd`: as a diffusers folder, and as one original-layout
.safetensors file with a config-only folder, the way single-file anime checkpoints ship.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from assistant.config import Config
from assistant.errors import UserError

pytestmark = pytest.mark.slow  # real diffusers: the session's tiny model takes ~10 s to import and build

ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "sd"
REPO = Path(__file__).resolve().parent.parent
SIZE = 64  # pixels: 8x8 latents keep each step a few milliseconds


# --------------------------------------------------------------------------- the tiny model

def _byte_chars() -> list[str]:
    # CLIP's byte-level BPE alphabet: printable bytes map to themselves, the rest above U+0100.
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + \
        list(range(ord("®"), ord("ÿ") + 1))
    chars, extra = [], 0
    for b in range(256):
        if b in printable:
            chars.append(chr(b))
        else:
            chars.append(chr(256 + extra))
            extra += 1
    return chars


def write_tokenizer_files(folder: Path) -> tuple[Path, Path, dict]:
    folder.mkdir(parents=True, exist_ok=True)
    vocab: dict[str, int] = {}
    for c in _byte_chars():
        vocab[c] = len(vocab)
    for c in _byte_chars():
        vocab[c + "</w>"] = len(vocab)
    merges = ["a n", "an i", "ani m", "anim e</w>", "g i", "gi r", "gir l</w>", "h a", "ha t</w>"]
    for m in merges:
        vocab.setdefault(m.replace(" ", ""), len(vocab))
    vocab["<|startoftext|>"] = len(vocab)
    vocab["<|endoftext|>"] = len(vocab)
    (folder / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
    (folder / "merges.txt").write_text("#version: 0.2\n" + "\n".join(merges) + "\n", encoding="utf-8")
    return folder / "vocab.json", folder / "merges.txt", vocab


def build_tiny_pipeline(workdir: Path, flag_everything: bool = False):
    """A StableDiffusionPipeline of a few hundred thousand random parameters (seeded)."""
    import torch
    from diffusers import AutoencoderKL, DDIMScheduler, StableDiffusionPipeline, UNet2DConditionModel
    from diffusers.pipelines.stable_diffusion.safety_checker import StableDiffusionSafetyChecker
    from transformers import CLIPConfig, CLIPImageProcessor, CLIPTextConfig, CLIPTextModel, CLIPTokenizer

    vocab_file, merges_file, vocab = write_tokenizer_files(workdir / "tokenizer-src")
    tokenizer = CLIPTokenizer(vocab_file=str(vocab_file), merges_file=str(merges_file), model_max_length=77)
    torch.manual_seed(0)
    unet = UNet2DConditionModel(
        block_out_channels=(32, 64), layers_per_block=1, sample_size=SIZE // 8, in_channels=4, out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"), up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        cross_attention_dim=32, norm_num_groups=8, attention_head_dim=8)
    vae = AutoencoderKL(block_out_channels=[32, 64], in_channels=3, out_channels=3,
                        down_block_types=["DownEncoderBlock2D"] * 2, up_block_types=["UpDecoderBlock2D"] * 2,
                        latent_channels=4, norm_num_groups=8)
    text_encoder = CLIPTextModel(CLIPTextConfig(
        bos_token_id=vocab["<|startoftext|>"], eos_token_id=vocab["<|endoftext|>"], pad_token_id=1,
        hidden_size=32, intermediate_size=37, num_attention_heads=4, num_hidden_layers=2,
        vocab_size=len(vocab), max_position_embeddings=77))
    scheduler = DDIMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear",
                              clip_sample=False, set_alpha_to_one=False, steps_offset=1)
    checker = StableDiffusionSafetyChecker(CLIPConfig(
        text_config=dict(hidden_size=32, intermediate_size=37, num_attention_heads=4, num_hidden_layers=1),
        vision_config=dict(hidden_size=32, intermediate_size=37, num_attention_heads=4, num_hidden_layers=1,
                           image_size=32, patch_size=8),
        projection_dim=16))
    if flag_everything:
        # A concept score is cos(image, concept) - threshold; a threshold of -1 flags every picture.
        with torch.no_grad():
            checker.concept_embeds_weights.fill_(-1.0)
    processor = CLIPImageProcessor(size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32})
    return StableDiffusionPipeline(unet=unet, vae=vae, text_encoder=text_encoder, tokenizer=tokenizer,
                                   scheduler=scheduler, safety_checker=checker, feature_extractor=processor)


def to_original_layout(pipe) -> dict:
    """The pipeline's weights under the original (LDM / A1111) single-file key names."""
    out = {}
    per_block = pipe.unet.config.layers_per_block
    resnet_names = [("norm1", "in_layers.0"), ("conv1", "in_layers.2"), ("norm2", "out_layers.0"),
                    ("conv2", "out_layers.3"), ("time_emb_proj", "emb_layers.1"), ("conv_shortcut", "skip_connection")]

    def resnet(rest: str) -> str:
        for new, old in resnet_names:
            if rest.startswith(new + "."):
                return old + rest[len(new):]
        return rest

    for key, value in pipe.unet.state_dict().items():
        m = re.match(r"(down|up)_blocks\.(\d+)\.(resnets|attentions|downsamplers|upsamplers)\.(\d+)\.(.*)", key)
        if key.startswith("time_embedding.linear_1"):
            name = key.replace("time_embedding.linear_1", "time_embed.0")
        elif key.startswith("time_embedding.linear_2"):
            name = key.replace("time_embedding.linear_2", "time_embed.2")
        elif key.startswith("conv_in."):
            name = key.replace("conv_in", "input_blocks.0.0")
        elif key.startswith("conv_norm_out."):
            name = key.replace("conv_norm_out", "out.0")
        elif key.startswith("conv_out."):
            name = key.replace("conv_out", "out.2")
        elif key.startswith("mid_block."):
            _, kind, j, rest = key.split(".", 3)
            name = f"middle_block.1.{rest}" if kind == "attentions" else f"middle_block.{2 * int(j)}.{resnet(rest)}"
        elif m:
            side, i, kind, j, rest = m.group(1), int(m.group(2)), m.group(3), int(m.group(4)), m.group(5)
            if side == "down":
                block = (per_block + 1) * i + j + 1
                name = {"resnets": f"input_blocks.{block}.0.{resnet(rest)}",
                        "attentions": f"input_blocks.{block}.1.{rest}"}.get(
                    kind, f"input_blocks.{(per_block + 1) * (i + 1)}.0.op.{rest.split('.', 1)[1]}")
            else:
                block = (per_block + 1) * i + j
                has_attention = hasattr(pipe.unet.up_blocks[i], "attentions")
                name = {"resnets": f"output_blocks.{block}.0.{resnet(rest)}",
                        "attentions": f"output_blocks.{block}.1.{rest}"}.get(
                    kind, f"output_blocks.{(per_block + 1) * i + per_block}.{2 if has_attention else 1}.{rest}")
        else:
            raise KeyError(key)
        out["model.diffusion_model." + name] = value
    ups = len(pipe.vae.decoder.up_blocks)
    attention = [("group_norm", "norm"), ("to_q", "q"), ("to_k", "k"), ("to_v", "v"), ("to_out.0", "proj_out")]
    for key, value in pipe.vae.state_dict().items():
        name = re.sub(r"encoder\.down_blocks\.(\d+)\.resnets\.(\d+)", r"encoder.down.\1.block.\2", key)
        name = re.sub(r"encoder\.down_blocks\.(\d+)\.downsamplers\.0", r"encoder.down.\1.downsample", name)
        name = re.sub(r"decoder\.up_blocks\.(\d+)\.resnets\.(\d+)",
                      lambda g: f"decoder.up.{ups - 1 - int(g.group(1))}.block.{g.group(2)}", name)
        name = re.sub(r"decoder\.up_blocks\.(\d+)\.upsamplers\.0",
                      lambda g: f"decoder.up.{ups - 1 - int(g.group(1))}.upsample", name)
        name = re.sub(r"mid_block\.resnets\.(\d+)", lambda g: f"mid.block_{int(g.group(1)) + 1}", name)
        if "mid_block.attentions.0." in name:
            name = name.replace("mid_block.attentions.0.", "mid.attn_1.")
            for new, old in attention:
                name = name.replace(f"attn_1.{new}.", f"attn_1.{old}.")
            if value.ndim == 2:  # the original stores these projections as 1x1 convolutions
                value = value[:, :, None, None]
        name = name.replace("conv_shortcut", "nin_shortcut").replace("conv_norm_out", "norm_out")
        out["first_stage_model." + name] = value
    for key, value in pipe.text_encoder.state_dict().items():
        key = key if key.startswith("text_model.") else "text_model." + key
        out["cond_stage_model.transformer." + key] = value
    return {k: v.contiguous() for k, v in out.items()}


def _registry_text(models: dict[str, Path]) -> str:
    """A registry naming the tiny folders as installed models (URLs are never used here)."""
    specs = {
        "tiny-sd": ("sd", "sd/tiny", 'scheduler = "euler_a"\nsteps = 3\nguidance = 1.0\n'),
        "tiny-sd-nochecker": ("sd", "sd/tiny-nochecker", ""),
        "tiny-sd15-config": ("sd-config", "sd/tiny-config", ""),
        "tiny-safety-checker": ("safety-checker", "sd/tiny-checker", ""),
    }
    parts = []
    for name, folder in models.items():
        kind, target, extra = specs[name]
        files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
        listing = ",\n".join(f'  {{ path = "{f}", sha256 = "" }}' for f in files)
        parts.append(f'[[model]]\nname = "{name}"\nkind = "{kind}"\nlicence = "test"\ntarget = "{target}"\n'
                     f'base_url = "http://127.0.0.1:9/{name}/"\n{extra}file = [\n{listing}\n]\n')
    return "\n".join(parts)


@pytest.fixture(scope="session")
def tiny(tmp_path_factory):
    """Built once: the saved folders, a single-file checkpoint and a registry describing them."""
    import torch
    from safetensors.torch import save_file

    torch.set_num_threads(1)  # two threads on two busy cores run tiny convolutions many times slower
    root = tmp_path_factory.mktemp("tiny-sd")
    pipe = build_tiny_pipeline(root)
    full = root / "full"
    pipe.save_pretrained(full)
    # The same model without a checker, a checker that flags everything, and a config-only folder.
    nochecker = root / "nochecker"
    shutil.copytree(full, nochecker, ignore=shutil.ignore_patterns("safety_checker", "feature_extractor"))
    index = json.loads((nochecker / "model_index.json").read_text())
    index["safety_checker"] = [None, None]
    index["feature_extractor"] = [None, None]
    (nochecker / "model_index.json").write_text(json.dumps(index))
    flagging = build_tiny_pipeline(root / "flagging", flag_everything=True)
    checker = root / "checker"
    flagging.safety_checker.save_pretrained(checker / "safety_checker")
    flagging.feature_extractor.save_pretrained(checker / "feature_extractor")
    config_only = root / "config-only"
    shutil.copytree(full, config_only, ignore=shutil.ignore_patterns("*.safetensors"))
    single = root / "tiny-anime.safetensors"
    save_file(to_original_layout(pipe), str(single))

    weights = root / "weights"
    installed = {"tiny-sd": full, "tiny-sd-nochecker": nochecker, "tiny-sd15-config": config_only,
                 "tiny-safety-checker": checker}
    registry_file = root / "registry.toml"
    registry_file.write_text(_registry_text(installed), encoding="utf-8")
    return {"root": root, "full": full, "nochecker": nochecker, "checker": checker, "config_only": config_only,
            "single": single, "weights": weights, "registry": registry_file, "installed": installed}


def make_config(tiny, install=("tiny-sd",), **sd) -> Config:
    cfg = Config()
    weights = tiny["root"] / ("weights-" + "-".join(install) if install else "weights-none")
    targets = {"tiny-sd": "sd/tiny", "tiny-sd-nochecker": "sd/tiny-nochecker", "tiny-sd15-config": "sd/tiny-config",
               "tiny-safety-checker": "sd/tiny-checker"}
    for name in install:
        dest = weights / targets[name]
        if not dest.exists():
            shutil.copytree(tiny["installed"][name], dest)
    weights.mkdir(parents=True, exist_ok=True)
    cfg.weights.dir = str(weights)
    cfg.weights.registry = str(tiny["registry"])
    cfg.sd.threads = 1
    for key, value in sd.items():
        setattr(cfg.sd, key, value)
    return cfg


def raises_user_error(text: str):
    """Like pytest.raises(UserError), checking the whole line a person sees (problem and fix)."""
    class _Check:
        def __enter__(self):
            self._ctx = pytest.raises(UserError)
            self.info = self._ctx.__enter__()
            return self.info

        def __exit__(self, *exc):
            handled = self._ctx.__exit__(*exc)
            assert text in self.info.value.line(), self.info.value.line()
            return handled
    return _Check()


def _generate(backend, seed=7, prompt="an anime girl with a red hat", **kw):
    events = []
    image = backend.generate(prompt, "lowres", seed=seed, width=SIZE, height=SIZE,
                             progress=lambda step, total: events.append((step, total)), **kw)
    return image, events


# --------------------------------------------------------------------------- tests

def test_find_model_is_cheap_and_uses_the_registry(tiny):
    from assistant.image import sd

    cfg = make_config(tiny)
    assert sd.find_model(cfg) == Path(cfg.weights.dir) / "sd/tiny"
    assert sd.find_model(make_config(tiny, install=())) is None
    # A registry name or a path in [sd] model; a missing path means no model (the sketch renderer).
    assert sd.find_model(make_config(tiny, model="tiny-sd")) == Path(cfg.weights.dir) / "sd/tiny"
    assert sd.find_model(make_config(tiny, install=(), model=str(tiny["single"]))) == tiny["single"]
    assert sd.find_model(make_config(tiny, install=(), model=str(tiny["root"] / "absent"))) is None
    code = textwrap.dedent(f"""
        import sys
        from assistant.config import Config
        from assistant.image import sd
        cfg = Config(); cfg.weights.dir = {cfg.weights.dir!r}; cfg.weights.registry = {cfg.weights.registry!r}
        assert sd.find_model(cfg) is not None
        heavy = [m for m in ("torch", "diffusers", "transformers") if m in sys.modules]
        print("heavy:", heavy)
        """)
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "heavy: []" in out.stdout


def test_folder_model_draws_deterministically_with_progress(tiny):
    from assistant.image import sd

    backend = sd.SdBackend(make_config(tiny))
    first, events = _generate(backend, seed=7)
    again, _ = _generate(backend, seed=7)
    other, _ = _generate(backend, seed=8)
    assert first.size == (SIZE, SIZE) and first.mode == "RGB"
    # The registry entry's "auto" settings: Euler a, 3 steps.
    assert type(backend._pipe.scheduler).__name__ == "EulerAncestralDiscreteScheduler"
    assert events == [(0, 3), (1, 3), (2, 3), (3, 3)]
    assert first.tobytes() == again.tobytes()
    assert first.tobytes() != other.tobytes()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    first.resize((256, 256)).save(ARTIFACTS / "tiny-folder-seed7.png")


def test_single_file_checkpoint_loads_offline_and_matches_the_folder(tiny, monkeypatch):
    from assistant.image import sd

    folder_image, _ = _generate(sd.SdBackend(make_config(tiny, scheduler="ddim", steps=2)))
    cfg = make_config(tiny, install=("tiny-sd15-config", "tiny-safety-checker"), model=str(tiny["single"]),
                      scheduler="ddim", steps=2, safety_checker=False)

    def no_network(self, address):
        raise AssertionError(f"the loader tried to reach {address}")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    backend = sd.SdBackend(cfg)
    image, events = _generate(backend)
    assert events == [(0, 2), (1, 2), (2, 2)]
    # Same weights, same seed, same scheduler: the original-layout file draws the same picture.
    assert image.tobytes() == folder_image.tobytes()


def test_single_file_needs_a_local_config(tiny):
    from assistant.image import safety, sd

    cfg = make_config(tiny, install=(), model=str(tiny["single"]), safety_checker=False)
    with raises_user_error("fetch-weights sd15-config"):
        _generate(sd.SdBackend(cfg))
    cfg.sd.single_file_config = str(tiny["config_only"])
    image, _ = _generate(sd.SdBackend(cfg))
    assert image.size == (SIZE, SIZE)
    # With the checker on, a single file takes the separately installed one (this one flags all).
    guarded = make_config(tiny, install=("tiny-sd15-config", "tiny-safety-checker"), model=str(tiny["single"]),
                          scheduler="ddim", steps=1)
    with pytest.raises(safety.PictureWithheld):
        _generate(sd.SdBackend(guarded))


def test_cancel_stops_within_one_step(tiny):
    from assistant.image import sd
    from assistant.image.cancel import Cancelled

    backend = sd.SdBackend(make_config(tiny, scheduler="euler", steps=8))
    backend._ensure_loaded()
    cancel = threading.Event()
    unet_calls = []

    def during_step(module, args):
        unet_calls.append(1)
        if len(unet_calls) == 3:
            cancel.set()  # arrives in the middle of the third step, as a correction would

    hook = backend._pipe.unet.register_forward_pre_hook(during_step)
    try:
        with pytest.raises(Cancelled):
            _generate(backend, cancel=cancel)
    finally:
        hook.remove()
    assert len(unet_calls) == 3  # no fourth step was started
    already = threading.Event()
    already.set()
    with pytest.raises(Cancelled):
        _generate(backend, cancel=already)


def test_safety_checker(tiny):
    from assistant.image import sd, safety

    # The model's own (tiny, untrained) checker passes an ordinary picture.
    image, _ = _generate(sd.SdBackend(make_config(tiny, scheduler="ddim", steps=1)))
    assert image.size == (SIZE, SIZE)
    # A model without a checker refuses while the checker is on and none is installed...
    bare = make_config(tiny, install=("tiny-sd-nochecker",), scheduler="ddim", steps=1)
    with raises_user_error("fetch-weights sd-safety-checker"):
        _generate(sd.SdBackend(bare))
    # ...uses the separately installed one (this one flags every picture)...
    guarded = make_config(tiny, install=("tiny-sd-nochecker", "tiny-safety-checker"), scheduler="ddim", steps=1)
    with pytest.raises(safety.PictureWithheld):
        _generate(sd.SdBackend(guarded))
    # ...and draws without one only when it is switched off.
    bare.sd.safety_checker = False
    image, _ = _generate(sd.SdBackend(bare))
    assert image.size == (SIZE, SIZE)


def test_blocked_prompts_are_refused_before_loading(tiny):
    from assistant.image import sd, safety

    backend = sd.SdBackend(make_config(tiny, blocked_words=["clown", "小丑"]))
    for prompt in ("a nude girl", "Anime boy, NSFW", "a clown on a bike", "一个小丑", "血腥的场景"):
        with pytest.raises(safety.PromptRefused):
            _generate(backend, prompt=prompt)
    assert not backend.loaded
    for fine in ("a sussex landscape", "a girl in a breastplate", "anime girl, red hat"):
        assert safety.blocked_word(fine) is None


def test_release_frees_and_reloads(tiny):
    import gc
    import weakref

    from assistant.image import sd

    backend = sd.SdBackend(make_config(tiny, scheduler="ddim", steps=1))
    first, _ = _generate(backend)
    unet = weakref.ref(backend._pipe.unet)
    backend.release()
    gc.collect()
    assert not backend.loaded and unet() is None
    again, _ = _generate(backend)
    assert again.tobytes() == first.tobytes()


def test_missing_weights_and_bad_settings_are_one_line_errors(tiny):
    from assistant.image import sd

    with raises_user_error("fetch-weights"):
        _generate(sd.SdBackend(make_config(tiny, install=(), model="")))
    with raises_user_error("scheduler"):
        _generate(sd.SdBackend(make_config(tiny, scheduler="warp")))
    with raises_user_error("multiples of 8"):
        sd.SdBackend(make_config(tiny)).generate("a cat", "", seed=1, width=100, height=64)
    broken = tiny["root"] / "broken"
    if not broken.exists():
        shutil.copytree(tiny["full"], broken)
        (broken / "unet" / "diffusion_pytorch_model.safetensors").write_bytes(b"not a safetensors file")
    with raises_user_error("cannot load the Stable Diffusion model"):
        _generate(sd.SdBackend(make_config(tiny, install=(), model=str(broken))))


def test_half_precision_variant_loads_on_cpu(tiny):
    """A registry entry with variant = "fp16" (only *.fp16.safetensors fetched) draws in float32 on a CPU."""
    import torch

    from assistant.image import sd

    root = tiny["root"] / "variant"
    folder = root / "weights" / "sd" / "half"
    if not folder.exists():
        build_tiny_pipeline(root).to(torch.float16).save_pretrained(folder, variant="fp16")
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert "unet/diffusion_pytorch_model.fp16.safetensors" in files
    listing = ", ".join(f'{{ path = "{f}" }}' for f in files)
    (root / "registry.toml").write_text(
        f'[[model]]\nname = "half"\nkind = "sd"\nlicence = "test"\ntarget = "sd/half"\nbase_url = "http://127.0.0.1:9/"\n'
        f'scheduler = "lcm"\nsteps = 2\nguidance = 1.0\nvariant = "fp16"\nfile = [ {listing} ]\n', encoding="utf-8")
    cfg = Config()
    cfg.weights.dir, cfg.weights.registry = str(root / "weights"), str(root / "registry.toml")
    cfg.sd.threads, cfg.sd.safety_checker = 1, False
    backend = sd.SdBackend(cfg)
    image, events = _generate(backend)
    assert image.size == (SIZE, SIZE) and events == [(0, 2), (1, 2), (2, 2)]
    assert backend._pipe.unet.dtype == torch.float32
    assert type(backend._pipe.scheduler).__name__ == "LCMScheduler"


def test_artist_draws_through_the_sd_backend(tiny, tmp_path):
    """The lead's Artist picks `sd` when find_model finds weights, and writes the PNG."""
    from PIL import Image

    from assistant.image import safety
    from assistant.image.artist import Artist

    cfg = make_config(tiny, scheduler="ddim", steps=2)
    cfg.image.width = cfg.image.height = SIZE
    cfg.image.animegan_after_sd = False
    artist = Artist(cfg)
    attributes = {"subject": "girl", "hair_color": "red", "style": "paprika"}
    plan = artist.plan(attributes)
    assert plan.backend == "sd"
    events = []
    picture = artist.render(plan, attributes, tmp_path, progress=lambda s, t: events.append((s, t)))
    assert picture.backend == "sd" and events[-1] == (2, 2)
    with Image.open(picture.path) as png:
        assert png.size == (SIZE, SIZE)
    cfg.sd.blocked_words = ["red hair"]
    with pytest.raises(safety.PromptRefused):
        artist.render(plan, attributes, tmp_path)
    artist.release()
