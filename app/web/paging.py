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


def paginate(statement: Select, page: int, size: int) -> Page:
    """Page `page` of the rows `statement` selects (in its order), `size` to a page."""
    total = (
        db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
        or 0
    )
    count = max(1, -(-total // size))
    number = min(page, count)
    items = db.session.scalars(statement.limit(size).offset((number - 1) * size))
    return Page(list(items), total, number, count)


def pages_to_show(number: int, count: int) -> list[int | None]:
    """GOV.UK pagination: first, last, the current page and its neighbours; None is "…"."""
    shown = sorted({1, count, number - 1, number, number + 1} & set(range(1, count + 1)))
    result: list[int | None] = []
    for page in shown:
        if result and page - (result[-1] or 0) > 1:
            result.append(None)
        result.append(page)
    return result
