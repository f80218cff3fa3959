"""numpy float32 reference timings for bench/attention-lora.ts: prints one JSON object of run times in milliseconds."""

import json
import sys
import time

import numpy as np


def timings_ms(run, repeats, warmup=2):
    for _ in range(warmup):
        run()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main():
    heads, length, dim = (int(value) for value in sys.argv[1:4])
    out_features, in_features, rank = (int(value) for value in sys.argv[4:7])
    repeats = int(sys.argv[7])
    rng = np.random.default_rng(0)

    q, k, v = (rng.standard_normal((heads, length, dim), dtype=np.float32) for _ in range(3))
    scale = np.float32(1 / np.sqrt(dim))

    def attention():
        scores = (q * scale) @ k.transpose(0, 2, 1)
        scores -= scores.max(axis=-1, keepdims=True)
        weights = np.exp(scores)
        weights /= weights.sum(axis=-1, keepdims=True)
        return weights @ v

    weight = rng.standard_normal((out_features, in_features), dtype=np.float32)
    a = rng.standard_normal((rank, in_features), dtype=np.float32)
    b = rng.standard_normal((out_features, rank), dtype=np.float32)
    lora_scale = np.float32(2.0)

    def merge():
        return weight + (b * lora_scale) @ a

    print(json.dumps({
        "numpy": np.__version__,
        "attention": timings_ms(attention, repeats),
        "merge": timings_ms(merge, repeats),
    }))


main()
