"""Masked published texts: each kind of personal data, stored at publication, corrected by a
verifier with an audit event, and who may correct."""

import re

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.complaints.lifecycle import Action, Actor
from app.complaints.models import ComplaintEvent, EventKind
from app.extensions import db
from app.publishing.masking import mask
from app.publishing.models import PublishedNote
from tests.conftest import csrf_token
from tests.publishing.conftest import db_complaint

pytestmark = pytest.mark.db

# (personal data, the kind of token that must replace it), in a sentence a reporter might write
CASES = [
    ("Petugas bernama Ahmad Hidayat meminta uang.", "Ahmad Hidayat", "NAME"),
    ("NIK saya 3201011508950001 ditolak.", "3201011508950001", "NIK"),
    ("Nomor KK 3201012345670002 tidak terdaftar.", "3201012345670002", "KK"),
    ("Hubungi saya di 0812-3456-7890.", "0812-3456-7890", "PHONE"),
    ("Email saya budi.s@gmail.com.", "budi.s@gmail.com", "EMAIL"),
    ("Saya tinggal di Jalan Melati Gg. Mawar No. 5", "Jalan Melati Gg. Mawar No. 5", "ADDRESS"),
    ("Mobil B 1234 XYZ parkir di trotoar.", "B 1234 XYZ", "PLATE"),
    ("Transfer ke rekening BCA 1234567890 diminta.", "1234567890", "BANK_ACCOUNT"),
    ("Anak saya lahir 15 Agustus 2015 belum dapat akta.", "15 Agustus 2015", "BIRTH_DATE"),
]


@pytest.mark.parametrize(("text", "value", "kind"), CASES)
def test_each_kind_of_personal_data_is_masked(app, text, value, kind):
    with app.app_context():
        masked = mask(text)
    assert value not in masked
    assert re.search(rf"\[{kind}_1\]", masked), masked


@pytest.mark.parametrize(("text", "value", "kind"), CASES)
def test_published_title_description_and_notes_are_masked(
    app, client, make_complaint, publish, text, value, kind
):
    code, _ = make_complaint(title=f"Pungutan liar {text}"[:150], description=text)
    publish(code, (Action.RESPOND, Actor.OFFICER, f"Kami tindak lanjuti. {text}"))
    with app.app_context():
        complaint = db_complaint(code)
        assert value not in complaint.published_title
        assert value not in complaint.published_description
        notes = db.session.scalars(select(PublishedNote.note)).all()
        assert notes and all(value not in note for note in notes)
    page = client.get(f"/laporan/{code}").get_data(as_text=True)
    assert value not in page
    assert f"[{kind}_1]" in page
    listing = client.get("/laporan").get_data(as_text=True)
    assert value not in listing


@pytest.mark.parametrize(
    ("text", "street"),
    [
        ("Bu Siti yang tinggal di Gang Mawar 3 sakit.", "Gang Mawar 3"),
        ("rumah saya di gang mawar 3 kebanjiran", "gang mawar 3"),
        ("Rumah pak Budi di Gang Mawar III roboh.", "Gang Mawar III"),
        ("Alamat: Jalan Kenanga 12, Bandung.", "Jalan Kenanga 12"),
        ("Dia tinggal di Gang Kelinci dekat pasar.", "Gang Kelinci"),
        ("Kontrakan saya di Lorong Damai nomor 4 bocor.", "Lorong Damai nomor 4"),
    ],
)
def test_a_street_someone_lives_on_is_masked_even_without_a_house_number(app, text, street):
    with app.app_context():
        masked = mask(text)
    assert street not in masked and street.lower() not in masked.lower(), masked
    assert "[ADDRESS_1]" in masked, masked


@pytest.mark.parametrize(
    "text",
    [
        "Lubang besar di Jalan Kenanga 12 membahayakan pengendara.",
        "Rumah sakit di Jalan Kenanga 12 menolak pasien BPJS.",
        "Jalan Tol Cipularang KM 97 rusak parah.",
    ],
)
def test_where_the_problem_is_stays_readable(app, text):
    """A street without a house number, not said to be anyone's home, is where the service
    failed: the public and the agency need it."""
    with app.app_context():
        assert mask(text) == text


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("Tagihan tambahan di RSUP Prof. Ngoerah", "Tagihan tambahan di RSUP Prof. Ngoerah"),
        ("RSUP Dr. Sardjito menolak pasien BPJS.", "RSUP Dr. Sardjito menolak pasien BPJS."),
        ("Puskesmas dr. Ahmad tutup siang.", "Puskesmas dr. Ahmad tutup siang."),
        ("No interpreter at Hasan Sadikin hospital.", "No interpreter at Hasan Sadikin hospital."),
        ("Kami penerima PBI BPJS tahun ini dicoret.", "Kami penerima PBI BPJS tahun ini dicoret."),
        ("Anak saya penerima KIP Kuliah belum cair.", "Anak saya penerima KIP Kuliah belum cair."),
        # the same name is a person's when no place word stands right before it
        ("Di rumah sakit, Dr. Budi memarahi saya.", "Di rumah sakit, Dr. [NAME_1] memarahi saya."),
        (
            "Dokter di RSUD dr. Soetomo bernama Budi Santoso memarahi saya.",
            "Dokter di RSUD dr. Soetomo bernama [NAME_1] memarahi saya.",
        ),
    ],
)
def test_a_place_named_after_a_person_stays_readable(app, text, masked):
    with app.app_context():
        assert mask(text) == masked


def test_a_name_ends_where_the_complaint_goes_on(app):
    """ "meminta uang" (asked for money) is what the complaint is about, not part of the name."""
    with app.app_context():
        masked = mask("Petugas bernama Ahmad Hidayat meminta uang. Lalu Ahmad Hidayat pergi.")
    assert masked == "Petugas bernama [NAME_1] meminta uang. Lalu [NAME_1] pergi."


def test_a_home_street_keeps_one_token_and_years_are_not_house_numbers(app):
    with app.app_context():
        masked = mask(
            "Saya tinggal di Gang Mawar 3 sejak lama; rumah saya di Gang Mawar 3 kebanjiran. "
            "Ibu tinggal di Jalan Kenanga 5 tahun terakhir."
        )
    assert masked.count("[ADDRESS_1]") == 2 and "[ADDRESS_2] 5 tahun" in masked, masked


def test_one_person_keeps_one_token_across_the_report(app, make_complaint, publish):
    code, _ = make_complaint(
        title="Pungli oleh petugas bernama Ahmad Hidayat",
        description="Petugas bernama Ahmad Hidayat meminta uang, lalu Siti Aminah menolak.",
    )
    publish(code)
    with app.app_context():
        complaint = db_complaint(code)
        assert "[NAME_1]" in complaint.published_title
        assert "[NAME_1]" in complaint.published_description
        assert "[NAME_2]" in complaint.published_description


def test_search_never_finds_a_masked_value(client, make_complaint, publish):
    code, _ = make_complaint(description="Hubungi saya di 0812-3456-7890, lubang besar.")
    publish(code)
    assert code in client.get("/laporan?q=lubang").get_data(as_text=True)
    assert code not in client.get("/laporan?q=0812-3456-7890").get_data(as_text=True)


def correction_form(client, code, **fields):
    url = f"/verifikasi/{code}/terbitan"
    page = client.get(url).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    notes = dict(re.findall(r'name="(note-\d+)" rows="5">([^<]*)<', page))
    data = {"csrf_token": csrf_token(client, url), "version": version, **notes, **fields}
    return url, data


def test_a_verifier_corrects_the_published_version(
    app, client, make_complaint, publish, sign_in_as
):
    code, _ = make_complaint(
        title="Lubang di depan kantor", description="Lubang besar di depan kantor Bu Ratna."
    )
    publish(code, (Action.RESPOND, Actor.OFFICER, "Sudah kami cek bersama Pak Darmawan."))
    user_id = sign_in_as(client, Role.VERIFIER)
    url, data = correction_form(client, code)
    note_field = next(k for k in data if k.startswith("note-"))
    data.update(
        {
            "title": "Lubang di depan kantor [NAME_9]",
            "description": "Lubang besar di depan kantor.",
            note_field: "Sudah kami cek.",
            "reason": "Nama pegawai kantor terlewat",
        }
    )
    response = client.post(url, data=data)
    assert response.status_code == 303
    with app.app_context():
        complaint = db_complaint(code)
        assert complaint.published_title == "Lubang di depan kantor [NAME_9]"
        assert complaint.published_description == "Lubang besar di depan kantor."
        assert complaint.title == "Lubang di depan kantor"  # the original is kept
        (row,) = db.session.scalars(select(PublishedNote)).all()
        assert row.note == "Sudah kami cek." and row.corrected_at is not None
        (audit,) = db.session.scalars(
            select(ComplaintEvent).where(ComplaintEvent.kind == EventKind.PUBLISHED_CORRECTED)
        ).all()
        assert audit.public is False
        assert audit.actor_user_id == user_id
        assert audit.note == "Nama pegawai kantor terlewat"
    page = client.get(f"/laporan/{code}").get_data(as_text=True)
    assert "Lubang di depan kantor [NAME_9]" in page and "Sudah kami cek." in page
    assert "Nama pegawai kantor terlewat" not in page  # the reason is not public


def test_a_correction_needs_a_reason(app, client, make_complaint, publish, sign_in_as):
    code, _ = make_complaint()
    publish(code)
    sign_in_as(client, Role.VERIFIER)
    url, data = correction_form(client, code, title="Judul baru", description="Isi", reason="")
    response = client.post(url, data=data)
    assert response.status_code == 422
    with app.app_context():
        assert db_complaint(code).published_title != "Judul baru"


def test_who_may_correct(app, client, make_complaint, publish, sign_in_as):
    code, _ = make_complaint()  # region 32.73
    publish(code)
    url = f"/verifikasi/{code}/terbitan"
    assert client.get(url).status_code == 401
    with app.app_context():
        agency_id = db_complaint(code).agency_id
    from app.directory.models import Agency

    with app.app_context():
        agency_code = db.session.get(Agency, agency_id).code
    sign_in_as(client, Role.OFFICER, agency=agency_code)
    assert client.get(url).status_code == 403
    client.post("/keluar", data={"csrf_token": csrf_token(client, "/staf")})
    other = app.test_client()
    sign_in_as(other, Role.VERIFIER, region="33")
    assert other.get(url).status_code == 404
    mine = app.test_client()
    sign_in_as(mine, Role.VERIFIER, region="32")
    assert mine.get(url).status_code == 200
