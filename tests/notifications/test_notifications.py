"""Notifications: life-cycle events → outbox rows → SMTP (a real local server), with retries."""

from __future__ import annotations

import email
import email.policy
import threading
from datetime import timedelta

import pytest
import time_machine
from aiosmtpd.controller import Controller
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.complaints.lifecycle import Action, Actor, act
from app.complaints.models import Complaint
from app.db import utcnow
from app.extensions import db as _db
from app.notifications.delivery import claim, describe, retry_delay, send_due
from app.notifications.models import OutboxChannel, OutboxMessage, OutboxStatus
from app.notifications.providers import mask
from tests.conftest import free_port
from tests.helpers import agency, complaint

pytestmark = pytest.mark.db


# --- a real SMTP server on 127.0.0.1 -------------------------------------------------------


class Collector:
    """An aiosmtpd handler that keeps every message, and refuses addresses with 'refuse'."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if "refuse" in address:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted"


def body_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture
def mail_config(app):
    """Point the app at a port; restore the settings after the test."""
    saved = {k: app.config[k] for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_BACKEND")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_BACKEND="smtp")
    yield app.config
    app.config.update(saved)


@pytest.fixture
def smtp(mail_config):
    """A running SMTP server the app sends to; yields its collected messages."""
    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=mail_config["MAIL_PORT"])
    controller.start()
    yield handler.messages
    controller.stop()


@pytest.fixture
def ctx(app, db):
    with app.app_context():
        yield
        _db.session.rollback()


# --- helpers -------------------------------------------------------------------------------


def rows(code=None):
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if code:
        query = query.join(Complaint).where(Complaint.tracking_code == code)
    _db.session.expire_all()
    return list(_db.session.scalars(query))


def handle(code, *steps, locale=None):
    """Take life-cycle steps on a complaint and commit, as a request would."""
    c = complaint(code)
    if locale:
        c.locale = locale
    for action, actor, options in steps:
        act(c, action, actor, **options)
    _db.session.commit()
    return c


DISPATCH = (Action.DISPATCH, Actor.VERIFIER, {"agency": None})
RESPONSE = "Tim kami meninjau lokasi pada hari Kamis."
RESOLUTION = "Lubang sudah ditambal dan jalan diaspal ulang."
QUESTION = "Di depan sekolah mana tepatnya lubang itu?"


def dispatch():
    return (Action.DISPATCH, Actor.VERIFIER, {"agency": agency("PEMKOT3273")})


def handled_to_resolution(code, locale=None):
    return handle(
        code,
        dispatch(),
        (Action.RESPOND, Actor.OFFICER, {"reason": RESPONSE}),
        (Action.RESOLVE, Actor.OFFICER, {"reason": RESOLUTION}),
        locale=locale,
    )


# --- what is queued ------------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["id", "en"])
def test_reporter_is_told_in_their_language_with_link_and_never_the_secret(
    make_complaint, ctx, smtp, app, locale
):
    code, secret = make_complaint(privacy="confidential", name="Siti Rahayu")
    handled_to_resolution(code, locale=locale)
    asked, asked_secret = make_complaint(privacy="public")
    handle(asked, (Action.REQUEST_INFO, Actor.VERIFIER, {"reason": QUESTION}), locale=locale)

    queued = rows()
    assert [r.channel for r in queued] == [OutboxChannel.EMAIL] * 4
    assert {r.status for r in queued} == {OutboxStatus.PENDING}
    assert {r.locale for r in queued} == {locale}

    counts = send_due()
    assert counts.sent == 4 and counts.retrying == counts.failed == 0
    assert len(smtp) == 4
    assert all(m["To"] == "warga@example.org" for m in smtp)
    assert all(m["Auto-Submitted"] == "auto-generated" for m in smtp)
    dispatched, responded, resolved, info = smtp
    bandung = agency("PEMKOT3273")
    link = f"http://localhost:5000/lacak/{code}"
    for message in (dispatched, responded, resolved):
        body = body_of(message)
        assert code in message["Subject"] and code in body
        assert link in body
        assert secret not in body and secret not in message["Subject"]
        assert "Siti" not in body
        # A confidential report's title stays out of mailboxes.
        assert "Jalan berlubang" not in body
    assert f"http://localhost:5000/lacak/{asked}" in body_of(info)
    assert asked_secret not in body_of(info)
    assert QUESTION in body_of(info)
    assert RESPONSE in body_of(responded)
    assert RESOLUTION in body_of(resolved)

    if locale == "id":
        assert "Diverifikasi dan diteruskan ke instansi" in dispatched["Subject"]
        assert "Instansi memberi tanggapan" in responded["Subject"]
        assert "Instansi menyatakan sudah selesai" in resolved["Subject"]
        assert "Informasi tambahan diminta" in info["Subject"]
        assert "Sedang ditangani" in body_of(responded)  # the status, in Indonesian
        assert bandung.name_id in body_of(dispatched)
        assert "Content-Language: id" in str(dispatched)
    else:
        assert dispatched["Subject"] == f"Your report {code}: Verified and sent to the agency"
        assert responded["Subject"] == f"Your report {code}: The agency responded"
        assert resolved["Subject"] == f"Your report {code}: The agency marked it resolved"
        assert info["Subject"] == f"Your report {asked}: More information was requested"
        assert f"It was checked and sent to {bandung.name_en}" in body_of(dispatched)
        assert "The agency should respond by" in body_of(dispatched)
        assert "The agency's response:" in body_of(responded)
        assert "Status: Being handled" in body_of(responded)
        assert "Our question:" in body_of(info)
        assert "reopen it there before" in body_of(resolved)
        assert "We never send the secret by email" in body_of(resolved)
        assert "We never send the secret by email" in body_of(responded)  # confidential
        # A public report's mail names it; the reporter must answer, so is told how.
        assert "“Jalan berlubang di depan sekolah”" in body_of(info)
        assert "We never send the secret by email" in body_of(info)


def test_a_complaint_without_email_gets_no_email(make_complaint, ctx, app):
    code, _ = make_complaint(email=None, name="Budi", phone=None)
    handled_to_resolution(code)
    assert rows() == []


def test_an_anonymous_reporter_with_email_is_still_told_without_their_name(
    make_complaint, ctx, smtp
):
    code, secret = make_complaint(privacy="anonymous", name="Budi Santoso", phone="081234567890")
    handle(code, dispatch())
    send_due()
    (message,) = smtp
    body = body_of(message)
    assert code in body and secret not in body
    assert "Budi" not in body and "Santoso" not in body and "081234567890" not in body
    assert "Budi" not in message["Subject"]


def test_only_events_the_reporter_needs_are_sent(make_complaint, ctx):
    code, _ = make_complaint()
    handle(code, dispatch(), (Action.START, Actor.OFFICER, {}))
    assert [r.event_id for r in rows()] == [complaint(code).events[1].id]  # not STARTED


@pytest.mark.parametrize(
    ("action", "words"),
    [
        (Action.ARCHIVE, "you can reply on your report's page"),
        (Action.FLAG, "you can appeal on your report's page"),
        (Action.MERGE, "joined to an earlier report"),
    ],
)
def test_side_paths_tell_the_reporter_what_they_can_do(make_complaint, ctx, action, words):
    code, _ = make_complaint()
    earlier = complaint(make_complaint()[0])
    options = {"reason": "Alasan untuk pelapor."}
    if action is Action.MERGE:
        options["into"] = earlier
    handle(code, (action, Actor.VERIFIER, options), locale="en")
    (row,) = rows(code)
    assert words in row.body and "Alasan untuk pelapor." in row.body
    assert "Reason:" in row.body


def test_one_event_never_queues_twice_on_a_channel(make_complaint, ctx, app):
    from app.notifications.queueing import queue_for_event

    code, _ = make_complaint()
    c = handle(code, dispatch())
    queue_for_event(app, complaint=c, event=c.events[-1])
    with pytest.raises(IntegrityError):
        _db.session.flush()


# --- delivery ------------------------------------------------------------------------------


def test_a_mail_server_that_is_down_never_fails_the_action_and_mail_comes_later(
    make_complaint, ctx, mail_config, app
):
    code, _ = make_complaint()
    other, _ = make_complaint(title="Lampu jalan mati")
    before = utcnow()
    c = handle(code, dispatch())  # nothing listens on MAIL_PORT: the action still commits
    handle(other, dispatch())
    assert complaint(code).status.value == "verified" and c.agency is not None

    counts = send_due()
    assert (counts.sent, counts.retrying) == (0, 1)  # the server is down: the pass stops
    row, untouched = rows()
    assert untouched.attempts == 0 and untouched.status is OutboxStatus.PENDING
    assert row.status is OutboxStatus.PENDING and row.attempts == 1
    assert row.last_error.startswith("ConnectionRefusedError")
    assert "example.org" not in row.last_error
    next_at = row.next_attempt_at
    if next_at.tzinfo is None:  # SQLite gives back naive UTC
        next_at = next_at.replace(tzinfo=before.tzinfo)
    assert next_at >= before + timedelta(seconds=55)

    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=mail_config["MAIL_PORT"])
    controller.start()
    try:
        assert send_due().sent == 1  # the one never tried; the failed one is not due yet
        assert len(handler.messages) == 1 and other in handler.messages[0]["Subject"]
        with time_machine.travel(utcnow() + timedelta(minutes=2), tick=True):
            assert send_due().sent == 1
            assert send_due().sent == 0  # a second run sends nothing again
        assert send_due().sent == 0
    finally:
        controller.stop()
    assert len(handler.messages) == 2
    assert code in handler.messages[1]["Subject"]  # each exactly once
    row, _ = rows()
    assert row.status is OutboxStatus.SENT and row.attempts == 2 and row.sent_at is not None
    assert row.last_error is None


def test_after_the_last_attempt_a_message_is_marked_failed(make_complaint, ctx, mail_config):
    mail_config["NOTIFY_MAX_ATTEMPTS"], saved = 2, mail_config["NOTIFY_MAX_ATTEMPTS"]
    try:
        handle(make_complaint()[0], dispatch())
        assert send_due().retrying == 1
        with time_machine.travel(utcnow() + timedelta(hours=1), tick=True):
            assert send_due().failed == 1
            assert send_due().failed == 0
    finally:
        mail_config["NOTIFY_MAX_ATTEMPTS"] = saved
    (row,) = rows()
    assert row.status is OutboxStatus.FAILED and row.attempts == 2


def test_a_refused_address_fails_at_once_and_the_error_does_not_name_it(make_complaint, ctx, smtp):
    handle(make_complaint(email="refuse.me@example.org")[0], dispatch())
    handle(make_complaint()[0], dispatch())
    counts = send_due()
    assert (counts.sent, counts.failed) == (1, 1)
    refused, delivered = rows()
    assert refused.status is OutboxStatus.FAILED and refused.attempts == 1
    assert refused.last_error == "SMTPRecipientsRefused: 550"
    assert delivered.status is OutboxStatus.SENT
    assert len(smtp) == 1


def test_a_row_is_claimed_by_one_sender_only(make_complaint, ctx, smtp):
    handle(make_complaint()[0], dispatch())
    (row,) = rows()
    now = utcnow()
    assert claim(row.id, now) is True
    assert claim(row.id, now) is False  # the other sender loses
    assert claim(row.id, now + timedelta(hours=1)) is False  # even after the claim expired
    assert send_due().sent == 0  # it is someone else's now
    assert smtp == []


def test_two_senders_at_once_send_each_message_once(make_complaint, ctx, smtp, app):
    codes = [make_complaint(title=f"Laporan nomor {n}")[0] for n in range(8)]
    for code in codes:
        handle(code, dispatch())
    totals: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def sender() -> None:
        try:
            with app.app_context():
                start.wait()
                totals.append(send_due().sent)
        except BaseException as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sum(totals) == 8
    assert len(smtp) == 8
    assert sorted(next(c for c in codes if c in m["Subject"]) for m in smtp) == sorted(codes)


def test_a_claim_whose_sender_died_is_released_after_the_timeout(make_complaint, ctx, smtp):
    handle(make_complaint()[0], dispatch())
    (row,) = rows()
    assert claim(row.id, utcnow())  # …and the sender crashes here
    assert send_due().sent == 0
    with time_machine.travel(utcnow() + timedelta(minutes=16), tick=True):
        counts = send_due()
    assert (counts.requeued, counts.sent) == (1, 1)
    assert len(smtp) == 1
    (row,) = rows()
    assert row.status is OutboxStatus.SENT and row.attempts == 2


def test_the_cli_prints_counts_and_no_addresses(make_complaint, ctx, smtp, app):
    handle(make_complaint()[0], dispatch())
    handle(make_complaint()[0], dispatch())
    runner = app.test_cli_runner()
    result = runner.invoke(args=["notifications", "send"])
    assert result.exit_code == 0, result.output
    assert "sent 2" in result.output
    assert "@" not in result.output
    again = runner.invoke(args=["notifications", "send"])
    assert "sent 0" in again.output
    assert len(smtp) == 2


def test_old_finished_messages_are_purged_and_pending_ones_kept(make_complaint, ctx, smtp, app):
    handle(make_complaint()[0], dispatch())
    send_due()
    handle(make_complaint(title="Lampu jalan mati")[0], dispatch())  # still pending
    runner = app.test_cli_runner()
    assert "deleted 0" in runner.invoke(args=["notifications", "purge"]).output
    with time_machine.travel(utcnow() + timedelta(days=31), tick=True):
        assert "deleted 1" in runner.invoke(args=["notifications", "purge"]).output
    (left,) = rows()
    assert left.status is OutboxStatus.PENDING


def test_retries_back_off_exponentially_up_to_a_cap(app):
    with app.app_context():
        delays = [retry_delay(n).total_seconds() for n in range(1, 12)]
    assert delays[:4] == [60, 120, 240, 480]
    assert max(delays) == 6 * 3600 and delays[-1] == 6 * 3600


def test_errors_are_described_without_addresses():
    import smtplib

    error = smtplib.SMTPRecipientsRefused({"warga@example.org": (550, b"no such user")})
    assert describe(error) == "SMTPRecipientsRefused: 550"
    assert describe(ConnectionRefusedError(111, "Connection refused")) == (
        "ConnectionRefusedError: Connection refused"
    )


# --- text messages -------------------------------------------------------------------------


def test_a_phone_gets_a_short_text_through_the_console_provider(
    make_complaint, ctx, smtp, capsys, app
):
    code, secret = make_complaint(email=None, phone="081234567890", privacy="confidential")
    handle(code, dispatch(), locale="en")
    (row,) = rows()
    assert row.channel is OutboxChannel.SMS and row.subject is None
    assert len(row.body) < 160
    assert code in row.body and secret not in row.body
    assert send_due().sent == 1
    out = capsys.readouterr().out
    assert "•••••••••890" in out and "081234567890" not in out
    assert f"/lacak/{code}" in out
    assert smtp == []


def test_sms_can_be_turned_off(make_complaint, ctx, app):
    app.config["SMS_PROVIDER"], saved = "none", app.config["SMS_PROVIDER"]
    try:
        handle(make_complaint(phone="081234567890")[0], dispatch())
    finally:
        app.config["SMS_PROVIDER"] = saved
    assert [r.channel for r in rows()] == [OutboxChannel.EMAIL]


def test_phone_numbers_are_masked_but_the_last_three_digits():
    assert mask("+62 812-3456-7890") == "••••••••••890"
    assert mask("12") == "12"


def test_a_link_message_keeps_no_body_once_sent(make_complaint, ctx, smtp):
    link = OutboxMessage(
        channel=OutboxChannel.EMAIL,
        recipient="warga@example.org",
        subject="Masuk",
        body="https://example.org/masuk/a-secret-token-that-still-works",
        locale="id",
    )
    _db.session.add(link)
    handle(make_complaint()[0], dispatch())
    _db.session.commit()
    assert send_due().sent == 2
    assert "a-secret-token-that-still-works" in body_of(smtp[0])
    sent_link, sent_notice = sorted(rows(), key=lambda row: row.complaint_id is not None)
    assert sent_link.body == "" and sent_link.status is OutboxStatus.SENT
    assert sent_notice.body != ""  # complaint notices are kept until the purge
