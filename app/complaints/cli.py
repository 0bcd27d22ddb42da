"""`flask demo load`: a few complaints so a newcomer sees a lived-in system (idempotent)."""

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

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


@demo_cli.command("load")
def load() -> None:
    """Add demonstration complaints, once: nothing happens if any complaint exists."""
    if db.session.scalar(select(func.count(Complaint.id))):
        click.echo("complaints exist already; demo data not added")
        return
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
