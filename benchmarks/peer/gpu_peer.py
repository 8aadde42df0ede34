#!/usr/bin/env python3
"""Python peer of GpuBenchmark: tokens/s and MFU of whole training steps on one device.

impl=hf (the reference): Hugging Face transformers' BertForSequenceClassification (random
weights, the shape's configuration, its own attention implementation, CLS pooler head) and for
LoRA peft's get_peft_model(LoraConfig(r=8, lora_alpha=8, lora_dropout=0, target_modules=
["query", "value"], task_type="SEQ_CLS")); AdamW (lr 2e-5, weight decay 0.01, fused where the
device has it), global-norm clipping at 1.0, zero_grad(set_to_none=True); bf16 runs use
torch.autocast(dtype=torch.bfloat16) over forward and loss with float32 master weights.

impl=plain: the hand-written BERT of peer_step.py (mean pooling, the Java recipe) with the same
optimizer and autocast, for machines without transformers (the CPU smoke test here).

FLOPs per step are StepFlops' count (matrix products only, see docs/PERFORMANCE.md), so MFU is
comparable with the Java side; the peak is the best bf16 (GPU) or float32 (CPU) n x n matmul rate
measured here. Memory: torch.cuda.max_memory_allocated (peak) and memory_allocated on CUDA, peak
RSS on the CPU.

  python3 benchmarks/peer/gpu_peer.py --device cuda --shapes minilm,bert-base --lengths 128,512 \
      --methods full,lora --precisions fp32,bf16 --out peer.csv
  python3 benchmarks/peer/gpu_peer.py --impl plain --device cpu --shapes small --steps 2 --warmup 1
"""
import argparse
import os
import resource
import statistics
import sys
import time

import torch
import torch.nn.functional as F

SHAPES = {
    "minilm": dict(layers=6, hidden=384, heads=12, ffn=1536, batch=32, length=128),
    "bert-base": dict(layers=12, hidden=768, heads=12, ffn=3072, batch=32, length=128),
    "small": dict(layers=2, hidden=128, heads=2, ffn=512, batch=8, length=32),
}
VOCAB = 30522
LORA_RANK = 8
LORA_TARGETS = 2
CSV_HEADER = ("impl,device,shape,method,precision,batch,length,checkpointing,median_s,tokens_per_s,"
              "gflop_per_step,tflops,mfu,peak_tflops,memory_mb,memory_kind")


def step_flops(shape, method, batch, length):
    """StepFlops.perStep for full and lora: matrix products only, multiply-add = 2 FLOP."""
    h, f, layers = shape["hidden"], shape["ffn"], shape["layers"]
    t = batch * length
    dense = 2 * t * layers * (4 * h * h + 2 * h * f)
    attention = layers * 4 * batch * length * length * h
    peft = layers * LORA_TARGETS * 2 * t * LORA_RANK * (h + h) if method == "lora" else 0
    head = 2 * batch * h * 2
    forward = dense + attention + peft + head
    backward = dense * (2 if method == "full" else 1) + 2 * attention + 2 * peft + 2 * head
    return forward + backward


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def matmul_peak(device, n, dtype, seconds=2.0):
    """Best rate of an n^3 matrix product in FLOP/s over about `seconds`."""
    a = torch.rand(n, n, device=device).to(dtype)
    b = torch.rand(n, n, device=device).to(dtype)
    best = 0.0
    with torch.no_grad():
        for _ in range(3):
            a @ b
        sync(device)
        end = time.perf_counter() + seconds
        rounds = 0
        while time.perf_counter() < end or rounds < 3:
            start = time.perf_counter()
            for _ in range(5):
                a @ b
            sync(device)
            best = max(best, 5 * 2.0 * n ** 3 / (time.perf_counter() - start))
            rounds += 1
    return best


def build_hf(shape, method, device):
    from transformers import BertConfig, BertForSequenceClassification
    config = BertConfig(vocab_size=VOCAB, hidden_size=shape["hidden"],
                        num_hidden_layers=shape["layers"], num_attention_heads=shape["heads"],
                        intermediate_size=shape["ffn"], hidden_act="gelu",
                        max_position_embeddings=512, layer_norm_eps=1e-12, num_labels=2)
    model = BertForSequenceClassification(config)
    if method == "lora":
        from peft import LoraConfig, get_peft_model
        model = get_peft_model(model, LoraConfig(r=LORA_RANK, lora_alpha=LORA_RANK, lora_dropout=0.0,
                                                 target_modules=["query", "value"],
                                                 task_type="SEQ_CLS"))
    model.to(device).train()

    def loss_of(ids, mask, labels):
        return model(input_ids=ids, attention_mask=mask, labels=labels).loss
    return model, loss_of


def build_plain(shape, method, device):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import peer_step
    model = peer_step.Classifier(shape["layers"], shape["hidden"], shape["heads"], shape["ffn"])
    peer_step.apply_method(model, method, shape["hidden"])
    model.to(device).train()

    def loss_of(ids, mask, labels):
        return F.cross_entropy(model(ids, mask), labels)
    return model, loss_of


def optimizer(model, device):
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        if p.requires_grad:
            (no_decay if p.dim() < 2 or "norm" in name.lower() else decay).append(p)
    groups = [{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}]
    if device.type == "cuda":
        try:
            return torch.optim.AdamW(groups, lr=2e-5, fused=True)
        except (TypeError, RuntimeError):
            pass
    return torch.optim.AdamW(groups, lr=2e-5)


def measure(impl, device, shape_name, method, precision, batch, length, steps, warmup, peak):
    shape = SHAPES[shape_name]
    torch.manual_seed(42)
    model, loss_of = (build_hf if impl == "hf" else build_plain)(shape, method, device)
    opt = optimizer(model, device)
    params = [p for p in model.parameters() if p.requires_grad]
    ids = torch.randint(1000, VOCAB, (batch, length), device=device)
    mask = torch.ones(batch, length, dtype=torch.long, device=device)
    labels = torch.randint(0, 2, (batch,), device=device)
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
    times = []
    for i in range(warmup + steps):
        sync(device)
        start = time.perf_counter()
        with torch.autocast(device_type=device.type, dtype=torch.bfloat16,
                            enabled=precision == "bf16"):
            loss = loss_of(ids, mask, labels)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        loss.item()
        sync(device)
        times.append(time.perf_counter() - start)
    median = statistics.median(times[warmup:])
    flops = step_flops(shape, method, batch, length)
    if device.type == "cuda":
        memory, kind = torch.cuda.max_memory_allocated(device) / 2 ** 20, "peak_allocated"
    else:
        memory, kind = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "peak_rss"
    del model, opt
    if device.type == "cuda":
        torch.cuda.empty_cache()
    tflops = flops / median / 1e12
    return (f"{impl},{device},{shape_name},{method},{precision},{batch},{length},false,"
            f"{median:.4f},{batch * length / median:.1f},{flops / 1e9:.3f},{tflops:.3f},"
            f"{flops / median / peak:.4f},{peak / 1e12:.2f},{memory:.0f},{kind}")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--impl", choices=("hf", "plain"), default="hf")
    p.add_argument("--device", default="cuda")
    p.add_argument("--shapes", default="minilm,bert-base")
    p.add_argument("--lengths", default="", help="comma list; default: the shape's")
    p.add_argument("--batch", type=int, default=0, help="default: the shape's")
    p.add_argument("--methods", default="full,lora")
    p.add_argument("--precisions", default="fp32,bf16")
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--peak-size", type=int, default=0, help="default: 8192 on CUDA, 1024 on CPU")
    p.add_argument("--out")
    a = p.parse_args(argv)
    device = torch.device(a.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        p.error("--device %s: torch sees no CUDA device" % a.device)
    for s in a.shapes.split(","):
        if s not in SHAPES:
            p.error("--shapes: '%s' is unknown; use %s" % (s, ", ".join(SHAPES)))
    n = a.peak_size or (8192 if device.type == "cuda" else 1024)
    dtype = torch.bfloat16 if device.type == "cuda" else torch.float32
    peak = matmul_peak(device, n, dtype)
    print(f"PEAK impl={a.impl} device={device} dtype={dtype} n={n} tflops={peak / 1e12:.2f}",
          flush=True)
    rows = [CSV_HEADER]
    for shape in a.shapes.split(","):
        lengths = [int(x) for x in a.lengths.split(",") if x] or [SHAPES[shape]["length"]]
        for length in lengths:
            for method in a.methods.split(","):
                for precision in a.precisions.split(","):
                    row = measure(a.impl, device, shape, method, precision,
                                  a.batch or SHAPES[shape]["batch"], length, a.steps, a.warmup, peak)
                    print("RESULT " + row, flush=True)
                    rows.append(row)
    if a.out:
        with open(a.out, "w") as f:
            f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
