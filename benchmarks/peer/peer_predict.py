#!/usr/bin/python3
"""PyTorch peer of PredictBenchmark: eager prediction under torch.no_grad().

The model is peer_step.py's hand-written BERT classifier (mean pooling over the attention mask,
a linear head) in eval mode, loaded with all-MiniLM-L6-v2's weights from a Hugging Face
model.safetensors and the head from a second safetensors file (classifier.weight,
classifier.bias) that the Java side exports. Debian's Python has no tokenizers package, so the
token ids come from Java in a token-id file (TokenIdFile.java: a header line, then
"INDEX<TAB>ID ID ..." per row, already in the predictor's longest-first order); each batch is
consecutive rows padded to its own longest row, as the Java predictor batches them.

It answers commands on stdin, one per line, so that PredictBenchmark can alternate it with the
Java sides in one run:

  logits PATH   write "INDEX<TAB>L0 L1 ..." per row (batch 32) to PATH; prints "OK"
  pass B        predict every row at batch B; prints
                PASS impl=pytorch batch=B seconds=S sentences_per_s=X [latencies_ms=a,b,...]
                (latencies, one per row, for B = 1)
  quit

  /usr/bin/python3 benchmarks/peer/peer_predict.py --weights DIR/model.safetensors \
      --head head.safetensors --ids ids.txt --threads 2 <<< 'pass 8'
"""
import argparse
import json
import struct
import sys
import time

import torch

import peer_step

HEADER = "#finetune-token-ids v1"
DTYPES = {"F32": torch.float32, "F64": torch.float64, "I64": torch.int64, "F16": torch.float16}


def read_safetensors(path):
    """name -> tensor from a safetensors file (header length, JSON header, raw little-endian)."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    body = bytearray(data[8 + n:])
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        dtype = DTYPES[info["dtype"]]
        count = (end - start) // torch.tensor([], dtype=dtype).element_size()
        t = torch.frombuffer(body, dtype=dtype, count=count, offset=start) if count else \
            torch.empty(0, dtype=dtype)
        out[name] = t.reshape(info["shape"]).clone()
    return out


def read_ids(path):
    """[(index, [ids])] from a token-id file, in file order."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    if not lines or lines[0] != HEADER:
        raise ValueError(f"{path} is not a token-id file: first line must be {HEADER!r}")
    rows = []
    for n, line in enumerate(lines[1:], start=2):
        index, tab, ids = line.partition("\t")
        if not tab or not ids:
            raise ValueError(f"{path} line {n}: expected 'INDEX<TAB>ID ID ...', got {line!r}")
        rows.append((int(index), [int(i) for i in ids.split(" ")]))
    return rows


def peer_names(layers):
    """Hugging Face BERT name -> peer_step.Classifier name."""
    names = {
        "embeddings.word_embeddings.weight": "words.weight",
        "embeddings.position_embeddings.weight": "positions.weight",
        "embeddings.token_type_embeddings.weight": "types.weight",
        "embeddings.LayerNorm.weight": "embedding_norm.weight",
        "embeddings.LayerNorm.bias": "embedding_norm.bias",
        "classifier.weight": "head.weight",
        "classifier.bias": "head.bias",
    }
    parts = {
        "attention.self.query": "query", "attention.self.key": "key",
        "attention.self.value": "value", "attention.output.dense": "attention_output",
        "attention.output.LayerNorm": "attention_norm", "intermediate.dense": "intermediate",
        "output.dense": "output", "output.LayerNorm": "output_norm",
    }
    for i in range(layers):
        for hf, ours in parts.items():
            for kind in ("weight", "bias"):
                names[f"encoder.layer.{i}.{hf}.{kind}"] = f"layers.{i}.{ours}.{kind}"
    return names


def load_model(weights, head):
    tensors = read_safetensors(weights)
    tensors.update(read_safetensors(head))
    shape = peer_step.SHAPES["minilm"]
    model = peer_step.Classifier(shape["layers"], shape["hidden"], shape["heads"], shape["ffn"],
                                 labels=tensors["classifier.weight"].shape[0])
    names = peer_names(shape["layers"])
    state = {names[k]: v for k, v in tensors.items() if k in names}
    missing = set(model.state_dict()) - set(state)
    if missing:
        raise ValueError(f"{weights} / {head} lack {sorted(missing)[:5]}")
    model.load_state_dict(state)
    return model.eval()


def batch_tensors(rows):
    """Pads a list of id lists to their longest: (ids, mask) long tensors."""
    length = max(len(r) for r in rows)
    ids = torch.zeros(len(rows), length, dtype=torch.long)
    mask = torch.zeros(len(rows), length, dtype=torch.long)
    for i, r in enumerate(rows):
        ids[i, :len(r)] = torch.tensor(r, dtype=torch.long)
        mask[i, :len(r)] = 1
    return ids, mask


def predict(model, rows):
    """Logits of one batch, then the softmax and label, as the predictor returns them."""
    ids, mask = batch_tensors(rows)
    logits = model(ids, mask)
    probs = torch.softmax(logits, dim=-1)
    return logits.tolist(), probs.argmax(-1).tolist()


def run_pass(model, rows, batch):
    """Predicts every row at the given batch size; returns (seconds, per-batch seconds)."""
    times = []
    with torch.no_grad():
        start = time.perf_counter()
        for i in range(0, len(rows), batch):
            t0 = time.perf_counter()
            predict(model, [ids for _, ids in rows[i:i + batch]])
            times.append(time.perf_counter() - t0)
        return time.perf_counter() - start, times


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--weights", required=True, help="model.safetensors (Hugging Face BERT names)")
    ap.add_argument("--head", required=True, help="safetensors with classifier.weight/bias")
    ap.add_argument("--ids", required=True, help="token-id file from PredictBenchmark")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    model = load_model(args.weights, args.head)
    rows = read_ids(args.ids)
    print(f"READY impl=pytorch rows={len(rows)} threads={torch.get_num_threads()}"
          f" torch={torch.__version__}", flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "quit":
            break
        if words[0] == "logits" and len(words) == 2:
            with torch.no_grad(), open(words[1], "w", encoding="utf-8") as out:
                for i in range(0, len(rows), 32):
                    chunk = rows[i:i + 32]
                    logits, _ = predict(model, [ids for _, ids in chunk])
                    for (index, _), row in zip(chunk, logits):
                        out.write(f"{index}\t{' '.join(repr(float(v)) for v in row)}\n")
            print("OK", flush=True)
        elif words[0] == "pass" and len(words) == 2:
            batch = int(words[1])
            seconds, times = run_pass(model, rows, batch)
            extra = ""
            if batch == 1:
                extra = " latencies_ms=" + ",".join(f"{t * 1000:.4f}" for t in times)
            print(f"PASS impl=pytorch batch={batch} seconds={seconds:.6f}"
                  f" sentences_per_s={len(rows) / seconds:.2f}{extra}", flush=True)
        else:
            print(f"ERROR unknown command {line.strip()!r}; use logits PATH, pass B or quit",
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
