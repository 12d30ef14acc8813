#!/usr/bin/python3
"""Prints the medians of a bench_ckks JSON file (--benchmark_out) as a Markdown table."""
import json
import sys

UNITS = {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}


def main(path):
    with open(path) as f:
        data = json.load(f)
    ctx = data["context"]
    print(f"host {ctx.get('host_name', '?')}, {ctx['num_cpus']} CPUs at {ctx['mhz_per_cpu']} MHz, "
          f"load {ctx.get('load_avg', '?')}, {ctx['date']}")
    print("| benchmark | real (us) | CPU (us) | key switches |")
    print("| --- | ---: | ---: | ---: |")
    for b in data["benchmarks"]:
        if b.get("run_type") == "aggregate" and b.get("aggregate_name") != "median":
            continue
        scale = UNITS[b["time_unit"]]
        name = b["name"].replace("_median", "")
        print(f"| {name} | {b['real_time'] * scale:.1f} | {b['cpu_time'] * scale:.1f} | "
              f"{b.get('key_switches', 0):g} |")


if __name__ == "__main__":
    main(sys.argv[1])
