"""What the downloads share (app/web/exports.py): the CSV writer, and the data dictionaries
that show every column's name, meaning and unit from one `Column` definition."""

import html
import re

import pytest

from app.publishing import opendata
from app.scorecards import columns
from app.web.exports import Column, csv_chunks

ROW = re.compile(
    r'<tr><th scope="row"><code>(\w+)</code></th><td>(.*?)</td><td>(.*?)</td></tr>', re.S
)


def test_csv_chunks_write_the_header_first_then_each_batch_made_safe():
    chunks = list(csv_chunks(["a", "b"], [[{"a": "=1+1", "b": None}], [{"b": 2, "a": "x"}]]))
    assert chunks == ["\ufeffa,b\r\n", "'=1+1,\r\n", "x,2\r\n"]


def test_a_column_cannot_be_made_without_a_way_to_read_it():
    """Every download builds its records from its columns: none can be left unread."""
    with pytest.raises(TypeError, match="value"):
        Column("nameless", "m", "u")


@pytest.mark.parametrize(
    ("url", "tables"),
    [
        ("/laporan/kamus", (opendata.COLUMNS, opendata.TIMELINE_COLUMNS)),
        ("/rapor/kamus", tuple(t.columns for t in columns.TABLES)),
    ],
)
def test_each_dictionary_row_shows_the_columns_meaning_and_unit(client, url, tables):
    client.set_cookie("lang", "en")
    page = client.get(url)
    assert page.status_code == 200
    shown = ROW.findall(page.get_data(as_text=True))
    assert [name for name, _meaning, _unit in shown] == [c.name for t in tables for c in t]
    expected = [(str(c.meaning), str(c.unit)) for t in tables for c in t]
    assert [(html.unescape(m), html.unescape(u)) for _n, m, u in shown] == expected
