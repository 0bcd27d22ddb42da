"""Read-side selects for the directory."""

from __future__ import annotations

from sqlalchemy import func, select

from app.directory.models import Agency, Category, Region, RegionLevel
from app.extensions import db


def _code(code: str | None) -> str | None:
    """A code worth looking up: none for empty, and none with a NUL (never in a real code,
    and PostgreSQL refuses it in a query: an unknown code, not a server error). Not made
    redundant by `app.web.errors.refuse_nul`: that checks the address only, and codes also
    come from form fields and JSON bodies (intake, the inbox's forward, Open311 POSTs)."""
    return code if code and "\x00" not in code else None


def regions(parent_code: str | None = None) -> list[Region]:
    """Children of a region (no parent: the provinces), by name."""
    query = select(Region).order_by(Region.name)
    if parent_code:
        if _code(parent_code) is None:
            return []
        query = query.where(Region.parent_code == parent_code)
    else:
        query = query.where(Region.level == RegionLevel.PROVINCE)
    return list(db.session.scalars(query))


def region(code: str | None) -> Region | None:
    return db.session.get(Region, code) if _code(code) else None


def categories() -> list[Category]:
    return list(db.session.scalars(select(Category).order_by(Category.position)))


def category(code: str | None) -> Category | None:
    return db.session.get(Category, code) if _code(code) else None


def agencies() -> list[Agency]:
    return list(db.session.scalars(select(Agency).order_by(Agency.kind, Agency.code)))


def search_agencies(text: str, limit: int = 10) -> list[Agency]:
    """Agencies whose code or name (either language) contains every word typed."""
    words = [w for w in text.lower().split() if w][:6]
    if not words:
        return []
    statement = select(Agency)
    for word in words:
        pattern = f"%{word.replace('%', '').replace('_', '')}%"
        statement = statement.where(
            func.lower(Agency.code).like(pattern)
            | func.lower(Agency.name_id).like(pattern)
            | func.lower(Agency.name_en).like(pattern)
        )
    return list(db.session.scalars(statement.order_by(Agency.kind, Agency.name_id).limit(limit)))


def agency_by_code(code: str | None) -> Agency | None:
    if not _code(code):
        return None
    return db.session.scalar(select(Agency).where(Agency.code == code.strip().upper()))
