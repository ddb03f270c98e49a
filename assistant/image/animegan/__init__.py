"""AnimeGANv2 photo-to-anime: finding checkpoints, the generator network, running it fast, stylizing.

`checkpoints` says which released checkpoint renders each style and where it is (no torch);
`model` is the network and its strict checkpoint loading; `runtime` runs it on a CPU (eager,
channels_last, ONNX Runtime, OpenVINO) and caches the export and the runtime choice; `stylize`
feeds pictures through it (padding, tiles, alpha). Importing the package imports no torch:
`Generator` is built on first use.
"""

from assistant.image.animegan.checkpoints import (CHECKPOINT_ALIGN_CORNERS, STYLE_CHECKPOINTS, Checkpoint,
                                                  checkpoint_for, checkpoint_names, find_checkpoint,
                                                  missing_weights_error, weights_folder)
from assistant.image.animegan.model import SIZE_MULTIPLE, build_generator, load_generator
from assistant.image.animegan.runtime import build_fast_generator
from assistant.image.animegan.stylize import Stylizer, run_tiled, run_whole, stylize_image, to_uint8

__all__ = ["CHECKPOINT_ALIGN_CORNERS", "STYLE_CHECKPOINTS", "SIZE_MULTIPLE", "Checkpoint", "Stylizer",
           "build_fast_generator", "build_generator", "checkpoint_for", "checkpoint_names", "find_checkpoint",
           "load_generator", "missing_weights_error", "run_tiled", "run_whole", "stylize_image", "to_uint8",
           "weights_folder"]


def __getattr__(name):
    # `animegan.Generator` is the class; building it imports torch, so only on first use.
    if name == "Generator":
        from assistant.image.animegan import model

        return model.Generator
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
