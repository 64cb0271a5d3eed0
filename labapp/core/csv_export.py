"""CSV that opens cleanly in Excel and cannot smuggle a formula into a spreadsheet (every export uses it)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

BOM = "\ufeff"
# A spreadsheet treats a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """The cell's text, with a leading ' when a spreadsheet would read it as a formula."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_lines(header: list[str], records: Iterable[dict[str, Any]], *, flush_every: int = 500) -> Iterator[str]:
    """UTF-8 CSV text in chunks: the BOM and header first, then a chunk every `flush_every` rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow(header)
    for n, record in enumerate(records, start=1):
        writer.writerow([safe_cell(record[name]) for name in header])
        if n % flush_every == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
