"""Command line: `run_assistant.py [COMMAND] ...` (also the console script `anime-assistant`).

Argument parsing lives here; each command's work lives in `assistant.commands.<name>`, imported
only when that command runs, so `parse` and `chat` never pay for torch or whisper imports.
Every failure a person can fix ends as one line on stderr and a non-zero exit status.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from assistant.config import DISPLAY_MODES as DISPLAYS
from assistant.errors import UserError
from dialog.attributes import STYLES


class _Parser(argparse.ArgumentParser):
    """argparse that reports a bad argument as one line with the fix, not a usage dump."""

    def error(self, message):  # noqa: D401 - argparse API
        raise UserError(f"{self.prog}: {message}", f"see '{self.prog} --help'")


def _common(p: argparse.ArgumentParser, top: bool = False) -> None:
    # Sub-commands suppress their defaults so `--config X chat` and `chat --config X` both work.
    default = None if top else argparse.SUPPRESS
    p.add_argument("--config", metavar="FILE", default=default,
                   help="TOML configuration file (every option has a default)")
    p.add_argument("--debug", action="store_true", default=False if top else argparse.SUPPRESS,
                   help="show a traceback for unexpected errors")


def build_parser() -> argparse.ArgumentParser:
    root = _Parser(prog="run_assistant.py",
                   description="anime-assistant: describe a picture aloud, confirm it, get it drawn.")
    _common(root, top=True)
    root.add_argument("--display", choices=DISPLAYS, help="window (default), headless frames, or none")
    root.add_argument("--kiosk", action="store_true", help="unattended exhibition mode")
    root.add_argument("--events", metavar="FILE", help="the daemon also appends its events to FILE as JSON lines")
    sub = root.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("parse", help="understand descriptions; one JSON object per text")
    _common(p)
    p.add_argument("--lang", choices=("auto", "en", "zh"), default="auto")
    p.add_argument("texts", nargs="+", metavar="TEXT")

    p = sub.add_parser("chat", help="the dialog alone, typed turns in place of speech")
    _common(p)
    p.add_argument("--turn", action="append", required=True, metavar="TEXT", help="one user utterance")
    p.add_argument("--json", action="store_true", help="print the event stream as JSON lines")
    p.add_argument("--image-out", metavar="DIR", help="folder for the pictures")
    p.add_argument("--events", metavar="FILE", help="also append the events to FILE as JSON lines")

    p = sub.add_parser("listen", help="the daemon fed from WAV files instead of the microphone")
    _common(p)
    p.add_argument("--audio-in", action="append", required=True, metavar="FILE")
    p.add_argument("--realtime", action="store_true", help="feed the audio at its natural pace")
    p.add_argument("--tts-out", metavar="DIR", help="write spoken replies as WAV files here")
    p.add_argument("--image-out", metavar="DIR")
    p.add_argument("--events", metavar="FILE")
    p.add_argument("--display", choices=DISPLAYS, default="none")
    p.add_argument("--json", action="store_true", help="print the event stream as JSON lines")

    p = sub.add_parser("stylize", help="turn a photo or any picture into anime style")
    _common(p)
    p.add_argument("input", metavar="IN", help="picture file (PNG, JPEG, WebP, GIF, TIFF, BMP; any size or mode)")
    p.add_argument("output", metavar="OUT", help="file to write; its extension picks the format")
    p.add_argument("--style", choices=STYLES, default=None, help="default: [image] default_style")
    p.add_argument("--backend", choices=("animegan", "toon"), default=None,
                   help="animegan needs weights (fetch-weights); toon needs none; "
                        "default: animegan when its weights are installed, else toon")

    p = sub.add_parser("fetch-weights", help="download or install model weights")
    _common(p)
    p.add_argument("names", nargs="*", metavar="NAME", help="registry names (default: the recommended set)")
    p.add_argument("--list", action="store_true", help="list every known model and whether it is installed")
    p.add_argument("--from", dest="from_dir", metavar="DIR", help="install from a local folder or USB stick")
    p.add_argument("--yes", action="store_true", help="accept the licences shown without asking")
    p.add_argument("--allow-unverified", action="store_true",
                   help="install files the registry has no sha256 for (their bytes cannot be checked)")
    p.add_argument("--deadline", type=float, metavar="S", help="most seconds per file (default: [weights] deadline_s)")
    p.add_argument("--stall-window", type=float, metavar="S",
                   help="a download getting under --stall-bytes in S seconds has stalled ([weights] stall_window_s)")
    p.add_argument("--stall-bytes", type=int, metavar="N", help="see --stall-window ([weights] stall_min_bytes)")

    p = sub.add_parser("demo", help="scripted spoken conversation through the real pipeline")
    _common(p)
    p.add_argument("--display", choices=DISPLAYS, default="none")
    p.add_argument("--out", metavar="DIR", default="out/demo")

    p = sub.add_parser("gallery", help="the pictures kept so far")
    _common(p)
    gsub = p.add_subparsers(dest="gallery_command", metavar="ACTION", parser_class=_Parser, required=True)
    g = gsub.add_parser("list")
    g.add_argument("--limit", type=int, default=50)
    g = gsub.add_parser("show")
    g.add_argument("id", type=int)
    g = gsub.add_parser("export")
    g.add_argument("dest", metavar="DIR")
    g.add_argument("--zip", action="store_true", help="write a zip file instead of a folder")

    p = sub.add_parser("doctor", help="check everything the assistant needs, with fixes")
    _common(p)

    p = sub.add_parser("render-worker", help="draw pictures for the kiosks from the Redis render queue ([render])")
    _common(p)
    return root


_COMMANDS = {
    None: "daemon",
    "parse": "parse",
    "chat": "chat",
    "listen": "listen",
    "stylize": "stylize",
    "fetch-weights": "fetch_weights",
    "demo": "demo",
    "gallery": "gallery",
    "doctor": "doctor",
    "render-worker": "render_worker",
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv or os.environ.get("ANIME_ASSISTANT_DEBUG") == "1"
    try:
        args = build_parser().parse_args(argv)
        from assistant import config as config_mod

        cfg = config_mod.load(args.config)
        module = importlib.import_module(f"assistant.commands.{_COMMANDS[args.command]}")
        return int(module.run(args, cfg) or 0)
    except UserError as exc:
        print(f"error: {exc.line()}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Output piped into `head` and closed early: not an error worth a traceback.
        sys.stderr.close()
        return 1
    except Exception as exc:  # noqa: BLE001 - last line of defence: one line, never a traceback
        if debug:
            raise
        print(f"error: unexpected {type(exc).__name__}: {exc} — fix: run again with --debug and report the "
              f"traceback", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
