"""Small forms shared by every page."""

from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, SubmitField


class LanguageForm(FlaskForm):
    next = HiddenField()
    id = SubmitField("Bahasa Indonesia")
    en = SubmitField("English")


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
