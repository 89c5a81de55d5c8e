"""jieba's cut of a full build, in forked workers: the build's largest single cost.

A full build cuts every article's text once (``layout.term_counts``). One
process cutting the archive while the others write the n-gram shards and the
records left the cut as the longest step; here ``workers`` forked processes
cut interleaved batches of the articles, each reading the source itself (the
source is re-iterable; reading an article costs far less than cutting it),
and hand their batches' results back through pipes, which the build reads in
article order. With one worker, or where the platform cannot fork, the cut
runs here.

Terms cross the pipes as one string an article, the terms joined by NUL, and
their frequencies as an array: pickling every article's terms as a dict cost
more than a second of each side's CPU at 10,000 articles (some 400 terms an
article); the build numbers them (``Numbering``) in order of first use.
"""
from __future__ import annotations

import multiprocessing
import os
import traceback
from array import array
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Iterator

from ..config import SiteConfig
from ..forks import can_fork, die_with_parent
from ..model import Article
from . import tokens
from .layout import analyse, term_counts

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

BATCH = 64  # articles a worker cuts before handing them on


@dataclass(frozen=True)
class Cut:
    """An article's cut: its terms as the archive's numbers (``Numbering.terms``), their BM25 term
    frequencies, its length in terms, and its section and people keys."""
    ids: array
    tfs: array
    length: int
    extra: tuple[str, ...]


# A worker's cut of an article: its terms joined by SEP (or, where a term holds SEP, a list), their frequencies,
# its length and extra keys.
Sent = tuple["str | list[str]", array, int, tuple[str, ...]]
SEP = "\0"


def cut_one(cut: tokens.Cutter, a: Article, config: SiteConfig) -> Sent:
    doc = analyse(a, config)
    tfs, length = term_counts(cut, doc)
    joined = SEP.join(tfs)
    terms = joined if joined.count(SEP) == max(0, len(tfs) - 1) else list(tfs)
    return terms, array("I", tfs.values()), length, doc.extra


class Numbering:
    """The archive's terms numbered in order of first use (article by article, in each article the
    order of its cut)."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def number(self, sent: Sent) -> Cut:
        terms, tfs, length, extra = sent
        keys = terms.split(SEP) if isinstance(terms, str) else terms
        if not tfs:
            keys = []
        ids = list(map(self.ids.get, keys))
        if None in ids:  # the article's new terms, found by C loops (ids.index), numbered in order
            at = -1
            try:
                while True:
                    at = ids.index(None, at + 1)
                    ids[at] = self.ids[keys[at]] = len(self.ids)
            except ValueError:
                pass
        return Cut(array("I", ids), tfs, length, extra)

    @property
    def terms(self) -> list[str]:
        return list(self.ids)


def cut_all(source: Iterable[Article], config: SiteConfig, words: tuple[str, ...], workers: int,
            numbering: Numbering | None = None) -> Iterator[tuple[Article, Cut]]:
    """Every article with its cut, in the source's order (read once here, and once in each worker),
    its terms numbered by ``numbering`` (a new one without)."""
    numbering = numbering or Numbering()
    if workers <= 1 or not can_fork():
        cut = tokens.cutter(words)
        for a in source:
            yield a, numbering.number(cut_one(cut, a, config))
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
        yield from ((a, numbering.number(sent)) for a, sent in zip(source, _in_order(pipes)))
    finally:
        for proc in procs:
            if proc.is_alive():
                proc.terminate()
            proc.join()
        for pipe in pipes:
            pipe.close()


def _in_order(pipes: list[Connection]) -> Iterator[Sent]:
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
        batch: list[Sent] = []
        for n, a in enumerate(source):
            if (n // BATCH) % workers != j:
                continue
            batch.append(cut_one(cut, a, config))
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
