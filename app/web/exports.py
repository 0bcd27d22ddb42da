"""What every download shares (the inbox export, open data, scorecards): the columns their
data dictionaries describe, CSV for spreadsheets, the attachment itself, and text fit for XML."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask import Response, stream_with_context

from app.complaints.deadlines import local_date
from app.db import utcnow

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    """One column of a download, as its data dictionary shows it: the name (the CSV header,
    the JSON key), its meaning and its unit or format (lazy strings: translated when shown).
    `value` reads it from a row: a record is built from its table's columns
    (app/scorecards/columns.py, app/publishing/opendata.py), never beside them."""

    name: str
    meaning: Any
    unit: Any
    value: Callable[[Any], Any]


def spreadsheet_safe(value: object) -> object:
    """A CSV cell that a spreadsheet will not run: text starting like a formula (something a
    reporter could have typed) gets a leading apostrophe (CSV injection); None is empty."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


def download(body: str | Iterable[str], mimetype: str, name: str, extension: str) -> Response:
    """A file to save, not to show: `suara-warga-<name>-<today>.<extension>`, today in the
    site's time zone. `body` may be a generator (streamed within the request's context)."""
    if not isinstance(body, str):
        body = stream_with_context(body)
    response = Response(body, mimetype=mimetype)
    filename = f"suara-warga-{name}-{local_date(utcnow()).isoformat()}.{extension}"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_chunks(
    names: Sequence[str], batches: Iterable[Iterable[Mapping[str, Any]]]
) -> Iterator[str]:
    """A CSV for spreadsheets, a batch of records at a time: a BOM (Excel then reads UTF-8)
    and the header `names` first, then each batch's rows, every cell `spreadsheet_safe`."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(names)
    yield "\ufeff" + out.getvalue()
    for batch in batches:
        out.seek(0)
        out.truncate()
        for record in batch:
            writer.writerow(spreadsheet_safe(record[name]) for name in names)
        yield out.getvalue()


def in_batches(items: Iterable[Any], size: int = 500) -> Iterator[list[Any]]:
    """`items` as lists of at most `size`, for `csv_chunks` (itertools.batched in 3.12)."""
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: object) -> str | None:
    """`value` as XML text (Open311's XML, the Atom feed): booleans as Open311 writes them,
    characters XML 1.0 cannot carry dropped."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))
