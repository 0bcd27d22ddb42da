"""The questions a facilitator answers when filing for someone else, and the reply form of
their case page. Every message is ours: WTForms has no Indonesian catalog."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import Field, RadioField, SelectChoice
from wtforms.validators import StopValidation, ValidationError

from app.complaints import deadlines
from app.complaints.models import ConsentMethod
from app.db import utcnow
from app.intake.forms import (
    ApiComplaintForm,
    FilingForm,
    LocalDateField,
    clean_text,
    readable,
)
from app.web.forms import VersionedForm, required_text

MYSELF, SOMEONE_ELSE = "myself", "someone_else"
YES, NO = "yes", "no"
# The on-behalf answers, named alike on the web form and in the JSON API (so a report queued
# offline from the form is sent through the API with the same names).
ON_BEHALF_FIELDS = ("filing_for", "consent_method", "consent_on", "organisation_shown")
# Indonesia's easternmost time zone: where "today" begins first. A consent recorded today in
# Papua must not count as "in the future" on a server that keeps Jakarta time.
EASTERNMOST = ZoneInfo("Asia/Jayapura")
REPLY_MAX = 5000


class OptionalDateField(LocalDateField):
    """A date that may be left empty without a parse error: whether one is needed depends
    on another answer, so the form decides."""

    def process_formdata(self, valuelist: list) -> None:
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        super().process_formdata(valuelist)


def local_today() -> date:
    return deadlines.local_date(utcnow())


def latest_today() -> date:
    """The date somewhere in Indonesia right now, at its latest (WIT)."""
    return datetime.now(EASTERNMOST).date()


def _titled(enum_cls: type) -> list[SelectChoice]:
    return [SelectChoice(member.value, member.title) for member in enum_cls]


class OnBehalfFields:
    """Mixed into a filing form for a signed-in facilitator (or, to refuse them with the
    answers kept, when on-behalf answers arrive from anyone else).

    Choosing "someone else" makes the consent questions required and the complainant's
    contact optional: they follow the report with the code and secret on their receipt.
    Choosing "myself" ignores the consent answers (they are the form's conditional
    questions, shown to everyone without JavaScript).
    """

    # The web form asks; the API treats a missing answer as "myself" unless consent is given.
    FILING_FOR_REQUIRED = True
    ON_BEHALF_ORDER = ON_BEHALF_FIELDS

    filing_for = RadioField(
        _l("Who is this report for?"),
        choices=[
            SelectChoice(MYSELF, _l("Myself")),
            SelectChoice(SOMEONE_ELSE, _l("Someone else, with their consent")),
        ],
        validate_choice=False,
    )
    consent_method = RadioField(
        _l("How did they agree that you file this report for them?"),
        choices=_titled(ConsentMethod),
        validate_choice=False,
    )
    consent_on = OptionalDateField(
        _l("When did they agree?"),
        description=_l("For example 17/8/2026. It cannot be in the future."),
        default=local_today,
    )
    organisation_shown = RadioField(
        _l("May the agency see which organisation filed this report?"),
        description=_l(
            "Ask the complainant. Your own name is never shown to the agency. For an anonymous "
            "report, the organisation's name can make the complainant easier to recognise."
        ),
        choices=[
            SelectChoice(YES, _l("Yes, show the organisation")),
            SelectChoice(NO, _l("No, do not show it")),
        ],
        validate_choice=False,
    )

    FILING_FOR_HINTS = {
        SOMEONE_ELSE: _l(
            "They get their own receipt with the tracking code and secret, and can follow the "
            "report themselves or add it to their own account later."
        ),
    }

    def __init__(self, *args: object, organisation: str | None = None, **kwargs: object) -> None:
        """`organisation`: the facilitator's, named in the consent question; None when the
        filer is no facilitator (the answers are then refused, see `refused`)."""
        self.refused: str | None = kwargs.pop("refused", None)  # type: ignore[assignment]
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        if organisation:
            self.organisation_shown.label.text = _l(
                "May the agency see that this report was filed via %(organisation)s?",
                organisation=organisation,
            )

    @property
    def on_behalf(self) -> bool:
        return self.filing_for.data == SOMEONE_ELSE

    def validate(self, extra_validators: dict | None = None) -> bool:
        valid = super().validate(extra_validators)  # type: ignore[misc]
        if self.refused:
            self.filing_for.errors = [*self.filing_for.errors, self.refused]
            return False
        return valid

    def _given(self) -> bool:
        """Whether any consent answer was given (the API's "did they mean on behalf?")."""
        return bool(
            self.consent_method.data or self.consent_on.raw_data or self.organisation_shown.data
        )

    def validate_filing_for(self, field: Field) -> None:
        if not field.data:
            if self.FILING_FOR_REQUIRED:
                raise ValidationError(_l("Choose who this report is for"))
            if self._given():
                raise ValidationError(
                    _l("To file for someone else, say so: filing_for must be “someone_else”")
                )
            return
        if field.data not in (MYSELF, SOMEONE_ELSE):
            raise ValidationError(_l("Choose myself or someone else"))

    def _skip_unless_on_behalf(self, field: Field) -> None:
        if not self.on_behalf:
            field.errors[:] = []  # a conditional question for another answer: not used
            raise StopValidation()

    def validate_consent_method(self, field: Field) -> None:
        self._skip_unless_on_behalf(field)
        if not field.data:
            raise ValidationError(_l("Choose how the complainant agreed"))
        if field.data not in {m.value for m in ConsentMethod}:
            raise ValidationError(_l("Choose spoken, written and signed, or thumbprint"))

    def validate_consent_on(self, field: Field) -> None:
        self._skip_unless_on_behalf(field)
        if field.errors:  # not a date at all: that message says it best
            raise StopValidation()
        if field.data is None:
            raise ValidationError(_l("Enter the date the complainant agreed"))
        if field.data > latest_today():
            raise ValidationError(_l("The date they agreed must be today or in the past"))
        days = current_app.config["CONSENT_MAX_AGE_DAYS"]
        if field.data < local_today() - timedelta(days=days):
            raise ValidationError(
                _l("The date they agreed must be within the last %(days)s days", days=days)
            )

    def validate_organisation_shown(self, field: Field) -> None:
        self._skip_unless_on_behalf(field)
        if field.data not in (YES, NO):
            raise ValidationError(
                _l("Choose whether the agency may see which organisation filed this report")
            )

    def validate_privacy(self, field: Field) -> None:
        """For someone else the contact may stay empty: the receipt is handed over."""
        if self.on_behalf:
            return
        super().validate_privacy(field)  # type: ignore[misc]

    def on_behalf_answers(self) -> dict:
        """The answers as plain values (kept in a draft); only "myself" when not on behalf."""
        if not self.on_behalf:
            return {"filing_for": MYSELF}
        return {
            "filing_for": SOMEONE_ELSE,
            "consent_method": self.consent_method.data,
            "consent_on": self.consent_on.data.isoformat(),
            "organisation_shown": self.organisation_shown.data,
        }


class FacilitatorFilingForm(OnBehalfFields, FilingForm):
    """The web form as a facilitator sees it: the on-behalf questions come first."""

    FIELD_ORDER = (*ON_BEHALF_FIELDS, *FilingForm.FIELD_ORDER)

    @staticmethod
    def prefill(data: dict) -> dict:
        values = FilingForm.prefill(data)
        values.pop("facilitator_id", None)
        if data.get("consent_on"):
            values["consent_on"] = date.fromisoformat(data["consent_on"])
        return values


class FacilitatorApiForm(OnBehalfFields, ApiComplaintForm):
    """The JSON API for a facilitator (a signed-in session or a registered device)."""

    FILING_FOR_REQUIRED = False


class CaseReplyForm(VersionedForm):
    """A facilitator answers a request for information, or adds information, for the
    complainant (the reporter's reply, in the life cycle)."""

    text = required_text(
        _l("Your answer"),
        _l("Write the answer"),
        REPLY_MAX,
        _l("The verifier reads it. Write what the complainant told you."),
        filters=[clean_text],
        validators=[readable],
    )
