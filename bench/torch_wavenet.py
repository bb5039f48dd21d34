"""PyTorch's side of the bench's WaveNet-recipe section (bench/wavenet-recipe.ts runs this).

Reads one JSON request on stdin: {checkpoint (our .safetensors, the initial weights), dropout, words
(the encoded training words), batch, lr, weight_decay, threads, warmup_s, measure_s, seed, check_words}.
Builds the WaveNet preset as PyTorch modules from the checkpoint (torch_sample.py's modules, made
trainable, dropout added after the gate), and trains it as the recipe does: batches of whole words,
'.'-padded on the left by the receptive field and on the right to the longest, a cross-entropy over
the real targets only, AdamW. Prints one JSON line: the losses of the check (on check_words, dropout
off: before and after one AdamW step), steps/s and targets/s at each thread count, the BLAS loaded,
and this process's peak RSS.
"""

import json
import resource
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

from torch_models import PAD, padded_words, run_for
from torch_sample import WaveNet, blas, read_safetensors


class TrainingWaveNet(nn.Module):
    """torch_sample's WaveNet (same modules, same weights), logits at every position, dropout on the gate's output."""

    def __init__(self, spec, tensors, dropout):
        super().__init__()
        net = WaveNet(spec, tensors)
        net.embedding = nn.Embedding.from_pretrained(tensors["embedding.weight"].clone(), freeze=False)
        self.net = net
        self.drop = nn.Dropout(dropout)
        self.receptive_field = 1 + sum(layer.dilation for layer in net.layers)

    def forward(self, idx):
        """(B, T) tokens → (B, V, T − receptive field + 1) logits."""
        net = self.net
        x = net.input(net.embedding(idx).transpose(1, 2))
        skips = []
        for layer in net.layers:
            z = layer.dilated(x)
            if layer.norm_kind == "layernorm":
                z = layer.norm(z.transpose(1, 2)).transpose(1, 2)
            elif layer.norm_kind == "batchnorm":
                z = layer.norm(z)
            g = self.drop(torch.tanh(z[:, : layer.C]) * torch.sigmoid(z[:, layer.C :]))
            skips.append(layer.skip(g))
            if layer.residual is not None:
                x = x[:, :, layer.dilation :] + layer.residual(g)
        last = skips[-1].shape[2]
        h = F.relu(sum(s[:, :, -last:] for s in skips))
        h = F.relu(net.out(h))
        return net.head(h.transpose(1, 2)).transpose(1, 2)


def batch_loss(model, data, left, ix):
    """Mean cross-entropy over the real targets of words `ix`, and how many there are."""
    tokens, targets, lengths = data
    longest = int(lengths[ix].max())
    logits = model(tokens[ix, : left + longest])
    return F.cross_entropy(logits, targets[ix, : longest + 1], ignore_index=PAD), int((lengths[ix] + 1).sum())


def adamw(model, req):
    return torch.optim.AdamW(model.parameters(), lr=req["lr"], betas=(0.9, 0.999), eps=1e-8, weight_decay=req["weight_decay"])


def check(spec, tensors, req):
    """Dropout off, the check's words as one batch: the loss before and after one AdamW step."""
    model = TrainingWaveNet(spec, tensors, 0.0).train()
    left = model.receptive_field
    data = padded_words(req["check_words"], left)
    ix = torch.arange(len(req["check_words"]))
    opt = adamw(model, req)
    loss0, targets = batch_loss(model, data, left, ix)
    opt.zero_grad(set_to_none=True)
    loss0.backward()
    opt.step()
    with torch.no_grad():
        loss1, _ = batch_loss(model, data, left, ix)
    return {"targets": targets, "loss_first_step": loss0.item(), "loss_after_one_step": loss1.item()}


def rates(spec, tensors, req, threads):
    """steps/s and real targets/s of the recipe's training step at `threads`, from the initial weights."""
    torch.set_num_threads(threads)
    model = TrainingWaveNet(spec, tensors, req["dropout"]).train()
    left = model.receptive_field
    data = padded_words(req["words"], left)
    opt = adamw(model, req)
    counts = {"steps": 0, "targets": 0}

    def step():
        ix = torch.randint(0, data[0].shape[0], (req["batch"],))
        loss, targets = batch_loss(model, data, left, ix)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
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


def main():
    req = json.load(sys.stdin)
    torch.manual_seed(req["seed"])
    tensors, metadata = read_safetensors(req["checkpoint"])
    spec = json.loads(metadata["spec"])
    out = {"version": torch.__version__, "blas": blas(), "check": check(spec, tensors, req)}
    out["train"] = [rates(spec, tensors, req, t) for t in req["threads"]]
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


if __name__ == "__main__":
    main()
