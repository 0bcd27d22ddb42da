"""Searching published reports through the word index (app/publishing/search.py): stemmed
words of the masked texts only, rewritten when a verifier corrects them, filled by the
migration for what was published before it, and read through an index, not a scan."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import insert, select, text

from app.accounts.models import Role
from app.extensions import db
from app.publishing import search
from app.publishing.models import PublishedWord
from app.publishing.queries import published_complaints
from tests.helpers import MIGRATION_DIRECTORY_SQL, flask_on_sqlite
from tests.publishing.conftest import db_complaint
from tests.publishing.test_masking import correction_form
from tests.publishing.test_published_pages import codes_on

pytestmark = pytest.mark.db


def words_of_complaint(app, code: str) -> set[str]:
    with app.app_context():
        complaint_id = db_complaint(code).id
        return set(
            db.session.scalars(
                select(PublishedWord.word).where(PublishedWord.complaint_id == complaint_id)
            )
        )


@pytest.fixture
def published(make_complaint, publish):
    """published(title, description) → the tracking code of a new published report."""

    def made(title: str, description: str) -> str:
        code, _ = make_complaint(title=title, description=description)
        publish(code)
        return code

    return made


@pytest.fixture
def hole(published):
    return published(
        "Jalan berlubang2 di Coblong",
        "Lubangnya dalam, sudah tiga motor jatuh. Hubungi saya di 0812-3456-7890.",
    )


# Searches start from the rarest word's reports, or, when every word is common, walk the
# reports and check each: both ways must find the same.
@pytest.fixture(params=[search.RARE, 0], ids=["from-the-rarest-word", "walking-the-reports"])
def rare(request, monkeypatch):
    monkeypatch.setattr(search, "RARE", request.param)


@pytest.mark.parametrize(
    "query", ["lubang", "berlubang", "LUBANG-lubang", "jalan lubang coblong", "motor jatuh"]
)
def test_a_search_finds_a_report_by_any_form_of_its_words(client, hole, rare, query):
    assert codes_on(client, f"/laporan?q={query}") == {hole}


@pytest.mark.parametrize("query", ["lubang banjir", "0812-3456-7890", "3456", "!!!", "..."])
def test_every_word_must_match_and_a_masked_value_is_no_word(client, hole, rare, query):
    assert codes_on(client, f"/laporan?q={query}") == set()


@pytest.fixture
def clinic(published):
    return published(
        "Antrean di puskesmas Coblong",
        "Pasien menunggu lima jam di kelurahan Sekeloa tanpa nomor antrean.",
    )


@pytest.mark.parametrize(
    "query", ["puskes", "PUSK", "sekel antr", "puskesmas", "kelura", "menung antrean"]
)
def test_a_word_also_finds_the_words_it_begins(client, clinic, rare, query):
    assert codes_on(client, f"/laporan?q={query}") == {clinic}


@pytest.mark.parametrize("query", ["pus", "puskesmasx", "kesmas", "puskes banjir"])
def test_a_short_word_or_a_middle_matches_no_longer_word(client, clinic, rare, query):
    assert codes_on(client, f"/laporan?q={query}") == set()


def test_a_prefix_matches_a_bounded_number_of_words_in_byte_order(app, hole):
    with app.app_context():
        complaint_id = db_complaint(hole).id
        made = [f"zeta{n:02d}" for n in range(30)] + ["zetb", "zet99", "zetaz1"]
        db.session.execute(
            insert(PublishedWord), [{"word": w, "complaint_id": complaint_id} for w in made]
        )
        assert search.forms_of("zeta") == ["zeta", *made[: search.MAX_EXPANSIONS]]
        assert search.forms_of("zeta2") == ["zeta2", *(f"zeta2{n}" for n in range(10))]
        # A prefix ending in "z" or "9" ends its range at "{" or ":", which a locale's
        # collation would ignore: the index compares bytes (COLLATE "C" on PostgreSQL).
        assert search.forms_of("zetaz") == ["zetaz", "zetaz1"]
        assert search.forms_of("zet9") == ["zet9", "zet99"]
        assert search.forms_of("zet") == ["zet"]  # shorter than MIN_PREFIX: the word only
        db.session.rollback()


def test_the_index_holds_the_masked_words_only(app, hole):
    words = words_of_complaint(app, hole)
    assert {"jalan", "lubang", "coblong", "motor", "jatuh"} <= words  # stems
    assert {"berlubang", "lubangnya"} <= words  # as written, normalised
    assert not any("0812" in word or "3456" in word for word in words)


def test_a_correction_rewrites_the_words(app, client, make_complaint, publish, sign_in_as):
    code, _ = make_complaint(
        title="Lubang di depan kantor", description="Lubang besar di depan rumah Ratnasari."
    )
    publish(code)
    sign_in_as(client, Role.VERIFIER)
    url, data = correction_form(client, code)
    assert "ratnasari" in words_of_complaint(app, code)  # the masking missed it
    data.update(
        title="Lubang di depan kantor",
        description="Lubang besar di depan rumah [NAME_9].",
        reason="Nama warga terlewat",
    )
    assert client.post(url, data=data).status_code == 303
    assert "ratnasari" not in words_of_complaint(app, code)
    assert codes_on(client, "/laporan?q=ratnasari") == set()
    assert codes_on(client, "/laporan?q=lubang kantor") == {code}


def test_a_search_reads_the_index_not_every_text(app, hole, rare):
    with app.app_context():
        statement = published_complaints(text="lubang")
        sql = str(statement.compile(db.engine, compile_kwargs={"literal_binds": True}))
        if db.engine.dialect.name == "sqlite":
            plan = " | ".join(
                row[-1] for row in db.session.execute(text("EXPLAIN QUERY PLAN " + sql))
            )
            assert "published_words USING" in plan and "INDEX" in plan, plan
        else:
            # PostgreSQL plans from statistics, which on a handful of rows depend on whether
            # autovacuum has looked at the tables yet (either index costs the same). Give the
            # report many other words, as a real one has, and fresh statistics: reading by
            # word must then beat reading every word of every report.
            complaint_id = db_complaint(hole).id
            db.session.execute(
                insert(PublishedWord),
                [{"word": f"lain{n:04d}", "complaint_id": complaint_id} for n in range(3000)],
            )
            db.session.execute(text("ANALYZE published_words"))
            db.session.execute(text("ANALYZE complaints"))
            db.session.execute(text("SET LOCAL enable_seqscan = off"))
            plan = " | ".join(row[0] for row in db.session.execute(text("EXPLAIN " + sql)))
            assert "pk_published_words" in plan, plan
            assert "Filter: ((word)" not in plan, plan
        assert "like" not in sql.lower()


def test_the_migration_fills_the_index_from_what_is_published(tmp_path):
    flask_on_sqlite(tmp_path, "db", "upgrade", "d7fba7ed6447")  # the first revision
    connection = sqlite3.connect(tmp_path / "m.db")
    connection.executescript(MIGRATION_DIRECTORY_SQL)
    connection.executescript("""
        insert into complaints (id, tracking_code, type, status, privacy, title, description,
            region_code, category_code, locale, channel, created_at) values
            (1, 'ABCD-EFGH', 'complaint', 'received', 'public', 'Jalan', 'Rusak', '32',
             'roads', 'id', 'web', '2026-11-27 10:00:00'),
            (2, 'ABCD-EFGJ', 'complaint', 'received', 'public', 'Air', 'Mati', '32',
             'roads', 'id', 'web', '2026-11-27 11:00:00');
    """)
    connection.commit()
    connection.close()
    flask_on_sqlite(tmp_path, "db", "upgrade", "b5c0e5f60014")
    connection = sqlite3.connect(tmp_path / "m.db")
    connection.execute(
        "update complaints set published_title = 'Jalan berlubang', "
        "published_description = 'Sudah dua bulan [NAME_1] menunggu' where id = 1"
    )
    connection.commit()
    connection.close()
    flask_on_sqlite(tmp_path, "db", "upgrade")
    connection = sqlite3.connect(tmp_path / "m.db")
    rows = connection.execute("select complaint_id, word from published_words").fetchall()
    connection.close()
    assert {word for _id, word in rows} == search.words_of(
        "Jalan berlubang", "Sudah dua bulan [NAME_1] menunggu"
    )
    assert {complaint_id for complaint_id, _word in rows} == {1}  # 2 was never published


def test_the_migration_adds_the_words_as_written_to_an_older_index(tmp_path):
    flask_on_sqlite(tmp_path, "db", "upgrade", "f3b5a2c90017")
    connection = sqlite3.connect(tmp_path / "m.db")
    connection.executescript(MIGRATION_DIRECTORY_SQL)
    connection.executescript("""
        insert into complaints (id, tracking_code, type, status, privacy, title, description,
            region_code, category_code, locale, channel, created_at, organisation_shown,
            support_count, version, published_title, published_description) values
            (1, 'ABCD-EFGH', 'complaint', 'verified', 'public', 'Kelurahan', 'Rusak', '32',
             'roads', 'id', 'web', '2026-11-27 10:00:00', 0, 1, 1, 'Antrean di kelurahan',
             'Menunggu lama');
        -- what the index held before: the stems only
        insert into published_words (word, complaint_id) values ('antre', 1), ('di', 1),
            ('lurah', 1), ('tunggu', 1), ('lama', 1);
    """)
    connection.commit()
    connection.close()
    flask_on_sqlite(tmp_path, "db", "upgrade")
    connection = sqlite3.connect(tmp_path / "m.db")
    words = {word for (word,) in connection.execute("select word from published_words")}
    connection.close()
    assert {"kelurahan", "antrean", "menunggu", "lurah", "tunggu"} <= words
    assert words == search.words_of("Antrean di kelurahan", "Menunggu lama")


def test_a_list_longer_than_it_counts_says_so(client, publish_numbered, monkeypatch, rare):
    """Counting stops at LISTED_AT_MOST (10,000): here 2, with 3 matching reports."""
    from app.publishing import views

    monkeypatch.setattr(views, "LISTED_AT_MOST", 2)
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    codes = publish_numbered(3, "Lampu jalan mati")
    client.set_cookie("lang", "en")
    first = client.get("/laporan?q=lampu").text
    assert "More than 2 reports" in first and "page 1 of 2" in first
    assert "Only the newest 2 are listed" in first
    assert codes_on(client, "/laporan?q=lampu") == {codes[2]}  # newest first
    assert codes_on(client, "/laporan?q=lampu&page=2") == {codes[1]}
    assert codes_on(client, "/laporan?q=lampu&page=3") == {codes[1]}  # past the end: the last
    monkeypatch.setattr(views, "LISTED_AT_MOST", 3)
    exact = client.get("/laporan?q=lampu").text
    assert "3 reports" in exact and "More than" not in exact and "Only the newest" not in exact
