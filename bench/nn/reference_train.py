"""Independent PyTorch reference for `hesplit train --mode local`: the paper's network, client Adam
(lr 1e-3) on the convolutional front, server plain SGD on the Linear head, cross-entropy on the
logits, no shuffling. Run with Debian's interpreter: /usr/bin/python3 reference_train.py FILE.h5
[--epochs 10 --batch 4 --seed 0 --server-lr 0.01]. Prints per-epoch loss and test accuracy.
"""
import argparse
import time

import h5py
import numpy as np
import torch
from torch import nn


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--server-lr", type=float, default=1e-2)
    parser.add_argument("--client-lr", type=float, default=1e-3)
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    with h5py.File(args.data, "r") as f:
        x_train = torch.from_numpy(f["x_train"][:].astype(np.float32))
        y_train = torch.from_numpy(f["y_train"][:].astype(np.int64))
        x_test = torch.from_numpy(f["x_test"][:].astype(np.float32))
        y_test = torch.from_numpy(f["y_test"][:].astype(np.int64))
    classes = int(max(y_train.max(), y_test.max())) + 1
    front = nn.Sequential(
        nn.Conv1d(1, 16, 7, padding=3), nn.LeakyReLU(), nn.MaxPool1d(2),
        nn.Conv1d(16, 8, 5, padding=2), nn.LeakyReLU(), nn.MaxPool1d(2), nn.Flatten())
    head = nn.Linear(256, classes)
    client_opt = torch.optim.Adam(front.parameters(), lr=args.client_lr)
    server_opt = torch.optim.SGD(head.parameters(), lr=args.server_lr)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(1, args.epochs + 1):
        start = time.time()
        total, correct, loss_sum = 0, 0, 0.0
        for begin in range(0, len(y_train), args.batch):
            x = x_train[begin:begin + args.batch]
            y = y_train[begin:begin + args.batch]
            client_opt.zero_grad()
            server_opt.zero_grad()
            logits = head(front(x))
            loss = loss_fn(logits, y)
            loss.backward()
            client_opt.step()
            server_opt.step()
            loss_sum += loss.item() * len(y)
            correct += int((logits.argmax(1) == y).sum())
            total += len(y)
        seconds = time.time() - start
        with torch.no_grad():
            test_acc = float((head(front(x_test)).argmax(1) == y_test).float().mean())
        print(f"epoch {epoch:3d}  loss {loss_sum / total:.4f}  train acc {100 * correct / total:.2f}%"
              f"  test acc {100 * test_acc:.2f}%  {seconds:.2f} s")


main()
