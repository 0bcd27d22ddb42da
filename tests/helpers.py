"""Test data builders shared by several test modules."""

from __future__ import annotations

import io
import os
import re
import struct
import subprocess
import sys
import uuid
import zlib
from contextlib import contextmanager
from pathlib import Path

from PIL import Image
from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from app.complaints.models import Complaint
from app.directory.models import Agency
from app.extensions import db
from app.notifications.models import OutboxMessage

CSRF_VALUE = re.compile(r'(name="csrf_token" type="hidden" value=")[^"]+"')


def without_tokens(html: str) -> str:
    """The page with its CSRF tokens blanked: each carries the second it was signed in, so two
    otherwise identical pages differ when a test crosses a second boundary."""
    return CSRF_VALUE.sub(r'\1"', html)


API_COMPLAINT = {
    "type": "complaint",
    "title": "Jalan berlubang di depan sekolah",
    "description": "Lubang besar sudah dua bulan, motor sering jatuh kalau hujan.",
    "region_code": "32.73",
    "category": "roads",
    "privacy": "public",
    "email": "warga@example.org",
}

WEB_ANSWERS = {
    "type": "complaint",
    "title": "Air PDAM mati seminggu",
    "description": "Sejak Senin air tidak mengalir di RT 04.",
    "province": "32",
    "regency": "32.73",
    "district": "32.73.02",
    "occurred_on": "2026-11-20",
    "category": "water",
    "privacy": "anonymous",
    "name": "",
    "email": "",
    "phone": "",
}
"""The web filing form's answers (/lapor): an anonymous water complaint in Bandung."""


ROOT = Path(__file__).resolve().parent.parent


# A province, a ministry and a topic, in raw SQL, for migration tests that fill a database at
# an older revision before upgrading it.
MIGRATION_DIRECTORY_SQL = """
    insert into regions (code, name, level) values ('32', 'Jawa Barat', 1);
    insert into agencies (id, code, kind, name_id, name_en) values
        (1, 'KEMENPU', 'ministry', 'Kementerian PU', 'Ministry of Public Works');
    insert into categories (code, name_id, name_en, central_agency_id, service_level,
        keywords, position) values ('roads', 'Jalan', 'Roads', 1, 'regency', '', 0);
"""


def flask_on_sqlite(tmp_path: Path, *args: str) -> str:
    """Run the real `flask` command (`"db", "upgrade"`, ...) in the testing setup on the
    SQLite database tmp_path/m.db, as a deployment would; returns that database's URL."""
    url = f"sqlite:///{tmp_path / 'm.db'}"
    env = {
        **os.environ,
        "SUARA_ENV": "testing",
        "SUARA_INSTANCE": str(tmp_path),
        "FLASK_APP": "app",
        "DATABASE_URL": url,
    }
    flask = str(Path(sys.executable).parent / "flask")
    subprocess.run([flask, *args], env=env, cwd=ROOT, check=True, capture_output=True)
    return url


def complaint(code: str) -> Complaint:
    """The complaint with that tracking code (inside an app context); it must exist."""
    found = db.session.scalar(select(Complaint).where(Complaint.tracking_code == code))
    assert found is not None, code
    return found


def agency(code: str) -> Agency:
    """The agency with that directory code (inside an app context); it must exist."""
    found = db.session.scalar(select(Agency).where(Agency.code == code))
    assert found is not None, code
    return found


def outbox(app) -> list[OutboxMessage]:
    """Every outbox message, oldest first, detached so that a test can read them after the
    app context ends."""
    with app.app_context():
        found = list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        for row in found:
            db.session.expunge(row)
        return found


def key() -> str:
    return str(uuid.uuid4())


def jpeg_with_gps() -> bytes:
    """A real JPEG carrying EXIF (camera, GPS position) and an XMP packet."""
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0131] = "Firmware 1.0"  # Software
    gps = {1: "S", 2: (6.0, 54.0, 30.0), 3: "E", 4: (107.0, 36.0, 30.0)}
    exif[0x8825] = gps
    out = io.BytesIO()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>GPSLatitude 6,54.5S</rdf:RDF></x:xmpmeta>'
    image.save(out, format="JPEG", exif=exif, xmp=xmp, comment=b"taken at home")
    return out.getvalue()


def png(width: int = 32, height: int = 32) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (0, 128, 0, 255)).save(out, format="PNG")
    return out.getvalue()


def png_bomb(side: int = 30_000) -> bytes:
    """A tiny PNG that decodes to side × side pixels (900 megapixels by default)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)  # 8-bit greyscale
    row = b"\x00" + b"\x00" * side
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(200)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


ELF_EXECUTABLE = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def post_multipart(client, url: str, fields: dict, files: list[tuple[bytes, str]], **headers):
    """POST multipart/form-data from memory.

    The test client would spool a large body to a temporary file that nobody closes when the
    server stops reading early (a 413): encoding it ourselves keeps the test free of leaks.
    """
    values = MultiDict(fields)
    for content, name in files:
        values.add("attachments", FileStorage(io.BytesIO(content), filename=name))
    boundary, body = encode_multipart(values)
    return client.post(
        url, data=body, headers=headers, content_type=f"multipart/form-data; boundary={boundary}"
    )


@contextmanager
def statements(app):
    """Counts the SQL statements sent to the database inside the block (a list of them)."""
    from sqlalchemy import event

    from app.extensions import db

    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)
