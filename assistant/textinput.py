"""Text cleaning moved to dialog/text.py (dialog depends on nothing in assistant); these names
stay importable from here for existing callers."""

from dialog.text import MAX_CHARS, clean_text

__all__ = ["MAX_CHARS", "clean_text"]
