"""Soak: hours of mixed audio through `listen`, with the daemon's memory sampled as it goes.

The audio (bench/soak_audio.py) is a seeded script of English and Chinese conversations spoken
by espeak-ng (dev-set descriptions and dialogs; confirmations, corrections, refusals, cancels,
walk-aways), pauses, noise stretches (white, pink, brown, hum, a chord sequence) and long quiet
periods, written as WAV parts with its schedule beside them. It is fed to the real daemon:

    run_assistant.py listen --audio-in PART --audio-in PART... --events FILE --image-out DIR --tts-out DIR --display none

in a subprocess with a throwaway data folder, as fast as the pipeline takes it (each speech
segment is handled to the end, reply and picture included, before the audio moves on). The
process's RSS, threads and open files are sampled every few wall seconds; each sample is placed
in audio time by the events file (`speech` and `ignored` events carry their audio seconds).

    .venv/bin/python bench/bench_soak.py [--minutes 120] [--seed 0] [--work DIR] [--backend sketch]

Prints the turns, pictures, errors, ignored segments, turns falsely taken from the noise
stretches, and RSS per audio hour. Target: flat memory, the last hour's peak RSS within 10% of
the first hour's (with --minutes under 120 the first and last quarter of the run are compared).
--work DIR keeps the audio, events, pictures and samples, and reuses audio made with the same
--minutes and --seed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import psutil  # noqa: E402

import soak_audio  # noqa: E402

MB = 1024 * 1024


class _Tail:
    """Reads the events file as it grows; keeps only the furthest audio second reported."""

    def __init__(self, path: Path):
        self._path = path
        self._offset = 0
        self._partial = b""
        self.audio_s = 0.0
        self.started = False  # the first segment was reported: the models are loaded

    def poll(self) -> float:
        try:
            with open(self._path, "rb") as f:
                f.seek(self._offset)
                data = f.read()
        except FileNotFoundError:
            return self.audio_s
        self._offset += len(data)
        lines = (self._partial + data).split(b"\n")
        self._partial = lines.pop()
        for line in lines:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            self.started = True
            if event.get("type") in ("speech", "ignored") and "end" in event:
                self.audio_s = max(self.audio_s, float(event["end"]))
        return self.audio_s


def _audio(work: Path, minutes: float, seed: int, part_minutes: float) -> dict:
    audio_dir = work / "audio"
    schedule_file = audio_dir / "schedule.json"
    if schedule_file.exists():
        schedule = json.loads(schedule_file.read_text(encoding="utf-8"))
        if (schedule.get("minutes"), schedule.get("seed"), schedule.get("part_minutes")) == (minutes, seed, part_minutes) \
                and all((audio_dir / p).exists() for p in schedule["parts"]):
            print(f"reusing the audio in {audio_dir}", flush=True)
            return schedule
        shutil.rmtree(audio_dir)
    t0 = time.monotonic()
    schedule = soak_audio.generate(audio_dir, minutes, seed=seed, part_minutes=part_minutes)
    print(f"wrote {schedule['seconds'] / 60:.1f} min of audio in {len(schedule['parts'])} parts "
          f"({time.monotonic() - t0:.0f} s)", flush=True)
    return schedule


def _run(work: Path, schedule: dict, backend: str, sample_s: float, model: str | None) -> dict:
    data = work / "data"
    shutil.rmtree(data, ignore_errors=True)
    for name in ("pictures", "tts"):
        shutil.rmtree(work / name, ignore_errors=True)
    data.mkdir(parents=True)
    config = work / "soak.toml"
    lines = [f'[general]\ndata_dir = "{data}"\n', f'[image]\nbackend = "{backend}"\n']
    if model:
        lines.append(f'[asr]\nmodel = "{model}"\n')
    config.write_text("\n".join(lines), encoding="utf-8")
    events = work / "events.jsonl"
    events.unlink(missing_ok=True)
    parts = [str(work / "audio" / p) for p in schedule["parts"]]
    cmd = [sys.executable, str(ROOT / "run_assistant.py"), "listen", "--config", str(config),
           *(arg for part in parts for arg in ("--audio-in", part)), "--events", str(events), "--image-out", str(work / "pictures"),
           "--tts-out", str(work / "tts"), "--display", "none"]
    env = dict(os.environ, PYTHONPATH=str(ROOT), SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    tail = _Tail(events)
    samples = []
    total = schedule["seconds"]
    with open(work / "timeline.log", "wb") as out, open(work / "stderr.log", "wb") as err:
        t0 = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=str(ROOT))
        ps = psutil.Process(proc.pid)
        last_report = t0
        try:
            while proc.poll() is None:
                try:
                    with ps.oneshot():
                        rss, threads, fds = ps.memory_info().rss, ps.num_threads(), ps.num_fds()
                except psutil.Error:
                    break
                wall = time.monotonic() - t0
                audio_s = tail.poll()
                samples.append({"wall_s": round(wall, 1), "audio_s": round(audio_s, 1), "started": tail.started,
                                "rss_mb": round(rss / MB, 1), "threads": threads, "fds": fds})
                if time.monotonic() - last_report >= 60:
                    last_report = time.monotonic()
                    print(f"  wall {wall / 60:5.1f} min  audio {tail.audio_s / 60:6.1f}/{total / 60:.0f} min  "
                          f"rss {rss / MB:6.0f} MB  threads {threads}  fds {fds}", flush=True)
                time.sleep(sample_s)
        except KeyboardInterrupt:
            proc.terminate()
        rc = proc.wait()
        wall = time.monotonic() - t0
    (work / "rss.json").write_text(json.dumps(samples), encoding="utf-8")
    return {"rc": rc, "wall_s": wall, "samples": samples, "events": events}


def _inside(t: float, spans: list[tuple[float, float]], slack: float = 0.0):
    for i, (a, b) in enumerate(spans):
        if a - slack <= t <= b:
            return i
    return None


def _report(schedule: dict, run: dict, work: Path) -> bool:
    events = [json.loads(line) for line in run["events"].read_text(encoding="utf-8").splitlines() if line.strip()] \
        if run["events"].exists() else []
    items = schedule["items"]
    utterances = [i for i in items if i["kind"] == "speech"]
    noise = [i for i in items if i["kind"] == "noise"]
    noise_spans = [(i["start"], i["end"]) for i in noise]
    speech_spans = [(u["start"], u["end"]) for u in utterances]
    quiet_s = sum(i["end"] - i["start"] for i in items if i["kind"] == "quiet")
    total = schedule["seconds"]

    # Turns are strictly in order without --realtime: every outcome follows its own `speech` event.
    speech = ignored = 0
    from_noise, from_speech, elsewhere = Counter(), Counter(), Counter()
    by_lang: dict[str, Counter] = {"en": Counter(), "zh": Counter()}
    noise_texts: list[str] = []
    last_start, last_transcript = None, ""
    for e in events:
        kind = e["type"]
        if kind == "speech":
            speech += 1
            last_start = e["start"]
        elif kind == "transcript":
            last_transcript = e.get("text", "")
        elif kind == "understood" and last_start is not None:
            where = (from_noise if _inside(last_start, noise_spans) is not None
                     else from_speech if _inside(last_start, speech_spans, slack=0.6) is not None else elsewhere)
            where[e.get("intent", "?")] += 1
            said = _inside(last_start, speech_spans, slack=0.6)
            if where is from_speech and said is not None:
                by_lang[utterances[said]["lang"]][e.get("intent", "?")] += 1
            if where is from_noise and len(noise_texts) < 8:
                noise_texts.append(last_transcript)
    counts = Counter(e["type"] for e in events)
    segs_in_noise = sum(1 for e in events if e["type"] == "speech" and _inside(e["start"], noise_spans) is not None)
    errors = Counter(f"{e.get('stage')}: {e.get('message')}" for e in events if e["type"] == "error")
    ignored_reasons = Counter(str(e.get("reason")).split(" (")[0] for e in events if e["type"] == "ignored")
    ignored = counts["ignored"]
    intents = Counter(e.get("intent") for e in events if e["type"] == "understood")
    wall = run["wall_s"]

    print(f"\naudio simulated   {total / 60:.1f} min ({len(schedule['parts'])} parts); "
          f"{len(utterances)} utterances in {schedule['dialogs']} dialogs "
          f"(en {sum(u['lang'] == 'en' for u in utterances)}, zh {sum(u['lang'] == 'zh' for u in utterances)}), "
          f"{len(noise)} noise stretches ({sum(b - a for a, b in noise_spans) / 60:.1f} min), "
          f"quiet periods {quiet_s / 60:.1f} min")
    print(f"wall time         {wall / 60:.1f} min ({wall / (total / 60):.1f} s per audio minute); exit status {run['rc']}")
    print(f"speech segments   {speech} ({segs_in_noise} inside noise stretches); ignored {ignored} "
          f"({', '.join(f'{r} {n}' for r, n in ignored_reasons.most_common()) or '-'})")
    print(f"turns (understood) {counts['understood']}: " + ", ".join(f"{k} {v}" for k, v in intents.most_common()))
    print(f"  from scripted speech {sum(from_speech.values())}, from noise stretches {sum(from_noise.values())} "
          f"({', '.join(f'{k} {v}' for k, v in from_noise.most_common()) or '-'}), "
          f"elsewhere {sum(elsewhere.values())}")
    for lang, got in by_lang.items():
        said = sum(u["lang"] == lang for u in utterances)
        print(f"  {lang}: {said} scripted utterances -> {sum(got.values())} turns, "
              f"{sum(n for k, n in got.items() if k != 'unknown')} with a known intent")
    for text in noise_texts:
        print(f"    heard in noise: {text!r}")
    print(f"pictures          {counts['image']} (generate {counts['generate']}); replies spoken {counts['say']}")
    print(f"errors            {counts['error']}")
    for message, n in errors.most_common(10):
        print(f"  {n:4d} x {message[:160]}")

    startup = [s for s in run["samples"] if not s["started"]]
    samples = [s for s in run["samples"] if s["started"]]
    if not samples:
        print("RSS               no samples after start-up (the process ended early: see stderr.log)")
        return False
    if startup:
        print(f"RSS at start-up   peak {max(s['rss_mb'] for s in startup):.1f} MB while loading the models "
              f"({startup[-1]['wall_s']:.0f} s; left out below)")
    window = 3600.0 if total >= 7200 else total / 4
    unit = "hour" if window == 3600.0 else f"{window / 60:.0f} min"
    buckets: dict[int, list[float]] = {}
    for s in samples:
        buckets.setdefault(min(int(s["audio_s"] // window), int((total - 1e-6) // window)), []).append(s["rss_mb"])
    print(f"RSS per audio {unit} (MB; {len(samples)} samples, every {run['sample_s']:.0f} s of wall time):")
    for k in sorted(buckets):
        v = buckets[k]
        print(f"  {k * window / 60:6.1f}-{(k + 1) * window / 60:5.1f} min  n={len(v):5d}  "
              f"min {min(v):7.1f}  median {statistics.median(v):7.1f}  max {max(v):7.1f}")
    first, last = max(buckets[min(buckets)]), max(buckets[max(buckets)])
    ratio = last / first
    ok = len(buckets) > 1 and ratio <= 1.10 and run["rc"] == 0
    print(f"  first {unit} peak {first:.1f} MB, last {unit} peak {last:.1f} MB, ratio {ratio:.3f} "
          f"-> {'PASS' if ok else 'FAIL'} (target: within 10%{'' if run['rc'] == 0 else '; the daemon did not exit cleanly'})")
    warm = [s for s in samples if s["audio_s"] >= window]
    if len(warm) > 10 and warm[-1]["audio_s"] - warm[0]["audio_s"] >= 1800:
        import numpy as np

        hours = np.array([s["audio_s"] / 3600 for s in warm])
        slope = np.polyfit(hours, np.array([s["rss_mb"] for s in warm]), 1)[0]
        print(f"  trend after the first {unit}: {slope:+.1f} MB per audio hour")
    print(f"  threads {samples[0]['threads']} -> {samples[-1]['threads']} (max {max(s['threads'] for s in samples)}), "
          f"open files {samples[0]['fds']} -> {samples[-1]['fds']} (max {max(s['fds'] for s in samples)})")
    return ok


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--minutes", type=float, default=120.0, help="audio to simulate (default 120)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--part-minutes", type=float, default=2.0,
                   help="length of each WAV part (default 2: listen holds a whole part in memory)")
    p.add_argument("--backend", default="sketch", choices=("sketch", "sd", "auto"),
                   help="picture backend (default sketch: Stable Diffusion on a CPU takes minutes a picture)")
    p.add_argument("--model", default=None, help="whisper model (default: the configured default, base)")
    p.add_argument("--sample-s", type=float, default=2.0, help="wall seconds between RSS samples")
    p.add_argument("--work", default=None, help="keep everything in this folder (and reuse its audio)")
    args = p.parse_args(argv)
    if args.minutes <= 0:
        p.error("--minutes must be above 0")
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="bench-soak-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        schedule = _audio(work, args.minutes, args.seed, args.part_minutes)
        print(f"running listen on {schedule['seconds'] / 60:.1f} min of audio ...", flush=True)
        run = _run(work, schedule, args.backend, args.sample_s, args.model)
        run["sample_s"] = args.sample_s
        ok = _report(schedule, run, work)
        if run["rc"] != 0:
            print("stderr tail:\n" + (work / "stderr.log").read_text(errors="replace")[-2000:])
        if args.work:
            print(f"(kept in {work}: audio/, schedule.json, events.jsonl, rss.json, pictures/, tts/, logs)")
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
