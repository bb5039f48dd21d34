#!/bin/sh
# Issue 22's best names model in 30 minutes on a 2-core machine: the README's WaveNet recipe with
# warm-up and cosine decay, trained twice side by side (one run per core, seeds SEED and SEED + 1,
# `makemore sweep --jobs 2`), the two joined into one model whose logits are the mean of theirs
# (`makemore join`), then scored on dev and, once, on test.
#
#   sh examples/best-model.sh [OUT [SEED [MINUTES]]]     (after npm run build; default runs/best 1 28)
#
# OUT/model.safetensors is the model; OUT/a and OUT/b the two runs (resumable: run it again after a
# Ctrl-C). MINUTES is each run's training time: 28 leaves start-up and evaluation inside 30 minutes.
set -eu
OUT=${1:-runs/best}
SEED=${2:-1}
MINUTES=${3:-28}
MAKEMORE=${MAKEMORE:-"node $(dirname "$0")/../bin/makemore.js"}

mkdir -p "$OUT"
cat > "$OUT/grid.json" <<GRID
{
  "description": "examples/best-model.sh: the recipe twice, seeds $SEED and $((SEED + 1)), $MINUTES minutes each, side by side",
  "defaults": { "model": "wavenet", "channels": 96, "n-embd": 32, "norm": "layernorm", "dropout": 0.4,
                "optimizer": "adamw", "lr": 0.003, "batch": 64, "schedule": "cosine", "warmup": 1000,
                "steps": 10000000, "minutes": $MINUTES, "eval-every": 2000, "eval-words": 0, "samples": 0, "threads": 1 },
  "runs": [
    { "name": "a", "options": { "seed": $SEED } },
    { "name": "b", "options": { "seed": $((SEED + 1)) } }
  ]
}
GRID
$MAKEMORE sweep --grid "$OUT/grid.json" --jobs 2 --out "$OUT"
$MAKEMORE join --checkpoints "$OUT/a/model.safetensors,$OUT/b/model.safetensors" --out "$OUT/model.safetensors"
$MAKEMORE eval --checkpoint "$OUT/model.safetensors" --split val
$MAKEMORE eval --checkpoint "$OUT/model.safetensors" --split test
