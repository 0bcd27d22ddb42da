"""The migration that dates each rating (f3b5a2c90017) recomputes the scorecards of a database
that already has some, so that ratings given before it join the published average in their
months' batches like any others."""

from __future__ import annotations

import sqlite3

import pytest

from tests.helpers import flask_on_sqlite

pytestmark = pytest.mark.db


def test_the_migration_dates_the_ratings_already_given(tmp_path):
    flask_on_sqlite(tmp_path, "db", "upgrade", "e2a4f1b80016")
    connection = sqlite3.connect(tmp_path / "m.db")
    connection.executescript("""
        insert into regions (code, name, level) values ('32', 'Jawa Barat', 1);
        insert into regions (code, name, level, parent_code) values
            ('32.73', 'Kota Bandung', 2, '32');
        insert into agencies (id, code, kind, name_id, name_en, region_code) values
            (1, 'PEMKOT3273', 'regency', 'Pemkot Bandung', 'Bandung City Government',
             '32.73');
        insert into categories (code, name_id, name_en, central_agency_id, service_level,
            keywords, position) values ('roads', 'Jalan', 'Roads', 1, 'regency', '', 0);
        insert into complaints (id, tracking_code, type, status, privacy, title, description,
            region_code, category_code, locale, channel, created_at, agency_id,
            organisation_shown, support_count, version) values
            (1, 'ABCD-EFGH', 'complaint', 'closed', 'public', 'Jalan', 'Rusak', '32.73',
             'roads', 'id', 'web', '2026-09-01 03:00:00', 1, 0, 1, 1);
        insert into complaint_events (complaint_id, kind, status, public, actor_role,
            created_at) values
            (1, 'received', 'received', 1, 'reporter', '2026-09-01 03:00:00'),
            (1, 'dispatched', 'verified', 1, 'verifier', '2026-09-01 04:00:00'),
            (1, 'resolved', 'resolved', 1, 'officer', '2026-09-30 10:00:00'),
            (1, 'confirmed', 'closed', 1, 'reporter', '2026-09-30 18:00:00');
        insert into complaint_ratings (complaint_id, score, created_at) values
            (1, 4, '2026-09-30 18:00:00');
        insert into scorecard_facts (complaint_id, regency_code, province_code, category_code,
            status, received_month, rating) values (1, '32.73', '32', 'roads', 'closed',
            '2026-09', 4);
    """)
    connection.commit()
    connection.close()

    flask_on_sqlite(tmp_path, "db", "upgrade")

    connection = sqlite3.connect(tmp_path / "m.db")
    # Confirmed at 18:00 UTC on 30 September: 1 October in Jakarta.
    assert connection.execute("select rated_month from scorecard_facts").fetchall() == [
        ("2026-10",)
    ]
    rows = connection.execute(
        "select scope, key, category, rating_sum, rating_count from scorecard_stats "
        "where month = '2026-10' order by scope, key, category"
    ).fetchall()
    assert rows == [
        ("agency", "1", "*", 4, 1),
        ("agency", "1", "roads", 4, 1),
        ("region", "32", "*", 4, 1),
        ("region", "32", "roads", 4, 1),
        ("region", "32.73", "*", 4, 1),
        ("region", "32.73", "roads", 4, 1),
    ]
    connection.close()
    flask_on_sqlite(tmp_path, "db", "downgrade", "e2a4f1b80016")
