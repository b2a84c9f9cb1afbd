#!/usr/bin/python3
"""Golden values for the chapter on techniques for learning (issue #22), written for this repository in numpy, float64.

It follows the book's formulas (common/optimizer.py, common/layers.py, common/multi_layer_net_extend.py) and writes
golden/chapter6.json, which lib/FromScratch.Tests reads (GoldenTests), so the C# tests need no Python:

- optimizers: each optimizer's (x, y) after every one of 30 steps on f(x, y) = x^2/20 + y^2 from (-7, 2);
- batch_norm: a BatchNorm layer's forward (training and inference) and backward on fixed inputs;
- dropout: a Dropout layer's forward and backward with a fixed mask, and its inference output;
- multi_layer_net: the loss and gradients of small networks with weight decay (relu/sigmoid, with and without BatchNorm).

Every input is in the file too. Run once and commit the result: /usr/bin/python3 bench/reference/chapter6_golden.py
"""
import json
import os

import numpy as np

EPS = 1e-7          # the optimizers' delta under the square root
BN_EPS = 10e-7      # the book's BatchNorm delta (1e-6)


# ---- optimizers: the update rules, one function per optimizer, state kept in a dict ----

def sgd(lr):
    def step(p, g, s):
        for k in p:
            p[k] -= lr * g[k]
    return step


def momentum(lr, alpha=0.9):
    def step(p, g, s):
        for k in p:
            v = s.setdefault(k, np.zeros_like(p[k]))
            v[...] = alpha * v - lr * g[k]
            p[k] += v
    return step


def nesterov(lr, alpha=0.9):
    def step(p, g, s):
        for k in p:
            v = s.setdefault(k, np.zeros_like(p[k]))
            v *= alpha
            v -= lr * g[k]
            p[k] += alpha * alpha * v
            p[k] -= (1 + alpha) * lr * g[k]
    return step


def adagrad(lr):
    def step(p, g, s):
        for k in p:
            h = s.setdefault(k, np.zeros_like(p[k]))
            h += g[k] * g[k]
            p[k] -= lr * g[k] / (np.sqrt(h) + EPS)
    return step


def rmsprop(lr, rho=0.99):
    def step(p, g, s):
        for k in p:
            h = s.setdefault(k, np.zeros_like(p[k]))
            h *= rho
            h += (1 - rho) * g[k] * g[k]
            p[k] -= lr * g[k] / (np.sqrt(h) + EPS)
    return step


def adam(lr, b1=0.9, b2=0.999):
    def step(p, g, s):
        s["t"] = s.get("t", 0) + 1
        t = s["t"]
        rate = lr * np.sqrt(1.0 - b2 ** t) / (1.0 - b1 ** t)
        for k in p:
            m = s.setdefault("m" + k, np.zeros_like(p[k]))
            v = s.setdefault("v" + k, np.zeros_like(p[k]))
            m += (1 - b1) * (g[k] - m)
            v += (1 - b2) * (g[k] ** 2 - v)
            p[k] -= rate * m / (np.sqrt(v) + EPS)
    return step


def trajectory(step, steps=30):
    p = {"x": np.array([[-7.0]]), "y": np.array([[2.0]])}
    state = {}
    path = []
    for _ in range(steps):
        g = {"x": p["x"] / 10.0, "y": 2.0 * p["y"]}      # the gradient of x^2/20 + y^2
        step(p, g, state)
        path.append([float(p["x"][0, 0]), float(p["y"][0, 0])])
    return path


# ---- layers ----

def batch_norm_forward(x, gamma, beta, running_mean, running_var, train, momentum_=0.9):
    if train:
        mu = x.mean(axis=0)
        xc = x - mu
        var = np.mean(xc ** 2, axis=0)
        std = np.sqrt(var + BN_EPS)
        xn = xc / std
        running_mean = momentum_ * running_mean + (1 - momentum_) * mu
        running_var = momentum_ * running_var + (1 - momentum_) * var
        cache = (xc, xn, std)
    else:
        xc = x - running_mean
        xn = xc / np.sqrt(running_var + BN_EPS)
        cache = None
    return gamma * xn + beta, running_mean, running_var, cache


def batch_norm_backward(dout, gamma, cache):
    xc, xn, std = cache
    n = dout.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = np.sum(xn * dout, axis=0)
    dxn = gamma * dout
    dxc = dxn / std
    dstd = -np.sum((dxn * xc) / (std * std), axis=0)
    dvar = 0.5 * dstd / std
    dxc += (2.0 / n) * xc * dvar
    dmu = np.sum(dxc, axis=0)
    return dxc - dmu / n, dgamma, dbeta


def softmax(a):
    a = a - a.max(axis=1, keepdims=True)
    e = np.exp(a)
    return e / e.sum(axis=1, keepdims=True)


def net_loss_and_grads(x, t, params, hidden, activation, decay, use_bn, delta=0.0):
    """Forward in training mode (BatchNorm uses the batch statistics), loss with weight decay, backprop gradients."""
    caches = []
    h = x
    n_layers = len(hidden) + 1
    for i in range(1, n_layers + 1):
        W, b = params["W%d" % i], params["b%d" % i]
        a = h @ W + b
        layer = {"x": h}
        if i < n_layers:
            if use_bn:
                g, be = params["gamma%d" % i], params["beta%d" % i]
                a, _, _, layer["bn"] = batch_norm_forward(a, g, be, np.zeros(a.shape[1]), np.zeros(a.shape[1]), True)
            if activation == "relu":
                layer["mask"] = a <= 0
                a = np.where(layer["mask"], 0.0, a)
            else:
                a = 1.0 / (1.0 + np.exp(-a))
                layer["out"] = a
        caches.append(layer)
        h = a
    y = softmax(h)
    batch = x.shape[0]
    loss = -np.sum(t * np.log(y + delta)) / batch
    for i in range(1, n_layers + 1):
        loss += 0.5 * decay * np.sum(params["W%d" % i] ** 2)
    grads = {}
    dout = (y - t) / batch
    for i in range(n_layers, 0, -1):
        layer = caches[i - 1]
        if i < n_layers:
            if activation == "relu":
                dout = np.where(layer["mask"], 0.0, dout)
            else:
                dout = dout * layer["out"] * (1.0 - layer["out"])
            if use_bn:
                dout, grads["gamma%d" % i], grads["beta%d" % i] = batch_norm_backward(dout, params["gamma%d" % i], layer["bn"])
        W = params["W%d" % i]
        grads["W%d" % i] = layer["x"].T @ dout + decay * W
        grads["b%d" % i] = dout.sum(axis=0)
        dout = dout @ W.T
    return float(loss), grads


def m(a):
    """A matrix as a list of rows (a 1-D array as one row, like our (1, n) biases)."""
    a = np.asarray(a, dtype=np.float64)
    if a.ndim == 1:
        a = a.reshape(1, -1)
    return a.tolist()


def main():
    rng = np.random.RandomState(2206)
    out = {"source": "bench/reference/chapter6_golden.py (numpy %s, float64)" % np.__version__}

    # optimizers: the book's four with its rates, and the other two with their defaults' rates as the book's comparison uses
    settings = [("sgd", sgd, 0.95), ("momentum", momentum, 0.1), ("nesterov", nesterov, 0.1),
                ("adagrad", adagrad, 1.5), ("rmsprop", rmsprop, 0.1), ("adam", adam, 0.3)]
    out["optimizers"] = {"start": [-7.0, 2.0], "steps": 30,
                         "runs": [{"name": n, "lr": lr, "path": trajectory(f(lr))} for n, f, lr in settings]}

    # batch norm: 6 rows, 4 features
    x = rng.randn(6, 4) * 2.0 + 1.0
    gamma = rng.rand(4) + 0.5
    beta = rng.randn(4)
    dout = rng.randn(6, 4)
    rm, rv = rng.randn(4) * 0.1, rng.rand(4) + 0.5
    y, rm2, rv2, cache = batch_norm_forward(x, gamma, beta, rm, rv, True)
    dx, dgamma, dbeta = batch_norm_backward(dout, gamma, cache)
    y_inf, _, _, _ = batch_norm_forward(x, gamma, beta, rm2, rv2, False)
    out["batch_norm"] = {"x": m(x), "gamma": m(gamma), "beta": m(beta), "dout": m(dout),
                         "running_mean": m(rm), "running_var": m(rv), "momentum": 0.9,
                         "train_out": m(y), "running_mean_after": m(rm2), "running_var_after": m(rv2),
                         "dx": m(dx), "dgamma": m(dgamma), "dbeta": m(dbeta), "inference_out": m(y_inf)}

    # dropout: ratio 0.3, a mask given as 0/1
    xd = rng.randn(5, 4)
    mask = rng.rand(5, 4) > 0.3
    doutd = rng.randn(5, 4)
    out["dropout"] = {"ratio": 0.3, "x": m(xd), "mask": m(mask.astype(np.float64)), "dout": m(doutd),
                      "train_out": m(xd * mask), "dx": m(doutd * mask), "inference_out": m(xd * (1.0 - 0.3))}

    # networks: 4 inputs, hidden [5, 3], 3 classes, batch 6
    xn = rng.randn(6, 4)
    labels = np.array([0, 2, 1, 1, 0, 2])
    tn = np.eye(3)[labels]
    nets = []
    for activation, decay, use_bn in [("relu", 0.1, False), ("sigmoid", 0.1, False), ("relu", 0.05, True), ("sigmoid", 0.0, True)]:
        sizes = [4, 5, 3, 3]
        params = {}
        for i in range(1, len(sizes)):
            params["W%d" % i] = rng.randn(sizes[i - 1], sizes[i]) * 0.8
            params["b%d" % i] = rng.randn(sizes[i]) * 0.1
            if use_bn and i < len(sizes) - 1:
                params["gamma%d" % i] = rng.rand(sizes[i]) + 0.5
                params["beta%d" % i] = rng.randn(sizes[i]) * 0.1
        loss, grads = net_loss_and_grads(xn, tn, params, sizes[1:-1], activation, decay, use_bn)
        nets.append({"activation": activation, "weight_decay": decay, "batch_norm": use_bn, "hidden": sizes[1:-1],
                     "params": {k: m(v) for k, v in params.items()}, "loss": loss,
                     "grads": {k: m(v) for k, v in grads.items()}})
    out["multi_layer_net"] = {"x": m(xn), "t": m(tn), "loss_delta": 0.0, "nets": nets}

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden", "chapter6.json")
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    os.replace(tmp, path)
    print("wrote", path)


if __name__ == "__main__":
    main()
