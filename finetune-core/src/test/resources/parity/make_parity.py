#!/usr/bin/env python3
"""Generates the tiny parity fixtures under this folder (run it from here with /usr/bin/python3).

An independent implementation: plain PyTorch forwards written from Hugging Face transformers'
published modeling code (modeling_roberta.py for RoBERTa, XLM-RoBERTa and CamemBERT, which
subclass it; modeling_distilbert.py for DistilBERT; modeling_electra.py for ELECTRA, whose layers
are BERT's; modeling_albert.py for ALBERT, one layer shared by all; modeling_modernbert.py's eager
attention path for ModernBERT), in eval mode (no dropout). transformers is
not needed. Each family's folder gets a Hugging Face task checkpoint as the Hub publishes them:
config.json with the family's real keys, model.safetensors in float16 (prefixed encoder,
unprefixed head, a pre-training head to be skipped, and for RoBERTa the legacy
LayerNorm.gamma/beta names), and expected.json (input ids, attention mask, last hidden state,
logits) computed in float32 from the float16-rounded weights.
"""
import json
import math
import os
import struct

import torch

torch.manual_seed(18)
H, L, HEADS, FFN, VOCAB = 32, 2, 4, 64, 48


def rnd(*shape, std=0.2):
    return (torch.randn(*shape) * std).half().float()


def layer_norm(x, w, b, eps):
    return torch.nn.functional.layer_norm(x, (x.shape[-1],), w, b, eps)


def linear(x, t, name):
    return x @ t[name + ".weight"].T + t[name + ".bias"]


def gelu(x):  # ACT2FN["gelu"]: exact erf GELU
    return torch.nn.functional.gelu(x)


def write_safetensors(path, tensors):
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, value in tensors.items():
        data = value.half().contiguous().numpy().tobytes()
        header[name] = {"dtype": "F16", "shape": list(value.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def attention(x, mask, q, k, v):
    """softmax(q k^T / sqrt(d) + mask) v, heads split as both modeling files do."""
    b, t, _ = x.shape
    d = H // HEADS
    split = lambda y: y.view(b, t, HEADS, d).transpose(1, 2)
    scores = split(q) @ split(k).transpose(-1, -2) / math.sqrt(d)
    scores = scores.masked_fill((mask == 0).view(b, 1, 1, t), torch.finfo(torch.float32).min)
    return (scores.softmax(-1) @ split(v)).transpose(1, 2).reshape(b, t, H)


# ---------------------------------------------------------------- RoBERTa / XLM-R / CamemBERT
def roberta_weights(types):
    t = {"embeddings.word_embeddings.weight": rnd(VOCAB, H),
         "embeddings.position_embeddings.weight": rnd(24, H),
         "embeddings.token_type_embeddings.weight": rnd(types, H),
         "embeddings.LayerNorm.weight": 1 + rnd(H, std=0.1),
         "embeddings.LayerNorm.bias": rnd(H, std=0.1)}
    for i in range(L):
        p = f"encoder.layer.{i}."
        for name, n_in, n_out in [("attention.self.query", H, H), ("attention.self.key", H, H),
                                  ("attention.self.value", H, H), ("attention.output.dense", H, H),
                                  ("intermediate.dense", H, FFN), ("output.dense", FFN, H)]:
            t[p + name + ".weight"] = rnd(n_out, n_in)
            t[p + name + ".bias"] = rnd(n_out, std=0.05)
        for name in ["attention.output.LayerNorm", "output.LayerNorm"]:
            t[p + name + ".weight"] = 1 + rnd(H, std=0.1)
            t[p + name + ".bias"] = rnd(H, std=0.1)
    head = {"classifier.dense.weight": rnd(H, H), "classifier.dense.bias": rnd(H, std=0.05),
            "classifier.out_proj.weight": rnd(3, H), "classifier.out_proj.bias": rnd(3, std=0.05)}
    return t, head


def f16(tensors):
    """The values the float16 checkpoint holds (1 + x is rounded again)."""
    return {k: v.half().float() for k, v in tensors.items()}


def roberta_forward(t, head, ids, mask, pad, eps):
    # RobertaEmbeddings.create_position_ids_from_input_ids
    not_pad = ids.ne(pad).int()
    positions = (torch.cumsum(not_pad, 1) * not_pad).long() + pad
    x = (t["embeddings.word_embeddings.weight"][ids]
         + t["embeddings.token_type_embeddings.weight"][torch.zeros_like(ids)]
         + t["embeddings.position_embeddings.weight"][positions])
    x = layer_norm(x, t["embeddings.LayerNorm.weight"], t["embeddings.LayerNorm.bias"], eps)
    for i in range(L):
        p = f"encoder.layer.{i}."
        ctx = attention(x, mask, linear(x, t, p + "attention.self.query"),
                        linear(x, t, p + "attention.self.key"), linear(x, t, p + "attention.self.value"))
        a = layer_norm(linear(ctx, t, p + "attention.output.dense") + x,
                       t[p + "attention.output.LayerNorm.weight"], t[p + "attention.output.LayerNorm.bias"], eps)
        f = linear(gelu(linear(a, t, p + "intermediate.dense")), t, p + "output.dense")
        x = layer_norm(f + a, t[p + "output.LayerNorm.weight"], t[p + "output.LayerNorm.bias"], eps)
    # RobertaClassificationHead: features[:, 0] -> dropout -> dense -> tanh -> dropout -> out_proj
    pooled = torch.tanh(linear(x[:, 0], head, "classifier.dense"))
    return x, linear(pooled, head, "classifier.out_proj")


def roberta_family(folder, model_type, architecture, legacy_names):
    t, head = (f16(d) for d in roberta_weights(1))
    pad = 1
    ids = torch.tensor([[0, 5, 17, 33, 8, 2, 2, 41], [0, 9, 22, 2, 1, 1, 1, 1]])
    mask = ids.ne(pad).long()
    hidden, logits = roberta_forward(t, head, ids, mask, pad, 1e-5)
    saved = {}
    for name, value in t.items():
        key = "roberta." + name
        if legacy_names and key.endswith("LayerNorm.weight"):
            key = key[: -len("weight")] + "gamma"
        elif legacy_names and key.endswith("LayerNorm.bias"):
            key = key[: -len("bias")] + "beta"
        saved[key] = value
    saved.update(head)
    saved["lm_head.dense.weight"] = rnd(H, H)   # the MLM head a checkpoint may still carry
    saved["lm_head.bias"] = rnd(VOCAB)
    config = {"architectures": [architecture], "model_type": model_type, "vocab_size": VOCAB,
              "hidden_size": H, "num_hidden_layers": L, "num_attention_heads": HEADS,
              "intermediate_size": FFN, "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
              "attention_probs_dropout_prob": 0.1, "max_position_embeddings": 24,
              "type_vocab_size": 1, "layer_norm_eps": 1e-5, "pad_token_id": pad,
              "bos_token_id": 0, "eos_token_id": 2, "initializer_range": 0.02,
              "id2label": {"0": "negative", "1": "neutral", "2": "positive"},
              "label2id": {"negative": 0, "neutral": 1, "positive": 2}}
    save(folder, config, saved, ids, mask, hidden, logits)


# ---------------------------------------------------------------- DistilBERT
def sinusoidal(n_pos, dim):  # modeling_distilbert.create_sinusoidal_embeddings
    import numpy as np
    enc = np.array([[pos / np.power(10000, 2 * (j // 2) / dim) for j in range(dim)] for pos in range(n_pos)])
    out = torch.zeros(n_pos, dim)
    out[:, 0::2] = torch.FloatTensor(np.sin(enc[:, 0::2]))
    out[:, 1::2] = torch.FloatTensor(np.cos(enc[:, 1::2]))
    return out


def distilbert_family(folder):
    t = {"embeddings.word_embeddings.weight": rnd(VOCAB, H),
         "embeddings.position_embeddings.weight": sinusoidal(24, H).half().float(),
         "embeddings.LayerNorm.weight": 1 + rnd(H, std=0.1),
         "embeddings.LayerNorm.bias": rnd(H, std=0.1)}
    for i in range(L):
        p = f"transformer.layer.{i}."
        for name, n_in, n_out in [("attention.q_lin", H, H), ("attention.k_lin", H, H),
                                  ("attention.v_lin", H, H), ("attention.out_lin", H, H),
                                  ("ffn.lin1", H, FFN), ("ffn.lin2", FFN, H)]:
            t[p + name + ".weight"] = rnd(n_out, n_in)
            t[p + name + ".bias"] = rnd(n_out, std=0.05)
        for name in ["sa_layer_norm", "output_layer_norm"]:
            t[p + name + ".weight"] = 1 + rnd(H, std=0.1)
            t[p + name + ".bias"] = rnd(H, std=0.1)
    head = {"pre_classifier.weight": rnd(H, H), "pre_classifier.bias": rnd(H, std=0.05),
            "classifier.weight": rnd(3, H), "classifier.bias": rnd(3, std=0.05)}
    t, head = f16(t), f16(head)
    ids = torch.tensor([[2, 5, 17, 33, 8, 3, 11, 3], [2, 9, 22, 3, 0, 0, 0, 0]])
    mask = ids.ne(0).long()
    # Embeddings: word + position (arange), LayerNorm(eps=1e-12); no token types
    positions = torch.arange(ids.shape[1])
    x = t["embeddings.word_embeddings.weight"][ids] + t["embeddings.position_embeddings.weight"][positions]
    x = layer_norm(x, t["embeddings.LayerNorm.weight"], t["embeddings.LayerNorm.bias"], 1e-12)
    for i in range(L):
        p = f"transformer.layer.{i}."
        # MultiHeadSelfAttention: q / sqrt(d) @ k^T, masked_fill(finfo.min), softmax, @ v, out_lin (no dropout)
        ctx = attention(x, mask, linear(x, t, p + "attention.q_lin"), linear(x, t, p + "attention.k_lin"),
                        linear(x, t, p + "attention.v_lin"))
        sa = layer_norm(linear(ctx, t, p + "attention.out_lin") + x,
                        t[p + "sa_layer_norm.weight"], t[p + "sa_layer_norm.bias"], 1e-12)
        # FFN: lin1 -> activation -> lin2 -> dropout
        f = linear(gelu(linear(sa, t, p + "ffn.lin1")), t, p + "ffn.lin2")
        x = layer_norm(f + sa, t[p + "output_layer_norm.weight"], t[p + "output_layer_norm.bias"], 1e-12)
    # DistilBertForSequenceClassification: hidden[:, 0] -> pre_classifier -> ReLU -> dropout -> classifier
    logits = linear(torch.relu(linear(x[:, 0], head, "pre_classifier")), head, "classifier")
    saved = {"distilbert." + k: v for k, v in t.items()}
    saved.update(head)
    saved["vocab_transform.weight"] = rnd(H, H)   # DistilBertForMaskedLM's head, to be skipped
    saved["vocab_layer_norm.weight"] = 1 + rnd(H, std=0.1)
    saved["vocab_projector.bias"] = rnd(VOCAB)
    config = {"architectures": ["DistilBertForSequenceClassification"], "model_type": "distilbert",
              "vocab_size": VOCAB, "dim": H, "n_layers": L, "n_heads": HEADS, "hidden_dim": FFN,
              "activation": "gelu", "dropout": 0.1, "attention_dropout": 0.1,
              "seq_classif_dropout": 0.2, "qa_dropout": 0.1, "max_position_embeddings": 24,
              "sinusoidal_pos_embds": True, "pad_token_id": 0, "initializer_range": 0.02,
              "tie_weights_": True,
              "id2label": {"0": "negative", "1": "neutral", "2": "positive"},
              "label2id": {"negative": 0, "neutral": 1, "positive": 2}}
    save(folder, config, saved, ids, mask, x, logits)


# ---------------------------------------------------------------- ModernBERT
MB_LAYERS, MB_FFN, MB_WINDOW, MB_EVERY = 3, 24, 4, 2
MB_GLOBAL_THETA, MB_LOCAL_THETA = 160000.0, 100.0


def rotary(t, d, base):  # ModernBertRotaryEmbedding (default rope): cos, sin of (T, d)
    inv_freq = 1.0 / (base ** (torch.arange(0, d, 2, dtype=torch.int64).float() / d))
    position_ids = torch.arange(t).unsqueeze(0)
    freqs = (inv_freq[None, :, None].float() @ position_ids[:, None, :].float()).transpose(1, 2)
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos()[0], emb.sin()[0]


def rotate_half(x):
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def norm(x, t, name):  # nn.LayerNorm(bias=norm_bias=False)
    return torch.nn.functional.layer_norm(x, (x.shape[-1],), t[name + ".weight"], None, 1e-5)


def modernbert_family(folder):
    t = {"embeddings.tok_embeddings.weight": rnd(VOCAB, H),
         "embeddings.norm.weight": 1 + rnd(H, std=0.1)}
    for i in range(MB_LAYERS):
        p = f"layers.{i}."
        if i > 0:  # layer 0's attn_norm is nn.Identity
            t[p + "attn_norm.weight"] = 1 + rnd(H, std=0.1)
        t[p + "attn.Wqkv.weight"] = rnd(3 * H, H)
        t[p + "attn.Wo.weight"] = rnd(H, H)
        t[p + "mlp_norm.weight"] = 1 + rnd(H, std=0.1)
        t[p + "mlp.Wi.weight"] = rnd(2 * MB_FFN, H)
        t[p + "mlp.Wo.weight"] = rnd(H, MB_FFN)
    t["final_norm.weight"] = 1 + rnd(H, std=0.1)
    head = {"head.dense.weight": rnd(H, H), "head.norm.weight": 1 + rnd(H, std=0.1),
            "classifier.weight": rnd(3, H), "classifier.bias": rnd(3, std=0.05)}
    t, head = f16(t), f16(head)
    cls, sep, pad = 1, 2, 3
    ids = torch.tensor([[cls, 5, 17, 33, 8, 41, 12, 9, 30, sep], [cls, 9, 22, 14, 6, sep, pad, pad, pad, pad]])
    mask = ids.ne(pad).long()
    b, n = ids.shape
    d = H // HEADS
    # ModernBertModel._update_attention_mask: _prepare_4d_attention_mask, then the sliding window
    minimum = torch.finfo(torch.float32).min
    inverted = 1.0 - mask[:, None, None, :].expand(b, 1, n, n).float()
    global_mask = inverted.masked_fill(inverted.bool(), minimum)
    rows = torch.arange(n).unsqueeze(0)
    window = (torch.abs(rows - rows.T) <= MB_WINDOW // 2).unsqueeze(0).unsqueeze(0)
    sliding_mask = global_mask.masked_fill(window.logical_not(), minimum)
    x = norm(t["embeddings.tok_embeddings.weight"][ids], t, "embeddings.norm")
    for i in range(MB_LAYERS):
        p = f"layers.{i}."
        local = i % MB_EVERY != 0
        cos, sin = rotary(n, d, MB_LOCAL_THETA if local else MB_GLOBAL_THETA)
        a = x if i == 0 else norm(x, t, p + "attn_norm")
        qkv = (a @ t[p + "attn.Wqkv.weight"].T).view(b, -1, 3, HEADS, d)
        q, k, v = qkv.transpose(3, 1).unbind(dim=2)   # eager_attention_forward
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        w = torch.matmul(q, k.transpose(2, 3)) * d ** -0.5
        w = w + (sliding_mask if local else global_mask)
        w = torch.nn.functional.softmax(w, dim=-1, dtype=torch.float32)
        ctx = torch.matmul(w, v).transpose(1, 2).contiguous().view(b, -1, H)
        x = x + ctx @ t[p + "attn.Wo.weight"].T
        inp, gate = (norm(x, t, p + "mlp_norm") @ t[p + "mlp.Wi.weight"].T).chunk(2, dim=-1)
        x = x + (gelu(inp) * gate) @ t[p + "mlp.Wo.weight"].T   # ModernBertMLP
    x = norm(x, t, "final_norm")

    def head_logits(pooled):  # ModernBertPredictionHead (dense, GELU, norm), drop, classifier
        h = norm(gelu(pooled @ head["head.dense.weight"].T), head, "head.norm")
        return linear(h, head, "classifier")
    logits = head_logits(x[:, 0])
    mean = (x * mask.unsqueeze(-1)).sum(dim=1) / mask.sum(dim=1, keepdim=True)
    extra = {"logits_mean": head_logits(mean), "logits_token": head_logits(x)}
    saved = {"model." + k: v for k, v in t.items()}
    saved.update(head)
    saved["decoder.bias"] = rnd(VOCAB)   # ModernBertForMaskedLM's decoder (weight tied), skipped
    config = {"architectures": ["ModernBertForSequenceClassification"], "model_type": "modernbert",
              "vocab_size": VOCAB, "hidden_size": H, "num_hidden_layers": MB_LAYERS,
              "num_attention_heads": HEADS, "intermediate_size": MB_FFN, "hidden_activation": "gelu",
              "max_position_embeddings": 64, "initializer_range": 0.02,
              "initializer_cutoff_factor": 2.0, "norm_eps": 1e-5, "norm_bias": False,
              "pad_token_id": pad, "bos_token_id": cls, "eos_token_id": sep, "cls_token_id": cls,
              "sep_token_id": sep, "global_rope_theta": MB_GLOBAL_THETA, "attention_bias": False,
              "attention_dropout": 0.0, "global_attn_every_n_layers": MB_EVERY,
              "local_attention": MB_WINDOW, "local_rope_theta": MB_LOCAL_THETA,
              "embedding_dropout": 0.0, "mlp_bias": False, "mlp_dropout": 0.0, "decoder_bias": True,
              "classifier_pooling": "cls", "classifier_dropout": 0.0, "classifier_bias": False,
              "classifier_activation": "gelu", "deterministic_flash_attn": False,
              "sparse_prediction": False, "sparse_pred_ignore_index": -100,
              "tie_word_embeddings": True,
              "id2label": {"0": "negative", "1": "neutral", "2": "positive"},
              "label2id": {"negative": 0, "neutral": 1, "positive": 2}}
    save(folder, config, saved, ids, mask, x, logits, extra)


# ---------------------------------------------------------------- ELECTRA / ALBERT
E = 16  # embedding_size != hidden size, so the projection to H is exercised


def gelu_new(x):  # ACT2FN["gelu_new"]: the tanh approximation
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


def factorised_embeddings(ids, t, eps):
    """BertEmbeddings-style word + token type (0) + position (arange) of width E, LayerNorm(E)."""
    positions = torch.arange(ids.shape[1])
    x = (t["embeddings.word_embeddings.weight"][ids]
         + t["embeddings.token_type_embeddings.weight"][torch.zeros_like(ids)]
         + t["embeddings.position_embeddings.weight"][positions])
    return layer_norm(x, t["embeddings.LayerNorm.weight"], t["embeddings.LayerNorm.bias"], eps)


def embedding_tables():
    return {"embeddings.word_embeddings.weight": rnd(VOCAB, E),
            "embeddings.position_embeddings.weight": rnd(24, E),
            "embeddings.token_type_embeddings.weight": rnd(2, E),
            "embeddings.LayerNorm.weight": 1 + rnd(E, std=0.1),
            "embeddings.LayerNorm.bias": rnd(E, std=0.1)}


def electra_family(folder):
    t = embedding_tables()
    t["embeddings_project.weight"] = rnd(H, E)
    t["embeddings_project.bias"] = rnd(H, std=0.05)
    bert_layers, _ = roberta_weights(1)   # BERT's layer names (ElectraLayer is BertLayer)
    t.update({k: v for k, v in bert_layers.items() if k.startswith("encoder.")})
    head = {"classifier.dense.weight": rnd(H, H), "classifier.dense.bias": rnd(H, std=0.05),
            "classifier.out_proj.weight": rnd(3, H), "classifier.out_proj.bias": rnd(3, std=0.05)}
    t, head = f16(t), f16(head)
    ids = torch.tensor([[1, 5, 17, 33, 8, 2, 11, 2], [1, 9, 22, 2, 0, 0, 0, 0]])
    mask = ids.ne(0).long()
    eps = 1e-12
    # ElectraModel: embeddings (E) -> embeddings_project (E -> H) -> BERT encoder
    x = linear(factorised_embeddings(ids, t, eps), t, "embeddings_project")
    for i in range(L):
        p = f"encoder.layer.{i}."
        ctx = attention(x, mask, linear(x, t, p + "attention.self.query"),
                        linear(x, t, p + "attention.self.key"), linear(x, t, p + "attention.self.value"))
        a = layer_norm(linear(ctx, t, p + "attention.output.dense") + x,
                       t[p + "attention.output.LayerNorm.weight"], t[p + "attention.output.LayerNorm.bias"], eps)
        f = linear(gelu(linear(a, t, p + "intermediate.dense")), t, p + "output.dense")
        x = layer_norm(f + a, t[p + "output.LayerNorm.weight"], t[p + "output.LayerNorm.bias"], eps)
    # ElectraClassificationHead: x[:, 0] -> dropout -> dense -> gelu (exact) -> dropout -> out_proj
    logits = linear(gelu(linear(x[:, 0], head, "classifier.dense")), head, "classifier.out_proj")
    saved = {"electra." + k: v for k, v in t.items()}
    saved.update(head)
    # ElectraForPreTraining's discriminator head, to be skipped
    saved["discriminator_predictions.dense.weight"] = rnd(H, H)
    saved["discriminator_predictions.dense_prediction.weight"] = rnd(1, H)
    config = {"architectures": ["ElectraForSequenceClassification"], "model_type": "electra",
              "vocab_size": VOCAB, "embedding_size": E, "hidden_size": H, "num_hidden_layers": L,
              "num_attention_heads": HEADS, "intermediate_size": FFN, "hidden_act": "gelu",
              "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1,
              "max_position_embeddings": 24, "type_vocab_size": 2, "layer_norm_eps": eps,
              "initializer_range": 0.02, "pad_token_id": 0, "position_embedding_type": "absolute",
              "summary_type": "first", "summary_use_proj": True, "summary_activation": "gelu",
              "summary_last_dropout": 0.1,
              "id2label": {"0": "negative", "1": "neutral", "2": "positive"},
              "label2id": {"negative": 0, "neutral": 1, "positive": 2}}
    save(folder, config, saved, ids, mask, x, logits)


def albert_family(folder):
    t = embedding_tables()
    t["encoder.embedding_hidden_mapping_in.weight"] = rnd(H, E)
    t["encoder.embedding_hidden_mapping_in.bias"] = rnd(H, std=0.05)
    p = "encoder.albert_layer_groups.0.albert_layers.0."   # the ONE layer all L layers share
    for name, n_in, n_out in [("attention.query", H, H), ("attention.key", H, H),
                              ("attention.value", H, H), ("attention.dense", H, H),
                              ("ffn", H, FFN), ("ffn_output", FFN, H)]:
        t[p + name + ".weight"] = rnd(n_out, n_in)
        t[p + name + ".bias"] = rnd(n_out, std=0.05)
    for name in ["attention.LayerNorm", "full_layer_layer_norm"]:
        t[p + name + ".weight"] = 1 + rnd(H, std=0.1)
        t[p + name + ".bias"] = rnd(H, std=0.1)
    t["pooler.weight"] = rnd(H, H)   # AlbertModel's pooler: part of the base model
    t["pooler.bias"] = rnd(H, std=0.05)
    head = {"classifier.weight": rnd(3, H), "classifier.bias": rnd(3, std=0.05)}
    t, head = f16(t), f16(head)
    ids = torch.tensor([[2, 5, 17, 33, 8, 3, 11, 3], [2, 9, 22, 3, 0, 0, 0, 0]])
    mask = ids.ne(0).long()
    eps = 1e-12
    # AlbertTransformer: embedding_hidden_mapping_in, then group_idx = int(i / (L / groups)) = 0
    x = linear(factorised_embeddings(ids, t, eps), t, "encoder.embedding_hidden_mapping_in")
    for _ in range(L):
        # AlbertAttention: ... dense -> output_dropout -> LayerNorm(hidden + projected)
        ctx = attention(x, mask, linear(x, t, p + "attention.query"), linear(x, t, p + "attention.key"),
                        linear(x, t, p + "attention.value"))
        a = layer_norm(linear(ctx, t, p + "attention.dense") + x,
                       t[p + "attention.LayerNorm.weight"], t[p + "attention.LayerNorm.bias"], eps)
        # AlbertLayer.ff_chunk: ffn -> activation -> ffn_output (no dropout), full_layer_layer_norm
        f = linear(gelu_new(linear(a, t, p + "ffn")), t, p + "ffn_output")
        x = layer_norm(f + a, t[p + "full_layer_layer_norm.weight"], t[p + "full_layer_layer_norm.bias"], eps)
    # AlbertModel pooler: tanh(pooler(x[:, 0])); AlbertForSequenceClassification: dropout -> classifier
    logits = linear(torch.tanh(linear(x[:, 0], t, "pooler")), head, "classifier")
    saved = {"albert." + k: v for k, v in t.items()}
    saved.update(head)
    saved["predictions.dense.weight"] = rnd(E, H)   # AlbertForPreTraining's heads, to be skipped
    saved["predictions.LayerNorm.weight"] = 1 + rnd(E, std=0.1)
    saved["sop_classifier.classifier.weight"] = rnd(2, H)
    config = {"architectures": ["AlbertForSequenceClassification"], "model_type": "albert",
              "vocab_size": VOCAB, "embedding_size": E, "hidden_size": H, "num_hidden_layers": L,
              "num_hidden_groups": 1, "inner_group_num": 1, "num_attention_heads": HEADS,
              "intermediate_size": FFN, "hidden_act": "gelu_new", "hidden_dropout_prob": 0.1,
              "attention_probs_dropout_prob": 0.1, "classifier_dropout_prob": 0.1,
              "max_position_embeddings": 24, "type_vocab_size": 2, "layer_norm_eps": eps,
              "initializer_range": 0.02, "pad_token_id": 0, "bos_token_id": 2, "eos_token_id": 3,
              "position_embedding_type": "absolute",
              "id2label": {"0": "negative", "1": "neutral", "2": "positive"},
              "label2id": {"negative": 0, "neutral": 1, "positive": 2}}
    save(folder, config, saved, ids, mask, x, logits)


SOURCES = {"distilbert": "modeling_distilbert.py", "electra": "modeling_electra.py",
           "albert": "modeling_albert.py",
           "modernbert": "modeling_modernbert.py (eager attention)"}


def save(folder, config, tensors, ids, mask, hidden, logits, extra=None):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    write_safetensors(os.path.join(folder, "model.safetensors"), tensors)
    expected = {"source": "plain PyTorch " + torch.__version__ + " forward from transformers' "
                          + SOURCES.get(config["model_type"], "modeling_roberta.py") + " (make_parity.py)",
                "input_ids": ids.tolist(), "attention_mask": mask.tolist(),
                "last_hidden_state": [round(v, 7) for v in hidden.flatten().tolist()],
                "logits": [round(v, 7) for v in logits.flatten().tolist()]}
    for key, value in (extra or {}).items():
        expected[key] = [round(v, 7) for v in value.flatten().tolist()]
    with open(os.path.join(folder, "expected.json"), "w") as f:
        json.dump(expected, f)


with torch.no_grad():
    roberta_family("roberta", "roberta", "RobertaForSequenceClassification", legacy_names=True)
    roberta_family("xlm-roberta", "xlm-roberta", "XLMRobertaForSequenceClassification", legacy_names=False)
    distilbert_family("distilbert")
    # each family added after DistilBERT starts from the generator's state after DistilBERT, so
    # adding a family never changes the fixtures of the others
    after_distilbert = torch.get_rng_state()
    electra_family("electra")
    albert_family("albert")
    torch.set_rng_state(after_distilbert)
    modernbert_family("modernbert")
