"""Model weights: the registry of every model the assistant can use, and safe downloads."""
