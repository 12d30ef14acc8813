#!/usr/bin/python3
"""Prints the medians of a bench_ckks JSON file (--benchmark_out) as a Markdown table.

  table.py bench.json            every benchmark: real and CPU time, key switches
  table.py --speedup bench.json  the split benchmarks side by side, threads:1 against threads:2
"""
import json
import sys

UNITS = {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}


def medians(data):
    """(name without the _median suffix, benchmark) for every median or single run."""
    for b in data["benchmarks"]:
        if b.get("run_type") == "aggregate" and b.get("aggregate_name") != "median":
            continue
        yield b["name"].replace("_median", ""), b


def header(data):
    ctx = data["context"]
    print(f"host {ctx.get('host_name', '?')}, {ctx['num_cpus']} CPUs at {ctx['mhz_per_cpu']} MHz, "
          f"load {ctx.get('load_avg', '?')}, {ctx['date']}")


def times(data):
    print("| benchmark | real (us) | CPU (us) | key switches |")
    print("| --- | ---: | ---: | ---: |")
    for name, b in medians(data):
        scale = UNITS[b["time_unit"]]
        print(f"| {name} | {b['real_time'] * scale:.1f} | {b['cpu_time'] * scale:.1f} | "
              f"{b.get('key_switches', 0):g} |")


def speedup(data):
    by_threads = {}
    for name, b in medians(data):
        if "/threads:" not in name:
            continue
        base, rest = name.split("/threads:", 1)
        threads = int(rest.split("/", 1)[0])
        by_threads.setdefault(base, {})[threads] = b["real_time"] * UNITS[b["time_unit"]] / 1e3
    print("| benchmark (wall ms) | 1 thread | 2 threads | speedup |")
    print("| --- | ---: | ---: | ---: |")
    for base in sorted(by_threads):
        t = by_threads[base]
        if 1 in t and 2 in t:
            print(f"| {base} | {t[1]:.2f} | {t[2]:.2f} | {t[1] / t[2]:.2f}x |")


def main(args):
    mode = times
    if args and args[0] == "--speedup":
        mode = speedup
        args = args[1:]
    if len(args) != 1:
        sys.exit("usage: table.py [--speedup] bench.json")
    with open(args[0]) as f:
        data = json.load(f)
    header(data)
    mode(data)


if __name__ == "__main__":
    main(sys.argv[1:])
