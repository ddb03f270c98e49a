"""The project's spoken dialog sets, spoken aloud and run through the real `listen` command.

Each dialog of tests/data/spoken_dialogs_{en,zh}.json is spoken turn by turn by a chosen voice
(natural: assistant.speech.natural.load_voice, i.e. Piper for English and the Mandarin port for
Chinese; espeak: espeak-ng, the robotic hard case), the turns joined with the pauses a person
leaves while waiting for the reply, and the WAV goes through

    run_assistant.py listen --audio-in DIALOG.wav --events FILE --image-out DIR --tts-out DIR --display none

in its own process (a fresh dialog each time, so no dialog leaks into the next), with whisper
`base` (or --model) and the encoder window sized to the turn or whisper's full 30 s. `listen`
waits for each reply before it takes the next turn, as a person would.

A dialog is right when the last picture drawn has exactly the expected record: every expected
slot equal and nothing the person did not say (tests/spoken_sets.py `matches`); a cancelled
dialog is right when nothing is drawn. Printed per language, voice and window: right / total,
the time taken, and each failure with what whisper heard.

    PYTHONPATH=. .venv/bin/python bench/bench_spoken_dialogs.py --lang en --voice both --window both
    PYTHONPATH=. .venv/bin/python bench/bench_spoken_dialogs.py --lang en --model tiny.en --limit 10
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import spoken_sets  # noqa: E402
from tests.spoken_sets import RATE, dialog_audio, run_listen, write_config  # noqa: E402

def bench(lang: str, voice: str, windows: list[str], dialogs, model: str, jobs: int, work: Path) -> list[dict]:
    """Every (window) run of `dialogs` spoken by `voice`; one result block per window."""
    t0 = time.monotonic()
    from assistant.audio.wav import write_wav

    wavs = []
    for d in dialogs:
        wavs.append(write_wav(work / f"{d.id}-{voice}.wav", dialog_audio(d, voice), RATE))
    speak_s = time.monotonic() - t0
    threads = max(1, (os.cpu_count() or 2) // jobs)
    blocks = []
    for window in windows:
        config = write_config(work / f"{model}-{window}.toml", model, window == "sized", threads)
        started = time.monotonic()

        def one(i: int) -> dict:
            d = dialogs[i]
            place = work / f"{d.id}-{voice}-{window}"
            place.mkdir(parents=True, exist_ok=True)
            seconds = 30 + 15 * len(d.turns)
            result = run_listen(wavs[i], config, place, timeout=seconds)
            result["ok"] = spoken_sets.matches(d.expect, result["drawn"])
            return result

        with ThreadPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(one, range(len(dialogs))))
        blocks.append({"lang": lang, "voice": voice, "window": window, "model": model,
                       "dialogs": dialogs, "results": results, "speak_s": speak_s,
                       "listen_s": time.monotonic() - started})
    return blocks


def report(block: dict, out=sys.stdout) -> None:
    dialogs, results = block["dialogs"], block["results"]
    right = sum(r["ok"] for r in results)
    gaps = [d for d in dialogs if d.gap]
    print(f"\n{block['lang']} / voice {block['voice']} / window {block['window']} / model {block['model']}: "
          f"{right}/{len(dialogs)} dialogs right"
          + (f" ({sum(r['ok'] for d, r in zip(dialogs, results) if not d.gap)}/{len(dialogs) - len(gaps)} "
             f"without the {len(gaps)} typed parser gaps)" if gaps else "")
          + f"; speaking {block['speak_s']:.0f} s, listen {block['listen_s']:.0f} s", file=out)
    for d, r in zip(dialogs, results):
        if r["ok"]:
            continue
        print(f"  FAIL {d.id} [{d.kind}]{' (typed gap)' if d.gap else ''}: "
              f"{spoken_sets.differences(d.expect, r['drawn'])}", file=out)
        print(f"       said:  {' | '.join(d.turns)}", file=out)
        print(f"       heard: {' | '.join(r['heard']) or '(nothing)'}", file=out)
        if r["code"] != 0:
            print(f"       listen exit {r['code']}: {r['stderr']}", file=out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lang", choices=["en", "zh", "both"], default="both")
    ap.add_argument("--voice", choices=["natural", "espeak", "both"], default="natural")
    ap.add_argument("--window", choices=["sized", "full", "both"], default="sized",
                    help="[asr] sized_window true (sized), false (whisper's 30 s), or both side by side")
    ap.add_argument("--model", default="base", help='whisper model: "base" (default) or "tiny.en" (English only)')
    ap.add_argument("--limit", type=int, default=0, help="the first N dialogs spread over the kinds (0: all)")
    ap.add_argument("--ids", default="", help="comma-separated dialog ids to run (e.g. en-03,en-17)")
    ap.add_argument("--jobs", type=int, default=1, help="listen processes at once (default 1; 2 cores: keep 1)")
    ap.add_argument("--json", default="", help="also write every result to this JSON file")
    ap.add_argument("--keep", default="", help="keep the WAVs and event logs in this folder")
    args = ap.parse_args(argv)

    langs = ["en", "zh"] if args.lang == "both" else [args.lang]
    voices = ["natural", "espeak"] if args.voice == "both" else [args.voice]
    windows = ["sized", "full"] if args.window == "both" else [args.window]
    if args.model.endswith(".en") and "zh" in langs:
        print(f"error: {args.model} hears English only — fix: add --lang en, or use --model base", file=sys.stderr)
        return 2
    if "espeak" in voices:
        from tests.audio_fixtures import have_espeak

        if not have_espeak():
            print("error: espeak-ng is not installed — fix: apt-get install espeak-ng, or use --voice natural",
                  file=sys.stderr)
            return 2
    from tests.audio_fixtures import natural_available

    blocks, skipped = [], []
    with tempfile.TemporaryDirectory(prefix="bench-spoken-") as tmp:
        work = Path(args.keep).expanduser() if args.keep else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        for lang in langs:
            if args.ids:
                wanted = set(args.ids.split(","))
                dialogs = [d for d in spoken_sets.load(lang) if d.id in wanted]
            elif args.limit:
                dialogs = spoken_sets.subset(lang, args.limit)
            else:
                dialogs = spoken_sets.load(lang)
            if not dialogs:
                continue
            for voice in voices:
                why = natural_available(lang) if voice == "natural" else None
                if why:
                    skipped.append(f"{lang} / voice natural skipped: {why}")
                    print(skipped[-1], flush=True)
                    continue
                print(f"{lang} / voice {voice}: {len(dialogs)} dialogs, window {', '.join(windows)}, "
                      f"model {args.model}...", flush=True)
                for block in bench(lang, voice, windows, dialogs, args.model, max(1, args.jobs), work):
                    report(block)
                    blocks.append(block)
    print("\nsummary")
    for b in blocks:
        right = sum(r["ok"] for r in b["results"])
        print(f"  {b['lang']} {b['voice']:8} {b['window']:5} {b['model']}: {right}/{len(b['results'])} right "
              f"({100 * right / len(b['results']):.0f}%), listen {b['listen_s']:.0f} s")
    for line in skipped:
        print(f"  {line}")
    if args.json:
        Path(args.json).write_text(json.dumps([
            {k: v for k, v in b.items() if k != "dialogs"} | {"ids": [d.id for d in b["dialogs"]]}
            for b in blocks], ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
