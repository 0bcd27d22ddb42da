"""Reading the `?page=` of a paged list."""

from __future__ import annotations

from collections.abc import Mapping

from flask import request


def page_arg(args: Mapping[str, str] | None = None) -> int:
    """The page asked for, from 1 up: a missing, odd or negative value means the first page,
    never an error (a hand-edited or stale link still shows a list)."""
    args = request.args if args is None else args
    try:
        return max(1, int(args.get("page", "1")))
    except ValueError:
        return 1
