#!/usr/bin/env python3
"""How many times faster layoffwatch's whole pipeline is than Python's feedparser parsing alone.

Not run in CI. It builds nothing: build first with `cargo build --release`. It creates a virtual
environment with feedparser 6 (in scripts/.venv-feedparser, reused on later runs), lets
`layoffwatch bench --corpus DIR` write a bench corpus and time the whole pipeline on it, and times
feedparser parsing the same files; the two alternate, run after run, so a busy machine slows both
alike, and the medians are reported.

    python3 scripts/feedparser_compare.py --items 100000 --runs 5
"""

import argparse
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import venv

ROOT = pathlib.Path(__file__).resolve().parent.parent
VENV = ROOT / "scripts" / ".venv-feedparser"

# Runs inside the virtual environment: parses every file and prints items and seconds.
PARSE = r"""
import pathlib, sys, time, feedparser
files = sorted(pathlib.Path(sys.argv[1]).glob("*.xml"))
start = time.perf_counter()
items = sum(len(feedparser.parse(str(f)).entries) for f in files)
print(items, time.perf_counter() - start)
"""


def python_with_feedparser():
    python = VENV / ("Scripts" if os.name == "nt" else "bin") / "python"
    if not python.exists():
        venv.create(VENV, with_pip=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "feedparser>=6,<7"], check=True)
    version = subprocess.run(
        [str(python), "-c", "import feedparser; print(feedparser.__version__)"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    return python, version


def feedparser_run(python, corpus):
    out = subprocess.run([str(python), "-c", PARSE, str(corpus)], check=True, capture_output=True, text=True)
    items, seconds = out.stdout.split()
    return int(items), float(seconds)


def layoffwatch_run(binary, items, keep):
    """The bench's own figures for one size: pipeline and parse-only items per second."""
    out = subprocess.run(
        [str(binary), "bench", "--items", str(items), "--corpus", str(keep)],
        check=True, capture_output=True, text=True,
    ).stdout.splitlines()
    row = next(line.split() for line in out if line.split() and line.split()[0] == str(items))
    return float(row[2]), float(row[4])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--binary", default=str(ROOT / "target" / "release" / "layoffwatch"))
    args = parser.parse_args()
    python, version = python_with_feedparser()
    pipeline, parse_only, feedparser_rates = [], [], []
    with tempfile.TemporaryDirectory() as keep:
        corpus = pathlib.Path(keep) / f"items-{args.items}"
        for run in range(args.runs):
            p, q = layoffwatch_run(args.binary, args.items, keep)
            pipeline.append(p)
            parse_only.append(q)
            items, seconds = feedparser_run(python, corpus)
            feedparser_rates.append(items / seconds)
            print(f"run {run + 1}: layoffwatch pipeline {p:,.0f} items/s (parse only {q:,.0f}); "
                  f"feedparser parse {items / seconds:,.0f} items/s ({items} entries)", file=sys.stderr)
    mp, mq, mf = (statistics.median(x) for x in (pipeline, parse_only, feedparser_rates))
    print(f"{args.items} items, medians of {args.runs} interleaved runs, feedparser {version}, "
          f"Python {sys.version.split()[0]}")
    print(f"layoffwatch whole pipeline: {mp:,.0f} items/s")
    print(f"layoffwatch parse only:     {mq:,.0f} items/s")
    print(f"feedparser parse only:      {mf:,.0f} items/s")
    print(f"whole pipeline / feedparser's parse alone: {mp / mf:.2f} (the issue asks for 5 or more)")


if __name__ == "__main__":
    main()
