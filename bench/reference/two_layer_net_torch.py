#!/usr/bin/python3
"""PyTorch reference for the FromScratch.NET benchmark: the tutorial's loop in float32 with manual backprop.

The same loop as two_layer_net.py (784-20-10, batches drawn with replacement, learning rate 0.1, the batch loss
recomputed after each update, train and test accuracy every epoch including iteration 0), written with torch tensors and
the backward pass by hand (no autograd), run once per thread count; prints one JSON object on stdout.

Usage: /usr/bin/python3 bench/reference/two_layer_net_torch.py --data data/mnist [--iterations 10000] [--seed 42]
                                                               [--threads 1,2] [--grid 20x100,100x1000 --grid-examples 60000]
"""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from two_layer_net import load  # noqa: E402  (the same MNIST reader as the numpy reference)

import numpy as np  # noqa: E402
import torch  # noqa: E402


def train(x_train, t_train, x_test, t_test, labels_train, labels_test, hidden, batch, iterations, lr, seed, evaluate=True):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    W1 = 0.01 * torch.randn(784, hidden)
    b1 = torch.zeros(hidden)
    W2 = 0.01 * torch.randn(hidden, 10)
    b2 = torch.zeros(10)
    train_size = x_train.shape[0]
    per_epoch = max(train_size // batch, 1)
    test_acc, loss = [], 0.0

    def predict(x):
        z1 = torch.sigmoid(x @ W1 + b1)
        return torch.softmax(z1 @ W2 + b2, dim=1), z1

    def accuracy(x, labels):
        y, _ = predict(x)
        return float((y.argmax(dim=1) == labels).sum()) / x.shape[0]

    t0 = time.perf_counter()
    c0 = time.process_time()
    with torch.no_grad():
        for i in range(iterations):
            mask = torch.from_numpy(rng.integers(0, train_size, batch))
            x, t = x_train[mask], t_train[mask]
            y, z1 = predict(x)
            dy = (y - t) / batch
            dW2 = z1.T @ dy
            db2 = dy.sum(dim=0)
            da1 = (dy @ W2.T) * z1 * (1 - z1)
            dW1 = x.T @ da1
            db1 = da1.sum(dim=0)
            W1 -= lr * dW1
            b1 -= lr * db1
            W2 -= lr * dW2
            b2 -= lr * db2
            y, _ = predict(x)
            loss = float(-(t * torch.log(y + 1e-7)).sum() / batch)
            if evaluate and i % per_epoch == 0:
                accuracy(x_train, labels_train)
                test_acc.append(accuracy(x_test, labels_test))
    return {"seconds": time.perf_counter() - t0, "cpu_seconds": time.process_time() - c0,
            "final_test_accuracy": test_acc[-1] if test_acc else None, "final_loss": loss}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--iterations", type=int, default=10000)
    p.add_argument("--batch", type=int, default=100)
    p.add_argument("--lr", type=float, default=0.1)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--threads", default="1,2")
    p.add_argument("--grid", default="")
    p.add_argument("--grid-examples", type=int, default=60000)
    a = p.parse_args()

    arrays = load(a.data)
    x_train, t_train, x_test, t_test = (torch.from_numpy(np.ascontiguousarray(v)) for v in arrays)
    labels_train, labels_test = t_train.argmax(dim=1), t_test.argmax(dim=1)
    data = (x_train, t_train, x_test, t_test, labels_train, labels_test)
    threads = [int(n) for n in a.threads.split(",") if n]
    out = {"torch": torch.__version__, "python": sys.version.split()[0], "dtype": "float32",
           "parallel": torch.__config__.parallel_info().splitlines()[0:3], "runs": []}
    for n in threads:
        torch.set_num_threads(n)
        r = train(*data, 20, a.batch, a.iterations, a.lr, a.seed)
        r["threads"] = n
        out["runs"].append(r)
    best = min(out["runs"], key=lambda r: r["seconds"])
    out["best_threads"] = best["threads"]
    if a.grid:
        torch.set_num_threads(best["threads"])
        out["grid"] = []
        for cell in a.grid.split(","):
            hidden, batch = (int(v) for v in cell.split("x"))
            iterations = max(1, a.grid_examples // batch)
            r = train(*data, hidden, batch, iterations, a.lr, a.seed)
            out["grid"].append({"hidden": hidden, "batch": batch, "iterations": iterations, "seconds": r["seconds"]})
    print(json.dumps(out))


if __name__ == "__main__":
    main()
