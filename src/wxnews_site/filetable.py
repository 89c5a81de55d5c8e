"""Per-file state of a scan in a few bytes a file, not a Python object each.

A scan keeps every article file's path and content hash for the whole build,
and checks every article's id against all the others. As a dict of strings
that is some 0.3 KB a file (300 MB at a million); here it is the file's name
and its raw digest (some 40 bytes), and 12 bytes an id (its hash, its file).
"""
from __future__ import annotations

import bisect
from array import array
from collections import Counter
from collections.abc import ItemsView, Iterable, Iterator, Mapping
from typing import Callable

DIGEST = 32  # bytes of a sha256
SEP = "\0"
RUNS_INDEXED = 16  # runs whose names are kept in a dict (FileHashes)
BUCKETS = 256      # of ids by hash (Ids): a million ids compared 4,000 at a time


class FileHashes(Mapping[str, str]):
    """Path -> hex content hash, in the order the paths were added (the
    scan's path order), as a dict of them would be.

    Kept as runs of paths in one folder: the run's folder, its names in one
    string (each one between two NULs, which no file name holds) and their
    raw digests in one bytes object. A name is found by a search of its
    run's string, or in a dict of the run's names once a second name of it
    in a row is asked about (builds mostly ask a folder at a time): a few
    such dicts are kept, never all of them."""

    def __init__(self) -> None:
        self._folders: list[str] = []            # each run's folder ("" at the top)
        self._names: list[str] = []              # each run's names, "\0a\0b\0"
        self._digests: list[bytes] = []          # each run's digests, DIGEST bytes each
        self._starts = array("q")                # each run's first position
        self._runs: dict[str, list[int]] = {}    # folder -> its runs (a walk may come back to a folder)
        self._open: tuple[str, list[str], list[str]] | None = None  # the run being added to
        self._count = 0
        self._split: tuple[int, list[str]] = (-1, [])  # the run ``at`` looked in last, split
        self._places: dict[int, dict[str, int]] = {}   # a few runs' names -> their places in the run
        self._last = -1                                # the run the last name found was in

    def add(self, folder: str, name: str, digest: str) -> int:
        """The next path in order (``folder``/``name``: rel.rpartition("/")) and
        its hex digest; its position. A path already added must not come again."""
        run = self._open
        if run is None or run[0] != folder:
            self._close()
            run = self._open = (folder, [], [])
        run[1].append(name)
        run[2].append(digest)  # made raw a run at a time
        self._count += 1
        return self._count - 1

    def _close(self) -> None:
        if self._open is None:
            return
        folder, names, digests = self._open
        self._open = None
        self._runs.setdefault(folder, []).append(len(self._folders))
        self._starts.append(self._count - len(names))
        self._folders.append(folder)
        self._names.append(f"\0{SEP.join(names)}\0")
        raw = bytes.fromhex("".join(digests))
        assert len(raw) == DIGEST * len(names), "a digest that is not a sha256's"
        self._digests.append(raw)

    def _split_run(self, run: int) -> list[str]:
        return self._names[run][1:-1].split(SEP)

    def _hash(self, rel: object) -> str | None:
        """A path's hex digest; None for a path not added."""
        if not isinstance(rel, str):
            return None
        if self._open is not None:
            self._close()
        folder, _, name = rel.rpartition("/")
        for run in self._runs.get(folder, ()):
            places = self._places.get(run)
            if places is None and run == self._last:
                places = self._index(run)
            if places is not None:
                at = places.get(name)
            else:
                names = self._names[run]
                found = -1 if SEP in name else names.find(f"\0{name}\0")
                at = names.count(SEP, 0, found) if found >= 0 else None
            if at is not None:
                self._last = run
                return self._digests[run][at * DIGEST:(at + 1) * DIGEST].hex()
        return None

    def _index(self, run: int) -> dict[str, int]:
        if len(self._places) >= RUNS_INDEXED:
            del self._places[next(iter(self._places))]  # the oldest
        places = self._places[run] = {name: i for i, name in enumerate(self._split_run(run))}
        return places

    def __getitem__(self, rel: str) -> str:
        found = self._hash(rel)
        if found is None:
            raise KeyError(rel)
        return found

    def get(self, rel: str, default: str | None = None) -> str | None:  # type: ignore[override]
        found = self._hash(rel)  # (Mapping's get raises and catches a KeyError for every miss)
        return default if found is None else found

    def __contains__(self, rel: object) -> bool:
        return self._hash(rel) is not None

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[str]:
        self._close()
        for run in range(len(self._folders)):
            yield from self._rels(run)

    def items(self) -> ItemsView[str, str]:
        return _Items(self)

    def _rels(self, run: int) -> Iterable[str]:
        folder, names = self._folders[run], self._split_run(run)
        return map(f"{folder}/".__add__, names) if folder else names

    def _pairs(self) -> Iterator[tuple[str, str]]:
        self._close()
        width = 2 * DIGEST
        for run in range(len(self._folders)):
            hexes = self._digests[run].hex()  # a run's at once, then cut: a call a run, not one a file
            yield from zip(self._rels(run), [hexes[i:i + width] for i in range(0, len(hexes), width)])

    def at(self, position: int) -> str:
        """The path added ``position``-th (from 0)."""
        self._close()
        if not 0 <= position < self._count:
            raise IndexError(position)
        run = bisect.bisect_right(self._starts, position) - 1
        if self._split[0] != run:  # asked in path order, mostly: a run split once
            self._split = (run, self._split_run(run))
        folder, name = self._folders[run], self._split[1][position - self._starts[run]]
        return f"{folder}/{name}" if folder else name


class _Items(ItemsView[str, str]):
    """FileHashes.items() walked run by run, not looked up path by path."""

    _mapping: FileHashes

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return self._mapping._pairs()


class Ids:
    """Article ids as the scan meets them, to find those used twice: an
    8-byte hash of each and the position of its file, compared at the end.
    Kept in buckets by hash: a bucket's hashes are compared at once (a
    set of them), without sorting or importing anything for the whole lot."""

    def __init__(self) -> None:
        self._hashes = [array("q") for _ in range(BUCKETS)]
        self._positions = [array("I") for _ in range(BUCKETS)]

    def add(self, aid: str, position: int) -> None:
        """An id and its file's position; positions come in increasing order."""
        h = hash(aid)  # the same within this process, which alone compares them
        bucket = h & (BUCKETS - 1)
        self._hashes[bucket].append(h)
        self._positions[bucket].append(position)

    def twins(self, aid_at: Callable[[int], str | None]) -> list[tuple[int, int, str]]:
        """(position, that of the first file with its id, the id) for each
        file whose id an earlier one has, in file order; ``aid_at`` gives a
        position's id, to tell ids apart that share a hash."""
        out: list[tuple[int, int, str]] = []
        for hashes, positions in zip(self._hashes, self._positions):
            if len(set(hashes)) == len(hashes):
                continue
            shared = {h for h, n in Counter(hashes).items() if n > 1}
            first: dict[str, int] = {}
            for h, position in zip(hashes, positions):  # in file order: an id's first file comes first
                aid = aid_at(position) if h in shared else None
                if aid is None:
                    continue
                if aid in first:
                    out.append((position, first[aid], aid))
                else:
                    first[aid] = position
        out.sort()
        return out
