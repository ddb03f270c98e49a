"""The exception every image backend raises when a picture is stopped part-way.

The dialog defines it (dialog.ports), since it is the dialog that stops a drawing and is told
so; it lives here too so the backends (sd) and the artist that drives them can share it without
importing each other.
"""

from dialog.ports import Cancelled

__all__ = ["Cancelled"]
