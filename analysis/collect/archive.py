"""The raw responses, kept as WARC files (warcio), so text can be re-extracted without
re-fetching and a collection can be published.

Responses are appended to a segment ``<prefix>-<run>-<n>.warc.gz.open``; a segment is
closed (flushed, fsynced, renamed to ``.warc.gz``) after ``collect.segment_records``
responses and at the end of a run. Each record is flushed before the ledger row that
points at it is committed, so the ledger never points past the end of a file. A segment
left open by a killed run is repaired on the next start: cut after its last complete
record and renamed, so every ``.warc.gz`` reads to the end.
"""

from __future__ import annotations

import io
import logging
import os
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from analysis.collect.urls import project_version

log = logging.getLogger(__name__)

OPEN_SUFFIX = ".open"
# Hop-by-hop framing the stored body no longer has (httpx de-chunks); the
# Content-Encoding stays, because the body is stored as sent.
_DROP_HEADERS = {"transfer-encoding", "connection", "keep-alive"}


class WarcArchive:
    """Append-only WARC segments in one folder."""

    def __init__(self, folder: Path, prefix: str, segment_records: int = 200):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.prefix = prefix
        self.segment_records = segment_records
        self.run = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        self._n_segment = 0
        self._records = 0
        self._fh: io.BufferedWriter | None = None
        self._writer: WARCWriter | None = None
        self._name: str | None = None

    # --- repair ---------------------------------------------------------------------
    def repair(self) -> list[str]:
        """Close segments a killed run left open; return their names."""
        repaired = []
        for path in sorted(self.folder.glob(f"*.warc.gz{OPEN_SUFFIX}")):
            good = complete_length(path)
            with open(path, "r+b") as fh:
                fh.truncate(good)
                fh.flush()
                os.fsync(fh.fileno())
            final = path.with_name(path.name[: -len(OPEN_SUFFIX)])
            os.replace(path, final)
            repaired.append(final.name)
            log.info("repaired WARC segment %s (kept %d bytes)", final.name, good)
        return repaired

    # --- writing ----------------------------------------------------------------------
    def _open(self) -> None:
        # A run resumed within the second its killed predecessor started shares its
        # timestamp: skip every name in use, or closing a segment replaced an earlier one.
        while True:
            self._n_segment += 1
            self._name = f"{self.prefix}-{self.run}-{self._n_segment:05d}.warc.gz"
            taken = self.folder / self._name, self.folder / (self._name + OPEN_SUFFIX)
            if not any(path.exists() for path in taken):
                break
        self._fh = open(self.folder / (self._name + OPEN_SUFFIX), "ab")  # noqa: SIM115
        self._writer = WARCWriter(self._fh, gzip=True)
        info = self._writer.create_warcinfo_record(
            self._name,
            {"software": f"framing-analysis {project_version()} (warcio)", "format": "WARC/1.0"},
        )
        self._writer.write_record(info)
        self._records = 0

    def write(
        self,
        url: str,
        *,
        status: int,
        reason: str,
        http_version: str,
        headers: list[tuple[str, str]],
        request_headers: list[tuple[str, str]],
        body: bytes,
    ) -> tuple[str, int]:
        """Append a request/response pair; return (segment file name, response offset)."""
        if self._writer is None:
            self._open()
        assert self._fh is not None and self._writer is not None and self._name is not None
        protocol = "HTTP/1.1" if not http_version.startswith("HTTP/") else http_version
        if protocol == "HTTP/2":
            protocol = "HTTP/1.1"  # WARC stores HTTP/1.x message syntax
        kept = [(k, v) for k, v in headers if k.lower() not in _DROP_HEADERS]
        kept = [(k, v) for k, v in kept if k.lower() != "content-length"]
        kept.append(("Content-Length", str(len(body))))
        http = StatusAndHeaders(f"{status} {reason}".strip(), kept, protocol=protocol)
        offset = self._fh.tell()
        response = self._writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), http_headers=http, length=len(body)
        )
        self._writer.write_record(response)
        path = urlsplit_path(url)
        request = self._writer.create_warc_record(
            url,
            "request",
            http_headers=StatusAndHeaders(
                f"GET {path} {protocol}", request_headers, is_http_request=True
            ),
            warc_headers_dict={"WARC-Concurrent-To": response.rec_headers["WARC-Record-ID"]},
        )
        self._writer.write_record(request)
        self._fh.flush()  # before the ledger commits a pointer to it
        self._records += 1
        name = self._name
        if self._records >= self.segment_records:
            self.close()
        return name, offset

    def close(self) -> None:
        if self._fh is None:
            return
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()
        assert self._name is not None
        os.replace(self.folder / (self._name + OPEN_SUFFIX), self.folder / self._name)
        self._fh = self._writer = None


def urlsplit_path(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def complete_length(path: Path) -> int:
    """Bytes of ``path`` up to the end of its last complete WARC record."""
    good = 0
    with open(path, "rb") as fh:
        it = ArchiveIterator(fh)
        try:
            for record in it:
                record.content_stream().read()
                it.read_to_end(record)
                good = it.get_record_offset() + it.get_record_length()
        except (ArchiveLoadFailed, zlib.error, EOFError, OSError, ValueError):
            pass  # the first broken record marks the end
    return good


def read_response(folder: Path, name: str, offset: int) -> tuple[list[tuple[str, str]], bytes]:
    """Headers and decoded body of the response record at ``offset`` of segment ``name``."""
    with open(Path(folder) / name, "rb") as fh:
        fh.seek(offset)
        record = next(iter(ArchiveIterator(fh)))
        headers = list(record.http_headers.headers) if record.http_headers else []
        return headers, record.content_stream().read()


def iter_records(path: Path) -> Iterator[tuple[str, str, int]]:
    """(record type, target URI, HTTP status or 0) of every record in a WARC file."""
    with open(path, "rb") as fh:
        for record in ArchiveIterator(fh):
            uri = record.rec_headers.get_header("WARC-Target-URI") or ""
            code = record.http_headers.get_statuscode() if record.http_headers else None
            yield record.rec_type, uri, int(code) if code and str(code).isdigit() else 0
