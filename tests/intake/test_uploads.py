"""Files are typed by content, photos lose every trace of metadata, nothing half-saved."""

import io

import pytest
from PIL import Image
from sqlalchemy import select

from app.complaints.models import Attachment
from tests.conftest import csrf_token
from tests.helpers import (
    API_COMPLAINT,
    ELF_EXECUTABLE,
    PDF,
    jpeg_with_gps,
    key,
    png,
    png_bomb,
    post_multipart,
)

pytestmark = pytest.mark.db


def submit(client, *files):
    return post_multipart(
        client, "/api/v1/complaints", API_COMPLAINT, list(files), **{"Idempotency-Key": key()}
    )


def stored(app, uploads):
    from app.extensions import db

    with app.app_context():
        names = list(db.session.scalars(select(Attachment.storage_name)))
    return names, sorted(p.name for p in uploads.iterdir())


def test_photo_metadata_is_removed(app, client, uploads):
    original = jpeg_with_gps()
    assert b"SecretCam" in original and b"GPSLatitude" in original  # the fixture is honest
    assert submit(client, (original, "IMG_0001.jpg")).status_code == 201
    names, files = stored(app, uploads)
    assert names == files and len(files) == 1
    data = (uploads / files[0]).read_bytes()
    for trace in (b"Exif", b"SecretCam", b"GPS", b"xmpmeta", b"taken at home"):
        assert trace not in data
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG" and image.size == (64, 48)
    assert not image.getexif() and "xmp" not in image.info and "exif" not in image.info


def test_client_filename_never_becomes_a_path(app, client, uploads):
    assert submit(client, (png(), "../../etc/passwd.png")).status_code == 201
    _, files = stored(app, uploads)
    assert len(files) == 1 and "passwd" not in files[0] and files[0].endswith(".png")
    assert not (uploads.parent / "etc").exists()


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (ELF_EXECUTABLE, "photo.jpg"),
        (b"MZ\x90\x00" + b"\x00" * 100, "photo.jpg"),
        (b"<html><script>alert(1)</script></html>", "photo.png"),
        (b"", "empty.jpg"),
        (b"\xff\xd8\xff\xe0" + b"garbage" * 20, "broken.jpg"),
        (png_bomb(), "bomb.png"),
    ],
    ids=[
        "elf-renamed-jpg",
        "exe-renamed-jpg",
        "html-renamed-png",
        "empty",
        "truncated-jpeg",
        "decompression-bomb",
    ],
)
def test_bad_files_are_refused_and_nothing_is_kept(app, client, uploads, content, name):
    response = submit(client, (png(), "ok.png"), (content, name))
    assert response.status_code == 422
    messages = response.get_json()["errors"]["attachments"]
    assert messages and messages[0].startswith(("File 2", "Berkas 2"))
    assert stored(app, uploads) == ([], [])


def test_pdf_and_audio_are_kept_as_sent(app, client, uploads):
    mp3 = b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" * 100
    assert submit(client, (PDF, "a.pdf"), (mp3, "a.mp3")).status_code == 201
    from app.extensions import db

    with app.app_context():
        kinds = sorted(a.kind.value for a in db.session.scalars(select(Attachment)))
    assert kinds == ["audio", "document"]


def test_a_20_mb_upload_is_refused_with_413_before_it_is_stored(app, client, uploads):
    big = b"\xff\xd8\xff\xe0" + b"\x00" * (20 * 1024 * 1024)
    response = submit(client, (big, "big.jpg"))
    assert response.status_code == 413
    assert response.get_json()["errors"]["_request"]
    assert stored(app, uploads) == ([], [])


def test_a_request_over_the_total_limit_is_refused_from_its_length(app, client, uploads):
    nine_mb = b"\xff\xd8\xff\xe0" + b"\x00" * (9 * 1024 * 1024)
    response = submit(client, *[(nine_mb, f"{i}.jpg") for i in range(4)])
    assert response.status_code == 413
    assert stored(app, uploads) == ([], [])


def test_web_form_big_file_gets_a_translated_413_page(app, client, uploads):
    token = csrf_token(client)
    big = b"\x00" * (11 * 1024 * 1024)
    response = post_multipart(client, "/lapor", {"csrf_token": token}, [(big, "x.jpg")])
    assert response.status_code == 413
    assert "10 MB" in response.get_data(as_text=True)
    assert stored(app, uploads) == ([], [])
