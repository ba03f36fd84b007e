"""The workloads of docs/workloads.md, token for token (a port of encoder/.../bench/Workloads.java).

W1 (64 x 512, 8 rows a batch), W2a/W2b with an optional prefix `W2b:128` (the first N sequences by
input position, taken before sorting; 16 rows a batch), W3 (one 8,192-token sequence). Pure Python
plus numpy for the batches.
"""
import hashlib

import numpy as np

CLS, SEP, PAD = 50281, 50282, 50283
W2_SIZE = 512


def sequence(s, length):
    """Sequence number s of length L: CLS, 100 + ((131 s + 17 p) mod 50000), SEP."""
    return [CLS] + [100 + (131 * s + 17 * p) % 50000 for p in range(1, length - 1)] + [SEP]


def w2_lengths():
    """The 512 W2 lengths: LCG (Numerical Recipes constants), seed 2024, two draws per sequence."""
    state = 2024
    out = []
    for _ in range(W2_SIZE):
        state = (state * 1664525 + 1013904223) % 2**32
        b = (state >> 16) % 100
        state = (state * 1664525 + 1013904223) % 2**32
        r = state >> 16
        if b < 50:
            out.append(16 + r % 185)
        elif b < 80:
            out.append(201 + r % 312)
        elif b < 95:
            out.append(513 + r % 512)
        else:
            out.append(1025 + r % 1024)
    return out


def _check_lengths(lengths):
    digest = hashlib.sha256(",".join(map(str, lengths)).encode()).hexdigest()
    assert sum(lengths) == 174982, sum(lengths)
    assert digest == "f04784927360167a0bcb411caa53efbf87e6385caf38148529e260dde91bb4f6", digest


def by_name(name):
    """(display name, sequences in processing order, rows per batch): W1, W2a[:N], W2b[:N], W3."""
    kind, _, prefix = name.partition(":")
    n = int(prefix) if prefix else W2_SIZE
    if not 1 <= n <= W2_SIZE:
        raise ValueError(f"bad workload {name}: the prefix is a number of sequences, 1..{W2_SIZE}")
    suffix = "" if n == W2_SIZE else f"[:{n}]"
    kind = kind.upper()
    if kind == "W1":
        return "W1", [sequence(s, 512) for s in range(64)], 8
    if kind in ("W2A", "W2B"):
        lengths = w2_lengths()
        _check_lengths(lengths)
        seqs = [sequence(s, lengths[s]) for s in range(n)]
        if kind == "W2B":
            seqs = sorted(seqs, key=lambda q: -len(q))  # stable: ties keep input order
        return ("W2a" if kind == "W2A" else "W2b") + suffix, seqs, 16
    if kind == "W3":
        return "W3", [sequence(0, 8192)], 1
    raise ValueError(f"unknown workload {name}; expected W1, W2a[:N], W2b[:N] or W3")


def batches(seqs, rows):
    """Consecutive groups of `rows`, each right-padded with PAD to its longest: (input_ids, attention_mask) int64."""
    out = []
    for i in range(0, len(seqs), rows):
        group = seqs[i : i + rows]
        width = max(len(q) for q in group)
        ids = np.full((len(group), width), PAD, dtype=np.int64)
        mask = np.zeros((len(group), width), dtype=np.int64)
        for r, q in enumerate(group):
            ids[r, : len(q)] = q
            mask[r, : len(q)] = 1
        out.append((ids, mask))
    return out
