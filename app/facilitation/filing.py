"""Filing on someone's behalf, for the intake views (web form, check your answers, JSON API).

Who files is decided in one place, `filing_facilitator()`: the signed-in facilitator, or —
for a report queued offline and sent later — the facilitator whose registered device signed
it (devices.py). On-behalf answers from anyone else are refused, never dropped: a report
must not lose its consent record, nor gain one nobody may vouch for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from flask import current_app, request
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import Role, User
from app.complaints.models import Complaint, ConsentMethod
from app.complaints.operations import Facilitation
from app.extensions import db
from app.facilitation import devices
from app.facilitation.forms import (
    ON_BEHALF_FIELDS,
    SOMEONE_ELSE,
    YES,
    FacilitatorApiForm,
    FacilitatorFilingForm,
)
from app.intake.forms import ApiComplaintForm, FilingForm
from app.notifications.models import OutboxMessage
from app.web.access import current_user

REFUSED = _l(
    "Only a signed-in facilitator can file a report on behalf of someone else. If your "
    "session ended, sign in again in another tab and send this form again: your answers "
    "are kept here."
)
REFUSED_API = _l(
    "Only a signed-in facilitator, or a facilitator's registered device, can file a report "
    "on behalf of someone else (filing_for, consent_method, consent_on, organisation_shown)."
)
NOT_THE_FACILITATOR = _l(
    "This report is filed on someone else's behalf, and you are no longer signed in as the "
    "facilitator who filled it in. Sign in again and fill in the form again: nothing was sent."
)
FACILITATOR_ID = "facilitator_id"  # in a draft's answers: who may send it


def filing_facilitator() -> User | None:
    """The facilitator filing this request: the signed-in one, else (a queued API request
    whose session has ended) the one whose registered device signed it; else None."""
    user = current_user()
    if user is not None:
        return user if _files_for_others(user) else None
    found = devices.device_facilitator()
    return found if found is not None and _files_for_others(found) else None


def _files_for_others(user: User) -> bool:
    return user.active and user.role is Role.FACILITATOR and user.organisation_id is not None


def submitted_on_behalf(fields: Mapping[str, object]) -> list[str]:
    """The on-behalf answers present in a request (empty values do not count)."""
    return [name for name in ON_BEHALF_FIELDS if fields.get(name) not in (None, "")]


def web_form(facilitator: User | None, **kwargs: object) -> FilingForm:
    """The filing form for this filer. A facilitator gets the on-behalf questions; so does a
    POST that carries on-behalf answers without one (an ended session, or a forged form),
    to refuse them with every answer kept. Everyone else gets the form as it always was."""
    if facilitator is not None:
        return FacilitatorFilingForm(organisation=facilitator.organisation.name, **kwargs)
    if request.method == "POST" and submitted_on_behalf(request.form):
        return FacilitatorFilingForm(refused=str(REFUSED), **kwargs)
    return FilingForm(**kwargs)


def api_form(facilitator: User | None, formdata: Mapping[str, str]) -> ApiComplaintForm:
    form_class = FacilitatorApiForm if facilitator is not None else ApiComplaintForm
    return form_class(formdata=formdata)


def api_refusal(fields: Mapping[str, object], facilitator: User | None) -> str | None:
    """Why on-behalf answers in an API request are refused (422), or None.

    Not when a registered filing device signed them and the signature did not count (a
    revoked device, an ended account): that complaint is filed without a facilitator and its
    receipt says "attributed": false, so a report queued on a phone is never held back
    (devices.py says why)."""
    if devices.device_checked() is False:
        return None
    if facilitator is None and submitted_on_behalf(fields):
        return str(REFUSED_API)
    return None


def draft_answers(form: FilingForm, facilitator: User | None) -> dict:
    """What a draft keeps: the answers, and for a facilitator who files it and on whose
    behalf (checked again when it is sent)."""
    answers = form.cleaned().as_dict()
    if isinstance(form, FacilitatorFilingForm) and facilitator is not None:
        answers |= form.on_behalf_answers() | {FACILITATOR_ID: facilitator.id}
    return answers


def prefill(data: dict, facilitator: User | None) -> dict:
    form_class = FacilitatorFilingForm if facilitator is not None else FilingForm
    return form_class.prefill(data)


class NotTheFacilitator(Exception):
    """A draft filed on someone's behalf, sent by someone else than who filled it in."""

    message = NOT_THE_FACILITATOR


def facilitation_of(answers: Mapping[str, object], facilitator: User | None) -> Facilitation | None:
    """The consent record of validated on-behalf answers (a draft's or the API form's), for
    create_complaint; None when filed for oneself. Raises NotTheFacilitator when the
    answers are on someone's behalf but `facilitator` is not who gave them."""
    if answers.get("filing_for") != SOMEONE_ELSE:
        return None
    if facilitator is None:
        raise NotTheFacilitator()
    expected = answers.get(FACILITATOR_ID)
    if expected is not None and expected != facilitator.id:
        raise NotTheFacilitator()
    return Facilitation(
        facilitator=facilitator,
        consent_method=ConsentMethod(answers["consent_method"]),
        consent_on=date.fromisoformat(str(answers["consent_on"])),
        organisation_shown=answers["organisation_shown"] == YES,
    )


def api_facilitation(form: ApiComplaintForm, facilitator: User | None) -> Facilitation | None:
    if not isinstance(form, FacilitatorApiForm):
        return None
    return facilitation_of(form.on_behalf_answers(), facilitator)


def check_rows(data: Mapping[str, object]) -> list[tuple[str, str, str]]:
    """(label, answer, id to change it) for check your answers; none for a citizen."""
    if "filing_for" not in data:
        return []
    if data["filing_for"] != SOMEONE_ELSE:
        return [(_("Who the report is for"), _("Myself"), "filing_for-0")]
    return [
        (_("Who the report is for"), _("Someone else, with their consent"), "filing_for-0"),
        (
            _("How they agreed"),
            str(ConsentMethod(data["consent_method"]).title),
            "consent_method-0",
        ),
        (
            _("When they agreed"),
            format_date(date.fromisoformat(str(data["consent_on"])), format="long"),
            "consent_on",
        ),
        (
            _("The agency may see the organisation"),
            _("Yes") if data["organisation_shown"] == YES else _("No"),
            "organisation_shown-0",
        ),
    ]


CLAIM_PATH = "/akun/klaim"  # where a complainant adds a report to their account (citizens' work)


@dataclass(frozen=True)
class Slip:
    """What the receipt of a report filed on someone's behalf adds: it is printed and handed
    to the complainant, so it says how they follow it and take it over themselves."""

    organisation: str
    track_address: str
    claim_address: str
    sent_by: list[str]  # the channels a receipt message was queued on ("email", "sms")
    for_facilitator: bool  # the filer is looking: show what they do next (never printed)


def receipt_slip(complaint: Complaint) -> Slip | None:
    """The slip for the receipt page of a complaint filed on someone's behalf, else None."""
    if complaint.facilitator_id is None or complaint.organisation is None:
        return None
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    paths = current_app.url_map.bind("localhost")
    channels = db.session.scalars(
        select(OutboxMessage.channel).where(
            OutboxMessage.complaint_id == complaint.id, OutboxMessage.event_id.is_(None)
        )
    )
    viewer = filing_facilitator()
    return Slip(
        organisation=complaint.organisation.name,
        track_address=base + paths.build("tracking.track"),
        claim_address=base + CLAIM_PATH,
        sent_by=sorted({channel.value for channel in channels}),
        for_facilitator=viewer is not None and viewer.id == complaint.facilitator_id,
    )
