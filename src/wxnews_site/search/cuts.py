"""jieba's cut of a full build, in forked workers: the build's largest single cost.

A full build cuts every article's text once (``layout.term_counts``). One
process cutting the archive while the others write the n-gram shards and the
records left the cut as the longest step; here ``workers`` forked processes
cut interleaved batches of the articles, each reading the source itself (the
source is re-iterable; reading an article costs far less than cutting it),
and hand their batches' results back through pipes, which the build reads in
article order. With one worker, or where the platform cannot fork, the cut
runs here.
"""
from __future__ import annotations

import multiprocessing
import os
import traceback
from typing import TYPE_CHECKING, Iterable, Iterator

from ..config import SiteConfig
from ..forks import can_fork, die_with_parent
from ..model import Article
from . import tokens
from .layout import analyse, term_counts

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

BATCH = 64  # articles a worker cuts before handing them on
Cut = tuple[dict[str, int], int, tuple[str, ...]]  # an article's term counts, length, section and people keys


def cut_all(source: Iterable[Article], config: SiteConfig, words: tuple[str, ...], workers: int
            ) -> Iterator[tuple[Article, Cut]]:
    """Every article with its cut, in the source's order (read once here, and once in each worker)."""
    if workers <= 1 or not can_fork():
        cut = tokens.cutter(words)
        for a in source:
            doc = analyse(a, config)
            yield a, (*term_counts(cut, doc), doc.extra)
        return
    ctx = multiprocessing.get_context("fork")
    pipes: list[Connection] = []
    procs = []
    try:
        for j in range(workers):
            receive, send = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_worker, args=(source, config, words, j, workers, send, os.getpid()))
            proc.start()
            send.close()  # (a worker that dies shows as the end of its pipe)
            pipes.append(receive)
            procs.append(proc)
        yield from zip(source, _in_order(pipes))
    finally:
        for proc in procs:
            if proc.is_alive():
                proc.terminate()
            proc.join()
        for pipe in pipes:
            pipe.close()


def _in_order(pipes: list[Connection]) -> Iterator[Cut]:
    """Batch k comes from worker k % len(pipes); the first worker out of batches ends them all."""
    k = 0
    while True:
        try:
            reply = pipes[k % len(pipes)].recv()
        except EOFError:
            raise RuntimeError("a worker cutting the articles died") from None
        if reply[0] == "error":
            raise RuntimeError(f"cutting the articles failed:\n{reply[1]}")
        if reply[0] == "end":
            return
        yield from reply[1]
        k += 1


def _worker(source: Iterable[Article], config: SiteConfig, words: tuple[str, ...], j: int, workers: int,
            send: Connection, parent: int) -> None:
    die_with_parent(parent)
    try:
        cut = tokens.cutter(words)
        batch: list[Cut] = []
        for n, a in enumerate(source):
            if (n // BATCH) % workers != j:
                continue
            doc = analyse(a, config)
            batch.append((*term_counts(cut, doc), doc.extra))
            if len(batch) == BATCH:
                send.send(("ok", batch))
                batch = []
        if batch:
            send.send(("ok", batch))
        send.send(("end",))
    except BaseException:  # noqa: BLE001 (handed to the build, which raises it)
        send.send(("error", traceback.format_exc()))
    finally:
        send.close()
