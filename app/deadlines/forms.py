"""The oversight filter form: a GET form, so every filtered list has its own address."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField


class FilterForm(FlaskForm):
    class Meta:
        csrf = False  # it only reads

    # Choices are filled per request; values outside them are checked in the view with our
    # own translated messages (validate_choice=False), so a stale link is explained, not a 500.
    agency = SelectField(_l("Agency"), validate_choice=False)
    province = SelectField(_l("Province"), validate_choice=False)
    status = SelectField(_l("Status"), validate_choice=False)
