"""Checks that hesplit's initial weights equal PyTorch's for the same seed.

usage: compare_init.py SEED CLASSES FRONT.pt HEAD.pt
Builds the paper's network after torch.manual_seed(SEED) (front, then the Linear head) and
compares every tensor of both checkpoints for exact equality.
"""
import sys

import torch
from torch import nn


def main():
    seed, classes = int(sys.argv[1]), int(sys.argv[2])
    torch.manual_seed(seed)
    front = nn.Sequential(
        nn.Conv1d(1, 16, 7, padding=3), nn.LeakyReLU(), nn.MaxPool1d(2),
        nn.Conv1d(16, 8, 5, padding=2), nn.LeakyReLU(), nn.MaxPool1d(2), nn.Flatten())
    head = nn.Linear(256, classes)
    ok = True
    for module, file in ((front, sys.argv[3]), (head, sys.argv[4])):
        saved = torch.load(file)
        for key, value in module.state_dict().items():
            same = torch.equal(saved[key], value)
            ok = ok and same
            print(f"{file}: {key} {'equal' if same else 'DIFFERENT'}")
    sys.exit(0 if ok else 1)


main()
