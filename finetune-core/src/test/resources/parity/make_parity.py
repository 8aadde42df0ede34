#!/usr/bin/env python3
"""Generates the tiny parity fixtures under this folder (run it from here with /usr/bin/python3).

An independent implementation: plain PyTorch forwards written from Hugging Face transformers'
published modeling code (modeling_roberta.py for RoBERTa, XLM-RoBERTa and CamemBERT, which
subclass it; modeling_distilbert.py for DistilBERT; modeling_electra.py for ELECTRA, whose layers
are BERT's; modeling_albert.py for ALBERT, one layer shared by all; modeling_deberta_v2.py for
DeBERTa-v2/v3; modeling_modernbert.py's eager attention path for ModernBERT), in eval mode (no
dropout). transformers is
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


# ---------------------------------------------------------------- DeBERTa-v2 / v3
def make_log_bucket_position(relative_pos, bucket_size, max_position):  # modeling_deberta_v2
    sign = torch.sign(relative_pos)
    mid = bucket_size // 2
    abs_pos = torch.where((relative_pos < mid) & (relative_pos > -mid),
                          torch.tensor(mid - 1).type_as(relative_pos), torch.abs(relative_pos))
    log_pos = torch.ceil(torch.log(abs_pos / mid) / torch.log(torch.tensor((max_position - 1) / mid))
                         * (mid - 1)) + mid
    return torch.where(abs_pos <= mid, relative_pos.type_as(log_pos), log_pos * sign)


def build_relative_position(query_size, key_size, bucket_size, max_position):
    q_ids = torch.arange(0, query_size)
    k_ids = torch.arange(0, key_size)
    rel_pos_ids = q_ids[:, None] - k_ids[None, :]
    if bucket_size > 0 and max_position > 0:
        rel_pos_ids = make_log_bucket_position(rel_pos_ids, bucket_size, max_position)
    return rel_pos_ids.to(torch.long)[:query_size, :].unsqueeze(0)


def deberta_attention(x, mask, t, p, rel_embeddings, relative_pos, cfg):
    """DisentangledSelfAttention.forward + disentangled_attention_bias (share_att_key, c2p, p2c)."""
    heads = cfg["num_attention_heads"]

    def transpose_for_scores(y):  # (B, T, H) -> (B * heads, T, d)
        y = y.view(y.size()[:-1] + (heads, -1))
        return y.permute(0, 2, 1, 3).contiguous().view(-1, y.size(1), y.size(-1))

    query_layer = transpose_for_scores(linear(x, t, p + "attention.self.query_proj"))
    key_layer = transpose_for_scores(linear(x, t, p + "attention.self.key_proj"))
    value_layer = transpose_for_scores(linear(x, t, p + "attention.self.value_proj"))
    pos_att_type = cfg["pos_att_type"]
    scale_factor = 1 + ("c2p" in pos_att_type) + ("p2c" in pos_att_type)
    scale = torch.sqrt(torch.tensor(query_layer.size(-1), dtype=torch.float) * scale_factor)
    scores = torch.bmm(query_layer, key_layer.transpose(-1, -2)) / scale
    att_span = cfg["position_buckets"] if cfg["position_buckets"] > 0 else cfg["max_relative_positions"]
    rel = rel_embeddings[0: att_span * 2, :].unsqueeze(0)
    repeat = query_layer.size(0) // heads
    pos_query_layer = transpose_for_scores(linear(rel, t, p + "attention.self.query_proj")).repeat(repeat, 1, 1)
    pos_key_layer = transpose_for_scores(linear(rel, t, p + "attention.self.key_proj")).repeat(repeat, 1, 1)
    rel_att = 0
    if "c2p" in pos_att_type:
        c2p_att = torch.bmm(query_layer, pos_key_layer.transpose(-1, -2))
        c2p_pos = torch.clamp(relative_pos + att_span, 0, att_span * 2 - 1)
        c2p_att = torch.gather(c2p_att, dim=-1, index=c2p_pos.squeeze(0).expand(
            [query_layer.size(0), query_layer.size(1), relative_pos.size(-1)]))
        rel_att = rel_att + c2p_att / scale
    if "p2c" in pos_att_type:
        p2c_pos = torch.clamp(-relative_pos + att_span, 0, att_span * 2 - 1)
        p2c_att = torch.bmm(key_layer, pos_query_layer.transpose(-1, -2))
        p2c_att = torch.gather(p2c_att, dim=-1, index=p2c_pos.squeeze(0).expand(
            [query_layer.size(0), key_layer.size(-2), key_layer.size(-2)])).transpose(-1, -2)
        rel_att = rel_att + p2c_att / scale
    scores = (scores + rel_att).view(-1, heads, scores.size(-2), scores.size(-1))
    # XSoftmax with DebertaV2Encoder.get_attention_mask's (B, 1, T, T) query x key mask
    ext = mask.unsqueeze(1).unsqueeze(2)
    rmask = ~((ext * ext.squeeze(-2).unsqueeze(-1)).bool())
    probs = torch.softmax(scores.masked_fill(rmask, torch.finfo(torch.float32).min), -1).masked_fill(rmask, 0)
    ctx = torch.bmm(probs.view(-1, probs.size(-2), probs.size(-1)), value_layer)
    ctx = ctx.view(-1, heads, ctx.size(-2), ctx.size(-1)).permute(0, 2, 1, 3).contiguous()
    return ctx.view(ctx.size()[:-2] + (-1,))


def deberta_family(folder, mlm_heads=True, **overrides):
    cfg = {"architectures": ["DebertaV2ForSequenceClassification"], "model_type": "deberta-v2",
           "vocab_size": VOCAB, "hidden_size": H, "num_hidden_layers": L, "num_attention_heads": HEADS,
           "intermediate_size": FFN, "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
           "attention_probs_dropout_prob": 0.1, "max_position_embeddings": 24, "type_vocab_size": 0,
           "initializer_range": 0.02, "layer_norm_eps": 1e-7, "relative_attention": True,
           "max_relative_positions": 16, "position_buckets": 8, "norm_rel_ebd": "layer_norm",
           "share_att_key": True, "pos_att_type": ["p2c", "c2p"], "position_biased_input": False,
           "pad_token_id": 0, "pooler_dropout": 0, "pooler_hidden_act": "gelu",
           "pooler_hidden_size": H,
           "id2label": {"0": "negative", "1": "neutral", "2": "positive"},
           "label2id": {"negative": 0, "neutral": 1, "positive": 2}}
    cfg.update(overrides)
    published = dict(cfg)  # config.json as written; cfg below as DebertaV2Config reads it
    eps = cfg["layer_norm_eps"]
    if cfg["max_relative_positions"] < 1:  # as DebertaV2Encoder
        cfg = dict(cfg, max_relative_positions=cfg["max_position_embeddings"])
    pos_att_type = cfg["pos_att_type"]
    if isinstance(pos_att_type, str):  # DebertaV2Config: "p2c|c2p" -> ["p2c", "c2p"]
        cfg = dict(cfg, pos_att_type=[x.strip() for x in pos_att_type.lower().split("|")])
    t = {"embeddings.word_embeddings.weight": rnd(VOCAB, H)}
    if cfg["position_biased_input"]:
        t["embeddings.position_embeddings.weight"] = rnd(cfg["max_position_embeddings"], H)
    if cfg["type_vocab_size"] > 0:
        t["embeddings.token_type_embeddings.weight"] = rnd(cfg["type_vocab_size"], H)
    t["embeddings.LayerNorm.weight"] = 1 + rnd(H, std=0.1)
    t["embeddings.LayerNorm.bias"] = rnd(H, std=0.1)
    for i in range(L):
        p = f"encoder.layer.{i}."
        for name, n_in, n_out in [("attention.self.query_proj", H, H), ("attention.self.key_proj", H, H),
                                  ("attention.self.value_proj", H, H), ("attention.output.dense", H, H),
                                  ("intermediate.dense", H, FFN), ("output.dense", FFN, H)]:
            t[p + name + ".weight"] = rnd(n_out, n_in)
            t[p + name + ".bias"] = rnd(n_out, std=0.05)
        for name in ["attention.output.LayerNorm", "output.LayerNorm"]:
            t[p + name + ".weight"] = 1 + rnd(H, std=0.1)
            t[p + name + ".bias"] = rnd(H, std=0.1)
    span = cfg["position_buckets"] if cfg["position_buckets"] > 0 else cfg["max_relative_positions"]
    t["encoder.rel_embeddings.weight"] = rnd(2 * span, H, std=0.5)
    normalize = "layer_norm" in [x.strip() for x in cfg["norm_rel_ebd"].lower().split("|")]
    if normalize:
        t["encoder.LayerNorm.weight"] = 1 + rnd(H, std=0.1)
        t["encoder.LayerNorm.bias"] = rnd(H, std=0.1)
    head = {"pooler.dense.weight": rnd(H, H), "pooler.dense.bias": rnd(H, std=0.05),
            "classifier.weight": rnd(3, H), "classifier.bias": rnd(3, std=0.05)}
    t, head = f16(t), f16(head)
    # 12 tokens: relative distances up to 11 reach the log buckets (|d| > position_buckets / 2)
    ids = torch.tensor([[1, 5, 17, 33, 8, 41, 12, 9, 30, 22, 7, 2],
                        [1, 9, 22, 40, 2, 0, 0, 0, 0, 0, 0, 0]])
    mask = ids.ne(0).long()
    types = torch.tensor([[0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1], [0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]])
    # DebertaV2Embeddings: words + positions (arange; v3: position_biased_input false, none) +
    # token types (v3: type_vocab_size 0, none), LayerNorm, times the mask
    x = t["embeddings.word_embeddings.weight"][ids]
    if cfg["position_biased_input"]:
        x = x + t["embeddings.position_embeddings.weight"][torch.arange(ids.shape[1])]
    if cfg["type_vocab_size"] > 0:
        x = x + t["embeddings.token_type_embeddings.weight"][types]
    x = layer_norm(x, t["embeddings.LayerNorm.weight"], t["embeddings.LayerNorm.bias"], eps)
    x = x * mask.unsqueeze(2).float()
    # DebertaV2Encoder: relative positions and LayerNorm-ed rel_embeddings shared by all layers
    relative_pos = build_relative_position(ids.shape[1], ids.shape[1], cfg["position_buckets"],
                                           cfg["max_relative_positions"])
    rel_embeddings = t["encoder.rel_embeddings.weight"]
    if normalize:
        rel_embeddings = layer_norm(rel_embeddings, t["encoder.LayerNorm.weight"],
                                    t["encoder.LayerNorm.bias"], eps)
    for i in range(L):
        p = f"encoder.layer.{i}."
        ctx = deberta_attention(x, mask, t, p, rel_embeddings, relative_pos, cfg)
        a = layer_norm(linear(ctx, t, p + "attention.output.dense") + x,
                       t[p + "attention.output.LayerNorm.weight"], t[p + "attention.output.LayerNorm.bias"], eps)
        f = linear(gelu(linear(a, t, p + "intermediate.dense")), t, p + "output.dense")
        x = layer_norm(f + a, t[p + "output.LayerNorm.weight"], t[p + "output.LayerNorm.bias"], eps)
    # ContextPooler: hidden[:, 0] -> dropout -> dense -> gelu; dropout; classifier
    logits = linear(gelu(linear(x[:, 0], head, "pooler.dense")), head, "classifier")
    saved = {"deberta." + k: v for k, v in t.items()}
    saved.update(head)
    if mlm_heads:
        saved["lm_predictions.lm_head.dense.weight"] = rnd(H, H)   # the MLM heads, to be skipped
        saved["lm_predictions.lm_head.bias"] = rnd(VOCAB)
        saved["mask_predictions.classifier.weight"] = rnd(1, H)
    save(folder, published, saved, ids, mask, x, logits, compare_padding=False,
         token_types=types if cfg["type_vocab_size"] > 0 else None)


SOURCES = {"distilbert": "modeling_distilbert.py", "electra": "modeling_electra.py",
           "albert": "modeling_albert.py", "deberta-v2": "modeling_deberta_v2.py",
           "modernbert": "modeling_modernbert.py (eager attention)"}


def save(folder, config, tensors, ids, mask, hidden, logits, extra=None, compare_padding=True,
         token_types=None):
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
    if token_types is not None:
        expected["token_type_ids"] = token_types.tolist()
    if not compare_padding:
        # padding rows differ between transformers versions (XSoftmax zeroes them, the later
        # masked_fill + softmax averages every key) and no head reads them: real tokens only
        expected["compare_padding"] = False
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
    torch.set_rng_state(after_distilbert)
    deberta_family("deberta-v2")
    # v2-style options on 2 heads: absolute positions, token types, unbucketed relative positions
    # up to max_position_embeddings (max_relative_positions -1), "c2p|p2c" as a string, no LayerNorm
    deberta_family("deberta-v2-absolute", mlm_heads=False, num_attention_heads=2, position_biased_input=True,
                   type_vocab_size=2, position_buckets=-1, max_relative_positions=-1,
                   pos_att_type="c2p|p2c", norm_rel_ebd="none")
