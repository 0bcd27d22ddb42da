"""Demo data for facilitators: a few reports the demo facilitator filed for people in Kota
Bandung, in the states a facilitator meets (waiting, a question to answer, handled).

`flask demo load` calls `seed_facilitated()` after the demo staff exist; it adds the reports
once for each demo facilitator (accounts on @demo.suarawarga.id with the facilitator role,
made by the staff-invitations work) and does nothing when there is none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, select

from app.accounts.models import Role, User
from app.complaints import deadlines
from app.complaints.lifecycle import Action, Actor, act
from app.complaints.models import Channel, Complaint, ConsentMethod
from app.complaints.operations import Facilitation, create_complaint
from app.db import utcnow
from app.demo.seed import simulated_clock
from app.directory.models import Agency
from app.extensions import db

DEMO_DOMAIN = "@demo.suarawarga.id"


@dataclass(frozen=True)
class DemoReport:
    days_ago: int
    data: dict
    consent: ConsentMethod
    organisation_shown: bool
    # (action, note, agency code): what happened after it was filed, a day apart.
    steps: list[tuple[Action, str | None, str | None]] = field(default_factory=list)


BASE = {"type": "complaint", "region_code": "32.73.02", "occurred_on": None, "name": None}

REPORTS = [
    DemoReport(
        1,
        {
            **BASE,
            "title": "Puskesmas tidak punya jalur kursi roda",
            "description": "Ibu saya memakai kursi roda dan tidak bisa masuk ke Puskesmas "
            "karena pintu masuk hanya bertangga. Petugas harus menggendong beliau.",
            "category": "disability",
            "privacy": "public",
            "email": "ibu.kursiroda@example.org",
            "phone": None,
        },
        ConsentMethod.SPOKEN,
        True,
    ),
    DemoReport(
        4,
        {
            **BASE,
            "title": "Bantuan sosial lansia tidak cair tiga bulan",
            "description": "Bapak Ahmad (78 tahun) tidak menerima bantuan sosial sejak "
            "Agustus. Di kelurahan beliau diminta kembali minggu depan terus-menerus.",
            "category": "social_assistance",
            "privacy": "confidential",
            "email": None,
            "phone": None,
        },
        ConsentMethod.THUMBPRINT,
        False,
        [(Action.REQUEST_INFO, "Di kelurahan mana beliau terdaftar sebagai penerima?", None)],
    ),
    DemoReport(
        9,
        {
            **BASE,
            "title": "Penerjemah bahasa isyarat tidak ada di kantor Dukcapil",
            "description": "Warga Tuli tidak bisa mengurus KTP karena tidak ada penerjemah "
            "bahasa isyarat dan petugas menolak berkomunikasi tertulis.",
            "category": "population_admin",
            "privacy": "anonymous",
            "email": None,
            "phone": None,
        },
        ConsentMethod.WRITTEN,
        True,
        [
            (Action.DISPATCH, None, "PEMKOT3273"),
            (Action.START, None, None),
        ],
    ),
]


def demo_facilitators() -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(
                User.role == Role.FACILITATOR, User.email.endswith(DEMO_DOMAIN, autoescape=True)
            )
        )
    )


def seed_facilitated() -> int:
    """Add the demo reports for each demo facilitator that has none yet (flushed, not
    committed); returns how many were added."""
    added = 0
    verifier = db.session.scalar(select(User.id).where(User.role == Role.VERIFIER).limit(1))
    for facilitator in demo_facilitators():
        filed = db.session.scalar(
            select(func.count(Complaint.id)).where(Complaint.facilitator_id == facilitator.id)
        )
        if filed:
            continue
        added += _seed_for(facilitator, verifier)
    return added


def _seed_for(facilitator: User, verifier_id: int | None) -> int:
    now = utcnow()
    with simulated_clock() as clock:
        for report in REPORTS:
            at = now - timedelta(days=report.days_ago)
            clock[0] = at
            complaint, _secret = create_complaint(
                report.data,
                channel=Channel.WEB,
                locale="id",
                facilitation=Facilitation(
                    facilitator,
                    report.consent,
                    deadlines.local_date(at),  # consent given the day it was filed
                    report.organisation_shown,
                ),
            )
            for number, (action, note, agency_code) in enumerate(report.steps, start=1):
                clock[0] = min(at + timedelta(days=number), now)
                agency = (
                    db.session.scalar(select(Agency).where(Agency.code == agency_code))
                    if agency_code
                    else None
                )
                actor = Actor.OFFICER if action is Action.START else Actor.VERIFIER
                act(
                    complaint,
                    action,
                    actor,
                    reason=note,
                    agency=agency,
                    user_id=verifier_id if actor is Actor.VERIFIER else None,
                )
    db.session.flush()
    return len(REPORTS)
