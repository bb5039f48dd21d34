"""PyTorch's side of `npm run bench -- --sample-cli` (bench/sample-cli.ts runs this, one process per run).

Reads one JSON request on stdin ({checkpoint, num, seed, max_chars, threads, max_loop_s}), loads the
checkpoint our CLI samples from (a .safetensors file, parsed here by hand; its spec from
__metadata__.spec), builds the lecture's model or the WaveNet preset's as PyTorch modules, and samples
names as the lecture does: the whole model on the last receptive field of characters for every new
one, one name at a time. Prints one JSON line: names drawn, their characters, the loop's and the
start-up's seconds, the threads, and the BLAS torch runs on. The caller times the whole process.
"""

import json
import struct
import sys
import time

T0 = time.perf_counter()  # before torch's import: start-up is part of what a user waits for

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from torch_models import blas, lecture_from_tensors, lecture_loop, tree_model

LN_EPS = BN_EPS = 1e-5  # ours (src/models/conv-layers/layernorm.ts, layers/batchnorm1d.ts)
NAMES_PER_CALL = 16  # names between checks of the time budget


def read_safetensors(path):
    """name → float32 tensor, and the metadata: 8-byte little-endian header length, JSON header, raw data."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    metadata = header.pop("__metadata__", {})
    data = raw[8 + n :]
    tensors = {}
    for name, info in header.items():
        if info["dtype"] != "F32":
            raise ValueError(f"{path}: tensor {name} is {info['dtype']}, expected F32")
        start, end = info["data_offsets"]
        tensors[name] = torch.from_numpy(np.frombuffer(data[start:end], dtype="<f4").copy().reshape(info["shape"]))
    return tensors, metadata


def named_layers(layers):
    """Every layer of a spec that has a name (bodies included), by name."""
    out = {}
    for layer in layers:
        if "name" in layer:
            out[layer["name"]] = layer
        out.update(named_layers(layer.get("body", [])))
    return out


def is_lecture(spec):
    """The lecture preset (kernel 2): [conv dilation 2^k → batchnorm → tanh] × n."""
    layers = spec["layers"]
    if len(layers) % 3:
        return False
    return all(
        [c.get("type"), c.get("kernel"), c.get("dilation", 1), b.get("type"), t.get("type")] == ["conv", 2, 2**k, "batchnorm", "tanh"]
        for k, (c, b, t) in enumerate(zip(layers[0::3], layers[1::3], layers[2::3]))
    )


# --- the WaveNet preset (src/presets/wavenet.ts) in PyTorch --------------------------------------


def conv1x1(w, b):
    """Our (Cin, Cout) weight and (Cout) bias as nn.Conv1d (weights (Cout, Cin, 1))."""
    conv = nn.Conv1d(w.shape[0], w.shape[1], kernel_size=1)
    with torch.no_grad():
        conv.weight.copy_(w.T[:, :, None])
        conv.bias.copy_(b)
    return conv


class GatedLayer(nn.Module):
    """Dilated causal conv (kernel 2, valid: the output is d positions shorter) → norm → tanh·sigmoid → skip 1×1, residual 1×1."""

    def __init__(self, t, prefix, dilation, norm, last):
        super().__init__()
        w = t[f"{prefix}.dilated.weight"]  # (2C, 2C): rows [0, C) read t − d, rows [C, 2C) read t
        C = w.shape[0] // 2
        self.C, self.dilation, self.norm_kind = C, dilation, norm
        self.dilated = nn.Conv1d(C, 2 * C, kernel_size=2, dilation=dilation, bias=norm == "none")
        with torch.no_grad():
            self.dilated.weight.copy_(w.view(2, C, 2 * C).permute(2, 1, 0))  # [k, c, o] → (o, c, k), tap 0 earliest
            if norm == "none":
                self.dilated.bias.copy_(t[f"{prefix}.dilated.bias"])
        if norm == "layernorm":
            self.norm = nn.LayerNorm(2 * C, eps=LN_EPS)
            with torch.no_grad():
                self.norm.weight.copy_(t[f"{prefix}.ln.weight"])
                self.norm.bias.copy_(t[f"{prefix}.ln.bias"])
        elif norm == "batchnorm":
            self.norm = nn.BatchNorm1d(2 * C, eps=BN_EPS)
            with torch.no_grad():
                for name in ("weight", "bias", "running_mean", "running_var"):
                    getattr(self.norm, name).copy_(t[f"{prefix}.bn.{name}"])
        self.skip = conv1x1(t[f"{prefix}.skip.weight"], t[f"{prefix}.skip.bias"])
        self.residual = None if last else conv1x1(t[f"{prefix}.residual.weight"], t[f"{prefix}.residual.bias"])

    def forward(self, x):
        z = self.dilated(x)
        if self.norm_kind == "layernorm":
            z = self.norm(z.transpose(1, 2)).transpose(1, 2)
        elif self.norm_kind == "batchnorm":
            z = self.norm(z)
        g = torch.tanh(z[:, : self.C]) * torch.sigmoid(z[:, self.C :])
        skip = self.skip(g)
        return (None if self.residual is None else x[:, :, self.dilation :] + self.residual(g)), skip


class WaveNet(nn.Module):
    """(B, T ≥ receptive field) tokens → (B, V) logits of the last position."""

    def __init__(self, spec, t):
        super().__init__()
        named = named_layers(spec["layers"])
        self.embedding = nn.Embedding.from_pretrained(t["embedding.weight"])
        self.input = conv1x1(t["input.weight"], t["input.bias"])
        n = sum(1 for name in named if name.endswith(".dilated"))
        norm = "layernorm" if "layer.0.ln" in named else "batchnorm" if "layer.0.bn" in named else "none"
        self.layers = nn.ModuleList(GatedLayer(t, f"layer.{i}", named[f"layer.{i}.dilated"]["dilation"], norm, i == n - 1) for i in range(n))
        self.out = conv1x1(t["out.weight"], t["out.bias"])
        self.head = nn.Linear(*t["head.weight"].shape)
        with torch.no_grad():
            self.head.weight.copy_(t["head.weight"].T)
            self.head.bias.copy_(t["head.bias"])

    def forward(self, idx):
        x = self.input(self.embedding(idx).transpose(1, 2))
        skips = []
        for layer in self.layers:
            x, skip = layer(x)
            skips.append(skip)
        last = skips[-1].shape[2]  # every skip cropped to the last layer's (shortest) output
        h = F.relu(sum(s[:, :, -last:] for s in skips))
        h = F.relu(self.out(h))
        return self.head(h[:, :, -1])


def build(tensors, spec):
    """The model and its receptive field."""
    if is_lecture(spec):
        n_layers = len(spec["layers"]) // 3
        model = tree_model(spec["vocabSize"], spec["embedding"], spec["layers"][0]["out"], n_layers)
        lecture_from_tensors(model, tensors)
        return model, "lecture", 2**n_layers
    if "input.weight" in tensors and "layer.0.dilated.weight" in tensors:
        model = WaveNet(spec, tensors).eval()
        return model, "wavenet", 1 + sum(layer.dilation for layer in model.layers)
    raise ValueError("the checkpoint is neither the lecture preset nor the WaveNet preset: no PyTorch module for it here")


def main():
    req = json.load(sys.stdin)
    if req["threads"] is not None:
        torch.set_num_threads(req["threads"])
    tensors, metadata = read_safetensors(req["checkpoint"])
    model, kind, block = build(tensors, json.loads(metadata["spec"]))
    g = torch.Generator().manual_seed(req["seed"])
    startup = time.perf_counter() - T0
    names = chars = 0
    t0 = time.perf_counter()
    while names < req["num"] and time.perf_counter() - t0 < req["max_loop_s"]:
        n, c = lecture_loop(model, block, req["max_chars"], min(NAMES_PER_CALL, req["num"] - names), g)
        names, chars = names + n, chars + c
    loop = time.perf_counter() - t0
    out = {"version": torch.__version__, "model": kind, "receptive_field": block, "threads": torch.get_num_threads(), "names": names, "chars": chars, "loop_s": loop, "startup_s": startup, "blas": blas()}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
