"""`parse`: descriptions to canonical attribute records, one JSON object per text.

Loads no speech or image model, so it answers in a fraction of a second.
"""

from __future__ import annotations

import json
import sys

from dialog.text import clean_text


def run(args, config) -> int:
    from dialog import attributes as attrs
    from dialog import parse, prompts

    lang_opt = args.lang if args.lang != "auto" else config.general.language
    for raw in args.texts:
        text = clean_text(raw)
        parsed = parse.parse(text, lang_opt)
        record = attrs.validate(parsed.attributes)
        style = record.get("style") or config.image.default_style
        prompt, negative = prompts.build_prompt(record, style)
        out = {"lang": parsed.lang, "attributes": record, "prompt": prompt, "negative_prompt": negative}
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    return 0
