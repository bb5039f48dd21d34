"""PyTorch's side of the bench's WaveNet-recipe sections (bench/wavenet-recipe.ts and, for
--wavenet-recipe --time-to-dev, bench/time-to-dev.ts run this).

Builds the WaveNet preset from a checkpoint's tensors (our .safetensors, the initial weights) as
trainable PyTorch parameters and trains it as our engine does: a batch of whole words packed end to
end (every position a target, no padding), each dilated conv of kernel 2 a matmul over [its input d
positions back | now], the earlier tap clamped to the word's first position (kernels/layout.ts),
channels last, LayerNorm over the channels, the gate, dropout, skips, residuals, the head and a mean
cross-entropy; AdamW. (A padded batch with valid convs would do ~4× the positions and flatter us.)

Reads one JSON request, a line on stdin, {mode, checkpoint, dropout, batch, lr, weight_decay, seed,
…}. Its mode is
 - "serve" (… words (the encoded training words), check_words): prints a line with the losses of the
   check (on check_words, dropout off: before and after one AdamW step), the torch version and the
   BLAS loaded; then, for every further line {threads, warmup_s, measure_s}, a line with the
   training rate at that thread count (steps/s, targets/s, from the initial weights); when stdin
   ends, a line with this process's peak RSS. The bench asks for rates between its own, so that
   both sides are measured seconds apart;
 - "time_to_dev" (… train, dev (the split's encoded words), threads, steps, decay_at, eval_every,
   target): trains with the lr decaying to lr/10 at decay_at of the steps, the whole dev split
   evaluated (dropout off) every eval_every steps, until its loss is at most the target (or the
   steps run out): wall seconds, steps, the dev loss reached (torch_time_to_dev.train_to_dev); one line.
"""

import json
import random
import resource
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

from torch_models import blas, run_for
from torch_sample import named_layers, read_safetensors
from torch_time_to_dev import train_to_dev

LN_EPS = 1e-5
BN_EPS = 1e-5
EVAL_CHUNK_WORDS = 512  # dev words a forward pass, as our engine's evaluation


class PackedWaveNet(nn.Module):
    """The WaveNet preset over packed words: idx (P), tap indices per dilation → logits (P, V)."""

    def __init__(self, spec, t, dropout):
        super().__init__()
        named = named_layers(spec["layers"])
        self.p = nn.ParameterDict()
        for name, value in t.items():
            if not name.endswith(("running_mean", "running_var")):
                self.p[name.replace(".", "_")] = nn.Parameter(value.clone())
        self.buffers_ = {name: value.clone() for name, value in t.items() if name.endswith(("running_mean", "running_var"))}
        n = sum(1 for name in named if name.endswith(".dilated"))
        self.norm = "layernorm" if "layer.0.ln" in named else "batchnorm" if "layer.0.bn" in named else "none"
        self.layers = [(f"layer_{i}", named[f"layer.{i}.dilated"]["dilation"], i == n - 1) for i in range(n)]
        self.dilations = sorted({d for _, d, _ in self.layers})
        self.drop = nn.Dropout(dropout)

    def w(self, name):
        return self.p[name]

    def forward(self, idx, taps):
        x = F.embedding(idx, self.w("embedding_weight")) @ self.w("input_weight") + self.w("input_bias")
        skips = None
        for prefix, d, last in self.layers:
            z = torch.cat([x[taps[d]], x], dim=1) @ self.w(f"{prefix}_dilated_weight")
            if self.norm == "layernorm":
                z = F.layer_norm(z, z.shape[1:], self.w(f"{prefix}_ln_weight"), self.w(f"{prefix}_ln_bias"), LN_EPS)
            elif self.norm == "batchnorm":
                dotted = prefix.replace("_", ".")
                z = F.batch_norm(z, self.buffers_[f"{dotted}.bn.running_mean"], self.buffers_[f"{dotted}.bn.running_var"], self.w(f"{prefix}_bn_weight"), self.w(f"{prefix}_bn_bias"), self.training, 0.1, BN_EPS)
            else:
                z = z + self.w(f"{prefix}_dilated_bias")
            C = z.shape[1] // 2
            g = self.drop(torch.tanh(z[:, :C]) * torch.sigmoid(z[:, C:]))
            s = g @ self.w(f"{prefix}_skip_weight") + self.w(f"{prefix}_skip_bias")
            skips = s if skips is None else skips + s
            if not last:
                x = x + g @ self.w(f"{prefix}_residual_weight") + self.w(f"{prefix}_residual_bias")
        h = F.relu(F.relu(skips) @ self.w("out_weight") + self.w("out_bias"))
        return h @ self.w("head_weight") + self.w("head_bias")


def packed(words, dilations):
    """idx, target (P) and, per dilation d, the earlier tap of every position: max(p − d, its word's start)."""
    idx, target, start = [], [], []
    for w in words:
        first = len(idx)
        idx += [0] + w
        target += w + [0]
        start += [first] * (len(w) + 1)
    p = torch.arange(len(idx))
    starts = torch.tensor(start)
    taps = {d: torch.maximum(p - d, starts) for d in dilations}
    return torch.tensor(idx), torch.tensor(target), taps


def batch_loss(model, words):
    """Mean cross-entropy over every position of `words` packed, and how many there are."""
    idx, target, taps = packed(words, model.dilations)
    return F.cross_entropy(model(idx, taps), target), len(idx)


def adamw(model, req):
    return torch.optim.AdamW(model.parameters(), lr=req["lr"], betas=(0.9, 0.999), eps=1e-8, weight_decay=req["weight_decay"])


def draw(words, rng, batch):
    """`batch` random words, as our engine draws them (PythonRandom is random.Random)."""
    return [words[rng.randrange(len(words))] for _ in range(batch)]


def train_step(model, opt, words):
    """One AdamW step on `words` packed; how many targets they had."""
    loss, targets = batch_loss(model, words)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    return targets


def dev_loss(model, words):
    """Eval mode (dropout off, BatchNorm's running statistics): the mean cross-entropy over every position of `words`."""
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(words), EVAL_CHUNK_WORDS):
            loss, targets = batch_loss(model, words[i : i + EVAL_CHUNK_WORDS])
            total += loss.item() * targets
            count += targets
    model.train()
    return total / count


def check(spec, tensors, req):
    """Dropout off, the check's words as one batch: the loss before and after one AdamW step."""
    model = PackedWaveNet(spec, tensors, 0.0).train()
    words = req["check_words"]
    opt = adamw(model, req)
    loss0, targets = batch_loss(model, words)
    opt.zero_grad(set_to_none=True)
    loss0.backward()
    opt.step()
    with torch.no_grad():
        loss1, _ = batch_loss(model, words)
    return {"targets": targets, "loss_first_step": loss0.item(), "loss_after_one_step": loss1.item()}


def rates(spec, tensors, req, threads):
    """steps/s and targets/s of the recipe's training step at `threads`, from the initial weights."""
    torch.set_num_threads(threads)
    model = PackedWaveNet(spec, tensors, req["dropout"]).train()
    words = req["words"]
    rng = random.Random(req["seed"])
    opt = adamw(model, req)
    counts = {"steps": 0, "targets": 0}

    def step():
        targets = train_step(model, opt, draw(words, rng, req["batch"]))
        counts["steps"] += 1
        counts["targets"] += targets
        return targets

    run_for(step, req["warmup_s"])  # warm-up: at least one step
    counts["steps"] = counts["targets"] = 0
    t0 = time.perf_counter()
    while True:
        step()
        seconds = time.perf_counter() - t0
        if seconds >= req["measure_s"]:
            break
    return {"threads": threads, "steps_per_s": counts["steps"] / seconds, "targets_per_s": counts["targets"] / seconds, "steps": counts["steps"], "seconds": seconds}


def serve(spec, tensors, req):
    """The check, the version and the BLAS at once; then a rate per request line until stdin ends."""
    print(json.dumps({"version": torch.__version__, "blas": blas(), "check": check(spec, tensors, req)}), flush=True)
    for line in sys.stdin:
        ask = json.loads(line)
        print(json.dumps(rates(spec, tensors, {**req, **ask}, ask["threads"])), flush=True)
    return {"peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def time_to_dev(spec, tensors, req):
    """The recipe from the initial weights until the whole dev split's loss reaches the target."""
    torch.set_num_threads(req["threads"])
    model = PackedWaveNet(spec, tensors, req["dropout"]).train()
    rng = random.Random(req["seed"])
    opt = adamw(model, req)
    return train_to_dev(opt, lambda: train_step(model, opt, draw(req["train"], rng, req["batch"])), lambda: dev_loss(model, req["dev"]), req)


MODES = {"serve": serve, "time_to_dev": time_to_dev}


def main():
    req = json.loads(sys.stdin.readline())
    torch.manual_seed(req["seed"])
    tensors, metadata = read_safetensors(req["checkpoint"])
    spec = json.loads(metadata["spec"])
    print(json.dumps(MODES[req["mode"]](spec, tensors, req)))


if __name__ == "__main__":
    main()
