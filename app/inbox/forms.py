"""The officer's action forms. Every message is ours: WTForms has no Indonesian catalog."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired

from app.web.forms import VersionedForm, required_text

TEXT_MAX = 5000

# The version field is rendered by hand as a hidden input without an id (templates/inbox/
# _case.html): four forms share one page.


def _text(label: str, message: str, hint: str | None = None) -> TextAreaField:
    return required_text(label, message, TEXT_MAX, hint)


class StartForm(VersionedForm):
    pass


class RespondForm(VersionedForm):
    response = _text(
        _l("Response to the reporter"),
        _l("Write the response to the reporter"),
        _l("The reporter reads this on the tracking page."),
    )


class ForwardForm(VersionedForm):
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


class ResolveForm(VersionedForm):
    outcome = _text(
        _l("What was done"),
        _l("Describe what was done to resolve the report"),
        _l("The reporter reads this and can confirm or reopen the report."),
    )


ACTION_FORMS: dict[str, type[VersionedForm]] = {
    "start": StartForm,
    "respond": RespondForm,
    "forward": ForwardForm,
    "resolve": ResolveForm,
}
