"""Work in a forked process: its result, its errors and its end come back to the build."""
from __future__ import annotations

import os
import time

import pytest

from wxnews_site.forks import Forked


def test_the_result_comes_back_from_the_fork():
    job = Forked(lambda: (os.getpid(), [1, 2, 3]))
    pid, value = job.result()
    assert pid != os.getpid() and value == [1, 2, 3]


def test_without_fork_the_work_is_done_at_once_here():
    done = []
    job = Forked(lambda: done.append(os.getpid()) or "ok", fork=False)
    assert done == [os.getpid()] and job.result() == "ok"


def test_an_error_in_the_fork_is_raised_here():
    def fail():
        raise ValueError("第2版 broken")

    with pytest.raises(ValueError, match="第2版 broken"):
        Forked(fail).result()


def test_a_process_that_dies_is_an_error_not_a_hang():
    with pytest.raises(RuntimeError, match="exit code 3"):
        Forked(lambda: os._exit(3)).result()


def test_cancel_stops_the_work(tmp_path):
    flag = tmp_path / "finished"
    job = Forked(lambda: time.sleep(5) or flag.write_text("x"))
    started = time.monotonic()
    job.cancel()
    assert time.monotonic() - started < 4 and not flag.exists()
