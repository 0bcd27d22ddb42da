import pytest
from sqlalchemy import func, select

from app.directory.models import Agency, AgencyKind, Category, Region
from app.directory.operations import load_directory

pytestmark = pytest.mark.db


def count(db, model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_every_regional_government_and_the_central_agencies(app, db):
    with app.app_context():
        assert count(db, Region, Region.level == 1) == 38
        assert count(db, Region, Region.level == 2) == 514
        assert count(db, Region, Region.level == 3) > 7000
        assert count(db, Agency, Agency.kind == AgencyKind.PROVINCE) == 38
        assert count(db, Agency, Agency.kind == AgencyKind.REGENCY) == 514
        assert count(db, Agency) >= 600
        bandung = db.session.scalar(select(Agency).where(Agency.region_code == "32.73"))
        assert bandung.name_id == "Pemerintah Kota Bandung"
        for code in ("KEMENKES", "BPJSKES", "BPJSTK", "ATRBPN", "POLRI", "BPOM", "PLN"):
            assert db.session.scalar(select(Agency).where(Agency.code == code)), code


def test_categories_name_an_agency_and_a_level(app, db):
    with app.app_context():
        categories = list(db.session.scalars(select(Category)))
        codes = {c.code for c in categories}
        assert {
            "health",
            "education",
            "population_admin",
            "roads",
            "social_assistance",
            "land",
            "police",
            "business_licensing",
            "environment",
            "transport",
            "water",
            "electricity",
            "integrity",
            "other",
        } <= codes
        for category in categories:
            assert category.name_id and category.name_en and category.central_agency


def test_loading_again_changes_nothing(app, db):
    with app.app_context():
        assert load_directory().changed == 0
        db.session.rollback()


def test_agencies_api(client):
    agencies = client.get("/api/v1/agencies").get_json()["agencies"]
    assert len(agencies) >= 600
    assert {"code": "KEMENKES", "kind": "ministry"}.items() <= next(
        a for a in agencies if a["code"] == "KEMENKES"
    ).items()


def test_categories_api(client):
    categories = client.get("/api/v1/categories").get_json()["categories"]
    health = next(c for c in categories if c["code"] == "health")
    assert health["central_agency"] == "KEMENKES" and health["service_level"] in (
        "regency",
        "province",
        "central",
    )


def test_regions_api(client):
    provinces = client.get("/api/v1/regions").get_json()["regions"]
    assert len(provinces) == 38
    cities = client.get("/api/v1/regions?parent=32").get_json()["regions"]
    assert {"code": "32.73", "name": "Kota Bandung", "level": 2, "parent_code": "32"} in cities
    districts = client.get("/api/v1/regions?parent=32.73").get_json()["regions"]
    assert any(d["name"] == "Coblong" for d in districts)


def test_regions_api_unknown_parent(client):
    response = client.get("/api/v1/regions?parent=99.99")
    assert response.status_code == 404 and response.get_json()["errors"]["parent"]
