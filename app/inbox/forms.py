"""The officer's action forms. Every message is ours: WTForms has no Indonesian catalog."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

TEXT_MAX = 5000


class _Versioned(FlaskForm):
    """Carries the version the officer saw, so a change made meanwhile is caught.

    Rendered by hand as a hidden input without an id: four forms share one page.
    """

    version = IntegerField(
        validators=[InputRequired(_l("This form is out of date. Reload the page."))]
    )


def _text(label: str, message: str, hint: str | None = None) -> TextAreaField:
    return TextAreaField(
        label,
        description=hint,
        validators=[
            DataRequired(message),
            Length(max=TEXT_MAX, message=_l("Use %(max)s characters or fewer", max=TEXT_MAX)),
        ],
    )


class StartForm(_Versioned):
    pass


class RespondForm(_Versioned):
    response = _text(
        _l("Response to the reporter"),
        _l("Write the response to the reporter"),
        _l("The reporter reads this on the tracking page."),
    )


class ForwardForm(_Versioned):
    # The code of the agency chosen from the search results (radio buttons).
    agency = StringField(
        _l("Agency to forward to"),
        validators=[DataRequired(_l("Choose the agency to forward the report to"))],
    )
    reason = _text(
        _l("Why this agency should handle it"),
        _l("Give the reason for forwarding"),
        _l("The verifier and the reporter read this. The new agency's deadline starts now."),
    )


class ResolveForm(_Versioned):
    outcome = _text(
        _l("What was done"),
        _l("Describe what was done to resolve the report"),
        _l("The reporter reads this and can confirm or reopen the report."),
    )


ACTION_FORMS: dict[str, type[_Versioned]] = {
    "start": StartForm,
    "respond": RespondForm,
    "forward": ForwardForm,
    "resolve": ResolveForm,
}
