"""Ranking the agencies that may have authority over a complaint."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flask_babel import get_locale
from flask_babel import gettext as _
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory
from sqlalchemy import select

from app.directory import queries as directory
from app.directory.models import Agency, Category, Region, RegionLevel, ServiceLevel
from app.extensions import db
from app.routing import learning

DATA = Path(__file__).parent / "data"
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Suggestion:
    agency: Agency
    score: float
    reason: str


@dataclass(frozen=True)
class Signal:
    words: tuple[str, ...]
    target: str  # an agency code, or "province" / "regency" for that level of government
    weight: float
    reason_id: str
    reason_en: str

    @property
    def reason(self) -> str:
        return self.reason_en if str(get_locale()) == "en" else self.reason_id


@cache
def _stemmer():
    return StemmerFactory().create_stemmer()


def words(text: str) -> list[str]:
    """Lower-case, stemmed Indonesian words ("berlubang" → "lubang")."""
    return _WORD.findall(_stemmer().stem(text.lower()))


@cache
def _signals() -> tuple[Signal, ...]:
    with (DATA / "signals.csv").open(encoding="utf-8", newline="") as f:
        return tuple(
            Signal(
                tuple(words(row["phrase"])),  # stemmed like the text it is matched in
                row["target"],
                float(row["weight"]),
                row["reason_id"],
                row["reason_en"],
            )
            for row in csv.DictReader(f)
        )


def _contains(tokens: list[str], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(tuple(tokens[i : i + n]) == phrase for i in range(len(tokens) - n + 1))


@cache
def _keyword_stems(keywords: str) -> frozenset[str]:
    return frozenset(words(keywords)) if keywords else frozenset()


def _category_scores(tokens: list[str], chosen: Category | None) -> dict[str, float]:
    """How well each category fits: the reporter's choice counts most, the words too."""
    token_set = set(tokens)
    scores: dict[str, float] = {}
    for category in directory.categories():
        keywords = _keyword_stems(category.keywords)
        overlap = len(token_set & keywords)
        if overlap:
            scores[category.code] = min(1.0, overlap / 3) * 0.6
    if chosen is not None:
        scores[chosen.code] = scores.get(chosen.code, 0.0) + 1.0
    return scores


_CORPORATE = re.compile(r"\b(pt|persero|tbk|perum)\b|\(persero\)", re.IGNORECASE)
_PARENTHESIS = re.compile(r"\(([^)]+)\)")


@cache
def _aliases() -> tuple[tuple[tuple[str, ...], str], ...]:
    """How citizens name central agencies, from the directory itself: the code (BULOG,
    BMKG), an abbreviation in brackets (BP Batam) and a company's name without PT/Persero
    (Jasa Marga). Stemmed like the complaint's words."""
    found: dict[tuple[str, ...], str] = {}
    # A one-word name that is also a topic word ("KIP") says nothing about the agency.
    topic_words = set().union(*(_keyword_stems(c.keywords) for c in directory.categories()))
    for agency in db.session.scalars(select(Agency).where(Agency.region_code.is_(None))):
        names = {agency.code} if len(agency.code) >= 3 else set()
        for name in (agency.name_id, agency.name_en):
            names.update(_PARENTHESIS.findall(name))
            if agency.kind.value == "soe":
                names.add(_PARENTHESIS.sub("", _CORPORATE.sub("", name)))
        for name in names:
            stems = tuple(words(name))
            if stems and (len(stems) > 1 or (len(stems[0]) >= 3 and stems[0] not in topic_words)):
                found.setdefault(stems, agency.code)
    return tuple(found.items())


def _governments(region: Region) -> tuple[Region, Region]:
    regency = region if region.level == RegionLevel.REGENCY else region.parent
    assert regency is not None and regency.parent is not None
    return regency, regency.parent


def _regional_agency(region: Region) -> Agency | None:
    return db.session.scalar(select(Agency).where(Agency.region_code == region.code))


def suggest(
    text: str, region_code: str, category_code: str | None = None, limit: int = 3
) -> list[Suggestion]:
    """The best `limit` agencies, best first, each with the reason in plain words."""
    region = directory.region(region_code)
    if region is None or region.level == RegionLevel.PROVINCE:
        raise ValueError("region_code must be a regency/city or district")
    regency, province = _governments(region)
    # Jakarta's cities and regency are administrative, not autonomous: the province serves.
    autonomous = "Administrasi" not in regency.name
    by_level = {
        ServiceLevel.REGENCY: _regional_agency(regency if autonomous else province),
        ServiceLevel.PROVINCE: _regional_agency(province),
    }
    tokens = words(text)
    categories = {c.code: c for c in directory.categories()}
    scores: dict[int, float] = defaultdict(float)
    reasons: dict[int, tuple[float, str]] = {}
    agencies: dict[int, Agency] = {}

    def vote(agency: Agency | None, score: float, reason: str) -> None:
        if agency is None or score <= 0:
            return
        agencies[agency.id] = agency
        scores[agency.id] += score
        if score > reasons.get(agency.id, (0.0, ""))[0]:
            reasons[agency.id] = (score, reason)

    for code, fit in _category_scores(tokens, categories.get(category_code or "")).items():
        category = categories[code]
        level = category.service_level
        local = by_level.get(level) if level is not ServiceLevel.CENTRAL else None
        if local is not None:
            vote(
                local,
                fit,
                _(
                    "%(agency)s — %(topic)s is delivered by the %(level)s",
                    agency=local.name,
                    topic=category.name.lower(),
                    level=_level_name(level),
                ),
            )
            vote(
                category.central_agency,
                fit * 0.45,
                _(
                    "%(agency)s — national responsibility for %(topic)s",
                    agency=category.central_agency.name,
                    topic=category.name.lower(),
                ),
            )
        else:
            vote(
                category.central_agency,
                fit,
                _(
                    "%(agency)s — %(topic)s is handled nationally",
                    agency=category.central_agency.name,
                    topic=category.name.lower(),
                ),
            )
            vote(
                by_level[ServiceLevel.REGENCY],
                fit * 0.25,
                _(
                    "%(agency)s — the local government where it happened",
                    agency=by_level[ServiceLevel.REGENCY].name,
                ),
            )  # type: ignore[union-attr]

    for signal in _signals():
        if not _contains(tokens, signal.words):
            continue
        if signal.target in ("province", "regency"):
            agency = by_level[ServiceLevel(signal.target)]
        else:
            agency = db.session.scalar(select(Agency).where(Agency.code == signal.target))
        vote(agency, signal.weight, f"{agency.name} — {signal.reason}" if agency else "")

    # A central agency or state company the reporter names.
    for alias, code in _aliases():
        if _contains(tokens, alias):
            agency = db.session.scalar(select(Agency).where(Agency.code == code))
            vote(
                agency,
                1.8,
                _("%(agency)s — named in the report", agency=agency.name) if agency else "",
            )

    # What people decided for similar complaints here, by place and topic.
    if category_code:
        for agency_id, share in learning.votes(set(tokens), regency.code, category_code).items():
            agency = db.session.get(Agency, agency_id)
            vote(
                agency,
                share * 1.5,
                _("%(agency)s — chosen before for similar reports here", agency=agency.name)
                if agency
                else "",
            )

    # Always offer the local governments, so a verifier sees the usual candidates.
    vote(
        by_level[ServiceLevel.REGENCY],
        0.05,
        _(
            "%(agency)s — the local government where it happened",
            agency=by_level[ServiceLevel.REGENCY].name,
        ),
    )  # type: ignore[union-attr]
    vote(
        by_level[ServiceLevel.PROVINCE],
        0.02,
        _(
            "%(agency)s — the provincial government where it happened",
            agency=by_level[ServiceLevel.PROVINCE].name,
        ),
    )  # type: ignore[union-attr]

    ranked = sorted(scores, key=lambda i: (-scores[i], agencies[i].code))[:limit]
    total = sum(scores[i] for i in ranked) or 1.0
    return [Suggestion(agencies[i], round(scores[i] / total, 3), reasons[i][1]) for i in ranked]


def _level_name(level: ServiceLevel) -> str:
    return (
        _("regency or city government")
        if level is ServiceLevel.REGENCY
        else _("provincial government")
    )
