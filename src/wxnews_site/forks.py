"""Work done in a forked process while this one goes on.

A build's stages are CPU-bound Python: on two cores, two of them run at once
only in two processes. Forking shares the build's data (the parsed archive,
the plan) without pickling it; the result comes back through a pipe.
"""
from __future__ import annotations

import ctypes
import multiprocessing
import os
import pickle
import signal
import traceback
from typing import TYPE_CHECKING, Callable, Generic, TypeVar

if TYPE_CHECKING:
    import concurrent.futures

T = TypeVar("T")
PR_SET_PDEATHSIG = 1


def _prctl() -> Callable[..., int] | None:
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (AttributeError, OSError):  # not Linux
        return None


_PRCTL = _prctl()


def die_with_parent(parent: int) -> None:
    """In a forked child: be killed when ``parent`` dies, however it dies.

    Why: a build killed with kill -9 cannot stop its workers; without this
    they live on (render workers waiting forever, the search indexer writing
    into a folder nobody will publish). Linux only; elsewhere nothing."""
    if _PRCTL is not None:
        _PRCTL(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # it died before the line above took effect
        os._exit(1)


def fork_pool(workers: int) -> concurrent.futures.ProcessPoolExecutor:
    """A pool of forked workers that die with this process."""
    import concurrent.futures  # only where a pool is used: a rebuild need not import it

    return concurrent.futures.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                                  initializer=die_with_parent, initargs=(os.getpid(),))


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


class Forked(Generic[T]):
    """``work()`` running in a forked process, or already done here when
    ``fork`` is false or the platform cannot fork."""

    def __init__(self, work: Callable[[], T], fork: bool = True):
        self._proc = None
        if not fork or not can_fork():
            self._value = work()
            return
        ctx = multiprocessing.get_context("fork")
        receive, send = ctx.Pipe(duplex=False)
        parent = os.getpid()

        def child() -> None:
            die_with_parent(parent)
            try:
                reply: tuple = ("ok", work())
            except BaseException as exc:  # noqa: BLE001 (handed to the parent, which raises it)
                reply = ("error", exc, traceback.format_exc())
            try:
                send.send(reply)
            except (pickle.PicklingError, TypeError, AttributeError):
                send.send(("error", None, reply[-1] if reply[0] == "error" else "an unpicklable result"))

        self._proc = ctx.Process(target=child)
        self._proc.start()
        send.close()  # so that a child that dies shows as the end of the pipe
        self._receive = receive

    def result(self) -> T:
        """Wait for the work; its result, or its exception raised here."""
        if self._proc is None:
            return self._value
        try:
            reply = self._receive.recv()
        except EOFError:
            self._proc.join()
            reply = ("error", None, f"the process died (exit code {self._proc.exitcode})")
        finally:
            self._receive.close()
        self._proc.join()
        self._proc = None
        if reply[0] == "ok":
            self._value = reply[1]
            return self._value
        exc, where = reply[1], reply[2]
        if isinstance(exc, BaseException):
            raise exc
        raise RuntimeError(f"work in a forked process failed:\n{where}")

    def cancel(self) -> None:
        """Stop the work if it still runs (its partial output is the caller's to remove)."""
        if self._proc is not None:
            self._proc.terminate()
            self._proc.join()
            self._receive.close()
            self._proc = None
