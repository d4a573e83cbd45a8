#!/usr/bin/env python3
"""Ceiling of per-user forgetting-speed recovery from what a strategy observes.

Reads two one-seed `simulator run --export` folders of the same scenario and strategy (different
seeds), computes per-user summaries of the strategy's own observations (clicks, dwell, topic
switches, click rate and dwell by time since the topic's last click, the strategy's fitted rate from
parameter-recovery.csv), fits a ridge regression of log true speed on them using the TRUTH of one
seed and reports Spearman with the truth on the other seed. No unsupervised estimator built on
the same summaries can be expected to beat this out-of-sample figure, since it is handed the
best weights. When both folders hold impression_posterior.csv (written by ImpressionProbe), its
per-user posterior mean is also scored alone, z-summed with the dwell and click-rate levels, and
added to the summaries as one more column. Standard library only (no numpy).
Usage: observable_ceiling.py RUN_A RUN_B
"""
import os
import csv
import math
import sys


def ranks(v):
    order = sorted(range(len(v)), key=lambda i: v[i])
    r = [0.0] * len(v)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and v[order[j + 1]] == v[order[i]]:
            j += 1
        for k in range(i, j + 1):
            r[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return r


def spearman(x, y):
    rx, ry = ranks(x), ranks(y)
    n = len(x)
    mx, my = sum(rx) / n, sum(ry) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(rx, ry))
    sxx = sum((a - mx) ** 2 for a in rx)
    syy = sum((b - my) ** 2 for b in ry)
    return sxy / math.sqrt(sxx * syy)


def bucket(dt):
    """Time since the topic's last click: never, 1, 2, 3-4, 5+ ticks."""
    return 0 if dt is None else 1 if dt == 1 else 2 if dt == 2 else 3 if dt <= 4 else 4


def features(run):
    topic = {int(r['item']): int(r['topic']) for r in csv.DictReader(open(run + '/items.csv'))}
    truth = {int(r['user']): math.log(1 / float(r['param1'])) for r in csv.DictReader(open(run + '/users.csv'))}
    fitted = {int(r['user']): math.log(float(r['fitted_rate'])) for r in csv.DictReader(open(run + '/parameter-recovery.csv'))}
    n_users = len(truth)
    last = [dict() for _ in range(n_users)]
    stats = [[[0, 0, 0.0, 0.0] for _ in range(5)] for _ in range(n_users)]  # shown, clicks, sum log dwell, sum true_prob
    active = [0] * n_users
    log_dwell = [[] for _ in range(n_users)]
    switches = [0] * n_users
    previous = [None] * n_users
    topics = [set() for _ in range(n_users)]
    position = [0] * n_users

    def slate_done(tick, user, slate):
        active[user] += 1
        for item, clicked, dwell, _, prob in slate:
            g = topic[item]
            s = stats[user][bucket(tick - last[user][g] if g in last[user] else None)]
            s[0] += 1
            s[3] += prob
            if clicked:
                s[1] += 1
                s[2] += math.log(dwell)
        for item, clicked, dwell, pos, _ in slate:
            if clicked:
                g = topic[item]
                last[user][g] = tick
                log_dwell[user].append(math.log(dwell))
                position[user] += pos
                if previous[user] is not None and previous[user] != g:
                    switches[user] += 1
                previous[user] = g
                topics[user].add(g)

    with open(run + '/interactions.csv') as f:
        next(f)
        key, slate = None, []
        for line in f:
            p = line.split(',')
            k = (int(p[2]), int(p[3]))
            if k != key:
                if key:
                    slate_done(key[0], key[1], slate)
                key, slate = k, []
            slate.append((int(p[5]), int(p[7]), float(p[8]), int(p[4]), float(p[6])))
        slate_done(key[0], key[1], slate)

    # Noise-free diagnostic (reads true_prob, which no strategy sees): log ratio of the expected click
    # rate 1 tick after the topic's last click to that 2+ ticks after, per user.
    def rate(s, buckets):
        return (sum(s[b][3] for b in buckets) + .01) / (sum(s[b][0] for b in buckets) + .1)
    true_ratio = [math.log(rate(stats[u], [1]) / rate(stats[u], [2, 3, 4])) for u in range(n_users)]
    rows, target = [], []
    for u in range(n_users):
        clicks = len(log_dwell[u])
        n = max(1, clicks)
        mean = sum(log_dwell[u]) / n
        row = [math.log((clicks + 1) / (active[u] + 2)), mean,
               math.sqrt(sum((v - mean) ** 2 for v in log_dwell[u]) / n),
               switches[u] / n, len(topics[u]), position[u] / n, fitted[u]]
        total = sum(s[0] for s in stats[u])
        for s in stats[u]:
            row += [math.log((s[1] + .5) / (s[0] + 5)), (s[2] + 2 * mean) / (s[1] + 2), s[0] / total]
        rows.append(row)
        target.append(truth[u])
    posterior_file = run + '/impression_posterior.csv'
    if os.path.exists(posterior_file):
        posterior = {int(r['user']): float(r['log_speed']) for r in csv.DictReader(open(posterior_file))}
        for u, row in enumerate(rows):
            row.append(posterior.get(u, 0.0))
    return rows, target, true_ratio


def solve(a, b):
    n = len(a)
    m = [a[i][:] + [b[i]] for i in range(n)]
    for i in range(n):
        p = max(range(i, n), key=lambda r: abs(m[r][i]))
        m[i], m[p] = m[p], m[i]
        for r in range(n):
            if r != i:
                f = m[r][i] / m[i][i]
                for c in range(i, n + 1):
                    m[r][c] -= f * m[i][c]
    return [m[i][n] / m[i][i] for i in range(n)]


def ridge(x, y, lam):
    k = len(x[0])
    mu = [sum(r[j] for r in x) / len(x) for j in range(k)]
    sd = [math.sqrt(sum((r[j] - mu[j]) ** 2 for r in x) / len(x)) or 1 for j in range(k)]
    z = [[1] + [(r[j] - mu[j]) / sd[j] for j in range(k)] for r in x]
    a = [[sum(v[i] * v[j] for v in z) + (lam if i == j and i > 0 else 0) for j in range(k + 1)] for i in range(k + 1)]
    w = solve(a, [sum(v[i] * t for v, t in zip(z, y)) for i in range(k + 1)])
    return lambda r: w[0] + sum(w[j + 1] * (r[j] - mu[j]) / sd[j] for j in range(k))


def quadratic(x):
    return [r + [v * v for v in r] + [r[0] * r[1], r[0] * r[6], r[1] * r[6]] for r in x]


def without_likelihood(x):
    return [r[:len(NAMES)] for r in x]


NAMES = ['log click rate per active tick', 'mean log dwell', 'sd log dwell', 'topic switches per click',
         'distinct topics clicked', 'mean click position', 'strategy fitted rate (log)'] + [
    f'{what}, {gap}' for gap in ('never clicked', '1 tick', '2 ticks', '3-4 ticks', '5+ ticks')
    for what in ('click rate', 'mean log dwell', 'share shown')]
a, b = features(sys.argv[1]), features(sys.argv[2])
for name, (x, y, ratio) in (('A', a), ('B', b)):
    print(f'run {name}: strategy fitted rate alone {spearman(y, [r[6] for r in x]):.3f}; '
          f'noise-free true_prob ratio 1 tick / 2+ ticks {spearman(y, ratio):.3f}')
print('single summaries, both runs pooled (Spearman with log true speed):')
pooled_x, pooled_y = a[0] + b[0], a[1] + b[1]
for j, label in enumerate(NAMES):
    print(f'  {label:40s} {spearman(pooled_y, [r[j] for r in pooled_x]):+.3f}')
def zscore(v):
    mean = sum(v) / len(v)
    sd = math.sqrt(sum((x - mean) ** 2 for x in v) / len(v))
    return [(x - mean) / sd for x in v]


with_likelihood = len(a[0][0]) == len(NAMES) + 1 and len(b[0][0]) == len(NAMES) + 1
if with_likelihood:
    for name, (x, y, _) in (('A', a), ('B', b)):
        lik, dwell, rate = zscore([r[-1] for r in x]), zscore([-r[1] for r in x]), zscore([-r[0] for r in x])
        print(f'run {name}: slate likelihood alone {spearman(y, lik):.3f}, + dwell level '
              f'{spearman(y, [p + d for p, d in zip(lik, dwell)]):.3f}, + dwell and click-rate levels '
              f'{spearman(y, [p + d + c for p, d, c in zip(lik, dwell, rate)]):.3f}')
models = [('linear', without_likelihood), ('quadratic', lambda x: quadratic(without_likelihood(x)))]
if with_likelihood:
    models.append(('linear + slate likelihood', lambda x: x))
for label, expand in models:
    for train, test, name in ((a, b, 'train A, test B'), (b, a, 'train B, test A')):
        model = ridge(expand(train[0]), train[1], 1.0)
        inside = spearman(train[1], [model(r) for r in expand(train[0])])
        outside = spearman(test[1], [model(r) for r in expand(test[0])])
        print(f'{label:25s} {name}: in-sample {inside:.3f}, out-of-sample {outside:.3f}')
