"""Reading a large file in a child process, a batch ahead of the writer: reading, enriching and
validating a row costs about as much as storing it, so on two cores the two overlap.

`ReadAhead` answers like the `Reading` it runs in the child (`batches`, `failed`, `errors`,
`reports`, `warnings`, `count`, `progress`). The child is forked before the caller opens its
database, sends each batch through a pipe (which holds about one batch, so memory stays
flat) and, once all are read, what it found about the file. After a bad row it sends no more
meetings, only what is wrong.
"""

from __future__ import annotations

import multiprocessing
import threading
import traceback
from collections.abc import Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from queue import Queue
from typing import Any, Literal

from storage.bulk import fewer_collections
from storage.importers import BATCH, Reading, RowReport, open_file
from storage.models import MeetingData

AHEAD_FROM_BYTES = 2_000_000  # smaller files are read in the importing process
AHEAD = 3  # batches the reader may read ahead of the writer


def can_read_ahead(path: Path) -> bool:
    return (
        "fork" in multiprocessing.get_all_start_methods()
        and path.stat().st_size >= AHEAD_FROM_BYTES
    )


class ReadAhead:
    def __init__(
        self, path: Path, *, fmt: str, reports: Literal["all", "unresolved"] = "all"
    ) -> None:
        context = multiprocessing.get_context("fork")
        self._pipe, send = context.Pipe(duplex=False)
        self._child = context.Process(
            target=_read, args=(path, fmt, reports, send, self._pipe), name="secbot-import-reader"
        )
        self._child.start()
        send.close()
        self.errors: list[str] = []
        self.reports: list[RowReport] = []
        self.warnings: list[str] = []
        self.count = 0
        self.lines: list[int] = []  # the line of each meeting in the last batch
        self.failed = False
        self._progress = 0.0

    def progress(self) -> float | None:
        return self._progress

    def batches(self, size: int = BATCH) -> Iterator[list[MeetingData]]:
        try:
            while True:
                try:
                    message = self._pipe.recv()
                except EOFError:
                    raise RuntimeError("the import's reader stopped without a word") from None
                if message[0] == "batch":
                    _, batch, self.lines, self.count, self.failed, self._progress = message
                    yield batch
                elif message[0] == "done":
                    _, self.errors, self.reports, self.warnings, self.count = message
                    self.failed = bool(self.errors)
                    return
                else:
                    raise RuntimeError(f"the import's reader failed:\n{message[1]}")
        finally:
            self._pipe.close()
            self._child.join(timeout=5)
            if self._child.is_alive():
                self._child.terminate()


def _read(
    path: Path,
    fmt: str,
    reports: Literal["all", "unresolved"],
    send: Connection,
    writers_end: Connection,
) -> None:
    writers_end.close()  # the fork's copy: else the pipe never breaks when the writer stops
    try:
        with fewer_collections():
            _send_batches(open_file(path, fmt=fmt, reports=reports), send)
    except BrokenPipeError:
        pass  # the importer stopped listening
    except BaseException:
        send.send(("crashed", traceback.format_exc()))
    finally:
        send.close()


def _send_batches(reading: Reading, send: Connection) -> None:
    """Each batch, then what was found, sent by a thread: a message larger than the pipe
    holds waits until the writer reads it, and meanwhile the reader goes on with the next
    (up to AHEAD batches ahead)."""
    queue: Queue[tuple[Any, ...] | None] = Queue(maxsize=AHEAD)
    failed: list[BaseException] = []
    sender = threading.Thread(target=_sender, args=(queue, send, failed), daemon=True)
    sender.start()
    try:
        for batch in reading.batches():
            if failed:
                break
            bad = reading.failed
            queue.put(("batch", [] if bad else batch, [] if bad else reading.lines,
                       reading.count, bad, reading.progress() or 0.0))  # fmt: skip
        queue.put(("done", reading.errors, reading.reports, reading.warnings, reading.count))
    finally:
        queue.put(None)
        sender.join()
    if failed:
        raise failed[0]


def _sender(
    queue: Queue[tuple[Any, ...] | None], send: Connection, failed: list[BaseException]
) -> None:
    while (message := queue.get()) is not None:
        if failed:
            continue  # the writer stopped listening: the rest is dropped
        try:
            send.send(message)
        except BaseException as e:
            failed.append(e)
