#!/usr/bin/python3
"""numpy reference for the FromScratch.NET benchmark (issue #4).

The same loop as the tutorial's two-layer network trained by backpropagation: 784-20-10, batches of 100 drawn with
replacement, learning rate 0.1, the batch loss recomputed after every update, train and test accuracy every epoch
(600 iterations) including iteration 0. Written for this repository; prints one JSON object on stdout.

Usage: /usr/bin/python3 bench/reference/two_layer_net.py --data data/mnist [--iterations 10000] [--seed 42]
                                                         [--numgrad-batch 100] [--skip-numgrad]
                                                         [--grid 20x100,500x1000 --grid-examples 60000]
"""
import argparse
import json
import os
import sys
import time

import numpy as np


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], "big")
    dims = magic & 0xFF
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(folder):
    def images(name):
        a = read_idx(os.path.join(folder, name))
        return (a.reshape(a.shape[0], -1).astype(np.float32)) / 255.0

    def one_hot(name):
        labels = read_idx(os.path.join(folder, name))
        t = np.zeros((labels.size, 10), dtype=np.float32)
        t[np.arange(labels.size), labels] = 1
        return t

    return (images("train-images-idx3-ubyte"), one_hot("train-labels-idx1-ubyte"),
            images("t10k-images-idx3-ubyte"), one_hot("t10k-labels-idx1-ubyte"))


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def softmax(x):
    x = x - np.max(x, axis=-1, keepdims=True)
    return np.exp(x) / np.sum(np.exp(x), axis=-1, keepdims=True)


def cross_entropy_error(y, t):
    if y.ndim == 1:
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)
    if t.size == y.size:
        t = t.argmax(axis=1)
    batch_size = y.shape[0]
    return -np.sum(np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size


def numerical_gradient(f, x):
    h = 1e-4
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        idx = it.multi_index
        tmp = x[idx]
        x[idx] = float(tmp) + h
        fxh1 = f(x)
        x[idx] = tmp - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
        x[idx] = tmp
        it.iternext()
    return grad


class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {
            "W1": weight_init_std * np.random.randn(input_size, hidden_size),
            "b1": np.zeros(hidden_size),
            "W2": weight_init_std * np.random.randn(hidden_size, output_size),
            "b2": np.zeros(output_size),
        }

    def predict(self, x):
        a1 = np.dot(x, self.params["W1"]) + self.params["b1"]
        z1 = sigmoid(a1)
        a2 = np.dot(z1, self.params["W2"]) + self.params["b2"]
        return softmax(a2)

    def loss(self, x, t):
        return cross_entropy_error(self.predict(x), t)

    def accuracy(self, x, t):
        y = np.argmax(self.predict(x), axis=1)
        return np.sum(y == np.argmax(t, axis=1)) / float(x.shape[0])

    def numerical_gradient(self, x, t):
        f = lambda _: self.loss(x, t)
        return {k: numerical_gradient(f, self.params[k]) for k in ("W1", "b1", "W2", "b2")}

    def gradient(self, x, t):
        W1, W2 = self.params["W1"], self.params["W2"]
        b1, b2 = self.params["b1"], self.params["b2"]
        batch_num = x.shape[0]
        a1 = np.dot(x, W1) + b1
        z1 = sigmoid(a1)
        a2 = np.dot(z1, W2) + b2
        y = softmax(a2)
        dy = (y - t) / batch_num
        grads = {"W2": np.dot(z1.T, dy), "b2": np.sum(dy, axis=0)}
        dz1 = np.dot(dy, W2.T)
        da1 = z1 * (1 - z1) * dz1   # sigmoid'(a1)
        grads["W1"] = np.dot(x.T, da1)
        grads["b1"] = np.sum(da1, axis=0)
        return grads


def train(net, data, batch, iterations, lr):
    """The tutorial's loop: minibatch, gradient by backprop, SGD, the loss after the update, accuracies every epoch."""
    x_train, t_train, x_test, t_test = data
    train_size = x_train.shape[0]
    iter_per_epoch = max(train_size // batch, 1)
    train_acc, test_acc, losses = [], [], []
    t0 = time.perf_counter()
    c0 = time.process_time()
    for i in range(iterations):
        batch_mask = np.random.choice(train_size, batch)
        x_batch, t_batch = x_train[batch_mask], t_train[batch_mask]
        grad = net.gradient(x_batch, t_batch)
        for key in ("W1", "b1", "W2", "b2"):
            net.params[key] -= lr * grad[key]
        losses.append(float(net.loss(x_batch, t_batch)))
        if i % iter_per_epoch == 0:
            train_acc.append(float(net.accuracy(x_train, t_train)))
            test_acc.append(float(net.accuracy(x_test, t_test)))
    return {"seconds": time.perf_counter() - t0, "cpu_seconds": time.process_time() - c0,
            "train_acc": train_acc, "test_acc": test_acc, "losses": losses}


def blas_info():
    """Which BLAS library numpy's dot product actually loaded (read from /proc/self/maps), and OpenBLAS's kernel if it is one."""
    np.dot(np.ones((64, 64)), np.ones((64, 64)))
    libs = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.split()[-1]
                if "blas" in os.path.basename(path).lower() or "mkl" in os.path.basename(path).lower():
                    libs.add(os.path.realpath(path))
    except OSError:
        pass
    info = {"libraries": sorted(libs)}
    try:  # threadpoolctl, when installed, names the BLAS, its version, the core it chose and its threads
        from threadpoolctl import threadpool_info
        for pool in threadpool_info():
            if pool.get("user_api") == "blas":
                info["threadpoolctl"] = {k: pool.get(k) for k in ("internal_api", "version", "architecture", "num_threads", "filepath")}
                if pool.get("internal_api") == "openblas" and pool.get("architecture"):
                    info["openblas_core"] = pool["architecture"]
                break
    except ImportError:
        pass
    for lib in sorted(libs):
        if "openblas" in lib:
            try:
                import ctypes
                h = ctypes.CDLL(lib)
                h.openblas_get_corename.restype = ctypes.c_char_p
                info["openblas_core"] = h.openblas_get_corename().decode()
                info["openblas_threads"] = h.openblas_get_num_threads()
            except (OSError, AttributeError):
                pass
    return info


def huge_pages_faulted():
    """How many 2 MiB pages the kernel has handed out on first touch since boot (/proc/vmstat), or None."""
    try:
        with open("/proc/vmstat") as f:
            for line in f:
                name, value = line.split()
                if name == "thp_fault_alloc":
                    return int(value)
    except OSError:
        pass
    return None


def fresh_memory_ms():
    """Milliseconds to allocate and fill 47,040,000 float32 (MNIST's training images), best and worst of 3, with and
    without the advice numpy gives Linux by default: back large arrays with 2 MiB pages (madvise MADV_HUGEPAGE)."""
    out = {}
    getter = getattr(np.core.multiarray, "_get_madvise_hugepage", None)
    setter = getattr(np.core.multiarray, "_set_madvise_hugepage", None)
    if getter is None or setter is None:
        return out
    default = getter()
    try:
        for name, advice in (("huge_page_advice", True), ("without", False)):
            setter(advice)
            times = []
            for _ in range(3):
                t0 = time.perf_counter()
                a = np.ones(47_040_000, dtype=np.float32)
                times.append(time.perf_counter() - t0)
                del a
            out[name] = min(times) * 1000
            out[name + "_worst"] = max(times) * 1000
        out["numpy_default"] = bool(default)
    finally:
        setter(default)
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--iterations", type=int, default=10000)
    p.add_argument("--batch", type=int, default=100)
    p.add_argument("--lr", type=float, default=0.1)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--numgrad-batch", type=int, default=100)
    p.add_argument("--skip-numgrad", action="store_true")
    p.add_argument("--grid", default="", help="hidden x batch cells, e.g. 20x100,500x1000: one run each of --grid-examples examples")
    p.add_argument("--grid-examples", type=int, default=60000)
    p.add_argument("--load-repeats", type=int, default=8, help="loads timed after the first, in the same process")
    a = p.parse_args()
    if a.load_repeats < 1:
        p.error(f"--load-repeats must be at least 1, not {a.load_repeats}")
    np.random.seed(a.seed)

    # The load as the C# bench times Mnist.Load: the first one in this fresh process, then --load-repeats more, each
    # replacing the arrays of the one before (the first of them and the best are reported).
    huge_before = huge_pages_faulted()
    t0 = time.perf_counter()
    arrays = load(a.data)
    load_s = time.perf_counter() - t0
    huge_after = huge_pages_faulted()
    load_repeated = []
    for _ in range(a.load_repeats):
        t0 = time.perf_counter()
        arrays = load(a.data)
        load_repeated.append(time.perf_counter() - t0)
    x_train, t_train, x_test, t_test = arrays
    fresh = fresh_memory_ms()

    net = TwoLayerNet(784, 20, 10)
    r = train(net, (x_train, t_train, x_test, t_test), a.batch, a.iterations, a.lr)
    train_s, train_cpu, train_acc, test_acc, losses = r["seconds"], r["cpu_seconds"], r["train_acc"], r["test_acc"], r["losses"]

    out = {
        "numpy": np.__version__,
        "python": sys.version.split()[0],
        "dtype": str(net.params["W1"].dtype),
        "blas": blas_info(),
        "load_seconds": load_s,
        "load_repeated_seconds": min(load_repeated),
        "load_repeated_first_seconds": load_repeated[0],
        "load_repeats": len(load_repeated),
        "load_huge_pages": None if huge_before is None or huge_after is None else huge_after - huge_before,
        "fresh_memory_ms": fresh,
        "train_seconds": train_s,
        "train_cpu_seconds": train_cpu,
        "iterations": a.iterations,
        "evaluations": len(test_acc),
        "final_train_accuracy": train_acc[-1],
        "final_test_accuracy": test_acc[-1],
        "final_loss": losses[-1],
    }
    if not a.skip_numgrad:
        net = TwoLayerNet(784, 20, 10)
        x, t = x_train[: a.numgrad_batch].astype(np.float64), t_train[: a.numgrad_batch].astype(np.float64)
        t0 = time.perf_counter()
        c0 = time.process_time()
        g = net.numerical_gradient(x, t)
        out["numgrad_seconds"] = time.perf_counter() - t0
        out["numgrad_cpu_seconds"] = time.process_time() - c0
        out["numgrad_params"] = int(sum(v.size for v in g.values()))
    if a.grid:
        out["grid"] = []
        for cell in a.grid.split(","):
            hidden, batch = (int(v) for v in cell.split("x"))
            iterations = max(1, a.grid_examples // batch)
            r = train(TwoLayerNet(784, hidden, 10), (x_train, t_train, x_test, t_test), batch, iterations, a.lr)
            out["grid"].append({"hidden": hidden, "batch": batch, "iterations": iterations, "seconds": r["seconds"]})
    print(json.dumps(out))


if __name__ == "__main__":
    main()
