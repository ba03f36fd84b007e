#!/usr/bin/env python3
"""Export a random ModernBERT-base to ONNX for the ONNX Runtime baseline: export_onnx.py [--out PATH].

The model of docs/workloads.md ("Model"): transformers.ModernBertModel with ModernBERT-base's sizes
(vocab 50368, hidden 768, intermediate 1152, 22 layers, 12 heads, a global layer every 3rd, local
window 128, rope thetas 160000 / 10000, 8192 positions, gelu, no biases, norm eps 1e-5, ModernBERT's
special ids), HF's own random init after torch.manual_seed(0), eval(), float32. The graph's inputs are
input_ids and attention_mask (int64, [batch, sequence], both axes dynamic); its output is
last_hidden_state (float32, [batch, sequence, 768]).

Exporter: the TorchScript one (torch.onnx.export(dynamo=False), opset 17), traced on a padded batch
longer than the local window so that the padding mask and the sliding-window mask are both in the
graph; the dynamo exporter is the fall-back. Attention: "eager", else "sdpa" (the first whose export
passes the check). Both export and pass; eager is the default because its graph is the leaner and
faster in ORT (sdpa's TorchScript export adds an IsNaN/Where pass over every layer's [B, 12, T, T]
probabilities): 7-9 % faster on [16, 458], [16, 295] and [8, 512] batches, and 11 GB peak RSS
against 17 GB on the two widest W2b:128 batches (2026-12-07, 2-core AMD EPYC): the baseline is the
stronger of the two. The check runs the exported graph in ONNX Runtime against PyTorch on batches
of other shapes (no padding, padding, lengths past the window, a short batch) and fails above 1e-3
max |diff|.

Outside the project's build: run it with the venv of bench/ort/README.md. Pinned (tested) versions:
torch 2.15.0, transformers 5.25.0, onnx 1.23.2, onnxruntime 1.32.0, onnxscript 0.7.2, numpy 2.4.6.
"""
import argparse
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import workloads  # noqa: E402

DEFAULT_OUT = "/tmp/modernbert-ort/modernbert-base-random.onnx"
ATOL = 1e-3


def config(attn):
    from transformers import ModernBertConfig

    cfg = ModernBertConfig(
        vocab_size=50368,
        hidden_size=768,
        intermediate_size=1152,
        num_hidden_layers=22,
        num_attention_heads=12,
        global_attn_every_n_layers=3,
        local_attention=128,
        global_rope_theta=160000.0,
        local_rope_theta=10000.0,
        max_position_embeddings=8192,
        hidden_activation="gelu",
        norm_eps=1e-5,
        norm_bias=False,
        attention_bias=False,
        mlp_bias=False,
        pad_token_id=workloads.PAD,
        bos_token_id=workloads.CLS,
        cls_token_id=workloads.CLS,
        eos_token_id=workloads.SEP,
        sep_token_id=workloads.SEP,
    )
    cfg._attn_implementation = attn
    # the fields that transformers 5 derives from the legacy names above: check them
    if hasattr(cfg, "layer_types"):
        want = ["full_attention" if i % 3 == 0 else "sliding_attention" for i in range(22)]
        assert cfg.layer_types == want, cfg.layer_types
    rope = getattr(cfg, "rope_parameters", None)
    if isinstance(rope, dict) and "full_attention" in rope:
        assert rope["full_attention"]["rope_theta"] == 160000.0, rope
        assert rope["sliding_attention"]["rope_theta"] == 10000.0, rope
    else:
        assert cfg.global_rope_theta == 160000.0 and cfg.local_rope_theta == 10000.0
    return cfg


def build(attn):
    from transformers import ModernBertModel

    torch.manual_seed(0)
    model = ModernBertModel(config(attn)).eval().to(torch.float32)
    return model


class LastHidden(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask):
        return self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state


def padded(lengths, first_s=0):
    """A batch of workload-style sequences (s = first_s, first_s + 1, ...) of these lengths."""
    seqs = [workloads.sequence(first_s + i, n) for i, n in enumerate(lengths)]
    return workloads.batches(seqs, len(seqs))[0]


# traced on a padded batch past the local window; checked on other shapes
TRACE = padded([300, 170], first_s=40)
CHECKS = {
    "[2,512] no padding": padded([512, 512]),
    "[3,400] padded 400/260/90": padded([400, 260, 90], first_s=5),
    "[4,700] padded 700/513/129/40": padded([700, 513, 129, 40], first_s=11),
    "[2,50] padded 50/20": padded([50, 20], first_s=3),
}


def export(wrapper, path, dynamo):
    args = (torch.from_numpy(TRACE[0]), torch.from_numpy(TRACE[1]))
    names = dict(input_names=["input_ids", "attention_mask"], output_names=["last_hidden_state"])
    with torch.no_grad():
        if dynamo:
            batch, seq = torch.export.Dim("batch"), torch.export.Dim("sequence", min=2, max=8192)
            torch.onnx.export(
                wrapper,
                args,
                path,
                dynamo=True,
                opset_version=18,
                dynamic_shapes={"input_ids": {0: batch, 1: seq}, "attention_mask": {0: batch, 1: seq}},
                external_data=False,
                **names,
            )
        else:
            axes = {0: "batch", 1: "sequence"}
            torch.onnx.export(
                wrapper,
                args,
                path,
                dynamo=False,
                opset_version=17,
                do_constant_folding=True,
                dynamic_axes={"input_ids": axes, "attention_mask": axes, "last_hidden_state": axes},
                **names,
            )


def check(wrapper, path):
    """Max |diff| of ORT against PyTorch on each check batch (padded positions excluded)."""
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    so.intra_op_num_threads = 2
    sess = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
    worst = 0.0
    for label, (ids, mask) in CHECKS.items():
        with torch.no_grad():
            ref = wrapper(torch.from_numpy(ids), torch.from_numpy(mask)).numpy()
        got = sess.run(["last_hidden_state"], {"input_ids": ids, "attention_mask": mask})[0]
        real = mask.astype(bool)
        diff = float(np.max(np.abs(ref[real] - got[real]))) if got.shape == ref.shape else float("inf")
        print(f"check {label}: shape {tuple(got.shape)} max|diff| on real tokens = {diff:.3g}", flush=True)
        worst = max(worst, diff) if diff == diff else float("nan")
    return worst


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=DEFAULT_OUT, help=f"ONNX file to write (default {DEFAULT_OUT})")
    ap.add_argument("--attn", default="eager,sdpa", help="attention implementations to try, in order")
    ap.add_argument("--exporter", default="torchscript,dynamo", help="exporters to try, in order")
    a = ap.parse_args()
    torch.set_num_threads(2)
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    import onnx
    import onnxruntime
    import transformers

    print(f"torch {torch.__version__} transformers {transformers.__version__} onnx {onnx.__version__}"
          f" onnxruntime {onnxruntime.__version__}", flush=True)
    for attn in a.attn.split(","):
        for exporter in a.exporter.split(","):
            t0 = time.time()
            wrapper = LastHidden(build(attn))
            tmp = a.out + ".tmp"
            try:
                export(wrapper, tmp, dynamo=exporter == "dynamo")
                onnx.checker.check_model(tmp)
                worst = check(wrapper, tmp)
            except Exception as e:  # noqa: BLE001 -- report and try the next combination
                print(f"attn={attn} exporter={exporter}: failed: {type(e).__name__}: {e}"[:2000], flush=True)
                continue
            if not worst <= ATOL:
                print(f"attn={attn} exporter={exporter}: max|diff| {worst:.3g} > {ATOL}: rejected", flush=True)
                continue
            os.replace(tmp, a.out)
            size = os.path.getsize(a.out) / 2**20
            print(f"EXPORTED {a.out} ({size:.0f} MiB) attn={attn} exporter={exporter}"
                  f" max_abs_diff={worst:.3g} in {time.time() - t0:.0f} s", flush=True)
            return 0
    print("no combination exported a graph that passed the check", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
