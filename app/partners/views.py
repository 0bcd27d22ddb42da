"""The administrator's page of partner API keys (/admin/kunci-api): issue one (shown once),
see every key with its prefix, permissions and last use, revoke one after a confirmation.
Works without JavaScript."""

from __future__ import annotations

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectMultipleField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from app.accounts.models import Role
from app.extensions import db
from app.partners import bp
from app.partners.keys import SCOPES, IssueError, issue, listed, revoke
from app.partners.models import PartnerKey
from app.web.access import staff

FLASH = "partner-keys"
FIELDS = ["name", "scopes", "agency"]


class KeyForm(FlaskForm):
    """The fields; `issue()` checks them (one set of rules for the page and the CLI)."""

    name = StringField(
        _l("Partner's name"),
        description=_l("Who uses the key, such as “Dinas Kesehatan Kota Bandung case system”."),
    )
    scopes = SelectMultipleField(
        _l("Permissions"),
        choices=[SelectChoice(scope, label) for scope, label in SCOPES.items()],
        validate_choice=False,
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
    )
    agency = StringField(
        _l("Agency (optional)"),
        description=_l(
            "Its code, such as KEMENKES or 32.73 (Kota Bandung), if the key is an agency's."
        ),
    )
    submit = SubmitField(_l("Create API key"))


class RevokeForm(FlaskForm):
    key = HiddenField()
    submit = SubmitField(_l("Revoke API key"))


def _page(
    form: KeyForm, status: int = 200, created: dict | None = None
) -> tuple[str, int, dict[str, str]]:
    return (
        render_template(
            "partners/admin_keys.html",
            form=form,
            fields=FIELDS,
            keys=listed(),
            scopes=SCOPES,
            created=created,
        ),
        status,
        {"Cache-Control": "no-store"},  # may carry a new key
    )


@bp.get("/admin/kunci-api")
@staff(Role.ADMIN)
def keys() -> tuple[str, int, dict[str, str]]:
    return _page(KeyForm(formdata=None))


@bp.post("/admin/kunci-api")
@staff(Role.ADMIN)
def create_key() -> tuple[str, int, dict[str, str]]:
    """The key is in this response only: it is never stored, so never shown again."""
    form = KeyForm()
    if not form.validate_on_submit():  # only the CSRF token is checked here
        return _page(form, 400)
    try:
        record, key = issue(form.name.data, form.scopes.data or [], form.agency.data, g.user)
    except IssueError as error:
        for field, message in error.problems:
            form[field].errors = [*form[field].errors, message]
        return _page(form, 422)
    db.session.commit()
    return _page(KeyForm(formdata=None), 200, {"record": record, "key": key})


def _key_or_404(raw: object) -> PartnerKey:
    if not isinstance(raw, str) or not raw.isdigit() or len(raw) > 12:
        abort(404)
    found = db.session.get(PartnerKey, int(raw))
    if found is None:
        abort(404)
    return found


@bp.route("/admin/kunci-api/cabut", methods=["GET", "POST"])
@staff(Role.ADMIN)
def revoke_key() -> Response | str:
    """GET (?kunci=<id>) asks for confirmation; POST revokes. The id is in the query, not
    the path, like invitations (app/accounts/invitations.py says why)."""
    form = RevokeForm()
    if request.method == "POST":
        record = _key_or_404(form.key.data)
        if form.validate_on_submit() and revoke(record):
            db.session.commit()
            flash(
                _("The API key of %(name)s is revoked: it no longer works.", name=record.name),
                FLASH,
            )
        return redirect(url_for("partners.keys"), code=303)
    record = _key_or_404(request.args.get("kunci", ""))
    form.key.data = str(record.id)
    return render_template(
        "partners/admin_key_revoke.html", form=form, record=record, scopes=SCOPES
    )
