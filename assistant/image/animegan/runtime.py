"""Running the AnimeGANv2 generator fast on a CPU, and the on-disk cache of its exports.

Four ways to run the same network, all fed and answering NCHW float32 numpy arrays:

- `eager`: PyTorch as written (the reference every other way is checked against);
- `channels_last`: PyTorch with NHWC tensors;
- `onnx`: ONNX Runtime on an exported graph;
- `openvino`: OpenVINO on the same exported graph, compiled for each input shape.

The exported graph (`export_graph`) computes exactly the generator's function but spells two
operations so CPU runtimes keep their fast blocked/NHWC layouts: GroupNorm(1) becomes a mean and
variance over (C, H, W) of the 4-D tensor, which OpenVINO fuses into one MVN kernel together
with the LeakyReLU (PyTorch's own export reshapes to 3-D first, which forces a layout change and
a copy before and after every one of the 16 norms: about a third of the time). Parity with eager
is checked whenever a runtime is chosen.

`runtime = "auto"` times every available way once on this machine at 256x256, keeps the fastest
whose output matches eager, and caches the choice in `<data_dir>/cache/animegan/runtime.json`.
"""

from __future__ import annotations

import collections
import copy
import functools
import json
import logging
import os
import platform
import tempfile
import time
import warnings
from pathlib import Path
from typing import Callable

import numpy as np

from assistant.atomic import atomic_write, temp_path
from assistant.errors import UserError
from assistant.image.animegan.model import load_generator

log = logging.getLogger(__name__)

RUNTIMES = ("openvino", "onnx", "channels_last", "eager")
PRECISIONS = ("f32", "bf16")
# Largest max |difference| from eager (outputs are in [-1, 1]) a runtime may show and still be
# chosen: f32 runtimes differ only by summation order (~1e-5..1e-4); bf16 is an explicit opt-in.
PARITY_TOLERANCE = {"f32": 1e-3, "bf16": 6e-2}
# Bump when export_graph changes, so stale exports in the cache are not used.
GRAPH_VERSION = 1
BENCH_SIZE = 256

Report = Callable[[str], None]


def cache_dir(config) -> Path:
    return Path(config.general.data_dir).expanduser() / "cache" / "animegan"


def precision_of(config) -> str:
    p = config.animegan.precision
    if p not in PRECISIONS:
        raise UserError(f"config: [animegan] precision = {p!r} is not allowed", "use 'f32' or 'bf16'")
    return p


# --------------------------------------------------------------------------- exported graph

@functools.cache
def _export_graph_class():
    import torch
    from torch import nn
    from torch.nn import functional as F

    def group_norm(x, norm):
        # GroupNorm(1): statistics over (C, H, W) of the 4-D tensor itself (no reshape).
        mean = x.mean(dim=(1, 2, 3), keepdim=True)
        centred = x - mean
        var = (centred * centred).mean(dim=(1, 2, 3), keepdim=True)
        y = centred / torch.sqrt(var + norm.eps)
        return y * norm.weight.view(1, -1, 1, 1) + norm.bias.view(1, -1, 1, 1)

    def conv_norm_lrelu(seq, x):
        pad, conv, norm = seq[0], seq[1], seq[2]
        x = F.pad(x, tuple(pad.padding), mode="reflect")
        return F.leaky_relu(group_norm(conv(x), norm), 0.2)

    def inverted_res(block, x):
        expand, depthwise, project, norm = block.layers
        y = group_norm(project(conv_norm_lrelu(depthwise, conv_norm_lrelu(expand, x))), norm)
        return x + y if block.residual else y

    def run(seq, x):
        for layer in seq:
            x = inverted_res(layer, x) if hasattr(layer, "residual") else conv_norm_lrelu(layer, x)
        return x

    class ExportGraph(nn.Module):
        """The generator's forward, spelled for export; shares the generator's parameters."""

        def __init__(self, generator):
            super().__init__()
            self.g = generator

        def forward(self, x):
            g = self.g
            half = run(g.block_a, x)
            y = run(g.block_c, run(g.block_b, half))
            y = run(g.block_d, g._up(y, half))
            y = run(g.block_e, g._up(y, x))
            return g.out_layer(y)

    return ExportGraph


def export_graph(generator):
    return _export_graph_class()(generator).eval()


def export_onnx(generator, path: Path) -> Path:
    """Write the generator as ONNX (dynamic height and width) to `path`, atomically."""
    import torch

    example = torch.zeros(1, 3, 64, 64)
    with temp_path(path) as tmp, warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(export_graph(generator), (example,), str(tmp), input_names=["input"],
                          output_names=["output"], opset_version=17, dynamo=False,
                          dynamic_axes={"input": {2: "height", 3: "width"},
                                        "output": {2: "height", 3: "width"}})
    return path


def onnx_cache_path(config, checkpoint) -> Path:
    return cache_dir(config) / f"{checkpoint.name}-{checkpoint.fingerprint()}-g{GRAPH_VERSION}.onnx"


def cached_onnx(config, checkpoint, generator) -> Path:
    """The ONNX export of this checkpoint from the cache, exported first if it is not there."""
    path = onnx_cache_path(config, checkpoint)
    if not path.is_file():
        export_onnx(generator, path)
    return path


# --------------------------------------------------------------------------- engines

class EagerEngine:
    def __init__(self, generator, threads: int, channels_last: bool = False):
        import torch

        self.name = "channels_last" if channels_last else "eager"
        self._threads = threads
        self._channels_last = channels_last
        if channels_last:
            # .to() converts in place; a copy leaves the caller's (eager) generator as it was.
            generator = copy.deepcopy(generator).to(memory_format=torch.channels_last)
        self._model = generator

    def __call__(self, x: np.ndarray) -> np.ndarray:
        import torch

        before = torch.get_num_threads()
        torch.set_num_threads(self._threads)
        try:
            with torch.inference_mode():
                t = torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))
                if self._channels_last:
                    t = t.contiguous(memory_format=torch.channels_last)
                return self._model(t).contiguous().numpy()
        finally:
            torch.set_num_threads(before)


class OnnxEngine:
    name = "onnx"

    def __init__(self, onnx_path: Path, threads: int):
        import onnxruntime as ort

        so = ort.SessionOptions()
        so.intra_op_num_threads = threads
        so.inter_op_num_threads = 1
        so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # The memory arena stays on: without it every run maps and faults in ~1 GB of fresh pages at
        # 512x512, which measured up to twice as slow here.
        so.log_severity_level = 3
        self._session = ort.InferenceSession(str(onnx_path), so, providers=["CPUExecutionProvider"])

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self._session.run(None, {"input": np.ascontiguousarray(x, dtype=np.float32)})[0]


class OpenVinoEngine:
    """OpenVINO, compiled per input shape (a compile takes ~0.2 s; the last few are kept)."""

    name = "openvino"
    _KEEP = 3

    def __init__(self, onnx_path: Path, threads: int, precision: str = "f32"):
        import openvino as ov

        self._core = ov.Core()
        self._model = self._core.read_model(str(onnx_path))
        self._config = {
            "INFERENCE_NUM_THREADS": threads,
            "NUM_STREAMS": 1,
            "PERFORMANCE_HINT": "LATENCY",
            # On CPUs with bf16 units OpenVINO would silently compute in bf16; f32 keeps the output.
            "INFERENCE_PRECISION_HINT": precision,
        }
        self._compiled: collections.OrderedDict = collections.OrderedDict()

    def _request(self, shape: tuple[int, ...]):
        req = self._compiled.get(shape)
        if req is None:
            self._model.reshape({0: list(shape)})
            req = self._core.compile_model(self._model, "CPU", self._config).create_infer_request()
            self._compiled[shape] = req
            while len(self._compiled) > self._KEEP:
                self._compiled.popitem(last=False)
        else:
            self._compiled.move_to_end(shape)
        return req

    def __call__(self, x: np.ndarray) -> np.ndarray:
        x = np.ascontiguousarray(x, dtype=np.float32)
        req = self._request(tuple(x.shape))
        req.infer({0: x})
        return np.array(req.get_output_tensor(0).data, copy=True)


def available_runtimes() -> list[str]:
    import importlib.util

    found = []
    for name, module in (("openvino", "openvino"), ("onnx", "onnxruntime")):
        if importlib.util.find_spec(module) is not None:
            found.append(name)
    return found + ["channels_last", "eager"]


def build_engine(name: str, generator, onnx_path: Path | None, threads: int, precision: str = "f32"):
    if name == "eager":
        return EagerEngine(generator, threads)
    if name == "channels_last":
        return EagerEngine(generator, threads, channels_last=True)
    if name == "onnx":
        return OnnxEngine(onnx_path, threads)
    if name == "openvino":
        return OpenVinoEngine(onnx_path, threads, precision)
    raise UserError(f"config: [animegan] runtime = {name!r} is not known", "use one of: auto, " + ", ".join(RUNTIMES))


# --------------------------------------------------------------------------- choosing a runtime

def _machine_key(threads: int, precision: str) -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    from importlib import metadata

    versions = []
    for dist in ("torch", "onnxruntime", "openvino"):
        try:
            versions.append(f"{dist}={metadata.version(dist)}")  # without importing it
        except metadata.PackageNotFoundError:
            versions.append(f"{dist}=none")
    return f"{cpu}|cpus={os.cpu_count()}|threads={threads}|{precision}|" + ",".join(versions)


def _load_choices(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _save_choices(path: Path, data: dict) -> None:
    with atomic_write(path, "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)


def benchmark(engines: dict, size: int = BENCH_SIZE, rounds: int = 3, seed: int = 0) -> dict:
    """{name: {"ms": best ms per image, "max_abs_diff": vs eager}} timed round-robin.

    Round-robin (every engine once per round) spreads load from other processes evenly over
    the candidates instead of penalising whichever ran while the machine was busy.
    """
    x = np.random.default_rng(seed).uniform(-1, 1, (1, 3, size, size)).astype(np.float32)
    reference = engines["eager"](x)
    results = {}
    for name, engine in engines.items():
        y = engine(x)  # warm-up: first-call compilation and allocation
        results[name] = {"ms": float("inf"), "max_abs_diff": float(np.abs(y - reference).max())}
    for _ in range(rounds):
        for name, engine in engines.items():
            t0 = time.perf_counter()
            engine(x)
            results[name]["ms"] = min(results[name]["ms"], (time.perf_counter() - t0) * 1000)
    return results


def cached_choice(config) -> str | None:
    """The runtime "auto" chose earlier on this machine with these settings, if any."""
    store = cache_dir(config) / "runtime.json"
    known = _load_choices(store).get(_machine_key(config.animegan.threads, precision_of(config)))
    if isinstance(known, dict) and known.get("runtime") in available_runtimes():
        return known["runtime"]
    return None


def choose_runtime(config, generator, onnx_path: Path | None, report: Report | None = None,
                   size: int = BENCH_SIZE) -> str:
    """The runtime to use: the configured one, or for "auto" the cached or newly measured choice."""
    report = report or log.info
    wanted = config.animegan.runtime
    if wanted != "auto":
        return wanted
    known = cached_choice(config)
    if known is not None:
        return known
    threads, precision = config.animegan.threads, precision_of(config)
    store = cache_dir(config) / "runtime.json"
    key = _machine_key(threads, precision)
    engines = {}
    for name in available_runtimes():
        if name in ("onnx", "openvino") and onnx_path is None:
            continue
        try:
            engines[name] = build_engine(name, generator, onnx_path, threads, precision)
        except Exception as exc:  # noqa: BLE001 - a runtime that cannot start is not a candidate
            report(f"animegan: runtime {name} unavailable ({type(exc).__name__}: {exc})")
    engines = {"eager": engines.pop("eager"), **engines}
    results = benchmark(engines, size=size)
    tolerance = PARITY_TOLERANCE[precision]
    fits = {n: r for n, r in results.items() if r["max_abs_diff"] <= tolerance}
    choice = min(fits, key=lambda n: fits[n]["ms"])
    summary = ", ".join(f"{n} {r['ms']:.0f} ms (max|diff| {r['max_abs_diff']:.1e})" for n, r in results.items())
    report(f"animegan: chose runtime {choice} at {size}x{size}, {threads} threads: {summary}")
    data = _load_choices(store)
    data[key] = {"runtime": choice, "measured": results, "when": time.strftime("%Y-%m-%d %H:%M:%S")}
    try:
        _save_choices(store, data)
    except OSError as exc:
        report(f"animegan: could not cache the runtime choice in {store} ({exc.strerror})")
    return choice


def make_engine(config, checkpoint, report: Report | None = None):
    """Load `checkpoint` and return the engine that runs it (runtime chosen per the config)."""
    report = report or log.info
    threads, precision = max(1, config.animegan.threads), precision_of(config)
    wanted = config.animegan.runtime
    # Warm start: with the export cached (it was made from this very file, checked strictly) and
    # the runtime known, neither torch nor the checkpoint is needed: about 2 s less per start.
    name = wanted if wanted != "auto" else cached_choice(config)
    cached = onnx_cache_path(config, checkpoint)
    if name in ("onnx", "openvino") and cached.is_file():
        try:
            return build_engine(name, None, cached, threads, precision)
        except ImportError:
            pass  # reported below, after the slow path finds the same
        except Exception as exc:  # noqa: BLE001 - a damaged cache entry is rebuilt
            report(f"animegan: cached export {cached.name} unusable ({type(exc).__name__}); exporting again")
            cached.unlink(missing_ok=True)
    generator = load_generator(checkpoint.path, checkpoint.align_corners)
    onnx_path = None
    if wanted in ("onnx", "openvino") or (wanted == "auto" and name not in ("eager", "channels_last")):
        try:
            onnx_path = cached_onnx(config, checkpoint, generator)
        except Exception as exc:  # noqa: BLE001 - exporting is an optimisation; eager always works
            if wanted != "auto":
                raise UserError(f"could not export AnimeGANv2 for the {wanted} runtime ({exc})",
                                "set [animegan] runtime = 'eager' in the config") from None
            report(f"animegan: export failed ({type(exc).__name__}: {exc}); running eager")
    name = choose_runtime(config, generator, onnx_path, report)
    try:
        return build_engine(name, generator, onnx_path, threads, precision)
    except ImportError as exc:
        raise UserError(f"the AnimeGANv2 runtime {name!r} needs a module that is not installed ({exc.name})",
                        "install it with pip, or set [animegan] runtime = 'auto' or 'eager'") from None


# --------------------------------------------------------------------------- benchmark-tool adapter

def build_fast_generator(runtime: str = "openvino", threads: int = 2, precision: str = "f32"):
    """A Generator whose forward runs through `runtime` (for shared/tools' reference bench).

    It holds the same 77 parameters (so the tool's strict load of the reference weights works)
    and exports itself to a temporary ONNX file on the first call after its weights change.
    """
    import torch

    from assistant.image.animegan.model import Generator

    class FastGenerator(Generator):
        def __init__(self):
            super().__init__(align_corners=True)
            self._engine = None
            self._tmp = tempfile.TemporaryDirectory(prefix="animegan-fast-")

        def load_state_dict(self, *args, **kwargs):
            self._engine = None
            return super().load_state_dict(*args, **kwargs)

        def forward(self, x):
            if self._engine is None:
                onnx_path = None
                if runtime in ("onnx", "openvino"):
                    onnx_path = export_onnx(self, Path(self._tmp.name) / "g.onnx")
                plain = Generator(align_corners=self.align_corners)
                plain.load_state_dict(super().state_dict())
                self._engine = build_engine(runtime, plain.eval(), onnx_path, threads, precision)
            return torch.from_numpy(self._engine(x.detach().numpy()))

    return FastGenerator().eval()
