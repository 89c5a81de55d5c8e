"""A build killed with kill -9 takes its forked workers with it."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

PARENT = """
import sys, time
from wxnews_site.forks import Forked, fork_pool
job = Forked(lambda: time.sleep(120))
pool = fork_pool(2)
pids = [pool.submit(__import__("os").getpid).result() for _ in range(4)]
print(job._proc.pid, *sorted(set(pids)), flush=True)
time.sleep(120)
"""


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"  # a zombie is dead, waiting for init to reap it


def test_forked_work_and_pool_workers_die_with_a_build_killed_hard():
    proc = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True)
    children = [int(x) for x in proc.stdout.readline().split()]
    assert len(children) >= 2 and all(alive(pid) for pid in children)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    for _ in range(200):  # the kernel signals them at once; give them a moment to go
        if not any(alive(pid) for pid in children):
            break
        time.sleep(0.05)
    survivors = [pid for pid in children if alive(pid)]
    for pid in survivors:  # never leave them behind, whatever the outcome
        os.kill(pid, signal.SIGKILL)
    assert survivors == []
