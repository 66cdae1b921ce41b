#!/usr/bin/env python3
"""Runs a command and prints its wall time and peak resident memory (of it and its children)."""
import resource
import subprocess
import sys
import time

label, cmd = sys.argv[1], sys.argv[2:]
start = time.monotonic()
done = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
wall = time.monotonic() - start
peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
tail = [line for line in done.stdout.splitlines() if line.strip()][-2:]
for line in tail:
    print(f"    {line}")
print(f"{label}: {wall:.1f} s wall, peak memory {peak_mb:.0f} MB, exit {done.returncode}")
sys.exit(done.returncode)
