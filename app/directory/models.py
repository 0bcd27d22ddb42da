"""Regions, agencies and categories."""

from __future__ import annotations

import enum

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import str_enum
from app.extensions import db


class RegionLevel(enum.IntEnum):
    PROVINCE = 1
    REGENCY = 2  # kabupaten or kota
    DISTRICT = 3  # kecamatan or distrik


class AgencyKind(enum.StrEnum):
    MINISTRY = "ministry"
    AGENCY = "agency"
    SOE = "soe"
    PROVINCE = "province"
    REGENCY = "regency"

    @property
    def title(self) -> str:
        return str(AGENCY_KIND_TITLES[self])


AGENCY_KIND_TITLES = {
    AgencyKind.MINISTRY: _l("Ministry"),
    AgencyKind.AGENCY: _l("National agency"),
    AgencyKind.SOE: _l("State-owned enterprise"),
    AgencyKind.PROVINCE: _l("Provincial government"),
    AgencyKind.REGENCY: _l("Regency or city government"),
}


class ServiceLevel(enum.StrEnum):
    CENTRAL = "central"
    PROVINCE = "province"
    REGENCY = "regency"


def _localised(name_id: str, name_en: str) -> str:
    return name_en if str(get_locale()) == "en" else name_id


class Region(db.Model):
    __tablename__ = "regions"
    __table_args__ = (
        CheckConstraint("level IN (1, 2, 3)", name="level"),
        CheckConstraint("(level = 1) = (parent_code IS NULL)", name="parent_by_level"),
    )

    code: Mapped[str] = mapped_column(String(13), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    level: Mapped[int]
    parent_code: Mapped[str | None] = mapped_column(
        ForeignKey("regions.code"), index=True, default=None
    )

    parent: Mapped[Region | None] = relationship(remote_side=[code], lazy="joined", join_depth=2)

    @property
    def path(self) -> str:
        """ "Coblong, Kota Bandung, Jawa Barat": the region with its parents, nearest first."""
        names, region = [], self
        while region is not None:
            names.append(region.name)
            region = region.parent
        return ", ".join(names)


class Agency(db.Model):
    __tablename__ = "agencies"
    __table_args__ = (
        CheckConstraint(
            "(kind IN ('province', 'regency')) = (region_code IS NOT NULL)", name="region_by_kind"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[AgencyKind] = mapped_column(str_enum(AgencyKind))
    name_id: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    region_code: Mapped[str | None] = mapped_column(
        ForeignKey("regions.code"), unique=True, default=None
    )

    @property
    def name(self) -> str:
        return _localised(self.name_id, self.name_en)


class Category(db.Model):
    __tablename__ = "categories"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_id: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    central_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    service_level: Mapped[ServiceLevel] = mapped_column(str_enum(ServiceLevel, 10))
    keywords: Mapped[str] = mapped_column(String(1000), default="")
    position: Mapped[int] = mapped_column(default=0)

    central_agency: Mapped[Agency] = relationship(lazy="joined")

    @property
    def name(self) -> str:
        return _localised(self.name_id, self.name_en)
