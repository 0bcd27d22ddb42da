"""Demo data: staff for every role and ~200 complaints that have lived through every state.

Two halves:

- `plan()` is pure: a seeded `random.Random` over the texts (app/demo/complaints.csv, written
  for the demo, plus the hand-written complaints of app/routing/data/evaluation.csv) decides
  each complaint's privacy, reporter, tracking code, secret, dates and path through the life
  cycle. The same plan comes out every time, so a second run knows the demo's tracking codes
  (idempotency) and the reporter example's secret without reading the database.
- `seed()` plays each plan through `create_complaint()` and `lifecycle.act()` with the demo
  staff's user ids and a simulated clock set to the planned moment: the events, deadlines,
  routing examples and signals are exactly what real actions make, only dated in the past.
"""

from __future__ import annotations

import csv
import random
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from unittest import mock
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import event, func, select

from app.accounts.models import Organisation, Role, User
from app.accounts.operations import create_user
from app.complaints import lifecycle, operations
from app.complaints.codes import ALPHABET
from app.complaints.lifecycle import Action, Actor, act
from app.complaints.models import Channel, Complaint, ComplaintEvent, Privacy
from app.complaints.operations import create_complaint
from app.db import utcnow
from app.directory.models import Agency
from app.extensions import db
from app.tracking.operations import take

SEED = 4  # issue 4: change it and every tracking code, date and path changes with it
TOTAL = 200
DAYS = 60  # the oldest demo complaint is about this many days old
DATA = Path(__file__).parent / "complaints.csv"
EVALUATION = Path(__file__).parent.parent / "routing" / "data" / "evaluation.csv"

BANDUNG, KEMENKES = "PEMKOT3273", "KEMENKES"


@dataclass(frozen=True)
class StaffMember:
    key: str
    email: str
    name: str
    role: Role
    agency: str | None
    try_this: str
    organisation: str | None = None  # a facilitator's (made the first time)


STAFF = [
    StaffMember(
        "verifier",
        "verifikator@demo.suarawarga.id",
        "Verifikator Demo",
        Role.VERIFIER,
        None,
        "the verification queue: dispatch new reports, merge duplicates, ask for information,"
        " archive or hold them; some are past their 3-working-day deadline",
    ),
    StaffMember(
        "bandung",
        "petugas.bandung@demo.suarawarga.id",
        "Petugas Kota Bandung",
        Role.OFFICER,
        "32.73",
        "Kota Bandung's inbox: start, respond to, forward and resolve reports",
    ),
    StaffMember(
        "kemenkes",
        "petugas.kemenkes@demo.suarawarga.id",
        "Petugas Kemenkes",
        Role.OFFICER,
        "KEMENKES",
        "the Ministry of Health's inbox (national hospitals, vaccines, SATUSEHAT)",
    ),
    StaffMember(
        "supervisor",
        "pengawas@demo.suarawarga.id",
        "Pengawas Demo",
        Role.SUPERVISOR,
        None,
        "oversight: overdue and escalated reports across all agencies",
    ),
    StaffMember(
        "admin",
        "admin@demo.suarawarga.id",
        "Administrator Demo",
        Role.ADMIN,
        None,
        "everything a verifier and a supervisor see, and staff invitations",
    ),
    StaffMember(
        "facilitator",
        "fasilitator@demo.suarawarga.id",
        "Fasilitator Demo",
        Role.FACILITATOR,
        None,
        "file a report on behalf of someone (with their consent), and follow the reports you"
        " filed for the people of Sukamaju",
        organisation="Kader Posyandu Sukamaju",
    ),
]
# A citizen's own (optional) account: not staff, but one more way to try the service.
CITIZEN = StaffMember(
    "citizen",
    "warga@demo.suarawarga.id",
    "Warga Demo",
    Role.CITIZEN,
    None,
    "your own account: your reports, claiming an earlier one with its tracking code and"
    " secret (the reporter example below), passkeys",
)
ACCOUNTS = [*STAFF, CITIZEN]
ORGANISATION_REGION = "32.73"  # Kader Posyandu Sukamaju works in Kota Bandung


def ensure_staff() -> dict[str, User]:
    """The demo accounts (staff and the citizen) by key, created the first time (flushed,
    not committed)."""
    users = {}
    for member in ACCOUNTS:
        user = db.session.scalar(select(User).where(User.email == member.email))
        if user is None:
            user = create_user(
                member.email,
                member.name,
                member.role,
                member.agency,
                organisation=_organisation(member.organisation),
            )
        users[member.key] = user
    return users


def _organisation(name: str | None) -> Organisation | None:
    if name is None:
        return None
    found = db.session.scalar(select(Organisation).where(Organisation.name == name))
    if found is None:
        found = Organisation(name=name, region_code=ORGANISATION_REGION)
        db.session.add(found)
        db.session.flush()
    return found


def existing_staff() -> dict[str, User]:
    emails = {m.email: m.key for m in ACCOUNTS}
    users = db.session.scalars(select(User).where(User.email.in_(emails)))
    return {emails[u.email]: u for u in users}


# --- the texts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    key: str
    type: str
    locale: str
    title: str
    description: str
    region_code: str
    category: str
    agency_code: str
    same_as: str | None = None


_GREETING = re.compile(
    r"^(?:assalamu.?alaikum(?: wr\.? ?wb\.?)?|selamat (?:pagi|siang|sore|malam)|punten|"
    r"permisi|mohon maaf|maaf|halo|nyuwun sewu|dengan hormat|yth\.?[^,.]*)\s*[.,!]\s*",
    re.IGNORECASE,
)


_ABBREVIATION = re.compile(
    r"\b(?:dr|drg|jl|jln|kec|kel|kab|no|prof|h|st|rt|rw|sdh|tdk|dll|dsb|pt|kp)\.$", re.IGNORECASE
)
_BOUNDARY = re.compile(r"(?<=[.!?])\s+|,\s+|;\s+")


def title_of(text: str, limit: int = 80, shortest: int = 25) -> str:
    """A title for an evaluation text (which has none): its first clause, greeting dropped."""
    text = text.strip()
    while match := _GREETING.match(text):
        text = text[match.end() :]
    end = len(text)
    for boundary in _BOUNDARY.finditer(text):
        if boundary.start() >= shortest and not _ABBREVIATION.search(text[: boundary.start()]):
            end = boundary.start()
            break
    first = text[:end].rstrip(".!?,; ")
    if len(first) > limit:
        first = first[: limit - 1].rsplit(" ", 1)[0].rstrip(",.;:-") + "…"
    return first[:1].upper() + first[1:]


def _type_of(text: str) -> str:
    lower = text.lower()
    if "usul" in lower:
        return "aspiration"
    if text.rstrip().endswith("?") and re.search(r"\b(bagaimana|apakah|syarat|kapan)\b", lower):
        return "information"
    return "complaint"


def texts() -> list[Text]:
    """The demo's own texts, then the evaluation complaints (by row order)."""
    with DATA.open(encoding="utf-8") as file:
        own = [Text(**{**row, "same_as": row["same_as"] or None}) for row in csv.DictReader(file)]
    with EVALUATION.open(encoding="utf-8") as file:
        evaluation = [
            Text(
                key=f"eval-{number}",
                type=_type_of(row["text"]),
                locale="id",
                title=title_of(row["text"]),
                description=row["text"].strip(),
                region_code=row["region_code"],
                category=row["category"] or "other",
                agency_code=row["agency_code"],
            )
            for number, row in enumerate(csv.DictReader(file), 1)
        ]
    return own + evaluation


# --- the plan ------------------------------------------------------------------------------

V, OF, R, SYS = Actor.VERIFIER, Actor.OFFICER, Actor.REPORTER, Actor.SYSTEM

# A path: (action, actor, days after the step before (low, high)). "wrong" dispatches to an
# agency that then forwards the complaint to the right one.
PATHS: dict[str, list[tuple[Action, Actor, tuple[float, float]]]] = {
    "received": [],
    "received_replied": [(Action.REQUEST_INFO, V, (0.2, 2)), (Action.REPLY, R, (0.5, 3))],
    "received_appealed": [(Action.FLAG, V, (0.1, 1)), (Action.APPEAL, R, (0.5, 2))],
    "needs_info": [(Action.REQUEST_INFO, V, (0.2, 2))],
    "archived": [(Action.ARCHIVE, V, (0.3, 2))],
    "archived_silent": [(Action.REQUEST_INFO, V, (0.2, 2)), (Action.ARCHIVE, V, (15, 20))],
    "flagged": [(Action.FLAG, V, (0.1, 1))],
    "merged": [(Action.MERGE, V, (0.2, 2))],
    "verified": [(Action.DISPATCH, V, (0.1, 2.5))],
    "started": [(Action.DISPATCH, V, (0.1, 2)), (Action.START, OF, (0.1, 2))],
    "responded": [
        (Action.DISPATCH, V, (0.1, 2)),
        (Action.START, OF, (0.1, 2)),
        (Action.RESPOND, OF, (1, 6)),
    ],
    "conversation": [
        (Action.DISPATCH, V, (0.1, 2)),
        (Action.RESPOND, OF, (1, 4)),
        (Action.REPLY, R, (0.5, 3)),
        (Action.RESPOND, OF, (0.5, 4)),
    ],
    "forwarded": [(Action.DISPATCH, V, (0.1, 2)), (Action.FORWARD, OF, (0.5, 3))],
    "resolved": [
        (Action.DISPATCH, V, (0.1, 2)),
        (Action.START, OF, (0.1, 2)),
        (Action.RESPOND, OF, (1, 5)),
        (Action.RESOLVE, OF, (2, 8)),
    ],
    "reopened": [
        (Action.DISPATCH, V, (0.1, 2)),
        (Action.START, OF, (0.1, 2)),
        (Action.RESOLVE, OF, (2, 8)),
        (Action.REOPEN, R, (0.5, 5)),
    ],
    "closed": [
        (Action.DISPATCH, V, (0.1, 2)),
        (Action.START, OF, (0.1, 2)),
        (Action.RESPOND, OF, (1, 5)),
        (Action.RESOLVE, OF, (2, 10)),
        (Action.CONFIRM, R, (0.3, 5)),
    ],
    "closed_silent": [  # nobody answered: the system closed it after SLA_AUTOCLOSE_DAYS
        (Action.DISPATCH, V, (0.1, 2)),
        (Action.START, OF, (0.1, 2)),
        (Action.RESOLVE, OF, (2, 8)),
        (Action.CLOSE, SYS, (0, 0)),  # the day after the auto-close date
    ],
    "closed_after_reopening": [
        (Action.DISPATCH, V, (0.1, 2)),
        (Action.START, OF, (0.1, 2)),
        (Action.RESOLVE, OF, (2, 6)),
        (Action.REOPEN, R, (0.5, 3)),
        (Action.RESPOND, OF, (1, 4)),
        (Action.RESOLVE, OF, (1, 5)),
        (Action.CONFIRM, R, (0.3, 3)),
    ],
}
# How long ago the last step happened (days, low/high): a received complaint 8 days old is
# past its verification deadline; a resolved one stays within its auto-close window.
WAIT: dict[str, tuple[float, float]] = {
    "received": (0.05, 6),
    "received_replied": (0.1, 2),
    "received_appealed": (0.1, 2),
    "needs_info": (0.5, 12),
    "verified": (0.1, 10),
    "started": (0.5, 12),
    "resolved": (0.1, 7),
    "reopened": (0.1, 6),
    "closed_silent": (0, 20),
    "forwarded": (0.2, 8),
    "closed": (1, 40),
    "closed_after_reopening": (1, 30),
}
# Paths per group, in the order they are handed out (the rest get OTHER's, repeated).
BANDUNG_PATHS = (
    ["received"] * 3
    + ["verified"] * 7
    + ["started"] * 6
    + ["responded"] * 3
    + ["conversation"] * 2
    + ["forwarded"] * 3  # from PEMPROV32, which sent it on to the city
    + ["reopened"] * 3
    + ["resolved"] * 2
    + ["closed", "closed_after_reopening", "closed_silent", "needs_info"]
)
KEMENKES_PATHS = (
    ["received"] * 3
    + ["verified"] * 4
    + ["started"] * 3
    + ["responded"] * 3
    + ["conversation"]
    + ["forwarded"] * 2  # from the province, which sent it on to the ministry
    + ["reopened"] * 2
    + ["resolved"] * 2
    + ["closed"] * 3
    + ["closed_silent", "needs_info"]
)
OTHER_PATHS = (
    ["received"] * 14
    + ["received_replied"] * 2
    + ["received_appealed"]
    + ["needs_info"] * 7
    + ["archived"] * 4
    + ["archived_silent"] * 3
    + ["flagged"] * 4
    + ["verified"] * 15
    + ["started"] * 10
    + ["responded"] * 10
    + ["conversation"] * 3
    + ["forwarded"] * 6
    + ["resolved"] * 10
    + ["reopened"] * 4
    + ["closed"] * 20
    + ["closed_silent"] * 10
    + ["closed_after_reopening"] * 3
)
DUPLICATE_KEPT_RECEIVED = "kes-satusehat-2"  # for the verifier to find and merge

NOTES: dict[Action, dict[str, list[str]]] = {
    Action.REQUEST_INFO: {
        "id": [
            "Mohon sebutkan lokasi yang lebih tepat (nama jalan, RT/RW atau patokan) agar "
            "instansi dapat menindaklanjuti.",
            "Mohon jelaskan sejak kapan masalah ini terjadi dan lampirkan foto kondisinya.",
            "Mohon sebutkan kantor atau unit layanan yang Anda datangi dan tanggalnya.",
        ],
        "en": ["Please tell us the exact place (street name or a landmark) and since when."],
    },
    Action.ARCHIVE: {
        "id": [
            "Laporan ini tentang urusan pribadi antarwarga, bukan pelayanan publik. Silakan "
            "selesaikan melalui mediasi di kelurahan.",
            "Tidak ada jawaban atas permintaan informasi dalam waktu yang diberikan. Anda dapat "
            "membalas untuk membuka laporan ini kembali.",
        ],
        "en": ["This is a private dispute, not a public service matter."],
    },
    Action.FLAG: {
        "id": [
            "Laporan memuat data pribadi orang lain; ditahan untuk ditinjau.",
            "Laporan tampak seperti promosi; ditahan untuk ditinjau.",
        ],
        "en": ["The report names a private person; held for review."],
    },
    Action.MERGE: {
        "id": [
            "Masalah yang sama sudah dilaporkan dan sedang ditangani. Laporan Anda digabungkan "
            "dan menambah jumlah dukungan."
        ],
        "en": ["The same problem was reported before and is being handled; we joined them."],
    },
    Action.RESPOND: {
        "id": [
            "Laporan sudah kami terima. Petugas akan meninjau lokasi minggu ini.",
            "Tim lapangan sudah memeriksa lokasi; perbaikan masuk jadwal pemeliharaan bulan ini.",
            "Kami sudah meminta penjelasan tertulis dari unit terkait dan akan mengabari hasilnya.",
            "Terima kasih atas tambahan informasinya; kami teruskan ke petugas lapangan.",
        ],
        "en": [
            "Thank you. Our field team will inspect the place this week.",
            "We have asked the unit concerned for a written explanation and will let you know.",
        ],
    },
    Action.FORWARD: {
        "id": [
            "Masalah ini di luar kewenangan kami; kami teruskan ke instansi yang berwenang.",
        ],
        "en": ["This is outside our authority; we forwarded it to the agency responsible."],
    },
    Action.RESOLVE: {
        "id": [
            "Perbaikan sudah selesai dikerjakan. Mohon konfirmasi bila masalahnya sudah teratasi.",
            "Petugas sudah menindaklanjuti dan masalahnya sudah ditangani. Terima kasih.",
            "Penjelasan dan langkah yang diminta sudah kami sampaikan kepada pelapor.",
        ],
        "en": ["The repair is done. Please confirm that the problem is solved."],
    },
    Action.REPLY: {
        "id": [
            "Lokasinya di depan masjid, RT 03 RW 05, dekat warung.",
            "Sudah sejak awal bulan ini. Foto menyusul.",
            "Terima kasih, mohon dikabari perkembangannya.",
        ],
        "en": ["It is in front of the mosque, near the small shop. Since the start of the month."],
    },
    Action.APPEAL: {
        "id": ["Laporan saya bukan iklan; saya benar-benar mengalami masalah ini."],
        "en": ["My report is not an advertisement; this really happened to me."],
    },
    Action.REOPEN: {
        "id": [
            "Masalahnya muncul lagi beberapa hari setelah diperbaiki.",
            "Belum ada perubahan di lokasi, mohon dicek kembali.",
        ],
        "en": ["The problem came back a few days after the repair."],
    },
}

GIVEN = ["Siti", "Budi", "Dewi", "Agus", "Rina", "Yusuf", "Nur", "Wayan", "Maria", "Andi"]
FAMILY = ["Rahmawati", "Santoso", "Lestari", "Hidayat", "Siregar", "Saputra", "Wulandari"]


@dataclass
class Step:
    action: Action
    actor: Actor
    at: datetime
    note: str | None = None
    agency: str | None = None  # agency code for a dispatch or forward
    rating: int | None = None  # the reporter's, when confirming


@dataclass
class Plan:
    text: Text
    path: str
    code: str
    secret: str
    privacy: Privacy
    channel: Channel
    contact: dict[str, str]
    created_at: datetime
    steps: list[Step] = field(default_factory=list)


def _grouped(rng: random.Random, length: int) -> str:
    chars = "".join(rng.choice(ALPHABET) for _ in range(length))
    return "-".join(chars[i : i + 4] for i in range(0, length, 4))


def _wrong_agency(text: Text) -> str:
    """Where a verifier might first have sent a complaint that was then forwarded on."""
    province = f"PEMPROV{text.region_code[:2]}"
    bandung = BANDUNG if text.region_code.startswith("32.73") else None
    candidates = [bandung, province, "KEMENPANRB"]
    return next(c for c in candidates if c and c != text.agency_code)


def _paths(rng: random.Random, group: list[Text], paths: list[str]) -> list[tuple[Text, str]]:
    rng.shuffle(group)
    extra = [rng.choice(OTHER_PATHS) for _ in range(max(0, len(group) - len(paths)))]
    return list(zip(group, paths + extra, strict=False))


def plan(now: datetime) -> list[Plan]:
    """The whole demo, oldest complaint first. Texts, codes, secrets and paths never change;
    the dates are counted back from `now`."""
    rng = random.Random(SEED)
    everything = texts()
    own = [t for t in everything if not t.key.startswith("eval-")]
    evaluation = [t for t in everything if t.key.startswith("eval-")]
    ours = [t for t in evaluation if t.agency_code in (BANDUNG, KEMENKES)]
    rest = [t for t in evaluation if t not in ours]
    chosen = own + ours + rng.sample(rest, TOTAL - len(own) - len(ours))
    duplicates = [t for t in chosen if t.same_as]
    originals = {t.same_as for t in duplicates}
    # An original that duplicates join is being handled; a complaint from Bandung for
    # another agency went to the city first, whose officer forwarded it.
    fixed = [(t, "responded") for t in chosen if t.key in originals]
    fixed += [(t, "forwarded") for t in chosen if _misrouted(t)]
    fixed += [(t, "received" if t.key == DUPLICATE_KEPT_RECEIVED else "merged") for t in duplicates]
    done = {t.key for t, _path in fixed}
    free = [t for t in chosen if t.key not in done]
    assigned = (
        _paths(rng, [t for t in free if t.agency_code == BANDUNG], BANDUNG_PATHS)
        + _paths(rng, [t for t in free if t.agency_code == KEMENKES], KEMENKES_PATHS)
        + _paths(rng, [t for t in free if t.agency_code not in (BANDUNG, KEMENKES)], OTHER_PATHS)
    )
    # Originals first: a duplicate's date follows its original's.
    assigned = fixed[: len(originals)] + assigned + fixed[len(originals) :]
    plans: dict[str, Plan] = {}
    for text, path in assigned:
        plans[text.key] = _plan_one(rng, text, path, now, plans)
    result = sorted(plans.values(), key=lambda p: p.created_at)
    for example in reporter_examples(result).values():
        example.privacy = Privacy.CONFIDENTIAL  # its secret is printed: it must be needed
    return result


def _misrouted(text: Text) -> bool:
    """An evaluation complaint from Kota Bandung that another agency must handle."""
    return (
        text.key.startswith("eval-")
        and text.region_code.startswith("32.73")
        and text.agency_code != BANDUNG
    )


def _plan_one(
    rng: random.Random, text: Text, path: str, now: datetime, earlier: dict[str, Plan]
) -> Plan:
    gaps = [timedelta(days=rng.uniform(*days)) for _action, _actor, days in PATHS[path]]
    wait = timedelta(days=rng.uniform(*WAIT.get(path, (0.5, 25))))
    span = sum(gaps, timedelta()) + wait
    if path.startswith("closed_silent"):
        span += timedelta(days=16)  # the auto-close window after resolving
    if span > timedelta(days=DAYS):
        scale = timedelta(days=DAYS) / span
        gaps, wait = [g * scale for g in gaps], wait * scale
        span = timedelta(days=DAYS)
    created = now - span
    if text.same_as:  # a later report of a problem reported before
        original = earlier[text.same_as].created_at
        created = max(created, original + timedelta(days=rng.uniform(1, 3)))
    privacy = rng.choices(
        [Privacy.PUBLIC, Privacy.CONFIDENTIAL, Privacy.ANONYMOUS],
        [0.15, 0.2, 0.65] if text.category == "integrity" else [0.75, 0.15, 0.1],
    )[0]
    contact = {}
    if privacy is not Privacy.ANONYMOUS and rng.random() < 0.6:
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        contact["name"] = f"{given} {family}"
        if rng.random() < 0.15:
            domain = rng.choice(["example.id", "example.org"])
            contact["email"] = f"{given.lower()}.{family.lower()}@{domain}"
    result = Plan(
        text=text,
        path=path,
        code=_grouped(rng, 8),
        secret=_grouped(rng, 16),
        privacy=privacy,
        channel=Channel.API if rng.random() < 0.15 else Channel.WEB,
        contact=contact,
        created_at=created,
    )
    at = created
    for (action, actor, _days), gap in zip(PATHS[path], gaps, strict=True):
        at = at + gap
        notes = NOTES.get(action, {}).get(text.locale) or NOTES.get(action, {}).get("id")
        step = Step(action, actor, at, rng.choice(notes) if notes else None)
        if action is Action.DISPATCH:
            step.agency = _wrong_agency(text) if path == "forwarded" else text.agency_code
        elif action is Action.FORWARD:
            step.agency = text.agency_code
        elif action is Action.CONFIRM:  # from its own generator: the plan's stays as it was
            step.rating = random.Random(result.code).choices(range(1, 6), (1, 1, 2, 4, 3))[0]
        result.steps.append(step)
    return result


def reporter_examples(plans: list[Plan]) -> dict[str, Plan]:
    """A complaint a reporter can confirm or reopen, and one that waits for their answer."""
    examples = {}
    for wanted in ("resolved", "needs_info"):
        candidates = [p for p in plans if p.path == wanted and p.text.locale == "id"]
        bandung = [p for p in candidates if p.text.agency_code == BANDUNG]
        examples[wanted] = (bandung or candidates)[0]
    return examples


# --- playing it ----------------------------------------------------------------------------


@contextmanager
def simulated_clock() -> Iterator[list[datetime]]:
    """Make creation and the life cycle believe it is `clock[0]`.

    `act()` and `create_complaint()` read the time through their module's `utcnow` (deadlines,
    the reopening window), and new rows take `created_at` from a column default; both are
    pointed at the planned moment here, and put back afterwards.
    """
    clock = [utcnow()]

    def stamp(_mapper, _connection, target) -> None:  # noqa: ANN001
        target.created_at = clock[0]

    event.listen(Complaint, "before_insert", stamp)
    event.listen(ComplaintEvent, "before_insert", stamp)
    try:
        with (
            mock.patch.object(lifecycle, "utcnow", lambda: clock[0]),
            mock.patch.object(operations, "utcnow", lambda: clock[0]),
        ):
            yield clock
    finally:
        event.remove(Complaint, "before_insert", stamp)
        event.remove(ComplaintEvent, "before_insert", stamp)


def _office_hours(moment: datetime, after: datetime, now: datetime) -> datetime:
    """Move a staff action into that day's office hours (local time), keeping the order."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    local = moment.astimezone(zone)
    if 8 <= local.hour < 16:
        return moment
    hour = 8 + local.minute % 8  # spread over the day, deterministically
    moved = datetime.combine(local.date(), time(hour, local.minute), zone).astimezone(UTC)
    return moved if after < moved < now else moment


def is_seeded(plans: list[Plan]) -> bool:
    codes = [p.code for p in plans]
    found = db.session.scalar(select(func.count()).where(Complaint.tracking_code.in_(codes)))
    return bool(found)


def seed(staff: dict[str, User], plans: list[Plan]) -> int:
    """Create the planned complaints (flushed, not committed); returns how many."""
    now = utcnow()
    needed = {p.text.agency_code for p in plans} | {
        s.agency for p in plans for s in p.steps if s.agency
    }
    agencies = {
        a.code: a for a in db.session.scalars(select(Agency).where(Agency.code.in_(needed)))
    }
    officers = {u.agency_id: u.id for u in staff.values() if u.role is Role.OFFICER}
    made: dict[str, Complaint] = {}
    with simulated_clock() as clock:
        for p in plans:
            clock[0] = p.created_at
            data = {
                "type": p.text.type,
                "title": p.text.title,
                "description": p.text.description,
                "region_code": p.text.region_code,
                "category": p.text.category,
                "privacy": p.privacy.value,
                **p.contact,
            }
            complaint, _secret = create_complaint(
                data, channel=p.channel, locale=p.text.locale, secret=p.secret
            )
            complaint.tracking_code = p.code
            made[p.text.key] = complaint
            before = p.created_at
            for step in p.steps:
                at = step.at
                if step.actor is Actor.SYSTEM:  # auto-close: the day after the last chance
                    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
                    next_day = complaint.due_on + timedelta(days=1)
                    at = datetime.combine(next_day, time(0, 30), zone).astimezone(UTC)
                elif step.actor in (Actor.VERIFIER, Actor.OFFICER):
                    at = _office_hours(at, before, now)
                clock[0] = before = min(max(at, before + timedelta(minutes=1)), now)
                user_id = None
                if step.actor is Actor.VERIFIER:
                    user_id = staff["verifier"].id
                elif step.actor is Actor.OFFICER:
                    user_id = officers.get(complaint.agency_id)
                if step.rating is not None:  # the reporter confirms: the event and the rating
                    take(complaint, step.action, rating=step.rating)
                    continue
                act(
                    complaint,
                    step.action,
                    step.actor,
                    reason=step.note,
                    agency=agencies[step.agency] if step.agency else None,
                    into=made[p.text.same_as] if step.action is Action.MERGE else None,
                    user_id=user_id,
                )
    return len(made)
