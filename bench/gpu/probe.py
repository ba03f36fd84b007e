#!/usr/bin/env python3
"""Step A of bench/gpu-check.sh: what this GPU and this torch do with ModernBERT's attention, and
HF transformers' ModernBERT as the same-machine baseline. Needs torch with CUDA (and transformers
for part iv); no weights are downloaded (random init). One line per result:

  PROBE part=<name> key=value ...

  env       torch, CUDA, cuDNN, device name and capability, which SDPA backends are enabled
  i  mask   a band-masked SDPA call under FLASH_ATTENTION only (expected: refused, flash takes no
            mask) and under EFFICIENT_ATTENTION only (expected: runs)
  ii banded the encoder's current local attention (one masked SDPA call per 64-query block with
            keys [start-64, end+64)) against one varlen aten::_flash_attention_forward with
            window_size_left/right = 64, at W=512 x b=64 and W=8192 x b=4: times and max |diff|
  v  script the same varlen call from TorchScript (scripted, saved and loaded in memory), the route
            DJL would take, checked against eager
  iii layer one eager ModernBERT-base layer (LN, Wqkv, rotary, varlen flash, Wo, LN, GeGLU MLP) on
            32,768 packed tokens with CUDA events: a floor for our per-layer time
  iv hf     transformers' ModernBertModel(ModernBertConfig()) in float16 with sdpa attention on
            64x512, 1x8192 and 4x8192: tokens/s, the baseline to beat
python3 probe.py [--quick]   (--quick: fewer repetitions; for a CPU syntax run use --help)
"""
import math
import sys
import time
import traceback

QUICK = "--quick" in sys.argv
if "--help" in sys.argv or "-h" in sys.argv:
    print(__doc__)
    sys.exit(0)

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

DEV = "cuda"
HALF = torch.float16
WINDOW = 64  # ModernBERT: local_attention 128, |q - k| <= 64


def emit(part, **kv):
    items = " ".join("%s=%s" % (k, ("%.4g" % v) if isinstance(v, float) else v) for k, v in kv.items())
    print("PROBE part=%s %s" % (part, items), flush=True)


def guarded(part):
    def wrap(fn):
        def run():
            try:
                fn()
            except Exception as e:  # every part reports, whatever the others did
                emit(part, status="error", error=repr(e)[:300].replace(" ", "_"))
                traceback.print_exc()
        return run
    return wrap


def cuda_time(fn, reps, warmup=2):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    times = []
    for _ in range(reps):
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end) / 1000.0)
    times.sort()
    return times[len(times) // 2]


@guarded("env")
def env():
    p = torch.cuda.get_device_properties(0)
    emit("env", torch=torch.__version__, cuda=torch.version.cuda,
         cudnn=torch.backends.cudnn.version(), device=p.name.replace(" ", "_"),
         capability="%d.%d" % (p.major, p.minor), gpus=torch.cuda.device_count(),
         memory_gib=round(p.total_memory / 2**30, 1),
         flash_sdp=torch.backends.cuda.flash_sdp_enabled(),
         mem_efficient_sdp=torch.backends.cuda.mem_efficient_sdp_enabled(),
         cudnn_sdp=torch.backends.cuda.cudnn_sdp_enabled(),
         cxx11_abi=torch.compiled_with_cxx11_abi())


def qkv(b, w, h=12, d=64, seed=0):
    g = torch.Generator(device=DEV).manual_seed(seed)
    return [torch.randn(b, h, w, d, device=DEV, dtype=HALF, generator=g) for _ in range(3)]


def band_mask(q0, q1, k0, k1):
    qi = torch.arange(q0, q1, device=DEV)[:, None]
    ki = torch.arange(k0, k1, device=DEV)[None, :]
    return (qi - ki).abs() <= WINDOW


@guarded("mask")
def mask_backends():
    from torch.nn.attention import SDPBackend, sdpa_kernel
    q, k, v = qkv(2, 512)
    m = band_mask(0, 512, 0, 512)
    for name, backend in (("flash", SDPBackend.FLASH_ATTENTION),
                          ("efficient", SDPBackend.EFFICIENT_ATTENTION),
                          ("cudnn", SDPBackend.CUDNN_ATTENTION)):
        try:
            with sdpa_kernel(backend):
                F.scaled_dot_product_attention(q, k, v, attn_mask=m)
            torch.cuda.synchronize()
            emit("mask", backend=name, band_mask="runs")
        except RuntimeError as e:
            emit("mask", backend=name, band_mask="refused", why=str(e).split("\n")[0][:120].replace(" ", "_"))


def banded(q, k, v, block=64):
    """The encoder's current local attention: one masked SDPA call per block of queries."""
    w = q.shape[2]
    out = torch.empty_like(q)
    for s in range(0, w, block):
        e = min(w, s + block)
        k0, k1 = max(0, s - WINDOW), min(w, e + WINDOW)
        out[:, :, s:e] = F.scaled_dot_product_attention(
            q[:, :, s:e], k[:, :, k0:k1], v[:, :, k0:k1], attn_mask=band_mask(s, e, k0, k1))
    return out


def packed(x):
    b, h, w, d = x.shape
    return x.transpose(1, 2).reshape(b * w, h, d).contiguous()


def varlen(qp, kp, vp, cu, maxlen, left=WINDOW, right=WINDOW):
    return torch.ops.aten._flash_attention_forward(
        qp, kp, vp, cu, cu, maxlen, maxlen, 0.0, False, False,
        window_size_left=left, window_size_right=right)[0]


@guarded("banded")
def banded_vs_varlen():
    for w, b in ((512, 64), (8192, 4)):
        q, k, v = qkv(b, w)
        cu = torch.arange(0, (b + 1) * w, w, device=DEV, dtype=torch.int32)
        qp, kp, vp = packed(q), packed(k), packed(v)
        reps = 5 if QUICK else 20
        t_band = cuda_time(lambda: banded(q, k, v), reps)
        t_var = cuda_time(lambda: varlen(qp, kp, vp, cu, w), reps)
        ref = banded(q, k, v)
        got = varlen(qp, kp, vp, cu, w).reshape(b, w, 12, 64).transpose(1, 2)
        # a float32 dense reference on the first row, to tell which one is off if they differ
        m = band_mask(0, w, 0, w)
        dense = F.scaled_dot_product_attention(q[:1].float(), k[:1].float(), v[:1].float(), attn_mask=m)
        emit("banded", W=w, b=b, sdpa_calls=math.ceil(w / 64), banded_ms=t_band * 1e3,
             varlen_ms=t_var * 1e3, speedup=t_band / t_var,
             max_diff=(ref.float() - got.float()).abs().max().item(),
             banded_vs_fp32=(ref[:1].float() - dense).abs().max().item(),
             varlen_vs_fp32=(got[:1].float() - dense).abs().max().item())


@guarded("script")
def scripted_varlen():
    import io

    @torch.jit.script
    def fa(q, k, v, cu, maxlen: int, left: int, right: int):
        return torch.ops.aten._flash_attention_forward(
            q, k, v, cu, cu, maxlen, maxlen, 0.0, False, False,
            window_size_left=left, window_size_right=right)[0]

    buf = io.BytesIO()
    torch.jit.save(fa, buf)
    buf.seek(0)
    loaded = torch.jit.load(buf)
    q, k, v = qkv(4, 512, seed=1)
    cu = torch.arange(0, 5 * 512, 512, device=DEV, dtype=torch.int32)
    qp, kp, vp = packed(q), packed(k), packed(v)
    for left, right in ((WINDOW, WINDOW), (-1, -1)):
        a = loaded(qp, kp, vp, cu, 512, left, right)
        e = varlen(qp, kp, vp, cu, 512, left, right)
        emit("script", window="%d,%d" % (left, right), runs="yes",
             max_diff_vs_eager=(a.float() - e.float()).abs().max().item())
    print(fa.graph, file=sys.stderr)


@guarded("layer")
def eager_layer():
    torch.manual_seed(0)
    n, seq, hid, heads, inter = 32768, 512, 768, 12, 1152
    lin = lambda i, o: torch.nn.Linear(i, o, bias=False, device=DEV, dtype=HALF)  # noqa: E731
    wqkv, wo, wi, wmo = lin(hid, 3 * hid), lin(hid, hid), lin(hid, 2 * inter), lin(inter, hid)
    ln1 = torch.nn.LayerNorm(hid, bias=False, device=DEV, dtype=HALF)
    ln2 = torch.nn.LayerNorm(hid, bias=False, device=DEV, dtype=HALF)
    x = torch.randn(n, hid, device=DEV, dtype=HALF)
    cu = torch.arange(0, n + 1, seq, device=DEV, dtype=torch.int32)
    pos = torch.arange(n, device=DEV) % seq
    inv = 1.0 / (160000.0 ** (torch.arange(0, 64, 2, device=DEV).float() / 64))
    ang = pos[:, None].float() * inv[None, :]
    cos, sin = torch.cat([ang.cos()] * 2, -1).to(HALF)[:, None], torch.cat([ang.sin()] * 2, -1).to(HALF)[:, None]

    def rot(t):
        t1, t2 = t[..., :32], t[..., 32:]
        return t * cos + torch.cat([-t2, t1], -1) * sin

    def layer(x, left):
        q, k, v = wqkv(ln1(x)).view(n, 3, heads, 64).unbind(1)
        a = varlen(rot(q).contiguous(), rot(k).contiguous(), v.contiguous(), cu, seq, left, left)
        x = x + wo(a.reshape(n, hid))
        g, u = wi(ln2(x)).chunk(2, -1)
        return x + wmo(F.gelu(g) * u)

    with torch.inference_mode():
        for left, kind in ((-1, "global"), (WINDOW, "local")):
            t = cuda_time(lambda: layer(x, left), 5 if QUICK else 20)
            emit("layer", kind=kind, tokens=n, ms=t * 1e3,
                 tok_s_22_layers=n / (t * 22))


@guarded("hf")
def hf_baseline():
    import transformers
    from transformers import ModernBertConfig, ModernBertModel
    cfg = ModernBertConfig(reference_compile=False)  # no torch.compile: its warm-up is minutes
    try:
        model = ModernBertModel._from_config(cfg, attn_implementation="sdpa")
    except Exception:
        cfg._attn_implementation = "sdpa"
        model = ModernBertModel(cfg)
    model = model.to(DEV, HALF).eval()
    impl = getattr(model.config, "_attn_implementation", "?")
    for b, w in ((64, 512), (1, 8192), (4, 8192)):
        ids = torch.randint(5, 50000, (b, w), device=DEV)
        mask = torch.ones(b, w, device=DEV, dtype=torch.long)

        def run():
            with torch.inference_mode():
                model(input_ids=ids, attention_mask=mask)

        t = cuda_time(run, 3 if QUICK else 10)
        emit("hf", transformers=transformers.__version__, attn=impl, dtype="float16", batch=b,
             width=w, median_s=t, tok_s=b * w / t, peak_gib=round(torch.cuda.max_memory_allocated() / 2**30, 2))
        torch.cuda.reset_peak_memory_stats()


if __name__ == "__main__":
    t0 = time.time()
    if not torch.cuda.is_available():
        emit("env", status="no_cuda", torch=torch.__version__)
        sys.exit(2)
    for part in (env, mask_backends, banded_vs_varlen, scripted_varlen, eager_layer, hf_baseline):
        part()
    emit("done", seconds=time.time() - t0)
