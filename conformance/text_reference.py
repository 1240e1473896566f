#!/usr/bin/env python3
"""Reference side of conformance/text-families.sh: transformers' BertModel, RobertaModel and DistilBertModel
written out in plain PyTorch from their published architecture (modeling_bert.py, modeling_roberta.py,
modeling_distilbert.py), run on
seeded random weights stored under transformers' exact state-dict keys, next to the config.json
transformers writes. No transformers package is needed: the point is an independent implementation.

  text_reference.py make OUT      folders OUT/<family>/ (config.json, model.safetensors), inputs and references,
                                  for the bare encoders and for their ...ForSequenceClassification (OUT/<family>_seq_cls/)
  text_reference.py reload FAMILY ORIG EXPORT INPUT OUT
                                  loads the folder EXPORT as transformers would (strictly: the keys of ORIG, no more,
                                  no fewer; its config.json's architectures and id2label) and writes its logits to OUT
"""
import json
import math
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from zoo_reference import load_safetensors, save_safetensors  # noqa: E402

# Small shapes of each family; the other fields are what transformers' configs of the real models say.
FAMILIES = {
    "bert": dict(architectures=["BertModel"], model_type="bert", hidden_size=64, num_hidden_layers=2,
                 num_attention_heads=4, intermediate_size=128, max_position_embeddings=40, vocab_size=100,
                 type_vocab_size=2, layer_norm_eps=1e-12, hidden_act="gelu", hidden_dropout_prob=0.1,
                 attention_probs_dropout_prob=0.1, pad_token_id=0, position_embedding_type="absolute"),
    "roberta": dict(architectures=["RobertaModel"], model_type="roberta", hidden_size=64, num_hidden_layers=2,
                    num_attention_heads=4, intermediate_size=128, max_position_embeddings=42, vocab_size=100,
                    type_vocab_size=1, layer_norm_eps=1e-5, hidden_act="gelu", hidden_dropout_prob=0.1,
                    attention_probs_dropout_prob=0.1, pad_token_id=1, bos_token_id=0, eos_token_id=2,
                    position_embedding_type="absolute"),
    # DistilBertConfig names its fields otherwise (dim, n_layers, ...); its LayerNorm eps is fixed at 1e-12.
    "distilbert": dict(architectures=["DistilBertModel"], model_type="distilbert", dim=64, n_layers=2, n_heads=4,
                       hidden_dim=128, max_position_embeddings=40, vocab_size=100, activation="gelu", dropout=0.1,
                       attention_dropout=0.1, pad_token_id=0, sinusoidal_pos_embds=False, initializer_range=0.02,
                       qa_dropout=0.1, seq_classif_dropout=0.2, tie_weights_=True),
}


class Weights(dict):
    """A state dict filled with seeded random tensors: Linear weights scaled by 1/sqrt(fan_in), LayerNorms near 1/0."""

    def __init__(self, seed, width):
        super().__init__()
        self.g = torch.Generator().manual_seed(seed)
        self.width = width

    def randn(self, *shape):
        return torch.randn(*shape, generator=self.g)

    def lin(self, name, n_out, n_in):
        self[f"{name}.weight"] = self.randn(n_out, n_in) / math.sqrt(n_in)
        self[f"{name}.bias"] = self.randn(n_out) * 0.1

    def norm(self, name):
        self[f"{name}.weight"] = 1 + self.randn(self.width) * 0.1
        self[f"{name}.bias"] = self.randn(self.width) * 0.1


def distilbert_state_dict(cfg, seed):
    """Random weights under DistilBertModel's keys, in its order (no segment embeddings, no pooler)."""
    h, i = cfg["dim"], cfg["hidden_dim"]
    sd = Weights(seed, h)
    sd["embeddings.word_embeddings.weight"] = sd.randn(cfg["vocab_size"], h)
    sd["embeddings.position_embeddings.weight"] = sd.randn(cfg["max_position_embeddings"], h)
    sd.norm("embeddings.LayerNorm")
    for n in range(cfg["n_layers"]):
        p = f"transformer.layer.{n}"
        for part in ("q_lin", "k_lin", "v_lin", "out_lin"):
            sd.lin(f"{p}.attention.{part}", h, h)
        sd.norm(f"{p}.sa_layer_norm")
        sd.lin(f"{p}.ffn.lin1", i, h)
        sd.lin(f"{p}.ffn.lin2", h, i)
        sd.norm(f"{p}.output_layer_norm")
    return dict(sd)


def distilbert_forward(sd, cfg, ids, mask):
    """DistilBertModel.forward in eval mode: last_hidden_state."""
    h, heads, eps = cfg["dim"], cfg["n_heads"], 1e-12
    d = h // heads
    pos = torch.arange(ids.shape[1]).unsqueeze(0).expand_as(ids)
    x = sd["embeddings.word_embeddings.weight"][ids] + sd["embeddings.position_embeddings.weight"][pos]
    x = F.layer_norm(x, (h,), sd["embeddings.LayerNorm.weight"], sd["embeddings.LayerNorm.bias"], eps)

    def lin(t, name):
        return F.linear(t, sd[f"{name}.weight"], sd[f"{name}.bias"])

    def split(t):
        return t.view(t.shape[0], t.shape[1], heads, d).transpose(1, 2)

    for n in range(cfg["n_layers"]):
        p = f"transformer.layer.{n}"
        q = split(lin(x, f"{p}.attention.q_lin")) / math.sqrt(d)
        k, v = split(lin(x, f"{p}.attention.k_lin")), split(lin(x, f"{p}.attention.v_lin"))
        scores = (q @ k.transpose(2, 3)).masked_fill((mask == 0).view(mask.shape[0], 1, 1, -1), torch.finfo(torch.float32).min)
        ctx = (scores.softmax(-1) @ v).transpose(1, 2).reshape(x.shape)
        sa = F.layer_norm(lin(ctx, f"{p}.attention.out_lin") + x, (h,),
                          sd[f"{p}.sa_layer_norm.weight"], sd[f"{p}.sa_layer_norm.bias"], eps)
        ff = lin(F.gelu(lin(sa, f"{p}.ffn.lin1")), f"{p}.ffn.lin2")
        x = F.layer_norm(ff + sa, (h,), sd[f"{p}.output_layer_norm.weight"], sd[f"{p}.output_layer_norm.bias"], eps)
    return x


def state_dict(cfg, seed):
    """Random weights under BertModel's / RobertaModel's keys, in their order, with the position_ids buffer."""
    h, i = cfg["hidden_size"], cfg["intermediate_size"]
    sd = Weights(seed, h)
    sd["embeddings.position_ids"] = torch.arange(cfg["max_position_embeddings"]).unsqueeze(0)
    for name, rows in (("word", cfg["vocab_size"]), ("position", cfg["max_position_embeddings"]),
                       ("token_type", cfg["type_vocab_size"])):
        sd[f"embeddings.{name}_embeddings.weight"] = sd.randn(rows, h)
    sd.norm("embeddings.LayerNorm")
    for n in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{n}"
        for part in ("query", "key", "value"):
            sd.lin(f"{p}.attention.self.{part}", h, h)
        sd.lin(f"{p}.attention.output.dense", h, h)
        sd.norm(f"{p}.attention.output.LayerNorm")
        sd.lin(f"{p}.intermediate.dense", i, h)
        sd.lin(f"{p}.output.dense", h, i)
        sd.norm(f"{p}.output.LayerNorm")
    sd.lin("pooler.dense", h, h)
    return dict(sd)


def forward(sd, cfg, ids, mask, types):
    """BertModel.forward / RobertaModel.forward in eval mode: last_hidden_state and pooler_output."""
    x = forward_hidden(sd, cfg, ids, mask, types)
    return x, torch.tanh(F.linear(x[:, 0], sd["pooler.dense.weight"], sd["pooler.dense.bias"]))


def forward_hidden(sd, cfg, ids, mask, types):
    """The encoder's last_hidden_state."""
    h, heads, eps = cfg["hidden_size"], cfg["num_attention_heads"], cfg["layer_norm_eps"]
    d = h // heads
    if cfg["model_type"] == "roberta":  # create_position_ids_from_input_ids
        keep = ids.ne(cfg["pad_token_id"]).int()
        pos = (torch.cumsum(keep, dim=1) * keep).long() + cfg["pad_token_id"]
    else:
        pos = torch.arange(ids.shape[1]).unsqueeze(0).expand_as(ids)
    x = (sd["embeddings.word_embeddings.weight"][ids] + sd["embeddings.position_embeddings.weight"][pos]
         + sd["embeddings.token_type_embeddings.weight"][types])
    x = F.layer_norm(x, (h,), sd["embeddings.LayerNorm.weight"], sd["embeddings.LayerNorm.bias"], eps)
    extended = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min

    def lin(t, name):
        return F.linear(t, sd[f"{name}.weight"], sd[f"{name}.bias"])

    def split(t):
        return t.view(t.shape[0], t.shape[1], heads, d).permute(0, 2, 1, 3)

    for n in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{n}"
        q, k, v = (split(lin(x, f"{p}.attention.self.{part}")) for part in ("query", "key", "value"))
        scores = q @ k.transpose(-1, -2) / math.sqrt(d) + extended
        ctx = (scores.softmax(-1) @ v).permute(0, 2, 1, 3).reshape(x.shape)
        a = F.layer_norm(lin(ctx, f"{p}.attention.output.dense") + x, (h,),
                         sd[f"{p}.attention.output.LayerNorm.weight"], sd[f"{p}.attention.output.LayerNorm.bias"], eps)
        ff = F.gelu(lin(a, f"{p}.intermediate.dense"))
        x = F.layer_norm(lin(ff, f"{p}.output.dense") + a, (h,),
                         sd[f"{p}.output.LayerNorm.weight"], sd[f"{p}.output.LayerNorm.bias"], eps)
    return x


LABELS = {"0": "negative", "1": "neutral", "2": "positive"}
SEQ_CLS = {"bert": "BertForSequenceClassification", "roberta": "RobertaForSequenceClassification",
           "distilbert": "DistilBertForSequenceClassification"}


def seq_cls_state_dict(family, cfg, seed):
    """The encoder's weights behind transformers' base_model_prefix, then the classification head's."""
    distil = family == "distilbert"
    base = distilbert_state_dict(cfg, seed) if distil else state_dict(cfg, seed)
    if family == "roberta":  # RobertaForSequenceClassification builds RobertaModel(add_pooling_layer=False)
        base = {k: v for k, v in base.items() if not k.startswith("pooler.")}
    h = cfg["dim"] if distil else cfg["hidden_size"]
    head = Weights(seed + 50, h)
    if family == "bert":
        head.lin("classifier", len(LABELS), h)
    elif family == "roberta":
        head.lin("classifier.dense", h, h)
        head.lin("classifier.out_proj", len(LABELS), h)
    else:
        head.lin("pre_classifier", h, h)
        head.lin("classifier", len(LABELS), h)
    sd = {f"{family}.{k}": v for k, v in base.items()}
    sd.update(head)
    return sd


def seq_cls_logits(family, sd, cfg, ids, mask, types):
    """BertForSequenceClassification / RobertaClassificationHead / DistilBertForSequenceClassification in eval mode."""
    prefix = f"{family}."
    base = {k[len(prefix):]: v for k, v in sd.items() if k.startswith(prefix)}

    def lin(t, name):
        return F.linear(t, sd[f"{name}.weight"], sd[f"{name}.bias"])

    if family == "distilbert":
        hidden = distilbert_forward(base, cfg, ids, mask)
        return lin(F.relu(lin(hidden[:, 0], "pre_classifier")), "classifier")
    if family == "roberta":
        hidden = forward_hidden(base, cfg, ids, mask, types)
        return lin(torch.tanh(lin(hidden[:, 0], "classifier.dense")), "classifier.out_proj")
    hidden, pooled = forward(base, cfg, ids, mask, types)
    return lin(pooled, "classifier")


def seq_cls_config(cfg):
    return dict(cfg, architectures=[SEQ_CLS[cfg["model_type"]]], id2label=LABELS, label2id={v: int(k) for k, v in LABELS.items()})


def reload(family, orig, export, input_path, out_path):
    cfg = FAMILIES[family]
    want = load_safetensors(f"{orig}/model.safetensors")
    got = load_safetensors(f"{export}/model.safetensors")
    buffers = {k for k in want if k.endswith("position_ids")}  # a buffer transformers recreates; not saved by every writer
    missing = sorted(set(want) - set(got) - buffers)
    unexpected = sorted(set(got) - set(want))
    if missing or unexpected:
        sys.exit(f"{export}: not loadable strictly as {SEQ_CLS[family]}: missing {missing}, unexpected {unexpected}")
    with open(f"{export}/config.json") as f:
        exported = json.load(f)
    if exported.get("architectures") != [SEQ_CLS[family]] or exported.get("id2label") != LABELS:
        sys.exit(f"{export}/config.json: architectures {exported.get('architectures')}, id2label {exported.get('id2label')}")
    inputs = load_safetensors(input_path)
    ids, mask = inputs["input_ids"], inputs["attention_mask"]
    types = inputs.get("token_type_ids", torch.zeros_like(ids))
    with torch.no_grad():
        logits = seq_cls_logits(family, {k: v.float() for k, v in got.items()}, cfg, ids, mask, types)
    save_safetensors(out_path, {"logits": logits})
    print(f"{family}_seq_cls: the export loads strictly ({len(got)} tensors), logits {tuple(logits.shape)}")


def make(out):
    for seed, (family, cfg) in enumerate(FAMILIES.items()):
        folder = f"{out}/{family}"
        os.makedirs(folder, exist_ok=True)
        distil = cfg["model_type"] == "distilbert"
        sd = distilbert_state_dict(cfg, 200 + seed) if distil else state_dict(cfg, 200 + seed)
        save_safetensors(f"{folder}/model.safetensors", sd, {"format": "pt"})
        with open(f"{folder}/config.json", "w") as f:
            json.dump(dict(cfg, transformers_version="4.40.0"), f, indent=2)
        g = torch.Generator().manual_seed(300 + seed)
        pad = cfg["pad_token_id"]
        ids = torch.randint(3, cfg["vocab_size"], (3, 12), generator=g)
        ids[1, 9:] = pad  # padded rows, as a tokenizer pads a batch
        ids[2, 5:] = pad
        mask = ids.ne(pad).long()
        types = torch.zeros_like(ids)
        segments = cfg.get("type_vocab_size", 1) > 1
        if segments:
            types[:, 6:] = 1  # a second segment
        inputs = {"input_ids": ids, "attention_mask": mask}
        if segments:
            inputs["token_type_ids"] = types
        save_safetensors(f"{out}/{family}_input.safetensors", inputs)
        with torch.no_grad():
            if distil:
                refs = {"last_hidden_state": distilbert_forward(sd, cfg, ids, mask)}
            else:
                hidden, pooled = forward(sd, cfg, ids, mask, types)
                refs = {"last_hidden_state": hidden, "pooler_output": pooled}
        hidden = refs["last_hidden_state"]
        save_safetensors(f"{out}/{family}_ref.safetensors", refs)
        print(f"{family}: reference last_hidden_state {tuple(hidden.shape)}, max |ref| {hidden.abs().max().item():.3g}")

        # The same encoder shape under transformers' sequence classifier: other weights, the same inputs.
        folder = f"{out}/{family}_seq_cls"
        os.makedirs(folder, exist_ok=True)
        sd = seq_cls_state_dict(family, cfg, 400 + seed)
        save_safetensors(f"{folder}/model.safetensors", sd, {"format": "pt"})
        with open(f"{folder}/config.json", "w") as f:
            json.dump(dict(seq_cls_config(cfg), transformers_version="4.40.0"), f, indent=2)
        with torch.no_grad():
            logits = seq_cls_logits(family, sd, cfg, ids, mask, types)
        save_safetensors(f"{out}/{family}_seq_cls_ref.safetensors", {"logits": logits})
        print(f"{family}_seq_cls: reference logits {tuple(logits.shape)}, max |ref| {logits.abs().max().item():.3g}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "make":
        make(sys.argv[2])
    elif len(sys.argv) == 7 and sys.argv[1] == "reload":
        reload(*sys.argv[2:])
    else:
        sys.exit("usage: text_reference.py make OUT | reload FAMILY ORIG EXPORT INPUT OUT")
