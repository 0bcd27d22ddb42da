"""Ranking the agencies that may have authority over a complaint.

Four kinds of evidence add up, each with the reason a verifier reads:

- **Place and topic.** The category's service level picks the regional government (a
  regency/city service goes to the regency or city, a provincial one to the province; the
  cities of Jakarta are administrative, so the province delivers their services); the
  category's central agency comes next, then the other level of regional government. So the
  top three always hold the usual candidates even when the words say nothing.
- **Words.** Phrases that move a service to another level or to an operator
  (data/signals.csv: an SMA is provincial, a national road is the ministry's, a toll road its
  operator's), provincial hospitals by name (data/provincial_hospitals.csv) and agencies the
  reporter names. Text is normalised first ("yg", "udh", "SMAN", "lubang2") and stemmed with
  Sastrawi.
- **People.** What verifiers chose before for similar complaints in the same place and topic
  (app/routing/learning.py).
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from flask import g
from flask_babel import get_locale
from flask_babel import gettext as _
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory
from sqlalchemy import select

from app.directory.models import Agency, Category, Region, RegionLevel, ServiceLevel
from app.extensions import db
from app.routing import learning

DATA = Path(__file__).parent / "data"
_WORD = re.compile(r"[a-z0-9]+")

# Informal spellings and abbreviations of complaints, written out before stemming so "udh",
# "sdh" and "sudah" are one word, and "SMAN" is an SMA. Only unambiguous ones: "dr" (dari or
# dokter) and "kaya" (seperti or rich) stay as they are.
_INFORMAL = {
    "yg": "yang", "gk": "tidak", "gak": "tidak", "ga": "tidak", "gx": "tidak",
    "nggak": "tidak", "ngga": "tidak", "enggak": "tidak", "engga": "tidak", "tdk": "tidak",
    "udh": "sudah", "udah": "sudah", "sdh": "sudah", "sudh": "sudah", "dah": "sudah",
    "blm": "belum", "belom": "belum", "blom": "belum", "bgt": "banget", "bngt": "banget",
    "dlm": "dalam", "krn": "karena", "karna": "karena", "krna": "karena", "tp": "tapi",
    "tpi": "tapi", "sy": "saya", "sya": "saya", "dgn": "dengan", "dg": "dengan",
    "utk": "untuk", "bs": "bisa", "bsa": "bisa", "trs": "terus", "trus": "terus",
    "jg": "juga", "pdhl": "padahal", "padahl": "padahal", "tlg": "tolong", "tolg": "tolong",
    "org": "orang", "kmrn": "kemarin", "skrg": "sekarang", "skrng": "sekarang",
    "bln": "bulan", "thn": "tahun", "mgg": "minggu", "jln": "jalan", "jl": "jalan",
    "kpd": "kepada", "klo": "kalau", "kalo": "kalau", "gmn": "bagaimana",
    "gimana": "bagaimana", "lg": "lagi", "msh": "masih", "hrs": "harus",
    "bnyk": "banyak", "byk": "banyak", "pake": "pakai", "sampe": "sampai", "aja": "saja",
    "sklh": "sekolah", "rmh": "rumah", "sblm": "sebelum",
    "stlh": "setelah", "ortu": "orang tua", "kec": "kecamatan", "kab": "kabupaten",
    "kel": "kelurahan", "pemko": "pemkot", "nyebrang": "menyeberang",
    "disdukcapil": "dinas dukcapil",
    "sman": "sma negeri", "smun": "sma negeri", "smkn": "smk negeri",
    "smpn": "smp negeri", "sdn": "sd negeri", "slbn": "slb negeri", "mtsn": "mts negeri",
    "rs": "rumah sakit", "rsu": "rumah sakit",
}  # fmt: skip
_REDUPLICATED = re.compile(r"\b([a-z]{2,})2\b")  # "lubang2" → "lubang"

# Where a toll road's operator is usually Hutama Karya (the Trans-Sumatra toll road) rather
# than Jasa Marga: the provinces of Sumatra.
# The topic assumed when neither the reporter nor the words give one.
FALLBACK_CATEGORY = "other"

_SUMATRA = frozenset({"11", "12", "13", "14", "15", "16", "17", "18", "19"})


@dataclass(frozen=True)
class Suggestion:
    agency: Agency
    score: float
    reason: str


@dataclass(frozen=True)
class Signal:
    words: tuple[str, ...]
    target: str  # an agency code; "province"/"regency" for that level; "toll_operator"
    weight: float
    reason_id: str
    reason_en: str

    @property
    def reason(self) -> str:
        return self.reason_en if str(get_locale()) == "en" else self.reason_id


@dataclass(frozen=True)
class Hospital:
    province_code: str
    name: str
    phrases: tuple[tuple[str, ...], ...]


@cache
def _stemmer():
    return StemmerFactory().create_stemmer()


def words(text: str) -> list[str]:
    """Lower-case, stemmed Indonesian words ("berlubang" → "lubang")."""
    return _WORD.findall(_stemmer().stem(text.lower()))


def normalise(text: str) -> str:
    """Lower case, reduplication marks dropped and informal spellings written out."""
    text = _REDUPLICATED.sub(r"\1", text.lower())
    return " ".join(_INFORMAL.get(word, word) for word in _WORD.findall(text))


def routing_words(text: str) -> list[str]:
    """The words routing compares: normalised, then stemmed ("udh berlubang2" → "sudah
    lubang"). Used for complaints, signal phrases and learnt examples alike."""
    return words(normalise(text))


def _csv(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@cache
def _signals() -> tuple[Signal, ...]:
    return tuple(
        Signal(
            tuple(routing_words(row["phrase"])),  # stemmed like the text it is matched in
            row["target"],
            float(row["weight"]),
            row["reason_id"],
            row["reason_en"],
        )
        for row in _csv("signals.csv")
    )


@cache
def _hospitals() -> tuple[Hospital, ...]:
    return tuple(
        Hospital(
            row["province_code"],
            row["name"],
            tuple(tuple(routing_words(p)) for p in row["phrases"].split("|")),
        )
        for row in _csv("provincial_hospitals.csv")
    )


def _contains(tokens: list[str], phrase: tuple[str, ...], gap: int = 1) -> bool:
    """Whether the phrase's words occur in order, at most `gap` other words between two of
    them ("tambang emas ilegal" contains "tambang ilegal")."""
    if not phrase:
        return False
    first, rest = phrase[0], phrase[1:]
    for start, token in enumerate(tokens):
        if token != first:
            continue
        position = start
        for word in rest:
            window = tokens[position + 1 : position + 2 + gap]
            if word not in window:
                break
            position += 1 + window.index(word)
        else:
            return True
    return False


@cache
def _keyword_stems(keywords: str) -> frozenset[str]:
    return frozenset(words(keywords)) if keywords else frozenset()


_CORPORATE = re.compile(r"\b(pt|persero|tbk|perum)\b|\(persero\)", re.IGNORECASE)
_PARENTHESIS = re.compile(r"\(([^)]+)\)")


@dataclass
class _Directory:
    """What one request needs from the directory, read once: the categories, the central
    agencies by code and the regional governments asked for so far, by region code."""

    categories: dict[str, Category]
    central: dict[str, Agency]
    regional: dict[str, Agency | None] = field(default_factory=dict)
    aliases: tuple[tuple[tuple[str, ...], str, bool], ...] | None = None

    def government(self, region: Region) -> Agency | None:
        if region.code not in self.regional:
            self.regional[region.code] = db.session.scalar(
                select(Agency).where(Agency.region_code == region.code)
            )
        return self.regional[region.code]


def _directory() -> _Directory:
    """The directory, memoised for the current request (application context): a reload of
    the directory is seen by the next request."""
    memo: _Directory | None = g.get("_routing_directory")
    if memo is None:
        categories = db.session.scalars(select(Category).order_by(Category.position))
        central = db.session.scalars(select(Agency).where(Agency.region_code.is_(None)))
        memo = _Directory({c.code: c for c in categories}, {a.code: a for a in central})
        g._routing_directory = memo
    return memo


def _aliases(directory: _Directory) -> tuple[tuple[tuple[str, ...], str, bool], ...]:
    """How citizens name central agencies, from the directory itself: the code (BULOG,
    BMKG), an abbreviation in brackets (BP Batam) and a company's name without PT/Persero
    (Jasa Marga). A code is matched as written (stemming would turn KEJAGUNG into "jagung");
    names are stemmed like the complaint's words. Each is (words, agency code, stemmed)."""
    if directory.aliases is not None:
        return directory.aliases
    rows = tuple(
        sorted((a.code, a.kind.value, a.name_id, a.name_en) for a in directory.central.values())
    )
    topic_words = frozenset().union(
        *(_keyword_stems(c.keywords) for c in directory.categories.values())
    )
    directory.aliases = _alias_table(rows, topic_words)
    return directory.aliases


@cache
def _alias_table(
    agencies: tuple[tuple[str, str, str, str], ...], topic_words: frozenset[str]
) -> tuple[tuple[tuple[str, ...], str, bool], ...]:
    found: dict[tuple[tuple[str, ...], bool], str] = {}
    for code, kind, name_id, name_en in agencies:
        # A one-word name that is also a topic word ("KIP") says nothing about the agency.
        if len(code) >= 3 and code.lower() not in topic_words:
            found.setdefault(((code.lower(),), False), code)
        names: set[str] = set()
        for name in (name_id, name_en):
            names.update(_PARENTHESIS.findall(name))
            if kind == "soe":
                names.add(_PARENTHESIS.sub("", _CORPORATE.sub("", name)))
        for name in names:
            if " " not in name.strip():  # an abbreviation, like a code: matched as written
                word = name.strip().lower()
                if len(word) >= 3 and word not in topic_words:
                    found.setdefault(((word,), False), code)
                continue
            stems = tuple(routing_words(name))
            if stems:
                found.setdefault((stems, True), code)
    return tuple((alias, code, stemmed) for (alias, stemmed), code in found.items())


def _governments(region: Region) -> tuple[Region, Region]:
    regency = region if region.level == RegionLevel.REGENCY else region.parent
    assert regency is not None and regency.parent is not None
    return regency, regency.parent


def _category_scores(
    tokens: list[str], categories: Iterable[Category], chosen: Category | None
) -> dict[str, float]:
    """How well each category fits: the reporter's choice counts most, the words too. When
    the reporter chose one, the others' keyword matches count half: "rumah sakit" shares
    "rumah" with housing, which says little about a health complaint."""
    token_set = set(tokens)
    scores: dict[str, float] = {}
    for category in categories:
        overlap = len(token_set & _keyword_stems(category.keywords))
        if overlap:
            fit = min(1.0, overlap / 3) * 0.6
            scores[category.code] = fit if chosen is None else fit * 0.5
    if chosen is not None:
        scores[chosen.code] = scores.get(chosen.code, 0.0) + 1.0
    return scores


@dataclass
class _Ballot:
    scores: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    reasons: dict[int, tuple[float, str]] = field(default_factory=dict)
    agencies: dict[int, Agency] = field(default_factory=dict)

    def vote(self, agency: Agency | None, score: float, reason: str) -> None:
        if agency is None or score <= 0:
            return
        self.agencies[agency.id] = agency
        self.scores[agency.id] += score
        if score > self.reasons.get(agency.id, (0.0, ""))[0]:
            self.reasons[agency.id] = (score, reason)

    def ranked(self, limit: int) -> list[Suggestion]:
        order = sorted(self.scores, key=lambda i: (-self.scores[i], self.agencies[i].code))
        best = order[:limit]
        total = sum(self.scores[i] for i in best) or 1.0
        return [
            Suggestion(self.agencies[i], round(self.scores[i] / total, 3), self.reasons[i][1])
            for i in best
        ]


@dataclass(frozen=True)
class _Place:
    regency: Region
    province: Region
    autonomous: bool  # False for Jakarta's administrative cities and regency
    regency_gov: Agency | None  # the government that delivers regency/city services here
    province_gov: Agency | None


def _vote_topic(ballot: _Ballot, place: _Place, category: Category, fit: float) -> None:
    """Place and topic: the government at the category's service level, then the category's
    central agency, then the other level of regional government."""
    topic = category.name.lower()
    central = category.central_agency
    level = category.service_level
    if level is ServiceLevel.CENTRAL:
        ballot.vote(
            central,
            fit,
            _("%(agency)s — %(topic)s is handled nationally", agency=central.name, topic=topic),
        )
        if place.regency_gov is not None:
            ballot.vote(
                place.regency_gov,
                fit * 0.25,
                _(
                    "%(agency)s — the local government where it happened",
                    agency=place.regency_gov.name,
                ),
            )
        if place.province_gov is not None:
            ballot.vote(
                place.province_gov,
                fit * 0.1,
                _(
                    "%(agency)s — the provincial government where it happened",
                    agency=place.province_gov.name,
                ),
            )
        return
    if level is ServiceLevel.REGENCY:
        primary, other = place.regency_gov, place.province_gov
    else:
        primary, other = place.province_gov, place.regency_gov
    if primary is not None:
        if level is ServiceLevel.REGENCY and not place.autonomous:
            reason = _(
                "%(agency)s — %(place)s is not autonomous, so the province delivers %(topic)s",
                agency=primary.name,
                place=place.regency.name,
                topic=topic,
            )
        else:
            reason = _(
                "%(agency)s — %(topic)s is delivered by the %(level)s",
                agency=primary.name,
                topic=topic,
                level=_level_name(level),
            )
        ballot.vote(primary, fit, reason)
    ballot.vote(
        central,
        fit * 0.45,
        _("%(agency)s — national responsibility for %(topic)s", agency=central.name, topic=topic),
    )
    if other is not None and other is not primary:
        ballot.vote(
            other,
            fit * 0.3,
            _(
                "%(agency)s — if this %(topic)s service is run by the province (a provincial "
                "hospital, school or road)",
                agency=other.name,
                topic=topic,
            )
            if level is ServiceLevel.REGENCY
            else _(
                "%(agency)s — if this %(topic)s service is run by the regency or city",
                agency=other.name,
                topic=topic,
            ),
        )


def _vote_signals(ballot: _Ballot, place: _Place, tokens: list[str], directory: _Directory) -> None:
    """Phrases that move a service to another level or to an operator."""
    for signal in _signals():
        if not _contains(tokens, signal.words):
            continue
        if signal.target == "toll_operator":
            _vote_toll(ballot, place, signal, directory)
            continue
        if signal.target in ("province", "regency"):
            agency = place.province_gov if signal.target == "province" else place.regency_gov
        elif signal.target.startswith("PEM"):
            agency = _regional_by_code(signal.target, directory)
        else:
            agency = directory.central.get(signal.target)
        if agency is not None:
            ballot.vote(agency, signal.weight, f"{agency.name} — {signal.reason}")


def _vote_toll(ballot: _Ballot, place: _Place, signal: Signal, directory: _Directory) -> None:
    """A toll road is maintained by its operator: in Sumatra mostly Hutama Karya (the
    Trans-Sumatra toll road), elsewhere mostly Jasa Marga; BPJT, in the Ministry of Public
    Works, regulates them all."""
    sumatra = place.province.code in _SUMATRA
    usual, other = ("HUTAMAKARYA", "JASAMARGA") if sumatra else ("JASAMARGA", "HUTAMAKARYA")
    operator = directory.central.get(usual)
    if operator is not None:
        ballot.vote(operator, signal.weight, f"{operator.name} — {signal.reason}")
    alternative = directory.central.get(other)
    if alternative is not None:
        ballot.vote(
            alternative,
            signal.weight * 0.3,
            _("%(agency)s — the operator of some toll roads here", agency=alternative.name),
        )
    regulator = directory.central.get("KEMENPU")
    if regulator is not None:
        ballot.vote(
            regulator,
            signal.weight * 0.25,
            _("%(agency)s — regulates toll roads (BPJT)", agency=regulator.name),
        )


def _regional_by_code(code: str, directory: _Directory) -> Agency | None:
    for agency in directory.regional.values():
        if agency is not None and agency.code == code:
            return agency
    return db.session.scalar(select(Agency).where(Agency.code == code))


def _vote_hospitals(ballot: _Ballot, place: _Place, tokens: list[str]) -> None:
    """A provincial hospital named in the report belongs to the provincial government, even
    though hospitals are mostly a regency/city service."""
    if place.province_gov is None:
        return
    for hospital in _hospitals():
        if hospital.province_code != place.province.code:
            continue
        if any(_contains(tokens, phrase, gap=0) for phrase in hospital.phrases):
            ballot.vote(
                place.province_gov,
                1.8,
                _(
                    "%(agency)s — %(hospital)s is a provincial hospital",
                    agency=place.province_gov.name,
                    hospital=hospital.name,
                ),
            )
            return


def suggest(
    text: str, region_code: str, category_code: str | None = None, limit: int = 3
) -> list[Suggestion]:
    """The best `limit` agencies, best first, each with the reason in plain words."""
    directory = _directory()
    region = db.session.get(Region, region_code) if region_code else None
    if region is None or region.level == RegionLevel.PROVINCE:
        raise ValueError("region_code must be a regency/city or district")
    regency, province = _governments(region)
    # Jakarta's cities and regency are administrative, not autonomous: the province serves.
    autonomous = "Administrasi" not in regency.name
    province_gov = directory.government(province)
    place = _Place(
        regency,
        province,
        autonomous,
        directory.government(regency) if autonomous else province_gov,
        province_gov,
    )
    raw = normalise(text).split()
    tokens = words(" ".join(raw))
    ballot = _Ballot()

    chosen = directory.categories.get(category_code or "")
    fits = _category_scores(tokens, directory.categories.values(), chosen)
    if not fits and FALLBACK_CATEGORY in directory.categories:
        fits = {FALLBACK_CATEGORY: 0.1}  # no topic at all: public services in general
    for code, fit in fits.items():
        _vote_topic(ballot, place, directory.categories[code], fit)

    _vote_signals(ballot, place, tokens, directory)
    _vote_hospitals(ballot, place, tokens)

    # A central agency or state company the reporter names.
    for alias, code, stemmed in _aliases(directory):
        if _contains(tokens if stemmed else raw, alias, gap=0):
            agency = directory.central[code]
            ballot.vote(agency, 1.8, _("%(agency)s — named in the report", agency=agency.name))

    # What people decided for similar complaints here, by place and topic.
    if category_code:
        for agency_id, share in learning.votes(set(tokens), regency.code, category_code).items():
            agency = db.session.get(Agency, agency_id)
            if agency is not None:
                ballot.vote(
                    agency,
                    share * 1.5,
                    _("%(agency)s — chosen before for similar reports here", agency=agency.name),
                )

    # Always offer the local governments, so a verifier sees the usual candidates.
    if place.regency_gov is not None:
        ballot.vote(
            place.regency_gov,
            0.05,
            _("%(agency)s — the local government where it happened", agency=place.regency_gov.name),
        )
    if province_gov is not None:
        ballot.vote(
            province_gov,
            0.02,
            _("%(agency)s — the provincial government where it happened", agency=province_gov.name),
        )
    # Jakarta has one regional government for both levels: fill the list with the
    # ombudsman, who oversees every public service, so there are always `limit` candidates.
    ombudsman = directory.central.get("OMBUDSMAN")
    if len(ballot.scores) < limit and ombudsman is not None:
        ballot.vote(
            ombudsman,
            0.01,
            _("%(agency)s — oversees public services when they fail", agency=ombudsman.name),
        )
    return ballot.ranked(limit)


def _level_name(level: ServiceLevel) -> str:
    return (
        _("regency or city government")
        if level is ServiceLevel.REGENCY
        else _("provincial government")
    )
