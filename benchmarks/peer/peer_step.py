#!/usr/bin/python3
"""PyTorch peer of WholeStepBenchmark: whole training steps of a hand-written BERT encoder.

Same architecture and recipe as the Java side (benchmarks module, dev.finetune.bench):
BERT encoder with MiniLM-L6's configuration (6 layers, hidden 384, 12 heads, FFN 1536, exact
GELU, LayerNorm eps 1e-12, dropout 0.1 on embeddings, attention probabilities and sub-layer
outputs, vocabulary 30,522, 512 positions, 2 token types), mean pooling over the attention mask,
dropout and a linear two-class head; cross-entropy, global-norm clipping at 1.0, AdamW (lr 2e-5,
weight decay 0.01 on matrices and embeddings, none on biases and LayerNorms, foreach), gradients
set to None after each step. Random initialisation (normal 0.02), random token ids, every row
full (batch x length real tokens).

Methods (all but full freeze the base and train the head):
  full     every parameter
  lora     LoRA r=8, alpha 8 (scale 1), no dropout, on query and value; B starts at zero
  houlsby  adapters after attention and after the FFN: x + up(relu(down(x))), bottleneck h/16
  bitfit   every bias of the base (LayerNorm biases included)
  prompt   20 soft prompt vectors prepended to the word embeddings (positions 0..19 + length)

Timed per step: forward, loss, backward, clipping, optimizer step, zero_grad (inputs are made
before the timed region, as the Java loop prefetches its batches). Prints one line per step and a
RESULT line with the same keys as the Java benchmark, e.g.

  /usr/bin/python3 benchmarks/peer/peer_step.py --method lora --steps 5 --warmup 2
  STEP impl=pytorch method=lora step=3 s=3.2210 tokens_per_s=1271.6
  RESULT impl=pytorch method=lora shape=minilm ... median_s=3.2210 tokens_per_s=1271.6 ...

Run it with Debian's torch (benchmarks/peer/install.sh) through /usr/bin/python3.
"""
import argparse
import math
import resource
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

SHAPES = {
    "minilm": dict(layers=6, hidden=384, heads=12, ffn=1536, batch=32, length=128),
    "small": dict(layers=2, hidden=128, heads=2, ffn=512, batch=8, length=32),
}
VOCAB = 30522
POSITIONS = 512
TYPES = 2
EPS = 1e-12
DROPOUT = 0.1
LORA_RANK = 8
LORA_ALPHA = 8
ADAPTER_REDUCTION = 16
PROMPT_TOKENS = 20
METHODS = ("full", "lora", "houlsby", "bitfit", "prompt")


class LoraLinear(nn.Module):
    """y = base(x) + (alpha/r) * x A^T B^T, A kaiming-uniform, B zero."""

    def __init__(self, base: nn.Linear, r: int, alpha: float):
        super().__init__()
        self.base = base
        self.lora_a = nn.Parameter(torch.empty(r, base.in_features))
        self.lora_b = nn.Parameter(torch.zeros(base.out_features, r))
        nn.init.kaiming_uniform_(self.lora_a, a=math.sqrt(5))
        self.scale = alpha / r

    def forward(self, x):
        return self.base(x) + (x @ self.lora_a.t() @ self.lora_b.t()) * self.scale


class Adapter(nn.Module):
    """Houlsby bottleneck: x + up(relu(down(x))), up starts at zero."""

    def __init__(self, hidden: int, bottleneck: int):
        super().__init__()
        self.down = nn.Linear(hidden, bottleneck)
        self.up = nn.Linear(bottleneck, hidden)
        nn.init.zeros_(self.up.weight)
        nn.init.zeros_(self.up.bias)

    def forward(self, x):
        return x + self.up(F.relu(self.down(x)))


class Layer(nn.Module):
    def __init__(self, hidden, heads, ffn):
        super().__init__()
        self.heads = heads
        self.head_size = hidden // heads
        self.query = nn.Linear(hidden, hidden)
        self.key = nn.Linear(hidden, hidden)
        self.value = nn.Linear(hidden, hidden)
        self.attention_output = nn.Linear(hidden, hidden)
        self.attention_norm = nn.LayerNorm(hidden, eps=EPS)
        self.intermediate = nn.Linear(hidden, ffn)
        self.output = nn.Linear(ffn, hidden)
        self.output_norm = nn.LayerNorm(hidden, eps=EPS)
        self.adapter_attention = None
        self.adapter_ffn = None

    def forward(self, x, additive_mask):
        b, t, h = x.shape

        def split(y):
            return y.view(b, t, self.heads, self.head_size).transpose(1, 2)

        q = split(self.query(x)) * (1.0 / math.sqrt(self.head_size))
        k = split(self.key(x))
        v = split(self.value(x))
        probs = torch.softmax(q @ k.transpose(-1, -2) + additive_mask, dim=-1)
        probs = F.dropout(probs, DROPOUT, self.training)
        context = (probs @ v).transpose(1, 2).reshape(b, t, h)
        attended = F.dropout(self.attention_output(context), DROPOUT, self.training)
        if self.adapter_attention is not None:
            attended = self.adapter_attention(attended)
        h1 = self.attention_norm(attended + x)
        ffn = F.dropout(self.output(F.gelu(self.intermediate(h1))), DROPOUT, self.training)
        if self.adapter_ffn is not None:
            ffn = self.adapter_ffn(ffn)
        return self.output_norm(ffn + h1)


class Classifier(nn.Module):
    def __init__(self, layers, hidden, heads, ffn, labels=2):
        super().__init__()
        self.words = nn.Embedding(VOCAB, hidden)
        self.positions = nn.Embedding(POSITIONS, hidden)
        self.types = nn.Embedding(TYPES, hidden)
        self.embedding_norm = nn.LayerNorm(hidden, eps=EPS)
        self.layers = nn.ModuleList(Layer(hidden, heads, ffn) for _ in range(layers))
        self.head = nn.Linear(hidden, labels)
        self.prompt = None
        for m in self.modules():
            if isinstance(m, (nn.Linear, nn.Embedding)):
                nn.init.normal_(m.weight, std=0.02)
            if isinstance(m, nn.Linear):
                nn.init.zeros_(m.bias)

    def forward(self, ids, mask):
        b, t = ids.shape
        words = self.words(ids)
        if self.prompt is not None:
            p = self.prompt.shape[0]
            words = torch.cat([self.prompt.unsqueeze(0).expand(b, p, -1), words], dim=1)
            mask = torch.cat([torch.ones(b, p, dtype=mask.dtype), mask], dim=1)
            t = t + p
        positions = torch.arange(t).unsqueeze(0)
        types = torch.zeros(b, t, dtype=torch.long)
        x = words + self.positions(positions) + self.types(types)
        x = F.dropout(self.embedding_norm(x), DROPOUT, self.training)
        additive = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        for layer in self.layers:
            x = layer(x, additive)
        m = mask.unsqueeze(-1).float()
        pooled = (x * m).sum(1) / m.sum(1).clamp(min=1e-9)
        return self.head(F.dropout(pooled, DROPOUT, self.training))


def apply_method(model: Classifier, method: str, hidden: int):
    """Freezes and adds parameters like the Java PEFT methods; returns the trainable list."""
    if method == "full":
        return [p for p in model.parameters()]
    for p in model.parameters():
        p.requires_grad_(False)
    if method == "lora":
        for layer in model.layers:
            layer.query = LoraLinear(layer.query, LORA_RANK, LORA_ALPHA)
            layer.value = LoraLinear(layer.value, LORA_RANK, LORA_ALPHA)
    elif method == "houlsby":
        m = max(1, hidden // ADAPTER_REDUCTION)
        for layer in model.layers:
            layer.adapter_attention = Adapter(hidden, m)
            layer.adapter_ffn = Adapter(hidden, m)
    elif method == "bitfit":
        for name, p in model.named_parameters():
            if name.endswith("bias") and not name.startswith("head."):
                p.requires_grad_(True)
    elif method == "prompt":
        rows = torch.randint(1000, VOCAB, (PROMPT_TOKENS,))
        model.prompt = nn.Parameter(model.words.weight.detach()[rows].clone())
    for p in model.head.parameters():
        p.requires_grad_(True)
    return [p for p in model.parameters() if p.requires_grad]


def optimizer_for(model, foreach):
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        if not p.requires_grad:
            continue
        (no_decay if p.dim() < 2 or "norm" in name else decay).append(p)
    groups = [{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}]
    try:
        return torch.optim.AdamW(groups, lr=2e-5, foreach=foreach)
    except TypeError:  # very old torch without foreach
        return torch.optim.AdamW(groups, lr=2e-5)


def matmul_rate(seconds=2.0, n=512):
    a = torch.rand(n, n) * 2 - 1
    b = torch.rand(n, n) * 2 - 1
    with torch.no_grad():
        for _ in range(20):
            a @ b
        reps, rates = 1, []
        while True:
            start = time.perf_counter()
            for _ in range(reps):
                a @ b
            if time.perf_counter() - start > 0.05:
                break
            reps *= 2
        end = time.perf_counter() + seconds
        while time.perf_counter() < end or len(rates) < 5:
            start = time.perf_counter()
            for _ in range(reps):
                a @ b
            rates.append(2.0 * n ** 3 * reps / (time.perf_counter() - start) / 1e9)
    return statistics.median(rates)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--method", default="full", choices=METHODS)
    ap.add_argument("--shape", default="minilm", choices=sorted(SHAPES))
    ap.add_argument("--batch", type=int)
    ap.add_argument("--length", type=int)
    ap.add_argument("--steps", type=int, default=12, help="measured steps")
    ap.add_argument("--warmup", type=int, default=2, help="steps left out of the median")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--no-foreach", action="store_true", help="per-tensor AdamW loop")
    ap.add_argument("--matmul", action="store_true",
                    help="only measure torch's 512x512 float32 matmul rate (MATMUL_PEAK line)")
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args(argv)
    if args.steps < 1 or args.warmup < 0:
        ap.error("--steps must be >= 1 and --warmup >= 0")
    torch.set_num_threads(args.threads)
    if args.matmul:
        print(f"MATMUL_PEAK impl=pytorch gflops={matmul_rate():.1f} threads={args.threads}"
              f" torch={torch.__version__}", flush=True)
        return 0
    shape = SHAPES[args.shape]
    batch = args.batch or shape["batch"]
    length = args.length or shape["length"]
    torch.manual_seed(args.seed)
    model = Classifier(shape["layers"], shape["hidden"], shape["heads"], shape["ffn"])
    trainable = apply_method(model, args.method, shape["hidden"])
    model.train()
    optimizer = optimizer_for(model, not args.no_foreach)
    total = sum(p.numel() for p in model.parameters())
    n_trainable = sum(p.numel() for p in trainable)
    generator = torch.Generator().manual_seed(args.seed + 1)
    batches = [(torch.randint(5, VOCAB, (batch, length), generator=generator),
                torch.arange(batch) % 2) for _ in range(args.steps + args.warmup)]
    mask = torch.ones(batch, length, dtype=torch.long)
    tokens = batch * length
    seconds = []
    for i, (ids, labels) in enumerate(batches):
        start = time.perf_counter()
        loss = F.cross_entropy(model(ids, mask), labels)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(trainable, 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        took = time.perf_counter() - start
        seconds.append(took)
        print(f"STEP impl=pytorch method={args.method} step={i} s={took:.4f}"
              f" tokens_per_s={tokens / took:.1f} loss={loss.item():.4f}"
              f" warmup={'yes' if i < args.warmup else 'no'}", flush=True)
    measured = sorted(seconds[args.warmup:])
    median = statistics.median(measured)
    print(f"RESULT impl=pytorch method={args.method} shape={args.shape} weights=random"
          f" batch={batch} length={length} steps={len(measured)} median_s={median:.4f}"
          f" min_s={measured[0]:.4f} max_s={measured[-1]:.4f} tokens_per_step={tokens}"
          f" tokens_per_s={tokens / median:.1f} trainable={n_trainable} total={total}"
          f" threads={torch.get_num_threads()} torch={torch.__version__}"
          f" peak_rss_mb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
