"""``make bench``: the sandbox's speed beside a bare Flask + SQLite baseline, measured in one run.

``python -m benchmarks.run`` starts both servers on loopback, loads them with one load generator
(``wrk`` when installed, else the Python one in :mod:`benchmarks.load`), alternating A B A B, and prints
medians and ratios (docs/bench.md explains every figure).
"""
