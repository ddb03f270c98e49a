"""The offline picture backend: a flat-colour anime-style illustration drawn from the attribute record.

`render(attributes, seed, width, height, style)` draws it; `layout(...)` names the regions the
tests check colours in. The modules: `look` resolves the record into a Look and a Scene, `pose`
the skeleton, `person` / `animal` the figures (with `face`, `hair`, `accessory`, `props`),
`scene` / `sky` the backdrop, `draw` the pen, and `picture` puts them together.
"""

from assistant.image.sketch.picture import SUPERSAMPLE, layout, render

__all__ = ["SUPERSAMPLE", "layout", "render"]
