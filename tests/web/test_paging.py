"""`?page=` parsing shared by the paged staff lists: odd values mean page 1, never a 500."""

import pytest

from app.web.paging import page_arg


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(None, 1), ("1", 1), ("3", 3), ("0", 1), ("-2", 1), ("abc", 1), ("", 1), ("2.5", 1)],
)
def test_page_arg(app, raw, expected):
    args = {} if raw is None else {"page": raw}
    assert page_arg(args) == expected
    with app.test_request_context(query_string=args):
        assert page_arg() == expected
