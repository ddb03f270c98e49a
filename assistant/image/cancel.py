"""The exception every image backend raises when a picture is stopped part-way.

A leaf module so the backends (sd) and the artist that drives them can share it without
importing each other.
"""


class Cancelled(Exception):
    """Generation was stopped between steps (a cancel or a correction arrived)."""
