"""Small forms shared by every page."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, IntegerField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length
from wtforms.widgets import HiddenInput


class LanguageForm(FlaskForm):
    next = HiddenField()
    id = SubmitField("Bahasa Indonesia")
    en = SubmitField("English")


class VersionedForm(FlaskForm):
    """Carries the version of the complaint the person acting saw (optimistic locking), so a
    change someone else made meanwhile is caught instead of silently overwritten."""

    version = IntegerField(
        widget=HiddenInput(),
        validators=[InputRequired(_l("This form is out of date. Reload the page."))],
    )


def too_long(limit: int) -> Length:
    """A length limit with our own message: WTForms has no Indonesian catalog."""
    return Length(max=limit, message=_l("Use %(max)s characters or fewer", max=limit))


def required_text(
    label: str,
    message: str,
    max: int,
    hint: str | None = None,
    *,
    filters: Sequence[Callable] = (),
    validators: Sequence[Callable] = (),
) -> TextAreaField:
    """A required free-text answer (a reason, a response, a reply) of at most `max`
    characters; `message` says what to write when it is left empty."""
    return TextAreaField(
        label,
        description=hint,
        filters=list(filters),
        validators=[DataRequired(message), too_long(max), *validators],
    )


def describedby(field: Field, *extra: str) -> str:
    """Ids of the hint, any extra description, and the error, in reading order."""
    ids = [f"{field.id}-hint"] if field.description else []
    ids += [e for e in extra if e]
    if field.errors:
        ids.append(f"{field.id}-error")
    return " ".join(ids)


def field_attrs(field: Field, *extra_described: str, **attrs: object) -> dict:
    """The attributes every control gets: its description links and its error state."""
    described = describedby(field, *extra_described)
    if described:
        attrs["aria-describedby"] = described
    if field.errors:
        attrs["aria-invalid"] = "true"
    return attrs
