"""The verifier's action forms. Every message is ours: WTForms has no Indonesian catalog."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.web.forms import VersionedForm, required_text

REASON_MAX = 2000


class DispatchForm(VersionedForm):
    # The value of the button pressed: one click on a suggestion or a search result.
    agency = StringField(
        _l("Agency"), validators=[DataRequired(_l("Choose the agency to send it to"))]
    )


def _reason(label: str, message: str, hint: str | None = None) -> TextAreaField:
    return required_text(label, message, REASON_MAX, hint)


class MergeForm(VersionedForm):
    # A possible duplicate picked from the list, or any earlier report's code typed in.
    into = RadioField(_l("Earlier report"), choices=[], validate_choice=False)
    other = StringField(
        _l("Or the tracking code of another earlier report"),
        validators=[Optional(), Length(max=20)],
    )
    reason = _reason(
        _l("Message to the reporter"),
        _l("Tell the reporter why their report joins the earlier one"),
        _l("The reporter reads this and will follow the earlier report."),
    )


class RequestInfoForm(VersionedForm):
    reason = _reason(
        _l("Question for the reporter"),
        _l("Write the question the reporter should answer"),
        _l("The deadline pauses until the reporter answers on the tracking page."),
    )


class ArchiveForm(VersionedForm):
    reason = _reason(
        _l("Why this is not a public-service matter"),
        _l("Tell the reporter why the report is archived"),
        _l("The reporter reads this and can answer back."),
    )


class FlagForm(VersionedForm):
    reason = _reason(
        _l("Why this report is held for review"),
        _l("Give the reason for holding the report"),
        _l("For abuse or a hoax. Nothing is deleted; the reporter reads this and can appeal."),
    )


ACTION_FORMS: dict[str, type[VersionedForm]] = {
    "dispatch": DispatchForm,
    "merge": MergeForm,
    "request_info": RequestInfoForm,
    "archive": ArchiveForm,
    "flag": FlagForm,
}
