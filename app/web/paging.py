"""Paged lists: reading the `?page=` asked for, fetching one page of a query, and which page
links to show."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import request
from sqlalchemy import Select, func, select

from app.extensions import db


def page_arg(args: Mapping[str, str] | None = None) -> int:
    """The page asked for, from 1 up: a missing, odd or negative value means the first page,
    never an error (a hand-edited or stale link still shows a list)."""
    args = request.args if args is None else args
    try:
        return max(1, int(args.get("page", "1")))
    except ValueError:
        return 1


@dataclass(frozen=True)
class Page:
    items: list[Any]
    total: int
    number: int  # this page, from 1; a page past the end is the last one
    count: int  # pages in all (at least 1)
    more: bool = False  # more rows than `total` (the count stopped at `most`)


def paginate(statement: Select, page: int, size: int, most: int | None = None) -> Page:
    """Page `page` of the rows `statement` selects (in its order), `size` to a page.

    With `most`, counting stops there: a list that anyone can ask for, such as a search for a
    common word over a million reports, costs at most `most` rows to count and to page
    through, not all of them. `total` is then `most` and `more` says there are others.
    """
    counted = statement.order_by(None)
    if most is not None:
        counted = counted.limit(most + 1)
    total = db.session.scalar(select(func.count()).select_from(counted.subquery())) or 0
    more = most is not None and total > most
    if more:
        total = most
    count = max(1, -(-total // size))
    number = min(page, count)
    offset = (number - 1) * size
    take = min(size, total - offset) if more else size  # never past the `most` counted
    items = db.session.scalars(statement.limit(take).offset(offset))
    return Page(list(items), total, number, count, more)


def pages_to_show(number: int, count: int) -> list[int | None]:
    """GOV.UK pagination: first, last, the current page and its neighbours; None is "…"."""
    shown = sorted({1, count, number - 1, number, number + 1} & set(range(1, count + 1)))
    result: list[int | None] = []
    for page in shown:
        if result and page - (result[-1] or 0) > 1:
            result.append(None)
        result.append(page)
    return result
