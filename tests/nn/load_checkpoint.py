"""Loads hesplit checkpoints with Python PyTorch and checks the logits it computes.

usage: load_checkpoint.py FRONT.pt HEAD.pt INPUT.f32 EXPECTED.f32 N CLASSES
INPUT.f32 holds N x 128 float32 beats, EXPECTED.f32 the N x CLASSES logits hesplit computed.
"""
import sys

import numpy as np
import torch
from torch import nn


def main():
    front_file, head_file, input_file, expected_file, n, classes = sys.argv[1:7]
    n, classes = int(n), int(classes)
    front = nn.Sequential(
        nn.Conv1d(1, 16, 7, padding=3), nn.LeakyReLU(), nn.MaxPool1d(2),
        nn.Conv1d(16, 8, 5, padding=2), nn.LeakyReLU(), nn.MaxPool1d(2), nn.Flatten())
    head = nn.Linear(256, classes)
    front.load_state_dict(torch.load(front_file), strict=True)
    head.load_state_dict(torch.load(head_file), strict=True)
    x = torch.from_numpy(np.fromfile(input_file, dtype=np.float32).reshape(n, 1, 128))
    expected = np.fromfile(expected_file, dtype=np.float32).reshape(n, classes)
    with torch.no_grad():
        logits = head(front(x)).numpy()
    error = float(np.max(np.abs(logits - expected)))
    print(f"max |logit difference| = {error:.3g}")
    sys.exit(0 if error < 1e-4 else 1)


main()
