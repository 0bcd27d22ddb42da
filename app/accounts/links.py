"""Emailed links for citizens' accounts: signing in, making an account, confirming an address.

One SignInLink row (only the token's hash is stored) serves three purposes, told apart by its
columns (see `link_purpose`): an account's link signs it in; a link for an address with no
account yet makes the account when it is used, so no account ever carries an address nobody
proved; an account's link to another address confirms that address, which only then becomes
the account's. Every link works once, within LINK_MINUTES, and its GET only shows a button
(app/accounts/views.py `sign_in`), so a mail scanner opening it uses nothing up.

Asking for a link answers the same whatever the address is: a citizen's, unknown, or staff's
(staff sign in with passkeys and recovery codes, never with a mailed link: they get none).
So the page never tells anyone whether an address has an account. The mail goes out through
the notifications outbox (`flask notifications send`), queued in the request's transaction;
the token is in the mail's body only, never in a log.
"""

from __future__ import annotations

import enum
import re
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from wtforms import EmailField, Field, SubmitField
from wtforms.validators import InputRequired, Length, ValidationError

from app.accounts.models import Role, SignInLink, User
from app.accounts.operations import LINK_MINUTES, usable_link
from app.accounts.operations import _hash as token_hash
from app.db import utcnow
from app.extensions import db
from app.notifications.models import OutboxChannel, OutboxMessage

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_EMAIL = 254


class Purpose(enum.StrEnum):
    SIGN_IN = "sign-in"  # an account's link
    CREATE = "create"  # an address with no account yet: the account is made on use
    CONFIRM = "confirm"  # an account's new address, which becomes its address on use


def normalise_email(raw: str | None) -> str:
    return (raw or "").strip().lower()


def check_email(_form: object, field: Field) -> None:
    """WTForms validator: something that looks like an email address (the mail proves it)."""
    if field.data and not EMAIL.match(field.data.strip()):
        raise ValidationError(_l("Enter an email address like name@example.com"))


class LinkRequestForm(FlaskForm):
    email = EmailField(
        _l("Email address"),
        description=_l(
            "For citizens' accounts. We email you a link that signs you in once, within "
            "%(minutes)s minutes. With no account yet, the link makes one.",
            minutes=LINK_MINUTES,
        ),
        validators=[
            InputRequired(_l("Enter your email address")),
            Length(max=MAX_EMAIL, message=_l("The email address is too long")),
            check_email,
        ],
    )
    submit = SubmitField(_l("Email me a sign-in link"))


# --- making and sending links --------------------------------------------------------------


def _new_link(user: User | None, email: str | None) -> str:
    token = secrets.token_urlsafe(32)
    db.session.add(
        SignInLink(
            user=user,
            email=email,
            token_hash=token_hash(token),
            expires_at=utcnow() + timedelta(minutes=LINK_MINUTES),
        )
    )
    db.session.flush()
    return token


def link_address(token: str) -> str:
    """The link's absolute address, from PUBLIC_BASE_URL (never from the Host header: a
    forged header must not put someone else's site into our mail)."""
    path = current_app.url_map.bind("localhost").build("accounts.sign_in", {"token": token})
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def _queue_mail(recipient: str, token: str, purpose: Purpose, locale: str) -> None:
    """Queue the link's mail in the caller's transaction, in the asker's language."""
    env = current_app.jinja_env
    context = {
        "purpose": purpose.value,
        "link": link_address(token),
        "minutes": LINK_MINUTES,
    }
    with force_locale(locale):
        subject = env.get_template("accounts/mail/link_subject.txt").render(context)
        body = env.get_template("accounts/mail/link_email.txt").render(context)
    db.session.add(
        OutboxMessage(
            channel=OutboxChannel.EMAIL,
            recipient=recipient,
            subject=" ".join(subject.split()),
            body=body.strip() + "\n",
            locale=locale,
        )
    )
    db.session.flush()


def _account_with(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def request_sign_in_link(raw_email: str, locale: str) -> None:
    """Queue a sign-in link for a citizen's address, or an account-making link for an
    address with no account; nothing for staff or a disabled account. The caller answers
    the same in every case."""
    email = normalise_email(raw_email)
    user = _account_with(email)
    if user is None:
        _queue_mail(email, _new_link(None, email), Purpose.CREATE, locale)
    elif user.role is Role.CITIZEN and user.active:
        _queue_mail(email, _new_link(user, None), Purpose.SIGN_IN, locale)


def request_email_change(user: User, raw_email: str, locale: str) -> None:
    """Queue a link to `raw_email` that makes it `user`'s address when used. An address that
    already belongs to an account gets nothing (the caller answers the same)."""
    email = normalise_email(raw_email)
    if _account_with(email) is None:
        _queue_mail(email, _new_link(user, email), Purpose.CONFIRM, locale)


# --- using them ------------------------------------------------------------------------------


def link_purpose(link: SignInLink) -> Purpose:
    if link.user is None:
        return Purpose.CREATE
    if link.email and link.email != link.user.email:
        return Purpose.CONFIRM
    return Purpose.SIGN_IN


def _use(link: SignInLink) -> bool:
    """Mark the link used, if nobody did meanwhile (one of two racing requests wins)."""
    return (
        db.session.execute(
            update(SignInLink)
            .where(SignInLink.id == link.id, SignInLink.used_at.is_(None))
            .values(used_at=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )


def _citizen_for(email: str) -> User | None:
    """The citizen account of a just-proven address: made now, or one made meanwhile (say
    with an earlier link); never a staff or disabled account."""
    existing = _account_with(email)
    if existing is not None:
        return existing if existing.role is Role.CITIZEN and existing.active else None
    user = User(email=email, name="", role=Role.CITIZEN)
    try:
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError:  # made by a request racing with this one
        return None
    return user


def _take_address(user: User, email: str) -> bool:
    """Give `user` the proven address `email`, unless another account has it by now."""
    if _account_with(email) is not None:
        return False
    try:
        with db.session.begin_nested():
            user.email = email
    except IntegrityError:
        return False
    return True


def redeem_link(token: str) -> tuple[User, Purpose] | None:
    """Use a link once: the citizen it signs in and what it did, or None when it is unknown,
    used, expired, or not for a citizen. The caller commits (with the new session)."""
    link = usable_link(token)  # the shared rules: unused, in time, never a staff member's
    if link is None:
        return None
    purpose = link_purpose(link)
    if link.user is not None and link.user.role is not Role.CITIZEN:
        return None
    if not _use(link):
        return None
    if purpose is Purpose.CREATE:
        user = _citizen_for(link.email or "")
    elif purpose is Purpose.CONFIRM:
        user = link.user if _take_address(link.user, link.email or "") else None
    else:
        user = link.user
    return (user, purpose) if user is not None else None


def redeemed_notice(purpose: Purpose, user: User) -> str | None:
    """What to tell someone who just used a link, on their account page."""
    if purpose is Purpose.CREATE:
        return _(
            "Your account is ready and your email address %(email)s is confirmed. Add a "
            "passkey or create recovery codes, so you can also sign in without email.",
            email=user.email,
        )
    if purpose is Purpose.CONFIRM:
        return _("Your email address is now %(email)s.", email=user.email)
    return None
