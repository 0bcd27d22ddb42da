"""`flask demo load`: a few complaints so a newcomer sees a lived-in system (idempotent)."""

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from app.accounts.cli import sign_in_path
from app.accounts.models import Role, User
from app.accounts.operations import create_user, issue_sign_in_link
from app.complaints.models import Channel, Complaint
from app.complaints.operations import create_complaint
from app.extensions import db

demo_cli = AppGroup("demo", help="Demonstration data.")

DEMO = [
    (
        "complaint",
        "Jalan berlubang di Jalan Dago",
        "Lubang besar di depan sekolah sudah dua bulan, motor sering jatuh kalau hujan.",
        "32.73.02",
        "roads",
        "public",
    ),
    (
        "complaint",
        "Air PDAM tidak mengalir seminggu",
        "Sejak Senin air tidak keluar sama sekali di RT 04, warga harus beli air galon.",
        "33.74",
        "water",
        "public",
    ),
    (
        "complaint",
        "Pungutan liar saat mengurus KTP",
        "Petugas kecamatan meminta uang Rp50.000 agar KTP cepat jadi.",
        "35.78",
        "integrity",
        "anonymous",
    ),
    (
        "aspiration",
        "Usul halte bus di depan puskesmas",
        "Banyak lansia harus berjalan jauh ke halte terdekat, mohon dibangun halte baru.",
        "31.74",
        "transport",
        "public",
    ),
    (
        "information",
        "Syarat pendaftaran PKH",
        "Saya ingin tahu syarat dan jadwal pendaftaran Program Keluarga Harapan tahun ini.",
        "73.71",
        "social_assistance",
        "confidential",
    ),
    (
        "complaint",
        "Listrik sering padam malam hari",
        "Hampir setiap malam listrik padam dua sampai tiga jam tanpa pemberitahuan.",
        "51.71",
        "electricity",
        "public",
    ),
]


DEMO_STAFF = [
    ("verifikator@demo.suarawarga.id", "Verifikator Demo", "verifier", None),
    ("petugas.bandung@demo.suarawarga.id", "Petugas Kota Bandung", "officer", "32.73"),
    ("petugas.kemenkes@demo.suarawarga.id", "Petugas Kemenkes", "officer", "KEMENKES"),
    ("pengawas@demo.suarawarga.id", "Pengawas Demo", "supervisor", None),
]


@demo_cli.command("load")
def load() -> None:
    """Add demonstration staff and complaints once; print fresh sign-in links every time."""
    _demo_staff()
    if db.session.scalar(select(func.count(Complaint.id))):
        click.echo("complaints exist already; demo complaints not added")
        return
    _demo_complaints()


def _demo_staff() -> None:
    for email, name, role, agency in DEMO_STAFF:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = create_user(email, name, Role(role), agency)
        token = issue_sign_in_link(user, minutes=12 * 60)
        click.echo(f"sign in as {name} ({role}): {sign_in_path(token)}")
    db.session.commit()


def _demo_complaints() -> None:
    for kind, title, description, region, category, privacy in DEMO:
        data = {
            "type": kind,
            "title": title,
            "description": description,
            "region_code": region,
            "category": category,
            "privacy": privacy,
            "email": None if privacy == "anonymous" else "warga@example.org",
        }
        complaint, _secret = create_complaint(data, channel=Channel.WEB, locale="id")
        click.echo(f"{complaint.tracking_code}  {title}")
    db.session.commit()
