"""Peak memory of `prepare` and `train` on generated datasets of growing size: does it stay bounded?

    python benchmarks/large_dataset.py [--clips 2000 20000] [--steps 50] [--folder DIR] [--cache DIR]
                                       [--bound-mib 1536] [--json]

For each size, writes a procedural set of that many clips under DIR (kept for the next time; 44.1 kHz 16-bit WAVs,
about 48 KB a clip), then runs, each in a process of its own with DRUMGAN_CACHE inside DIR:

    python -m drumgan prepare --source SET --json
    python -m drumgan train conv-gan --source SET --out RUN --steps STEPS --json

and reports for each command its wall time, the peak resident memory of its largest process (exact, from the
kernel: ``wait4``) and of all its processes together (the decoding workers included, sampled every 20 ms), and
``prepare``'s decoding rate. Memory is in MiB (2^20 bytes). The last stdout line is the JSON of every figure
with ``--json``; the exit status is 1 where a process went past ``--bound-mib``.

Set PYTHONPATH to another checkout's root to measure its code the same way (the before of a change).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

from drumgan.config import CLASSES
from drumgan.data.synthetic import make_synthetic_kit

PER_CLASS = 20  # clips of each class in each generated kit


def write_set(folder: Path, clips: int) -> Path:
    """A procedural set of at least ``clips`` clips in kits of ``PER_CLASS`` per class (written once)."""
    root = folder / f"set-{clips}"
    done = root / ".complete"
    if not done.exists():
        kits = math.ceil(clips / (PER_CLASS * len(CLASSES)))
        print(f"writing {kits * PER_CLASS * len(CLASSES)} clips in {kits} kits to {root} ...", file=sys.stderr)
        make_synthetic_kit(root, n_kits=kits, per_class=PER_CLASS, seed=clips)
        done.write_text("")
    return root


def _tree_rss_kib(pid: int) -> int:
    """Resident memory of ``pid`` and of every process below it, in KiB (0 for those gone)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return total


def measured(command: list[str], env: dict) -> dict:
    """Run ``command``; its wall time, the peak RSS of its largest process and of its process tree, its JSON line."""
    began = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    tree_peak = 0
    while True:  # wait4: the child's own rusage, in which its largest waited-for descendant's peak is kept too
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        tree_peak = max(tree_peak, _tree_rss_kib(process.pid))
        time.sleep(0.02)
    process.returncode = os.waitstatus_to_exitcode(status)
    output = process.stdout.read().strip().splitlines()
    if process.returncode:
        raise SystemExit(f"{' '.join(command)} failed with exit status {process.returncode}")
    return {
        "seconds": round(time.perf_counter() - began, 1),
        "peak_process_mib": round(usage.ru_maxrss / 1024),
        "peak_all_processes_mib": round(tree_peak / 1024),
        "result": json.loads(output[-1]),
    }


def one_size(folder: Path, clips: int, steps: int, cache: Path) -> dict:
    source = write_set(folder, clips)
    env = {**os.environ, "DRUMGAN_CACHE": str(cache), "TF_CPP_MIN_LOG_LEVEL": "3"}
    drumgan = [sys.executable, "-m", "drumgan"]
    run = cache.parent / f"run-{clips}-{cache.name}"
    prepare = measured([*drumgan, "prepare", "--source", str(source), "--json"], env)
    train = measured(
        [*drumgan, "train", "conv-gan", "--source", str(source), "--out", str(run), "--steps", str(steps), "--json"],
        env,
    )
    summary, trained = prepare.pop("result"), train.pop("result")
    return {
        "clips": summary["loaded"],
        "prepare": {**prepare, "files_per_second": summary.get("files_per_second"), "workers": summary.get("workers")},
        "train": {**train, "samples_per_second": trained["samples_per_second"]},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--folder", type=Path, default=Path("build/large_dataset"))
    parser.add_argument("--cache", type=Path, help="the dataset cache (default FOLDER/cache); runs go beside it")
    parser.add_argument("--bound-mib", type=int, default=1536, help="the peak a process may reach")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = []
    for clips in args.clips:
        rows.append(one_size(args.folder, clips, args.steps, args.cache or args.folder / "cache"))
        print(json.dumps(rows[-1]), file=sys.stderr)
    print(f"{'clips':>6} {'command':>8} {'seconds':>8} {'peak MiB':>9} {'all MiB':>8}  rate")
    over = False
    for row in rows:
        for command in ("prepare", "train"):
            figures = row[command]
            rate = (
                f"{figures['files_per_second']} files/s ({figures['workers']} processes)"
                if command == "prepare"
                else f"{figures['samples_per_second']} samples/s"
            )
            print(
                f"{row['clips']:>6} {command:>8} {figures['seconds']:>8} {figures['peak_process_mib']:>9} "
                f"{figures['peak_all_processes_mib']:>8}  {rate}"
            )
            over |= figures["peak_process_mib"] > args.bound_mib
    print(f"bound {args.bound_mib} MiB per process: {'EXCEEDED' if over else 'held'}")
    if args.json:
        print(json.dumps({"bound_mib": args.bound_mib, "rows": rows}))
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
