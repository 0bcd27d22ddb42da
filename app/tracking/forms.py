"""The reporter's answers on the tracking page. Every message is ours: WTForms has no
Indonesian catalog. The JSON API validates through these same forms, so both say the same."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectChoice, TextAreaField
from wtforms.validators import InputRequired, Optional, ValidationError

from app.complaints.lifecycle import Action
from app.intake.forms import clean_text, readable
from app.tracking.models import RATING_MAX, RATING_MIN
from app.web.forms import required_text, too_long

TEXT_MAX = 5000
COMMENT_MAX = 1000


def _text(label: str, message: str, hint: str | None = None) -> TextAreaField:
    return required_text(
        label, message, TEXT_MAX, hint, filters=[clean_text], validators=[readable]
    )


class _ReporterForm(FlaskForm):
    # The version of the report the reporter saw: a change made meanwhile is caught.
    version = HiddenField()


class ReplyForm(_ReporterForm):
    text = _text(_l("Your reply"), _l("Write your reply"))


class AppealForm(_ReporterForm):
    text = _text(
        _l("Why the report should be looked at again"),
        _l("Write why your report should be looked at again"),
        _l("For example, what shows that the problem is real."),
    )


class ReopenForm(_ReporterForm):
    text = _text(
        _l("What is still wrong"),
        _l("Write what is still wrong"),
        _l("The agency reads this and has to answer again."),
    )


class ConfirmForm(_ReporterForm):
    rating = RadioField(
        _l("How well was your report handled?"),
        description=_l("1 is very badly, 5 is very well."),
        choices=[SelectChoice(str(n), str(n)) for n in range(RATING_MIN, RATING_MAX + 1)],
        validators=[InputRequired(_l("Choose a rating from 1 to 5"))],
        validate_choice=False,
    )
    comment = TextAreaField(
        _l("Comment (optional)"),
        description=_l("What went well, or what could be better. Only the agency reads it."),
        filters=[clean_text],
        validators=[Optional(), too_long(COMMENT_MAX), readable],
    )

    def validate_rating(self, field: RadioField) -> None:
        """Our own message for 0, 6 or "abc": WTForms' own is not translated."""
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Choose a rating from 1 to 5"))


FORMS: dict[Action, type[_ReporterForm]] = {
    Action.REPLY: ReplyForm,
    Action.APPEAL: AppealForm,
    Action.CONFIRM: ConfirmForm,
    Action.REOPEN: ReopenForm,
}
# Where each form posts, in the tracking page's Indonesian URLs.
STEPS: dict[str, Action] = {
    "balas": Action.REPLY,
    "banding": Action.APPEAL,
    "selesai": Action.CONFIRM,
    "buka-lagi": Action.REOPEN,
}
