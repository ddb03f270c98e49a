#!/usr/bin/env python3
"""anime-assistant's one entry point; see README.md or `run_assistant.py --help`."""
import sys

from assistant.cli import main

if __name__ == "__main__":
    sys.exit(main())
