#!/usr/bin/env python3
"""AnimeGANv2 generator on the CPU: ms per image for each execution path, peak RSS, parity.

    .venv/bin/python bench/bench_animegan.py [--sizes 256 512] [--threads 2] [--runs 5]
        [--paths eager,channels_last,onnx_plain,onnx,openvino_plain,openvino,openvino_bf16]
        [--checkpoint FILE.pt] [--align-corners true|false] [--interleaved]

Each (path, size) runs in a subprocess of its own, so its peak RSS is that path's alone (weights,
activations, runtime). Weights are random (seeded) unless --checkpoint is given; timings do not
depend on them. Paths:

  eager, channels_last   PyTorch
  onnx_plain             ONNX Runtime on torch.onnx's export of the Generator as written
  onnx                   ONNX Runtime on the project's export graph (animegan.runtime.export_graph)
  openvino_plain         OpenVINO f32 on the plain export
  openvino               OpenVINO f32 on the project's export graph (what runtime "auto" picks here)
  openvino_bf16          the same in bf16 (config precision = "bf16"; not output-preserving)

Parity is max |path - eager| over the output (range [-1, 1]). cpu/wall is process CPU time over
wall time during the timed calls: near --threads on a quiet machine; lower means other processes
took the CPU, so compare ratios from one run, and the "cpu ms" column (CPU time per image /
threads) which is less disturbed by other load.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PATHS = ("eager", "channels_last", "onnx_plain", "onnx", "openvino_plain", "openvino", "openvino_bf16")


def _worker(spec: dict) -> dict:
    sys.path.insert(0, str(ROOT))
    import numpy as np
    import torch

    from assistant.image import animegan
    from assistant.image.animegan import runtime as rt

    threads = spec["threads"]
    torch.set_num_threads(threads)
    torch.manual_seed(spec["seed"])
    if spec["checkpoint"]:
        generator = animegan.load_generator(spec["checkpoint"], spec["align_corners"])
    else:
        generator = animegan.build_generator(spec["align_corners"])
    h = w = spec["size"]
    x = np.random.default_rng(spec["seed"] + 1).uniform(-1, 1, (1, 3, h, w)).astype(np.float32)
    path = spec["path"]
    onnx_path = None
    if path.startswith(("onnx", "openvino")):
        onnx_path = Path(spec["tmp"]) / f"{path}.onnx"
        if path.endswith("_plain"):
            with torch.no_grad():
                torch.onnx.export(generator, (torch.from_numpy(x),), str(onnx_path), input_names=["input"],
                                  output_names=["output"], opset_version=17, dynamo=False,
                                  dynamic_axes={"input": {2: "h", 3: "w"}, "output": {2: "h", 3: "w"}})
        else:
            rt.export_onnx(generator, onnx_path)
        del generator
        generator = None
    engine_name = path.replace("_plain", "").replace("_bf16", "")
    engine = rt.build_engine(engine_name, generator, onnx_path, threads,
                             "bf16" if path.endswith("_bf16") else "f32")
    rss_before_run = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    y = engine(x)
    first_s = time.perf_counter() - t0
    for _ in range(spec["warmup"]):
        engine(x)
    times, cpu = [], []
    c_all, w_all = time.process_time(), time.perf_counter()
    for _ in range(spec["runs"]):
        c0, t0 = time.process_time(), time.perf_counter()
        engine(x)
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000 / threads)
    cpu_wall = (time.process_time() - c_all) / max(time.perf_counter() - w_all, 1e-9)
    np.save(spec["out"], y)
    return {
        "ms_median": statistics.median(times), "ms_min": min(times), "cpu_ms_median": statistics.median(cpu),
        "cpu_wall": cpu_wall, "first_call_s": first_s,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_before_run_mb": rss_before_run,
    }


def _build_all(paths: list[str], threads: int, seed: int, checkpoint: str, align_corners: bool, tmp: str) -> dict:
    """Every path's engine in this one process (for --interleaved)."""
    sys.path.insert(0, str(ROOT))
    import torch

    from assistant.image import animegan
    from assistant.image.animegan import runtime as rt

    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    generator = (animegan.load_generator(checkpoint, align_corners) if checkpoint
                 else animegan.build_generator(align_corners))
    plain = Path(tmp) / "plain.onnx"
    graph = rt.export_onnx(generator, Path(tmp) / "graph.onnx")
    with torch.no_grad():
        torch.onnx.export(generator, (torch.zeros(1, 3, 64, 64),), str(plain), input_names=["input"],
                          output_names=["output"], opset_version=17, dynamo=False,
                          dynamic_axes={"input": {2: "h", 3: "w"}, "output": {2: "h", 3: "w"}})
    engines = {}
    for path in paths:
        onnx_path = plain if path.endswith("_plain") else graph
        name = path.replace("_plain", "").replace("_bf16", "")
        engines[path] = rt.build_engine(name, generator, onnx_path, threads,
                                        "bf16" if path.endswith("_bf16") else "f32")
    return engines


def interleaved(args, paths: list[str]) -> None:
    """All paths in one process, timed round-robin: each sees the same share of outside load,
    so on a busy machine the ratios (and the minima) stay meaningful. No per-path RSS here."""
    import numpy as np

    with tempfile.TemporaryDirectory(prefix="bench-animegan-") as tmp:
        engines = _build_all(paths, args.threads, args.seed, args.checkpoint, args.align_corners == "true", tmp)
        print("\n| path | size | min ms | median ms | median cpu ms | max abs diff vs eager | eager/path (min) |")
        print("|---|---|---|---|---|---|---|")
        for size in args.sizes:
            x = np.random.default_rng(args.seed + 1).uniform(-1, 1, (1, 3, size, size)).astype(np.float32)
            ref = engines["eager"](x)
            parity = {p: float(np.abs(e(x) - ref).max()) for p, e in engines.items()}  # also warms up
            wall = {p: [] for p in engines}
            cpu = {p: [] for p in engines}
            for _ in range(args.runs):
                for p, e in engines.items():
                    c0, t0 = time.process_time(), time.perf_counter()
                    e(x)
                    wall[p].append((time.perf_counter() - t0) * 1000)
                    cpu[p].append((time.process_time() - c0) * 1000 / args.threads)
            for p in engines:
                print(f"| {p} | {size} | {min(wall[p]):.0f} | {statistics.median(wall[p]):.0f} | "
                      f"{statistics.median(cpu[p]):.0f} | {parity[p]:.1e} | "
                      f"{min(wall['eager']) / min(wall[p]):.2f}x |", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", nargs="+", type=int, default=[256, 512])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--paths", default=",".join(PATHS))
    ap.add_argument("--checkpoint", default="")
    ap.add_argument("--align-corners", default="true", choices=["true", "false"])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", help="also write the results here")
    ap.add_argument("--interleaved", action="store_true",
                    help="time all paths round-robin in one process (fairer on a shared machine; no RSS)")
    ap.add_argument("--_worker", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args._worker:
        print("@@" + json.dumps(_worker(json.loads(args._worker))))
        return 0

    import numpy as np

    paths = [p.strip() for p in args.paths.split(",") if p.strip()]
    unknown = [p for p in paths if p not in PATHS]
    if unknown:
        ap.error(f"unknown path(s) {unknown}; choose from {','.join(PATHS)}")
    if "eager" not in paths:
        paths.insert(0, "eager")  # parity needs it
    print(f"threads={args.threads} runs={args.runs} cpus={os.cpu_count()} loadavg={os.getloadavg()[0]:.2f} "
          f"align_corners={args.align_corners} weights={'checkpoint' if args.checkpoint else 'random'}", flush=True)
    if args.interleaved:
        interleaved(args, paths)
        print(f"\nloadavg after: {os.getloadavg()[0]:.2f}")
        return 0
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-animegan-") as tmp:
        for size in args.sizes:
            outputs = {}
            for path in paths:
                out = os.path.join(tmp, f"{path}-{size}.npy")
                spec = {"path": path, "size": size, "threads": args.threads, "runs": args.runs,
                        "warmup": args.warmup, "seed": args.seed, "checkpoint": args.checkpoint,
                        "align_corners": args.align_corners == "true", "tmp": tmp, "out": out}
                env = dict(os.environ, OMP_NUM_THREADS=str(args.threads))
                proc = subprocess.run([sys.executable, __file__, "--_worker", json.dumps(spec)],
                                      capture_output=True, text=True, env=env, timeout=900)
                line = next((l for l in reversed(proc.stdout.splitlines()) if l.startswith("@@")), None)
                if line is None:
                    tail = " / ".join((proc.stderr or proc.stdout).strip().splitlines()[-2:])
                    print(f"{path:15s} {size:4d}  ERROR {tail[:300]}", flush=True)
                    continue
                res = json.loads(line[2:])
                outputs[path] = np.load(out)
                res["parity"] = float(np.abs(outputs[path] - outputs["eager"]).max()) if "eager" in outputs else None
                res.update(path=path, size=size)
                results.append(res)
                print(f"{path:15s} {size:4d}  median {res['ms_median']:7.0f} ms  min {res['ms_min']:7.0f} ms  "
                      f"cpu {res['cpu_ms_median']:7.0f} ms  cpu/wall {res['cpu_wall']:.2f}  "
                      f"peak RSS {res['peak_rss_mb']:5.0f} MB  first call {res['first_call_s']:.2f} s  "
                      f"max|diff| vs eager {res['parity']:.1e}", flush=True)
    print("\n| path | size | ms/image (median) | min | cpu ms | peak RSS MB | max abs diff vs eager | vs eager |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        base = next(b for b in results if b["path"] == "eager" and b["size"] == r["size"])
        print(f"| {r['path']} | {r['size']} | {r['ms_median']:.0f} | {r['ms_min']:.0f} | {r['cpu_ms_median']:.0f} | "
              f"{r['peak_rss_mb']:.0f} | {r['parity']:.1e} | {base['ms_median'] / r['ms_median']:.2f}x |")
    print(f"\nloadavg after: {os.getloadavg()[0]:.2f} (2-core machine shared with other work: compare ratios)")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
