"""Staff invitations: how verifiers, officers, supervisors, facilitators and administrators
get an account.

An administrator invites someone for one role (with its agency, region or organisation), on
/admin/undangan or with `flask users invite`. The invitation is a link that works once and
expires after INVITATION_DAYS; only the SHA-256 of its token is stored. The invitee opens it
and creates a passkey, and only when the passkey verifies is the account made — in the same
transaction that marks the invitation used and starts their session — so no account ever
exists without a way to sign in, and none is half-made. Staff never get emailed sign-in
links (app/accounts/operations.py `usable_link`); recovery codes are their backup.

A new invitation to the same address revokes the earlier pending one (the newest link is
the one that works); an address that already has an account is refused. Guessing
invitation tokens counts against the sign-in guessing limit (app/ratelimit.py).
"""

from __future__ import annotations

import base64
import binascii
import enum
import hashlib
import re
import secrets
from datetime import datetime, timedelta

from flask import (
    Response,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.exc import IntegrityError
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    RadioField,
    SelectChoice,
    StringField,
    SubmitField,
)

from app.accounts import bp
from app.accounts.models import (
    Invitation,
    Organisation,
    Role,
    User,
    new_passkey_handle,
)
from app.accounts.operations import find_agency, find_organisation
from app.accounts.passkeys import (
    expired,
    registration_options,
    store_passkey,
    verified_registration,
)
from app.accounts.views import begin_staff_session
from app.db import aware, utcnow
from app.directory.models import Agency, Region
from app.directory.queries import search_agencies
from app.extensions import db
from app.notifications.models import OutboxChannel, OutboxMessage
from app.ratelimit import challenge_requests, failed, sign_in_guesses
from app.web.access import public, staff
from app.web.errors import json_error

# The roles an administrator can invite, in the order the form offers them.
INVITABLE = (Role.OFFICER, Role.VERIFIER, Role.SUPERVISOR, Role.FACILITATOR, Role.ADMIN)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_EMAIL, MAX_NAME, MAX_ORGANISATION, MAX_QUERY, MAX_REGION = 254, 120, 150, 100, 13
PENDING_HANDLE = "invitation_passkey"  # session key: the invitee's new passkey handle
FLASH = "invitations"
LISTED = 200  # the admin page lists this many invitations at most, newest first


# --- rules -----------------------------------------------------------------------------------


class InvitationError(ValueError):
    """Everything wrong with an invitation request, as (field, translated message) pairs, so
    the admin page can put each message by its field and the CLI can print them all."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(str(message) for _field, message in problems))
        self.problems = problems


class State(enum.StrEnum):
    PENDING = "pending"
    USED = "used"
    EXPIRED = "expired"
    REVOKED = "revoked"


STATE_TITLES = {
    State.PENDING: _l("Pending"),
    State.USED: _l("Accepted"),
    State.EXPIRED: _l("Expired"),
    State.REVOKED: _l("Revoked"),
}


def state_of(invitation: Invitation, now: datetime | None = None) -> State:
    if invitation.used_at is not None:
        return State.USED
    if invitation.revoked_at is not None:
        return State.REVOKED
    if aware(invitation.expires_at) <= (now or utcnow()):
        return State.EXPIRED
    return State.PENDING


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_path(token: str) -> str:
    """The invitation's path (no host): for the CLI and for mail, outside any request."""
    return current_app.url_map.bind("").build("accounts.invitation", {"token": token})


def _single_spaces(text: str | None) -> str:
    return " ".join((text or "").split())


def _region(code: str, field: str, problems: list[tuple[str, str]]) -> Region | None:
    if len(code) > MAX_REGION or (found := db.session.get(Region, code)) is None:
        problems.append(
            (field, _l("No province or regency/city has the code %(code)s.", code=code[:20]))
        )
        return None
    return found


def find_agency_for(text: str) -> tuple[Agency | None, list[Agency]]:
    """The agency `text` names — its code (KEMENKES), its region's code (32.73), its exact
    name in either language, or the one agency whose code or name contains every word — and,
    when it names none, the agencies it might mean."""
    if found := find_agency(text):
        return found, []
    lowered = text.lower()
    exact = list(
        db.session.scalars(
            select(Agency)
            .where(
                (func.lower(Agency.name_id) == lowered) | (func.lower(Agency.name_en) == lowered)
            )
            .limit(2)
        )
    )
    if len(exact) == 1:
        return exact[0], []
    matches = search_agencies(text, limit=6)
    if len(matches) == 1:
        return matches[0], []
    return None, matches


def _agency(text: str, problems: list[tuple[str, str]]) -> Agency | None:
    if not text:
        problems.append(
            ("agency", _l("Enter the officer's agency: its code, such as KEMENKES, or its name"))
        )
        return None
    if len(text) > MAX_QUERY:
        problems.append(("agency", _l("Use %(max)s characters or fewer", max=MAX_QUERY)))
        return None
    found, candidates = find_agency_for(text)
    if found is not None:
        return found
    if candidates:
        listed = ", ".join(f"{a.name} ({a.code})" for a in candidates[:5])
        problems.append(
            (
                "agency",
                _l(
                    "Several agencies match “%(query)s”: %(agencies)s. Enter the code of the "
                    "one you mean.",
                    query=text,
                    agencies=listed,
                ),
            )
        )
    else:
        problems.append(
            (
                "agency",
                _l(
                    "No agency matches “%(query)s”. Enter its code, such as KEMENKES or 32.73, "
                    "or its name.",
                    query=text,
                ),
            )
        )
    return None


def _organisation(
    name: str, region: Region | None, problems: list[tuple[str, str]]
) -> Organisation | None:
    """An existing organisation by name (any case), or None when a new one is to be made."""
    if len(name) > MAX_ORGANISATION:
        problems.append(
            ("organisation", _l("Use %(max)s characters or fewer", max=MAX_ORGANISATION))
        )
        return None
    found = find_organisation(name)
    if found is not None and region is not None and found.region_code not in (None, region.code):
        problems.append(
            (
                "organisation_region",
                _l(
                    "%(name)s is already registered in another region (%(region)s). Leave the "
                    "region empty, or check the organisation's name.",
                    name=found.name,
                    region=found.region.name if found.region else found.region_code,
                ),
            )
        )
    return found


def invite(
    *,
    email: str | None,
    name: str | None = "",
    role: Role | str | None,
    agency: str | None = "",
    region: str | None = "",
    organisation: str | None = "",
    organisation_region: str | None = "",
    invited_by: User | None = None,
) -> tuple[Invitation, str]:
    """A new invitation and its token (to be shown or sent once; only its hash is kept), in
    the caller's transaction; a new organisation for a facilitator is made with it. Raises
    InvitationError, having changed nothing, when anything is wrong."""
    problems: list[tuple[str, str]] = []
    email = (email or "").strip().lower()
    name = _single_spaces(name)
    agency_text = _single_spaces(agency)
    region_code = (region or "").strip()
    organisation_name = _single_spaces(organisation)
    organisation_region_code = (organisation_region or "").strip()

    if not email:
        problems.append(("email", _l("Enter the email address of the person you are inviting")))
    elif len(email) > MAX_EMAIL or not EMAIL.match(email):
        problems.append(("email", _l("Enter an email address like name@example.go.id")))
    elif db.session.scalar(select(User.id).where(func.lower(User.email) == email)) is not None:
        problems.append(("email", _l("There is already an account with this email address")))
    if len(name) > MAX_NAME:
        problems.append(("name", _l("Use %(max)s characters or fewer", max=MAX_NAME)))

    chosen: Role | None = None
    try:
        chosen = Role(role) if role else None
    except ValueError:
        chosen = None
    if chosen is Role.CITIZEN:
        problems.append(
            ("role", _l("Citizens make their own accounts. Choose one of the staff roles."))
        )
        chosen = None
    elif chosen is None:
        problems.append(("role", _l("Choose the role of the person you are inviting")))

    found_agency = found_region = found_organisation = organisation_place = None
    if chosen is not None:
        if chosen is Role.OFFICER:
            found_agency = _agency(agency_text, problems)
        elif agency_text:
            problems.append(
                ("agency", _l("Only officers belong to an agency. Leave the agency empty."))
            )
        if region_code:
            if chosen is Role.VERIFIER:
                found_region = _region(region_code, "region", problems)
            else:
                problems.append(
                    ("region", _l("Only verifiers work for one region. Leave the region empty."))
                )
        if chosen is Role.FACILITATOR:
            if organisation_region_code:
                organisation_place = _region(
                    organisation_region_code, "organisation_region", problems
                )
            if not organisation_name:
                problems.append(
                    ("organisation", _l("Enter the organisation the facilitator files for"))
                )
            else:
                found_organisation = _organisation(organisation_name, organisation_place, problems)
        elif organisation_name or organisation_region_code:
            field = "organisation" if organisation_name else "organisation_region"
            problems.append(
                (
                    field,
                    _l(
                        "Only facilitators belong to an organisation. Leave the organisation empty."
                    ),
                )
            )
    if problems:
        raise InvitationError(problems)
    assert chosen is not None  # for the type checker: a problem was raised otherwise

    if chosen is Role.FACILITATOR and found_organisation is None:
        found_organisation = Organisation(name=organisation_name, region=organisation_place)
        db.session.add(found_organisation)
    now = utcnow()
    # The newest invitation is the one that works: an earlier pending one stops.
    db.session.execute(
        update(Invitation)
        .where(
            Invitation.email == email,
            Invitation.used_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
        )
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        token_hash=token_hash(token),
        email=email,
        name=name,
        role=chosen,
        agency=found_agency,
        region=found_region,
        organisation=found_organisation,
        invited_by=invited_by,
        created_at=now,
        expires_at=now + timedelta(days=current_app.config["INVITATION_DAYS"]),
    )
    db.session.add(invitation)
    db.session.flush()
    return invitation, token


def find_pending(token: str) -> Invitation | None:
    """The pending invitation with this token; None when unknown, used, revoked or expired
    (one answer for all, so a guess learns nothing)."""
    if not token or len(token) > 100:
        return None
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == token_hash(token))
    )
    if invitation is None or state_of(invitation) is not State.PENDING:
        return None
    return invitation


def _still_pending(invitation_id: int, now: datetime) -> ColumnElement[bool]:
    return (
        (Invitation.id == invitation_id)
        & Invitation.used_at.is_(None)
        & Invitation.revoked_at.is_(None)
        & (Invitation.expires_at > now)
    )


def claim(invitation: Invitation, user: User) -> bool:
    """Mark the invitation used by `user`, if it is still pending: the conditional UPDATE
    lets only one of two requests racing with the same link succeed."""
    now = utcnow()
    return (
        db.session.execute(
            update(Invitation)
            .where(_still_pending(invitation.id, now))
            .values(used_at=now, user_id=user.id)
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )


def revoke(invitation: Invitation) -> bool:
    """Stop a pending invitation's link from working; False if it was no longer pending."""
    now = utcnow()
    return (
        db.session.execute(
            update(Invitation)
            .where(_still_pending(invitation.id, now))
            .values(revoked_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )


def placement(invitation: Invitation) -> str:
    """Where the invitee will work: their agency, region or organisation, or ""."""
    if invitation.agency is not None:
        return invitation.agency.name
    if invitation.organisation is not None:
        return invitation.organisation.name
    if invitation.region is not None:
        return invitation.region.name
    return ""


def queue_email(invitation: Invitation, token: str) -> None:
    """Put the invitation mail in the outbox (sent by `flask notifications send`), in the
    administrator's language. The link comes from PUBLIC_BASE_URL, never the Host header."""
    locale = str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
    link = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + invitation_path(token)
    with force_locale(locale):
        subject = _("Your invitation to Suara Warga")
        body = render_template(
            "accounts/invitation_email.txt",
            invitation=invitation,
            link=link,
            place=placement(invitation),
        )
    db.session.add(
        OutboxMessage(
            channel=OutboxChannel.EMAIL,
            recipient=invitation.email,
            subject=subject,
            body=body.strip() + "\n",
            locale=locale,
        )
    )


# --- the administrator's page ----------------------------------------------------------------


class InvitationForm(FlaskForm):
    """The fields; `invite()` checks them (one set of rules for the page and the CLI)."""

    email = EmailField(_l("Email address"))
    name = StringField(
        _l("Full name (optional)"), description=_l("As the person will see it on their account.")
    )
    role = RadioField(
        _l("Role"),
        choices=[SelectChoice(role.value, role.title) for role in INVITABLE],
        validate_choice=False,
    )
    agency = StringField(
        _l("Agency (officers only)"),
        description=_l("Its code, such as KEMENKES or 32.73 (Kota Bandung), or its name."),
    )
    region = StringField(
        _l("Region (verifiers only, optional)"),
        description=_l(
            "The code of the province (32) or regency/city (32.73) the verifier works for. "
            "Leave it empty for a national verifier."
        ),
    )
    organisation = StringField(
        _l("Organisation (facilitators only)"),
        description=_l(
            "The community organisation the facilitator files for, such as “Kader Posyandu "
            "Sukamaju”. A new name adds the organisation."
        ),
    )
    organisation_region = StringField(
        _l("Organisation's region (optional)"),
        description=_l("For a new organisation: the code of its province or regency/city."),
    )
    send_email = BooleanField(_l("Also email the invitation link to this address"), default=True)
    submit = SubmitField(_l("Create invitation"))


ROLE_HINTS = {
    Role.OFFICER.value: _l("Handles the reports sent to one agency."),
    Role.VERIFIER.value: _l(
        "Checks new reports and sends them to the right agency; may work for one region."
    ),
    Role.SUPERVISOR.value: _l("Watches deadlines and escalations across all agencies."),
    Role.FACILITATOR.value: _l(
        "Files reports for people who cannot file themselves, for one organisation."
    ),
    Role.ADMIN.value: _l("Sees what verifiers and supervisors see, and invites staff."),
}
FIELDS = ["email", "name", "role", "agency", "region", "organisation", "organisation_region"]


def _listed() -> list[Invitation]:
    return list(
        db.session.scalars(
            select(Invitation)
            .order_by(Invitation.created_at.desc(), Invitation.id.desc())
            .limit(LISTED)
        )
    )


def _admin_page(
    form: InvitationForm, status: int = 200, created: dict | None = None
) -> tuple[str, int, dict[str, str]]:
    now = utcnow()
    listed = [(invitation, state_of(invitation, now)) for invitation in _listed()]
    return (
        render_template(
            "accounts/admin_invitations.html",
            form=form,
            fields=FIELDS,
            role_hints=ROLE_HINTS,
            pending=[i for i, state in listed if state is State.PENDING],
            earlier=[(i, state) for i, state in listed if state is not State.PENDING],
            states=State,
            state_titles=STATE_TITLES,
            placement=placement,
            created=created,
            days=current_app.config["INVITATION_DAYS"],
        ),
        status,
        # The page may carry a new invitation's link: never cached, never kept.
        {"Cache-Control": "no-store"},
    )


@bp.get("/admin/undangan")
@staff(Role.ADMIN)
def invitations() -> tuple[str, int, dict[str, str]]:
    return _admin_page(InvitationForm(formdata=None))


@bp.post("/admin/undangan")
@staff(Role.ADMIN)
def create_invitation() -> tuple[str, int, dict[str, str]]:
    """Show the new link in this response only (like recovery codes): it is never stored,
    so it cannot be shown again; an invitation whose link was lost is simply made anew."""
    form = InvitationForm()
    if not form.validate_on_submit():  # only the CSRF token is checked here
        return _admin_page(form, 400)
    try:
        invitation, token = invite(
            email=form.email.data,
            name=form.name.data,
            role=form.role.data,
            agency=form.agency.data,
            region=form.region.data,
            organisation=form.organisation.data,
            organisation_region=form.organisation_region.data,
            invited_by=g.user,
        )
    except InvitationError as error:
        for field, message in error.problems:
            form[field].errors = [*form[field].errors, message]
        return _admin_page(form, 422)
    if form.send_email.data:
        queue_email(invitation, token)
    db.session.commit()
    created = {
        "invitation": invitation,
        "link": url_for("accounts.invitation", token=token, _external=True),
        "emailed": bool(form.send_email.data),
    }
    return _admin_page(InvitationForm(formdata=None), 200, created)


class RevokeForm(FlaskForm):
    invitation = HiddenField()
    submit = SubmitField(_l("Revoke invitation"))


def _invitation_or_404(raw: object) -> Invitation:
    """The invitation by its id (the query's `undangan`, or the form's), or 404."""
    try:
        invitation_id = int(str(raw))
    except ValueError:
        abort(404)
    invitation = db.session.get(Invitation, invitation_id) if 0 < invitation_id < 2**62 else None
    if invitation is None:
        abort(404)
    return invitation


@bp.route("/admin/undangan/cabut", methods=["GET", "POST"])
@staff(Role.ADMIN)
def revoke_invitation() -> Response | str:
    """GET (?undangan=<id>) asks for confirmation, so a stray click revokes nothing; POST
    revokes. The id is in the query or the form, not the path: an invitation is no complaint,
    and this keeps it out of the complaint-scoping walk (tests/web/test_scoping.py)."""
    form = RevokeForm()
    if request.method == "POST":
        invitation = _invitation_or_404(form.invitation.data)
        if form.validate_on_submit() and revoke(invitation):
            db.session.commit()
            flash(
                _(
                    "The invitation for %(email)s is revoked: its link no longer works.",
                    email=invitation.email,
                ),
                FLASH,
            )
        return redirect(url_for("accounts.invitations"), code=303)
    invitation = _invitation_or_404(request.args.get("undangan", ""))
    form.invitation.data = str(invitation.id)
    state = state_of(invitation)
    return render_template(
        "accounts/admin_invitation_revoke.html",
        form=form,
        invitation=invitation,
        pending=state is State.PENDING,
        state_titles=STATE_TITLES,
        state=state,
        placement=placement(invitation),
    )


# --- accepting an invitation ---------------------------------------------------------------


def _gone_message() -> str:
    return _(
        "This invitation cannot be used: it was used already, has expired or was withdrawn. "
        "Ask your administrator for a new one."
    )


def _gone_page() -> tuple[str, int]:
    failed()  # unknown, used, revoked or expired: counts towards the guessing limit
    return render_template("accounts/invitation_invalid.html"), 410


@bp.get("/undangan/<token>")
@sign_in_guesses
@public
def invitation(token: str) -> tuple[str, int] | tuple[str, int, dict[str, str]]:
    """Who invites them, for what; and the button that creates their passkey (opening the
    page uses nothing up, so a mail scanner following the link does no harm)."""
    found = find_pending(token)
    if found is None:
        return _gone_page()
    return (
        render_template(
            "accounts/invitation.html", invitation=found, token=token, place=placement(found)
        ),
        200,
        {"Cache-Control": "no-store"},
    )


@bp.post("/undangan/<token>/opsi")
@sign_in_guesses
@challenge_requests
@public
def invitation_options(token: str) -> Response:
    """Passkey options for the account-to-be, whose random handle waits in the session (bound
    to this invitation) until the passkey comes back."""
    found = find_pending(token)
    if found is None:
        failed()
        return json_error(410, _gone_message())
    handle = new_passkey_handle()
    session[PENDING_HANDLE] = {
        "invitation": found.id,
        "handle": base64.urlsafe_b64encode(handle).decode(),
    }
    return registration_options(handle, found.email, found.name or found.email, [])


def _pending_handle(invitation: Invitation) -> bytes | None:
    pending = session.pop(PENDING_HANDLE, None)
    if not isinstance(pending, dict) or pending.get("invitation") != invitation.id:
        return None
    try:
        return base64.urlsafe_b64decode(str(pending.get("handle", "")))
    except (ValueError, binascii.Error):
        return None


@bp.post("/undangan/<token>/daftar")
@sign_in_guesses
@public
def accept_invitation(token: str) -> Response:
    """The passkey came back: verify it, then make the account, keep the passkey, use up the
    invitation and sign in — all in one transaction, or nothing."""
    found = find_pending(token)
    if found is None:
        failed()
        return json_error(410, _gone_message())
    handle = _pending_handle(found)
    new = verified_registration()  # uses up the challenge whatever happens next
    if not isinstance(new, Response) and handle is None:
        new = expired()
    if isinstance(new, Response):
        return new
    taken = _("There is already an account with this email address. Sign in with it instead.")
    if db.session.scalar(select(User.id).where(User.email == found.email)) is not None:
        return json_error(409, taken)
    user = User(
        email=found.email,
        name=found.name or found.email,
        role=found.role,
        agency_id=found.agency_id,
        region_code=found.region_code,
        organisation_id=found.organisation_id,
        passkey_handle=handle,
    )
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:  # someone made the account meanwhile
        db.session.rollback()
        return json_error(409, taken)
    if not claim(found, user):  # the other of two racing requests
        db.session.rollback()
        return json_error(410, _gone_message())
    store_passkey(user, new)
    begin_staff_session(user)  # commits the account, passkey, invitation and session together
    flash(
        _(
            "Welcome to Suara Warga, %(name)s. Your account is ready and your passkey is saved. "
            "Now create recovery codes: they let you sign in if you lose the device that has "
            "your passkey.",
            name=user.name,
        ),
        "welcome",
    )
    return jsonify({"redirect": url_for("accounts.home")})
