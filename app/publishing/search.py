"""Searching published complaints by words, through an index of their masked texts.

A search of /laporan (and of its downloads and feed, which take the same filters) must not
read every published text: `LIKE '%word%'` over a million of them takes seconds for each
search and for its count, and anyone can ask. So each complaint's masked title and
description are split into words, normalised and stemmed as routing does (`routing_words`:
"berlubang" and "lubang2" → "lubang"), and stored in `published_words` whenever the
published version is stored or corrected. A query's words go through the same steps; every
one must match. Only the masked version is indexed, so no search finds a complaint by a
value it hides.

The words as written (normalised, unstemmed) are indexed too, so that a query word of at
least MIN_PREFIX letters, which as written also matches the indexed words that begin with
it, finds "puskesmas" from "puskes" and "kelurahan" from "kelura" (whose stem is "lurah"),
as the old `LIKE` did. A query word matches through its stem and through itself as written
(stems need no prefix of their own: every word's stem is indexed beside it). The words
a prefix begins are found first by a skip-scan of the index (one seek per distinct word, at most
MAX_EXPANSIONS of them, nearest first), then searched like any other words. The index
column compares bytes (`COLLATE "C"` on PostgreSQL, SQLite's default), so a prefix is a
range of it.
"""

from __future__ import annotations

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    delete,
    false,
    func,
    insert,
    select,
    text,
)

from app.complaints.models import Complaint
from app.extensions import db
from app.publishing.models import PublishedWord
from app.routing.engine import normalise, words

MAX_WORD = 40  # longer words are cut, in the index and in queries alike
MAX_QUERY_WORDS = 10
# A word in at most this many reports is "rare": a search starts from its reports.
RARE = 2_000
# Query words this long or longer also match the indexed words they begin; at most this many.
MIN_PREFIX = 4
MAX_EXPANSIONS = 20


def words_of(*texts: str | None) -> set[str]:
    """The index words of `texts`: normalised, both stemmed ("lurah") and as written
    ("kelurahan"), at most MAX_WORD characters."""
    found: set[str] = set()
    for piece in texts:
        if piece:
            written = normalise(piece)
            found.update(written.split(), words(written))
    return {word[:MAX_WORD] for word in found}


def index(complaint: Complaint) -> None:
    """(Re)write `complaint`'s words from its stored published texts. Does not commit."""
    _rewrite(
        db.session.connection(),
        [(complaint.id, complaint.published_title, complaint.published_description)],
    )


def _rewrite(connection: Connection, texts: list[tuple[int, str | None, str | None]]) -> None:
    """Replace the words of each (complaint id, published title, published description)."""
    ids = [complaint_id for complaint_id, _title, _description in texts]
    connection.execute(delete(PublishedWord).where(PublishedWord.complaint_id.in_(ids)))
    found = [
        {"word": word, "complaint_id": complaint_id}
        for complaint_id, title, description in texts
        for word in sorted(words_of(title, description))
    ]
    if found:
        connection.execute(insert(PublishedWord), found)


def matching(text: str) -> list[ColumnElement[bool]]:
    """Conditions on Complaint for a search: each of its first MAX_QUERY_WORDS words (or an
    indexed word it begins, see `forms_of`) must be in the complaint's index. A search with
    no word in it (only punctuation) matches nothing.

    How the database should find them depends on how common the words are, which it cannot
    know: so each word's reports are counted first in the index (a range of it, stopped at
    RARE). When the rarest word has at most RARE reports, the search starts from its list
    (`IN`) and checks the other words per report; when every word is common, it walks the
    reports in the list's own order and checks each (`EXISTS`), so a page or a capped count
    stops after the few it needs instead of reading every report that has the word.
    """
    wanted = list(dict.fromkeys(normalise(text).split()[:MAX_QUERY_WORDS]))
    if not wanted:
        return [false()]
    forms = {word: _forms_of_query_word(word) for word in wanted}
    counts = {word: _reports_with(forms[word]) for word in wanted}
    rarest, *others = sorted(wanted, key=counts.__getitem__)
    conditions = [_in_reports_with(forms[w]) for w in others]
    if counts[rarest] <= RARE:
        return [Complaint.id.in_(_postings(forms[rarest])), *conditions]
    return [_in_reports_with(forms[rarest]), *conditions]


# One index seek per distinct word: the smallest word of the range, then the smallest after
# it, and so on, instead of reading every posting of a common word to list its few forms.
_SKIP_SCAN = text("""
    WITH RECURSIVE found(word) AS (
        SELECT MIN(word) FROM published_words WHERE word >= :low AND word < :high
        UNION ALL
        SELECT (SELECT MIN(word) FROM published_words WHERE word > found.word AND word < :high)
        FROM found WHERE found.word IS NOT NULL
    )
    SELECT word FROM found WHERE word IS NOT NULL LIMIT :most
""")


def _forms_of_query_word(written: str) -> list[str]:
    """What one query word matches: its stem, and itself as written with the words it
    begins (one skip-scan)."""
    stems = [stem[:MAX_WORD] for stem in words(written)]
    return list(dict.fromkeys([*stems, *forms_of(written[:MAX_WORD])]))


def forms_of(word: str) -> list[str]:
    """The indexed words a query word matches: itself and, when it has at least MIN_PREFIX
    characters, the first MAX_EXPANSIONS indexed words that begin with it (itself included
    if indexed), in byte order."""
    if len(word) < MIN_PREFIX:
        return [word]
    # Index words are [a-z0-9]: those beginning with `word` lie before it with its last
    # character raised by one, in byte order.
    high = word[:-1] + chr(ord(word[-1]) + 1)
    found = db.session.scalars(
        _SKIP_SCAN, {"low": word, "high": high, "most": MAX_EXPANSIONS}
    ).all()
    return list(dict.fromkeys([word, *found]))


def _postings(forms: list[str]) -> Select:
    return select(PublishedWord.complaint_id).where(PublishedWord.word.in_(forms))


def _in_reports_with(forms: list[str]) -> ColumnElement[bool]:
    return (
        select(PublishedWord.complaint_id)
        .where(PublishedWord.word.in_(forms), PublishedWord.complaint_id == Complaint.id)
        .exists()
    )


def _reports_with(forms: list[str]) -> int:
    """How many postings `forms` have (an upper bound of their reports), up to RARE + 1."""
    return (
        db.session.scalar(
            select(func.count()).select_from(_postings(forms).limit(RARE + 1).subquery())
        )
        or 0
    )


def reindex_batch(
    connection: Connection, after_id: int, batch: int = 500
) -> tuple[int, int] | None:
    """Rewrite the words of the next `batch` complaints with a stored published text after
    `after_id`; (the last id done, how many), or None when none was left. Core only, so
    that a migration can call it on its own connection."""
    complaints = Complaint.__table__
    rows = connection.execute(
        select(complaints.c.id, complaints.c.published_title, complaints.c.published_description)
        .where(complaints.c.id > after_id, complaints.c.published_title.is_not(None))
        .order_by(complaints.c.id)
        .limit(batch)
    ).all()
    if not rows:
        return None
    _rewrite(connection, [tuple(row) for row in rows])
    return rows[-1].id, len(rows)


def reindex_all(batch: int = 500) -> int:
    """Rewrite the words of every complaint with a stored published text, a batch per
    transaction; how many. For `flask publishing reindex` after changing how words are made
    (normalisation, stemming); migrations that change them call `reindex_batch` the same way."""
    count, last_id = 0, 0
    while (done := reindex_batch(db.session.connection(), last_id, batch)) is not None:
        last_id, count = done[0], count + done[1]
        db.session.commit()
    return count
