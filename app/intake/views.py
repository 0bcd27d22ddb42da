"""Filing on the web (form → check your answers → receipt) and through the JSON API."""

from __future__ import annotations

import json
import uuid
from datetime import date

from flask import (
    Response,
    abort,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from app.accounts.models import Role, User
from app.complaints import deadlines
from app.complaints.models import Complaint, ComplaintType, Privacy
from app.directory import queries
from app.duplicates import supporters
from app.duplicates.operations import published_by_code
from app.duplicates.queries import find_candidates
from app.extensions import db
from app.facilitation import devices, filing
from app.intake import bp
from app.intake.forms import ConfirmForm, FilingForm
from app.intake.models import Draft
from app.intake.operations import (
    KeyReused,
    discard_draft,
    find_draft,
    request_fingerprint,
    save_draft,
    send_draft,
    submit_via_api,
)
from app.intake.uploads import clean_all
from app.ratelimit import support_clicks
from app.web.access import current_user, public, public_api
from app.web.caching import offline_ready
from app.web.errors import json_error, render_error
from app.web.htmx import render_page_or_fragment

DRAFT = "draft"
RECEIPT = "receipt"
SUPPORT_OUTCOME = "support_outcome"  # for the confirmation: counted before? draft dropped?
SIMILAR_SHOWN = 3
API_FIELDS = (
    "type",
    "title",
    "description",
    "region_code",
    "category",
    "privacy",
    "occurred_on",
    "name",
    "email",
    "phone",
    *filing.ON_BEHALF_FIELDS,  # only from a facilitator (app/facilitation/filing.py)
)


def _filing_citizen() -> User | None:
    """The signed-in citizen filing, whose account then lists the complaint (or None)."""
    user = current_user()
    return user if user is not None and user.role is Role.CITIZEN else None


def _current_draft() -> Draft | None:
    return find_draft(session.get(DRAFT))


@bp.route("/lapor", methods=["GET", "POST"])
@public
@offline_ready
def file_form() -> Response | str | tuple[str, int]:
    draft = _current_draft()
    facilitator = filing.filing_facilitator()
    if request.method == "GET":
        data = filing.prefill(draft.data, facilitator) if draft else None
        form = filing.web_form(facilitator, formdata=None, data=data)
        response = make_response(render_template("intake/form.html", form=form, draft=draft))
        if draft or facilitator:  # the reporter's answers, an account's page: not for offline
            response.headers["Cache-Control"] = "no-store"
        return response

    form = filing.web_form(facilitator)
    if form.refresh.data:  # JavaScript off: fill the place lists, keep every answer
        return render_template("intake/form.html", form=form, draft=draft, refreshed=True)
    kept = 0 if (draft is None or form.remove_attachments.data) else len(draft.attachments)
    valid = form.validate_on_submit()
    chosen = [f.read() for f in form.attachments.data or [] if f and f.filename]
    files, file_errors = clean_all(chosen, already=kept)
    if file_errors:
        form.attachments.errors = [*form.attachments.errors, *file_errors]
    if not valid or file_errors:
        return render_template("intake/form.html", form=form, draft=draft), 422
    draft = save_draft(
        draft,
        filing.draft_answers(form, facilitator),
        files,
        drop_old_files=bool(form.remove_attachments.data),
    )
    db.session.commit()
    session[DRAFT] = draft.token
    return redirect(url_for("intake.check"), code=303)


@bp.get("/lapor/wilayah")
@public
@offline_ready
def places() -> Response:
    """The regency and district lists for the chosen province and regency (htmx)."""
    form = FilingForm(formdata=request.args, meta={"csrf": False})
    return render_page_or_fragment("intake/form.html", "intake/_places.html", form=form, draft=None)


@bp.get("/lapor/periksa")
@public
def check() -> Response | str:
    draft = _current_draft()
    if draft is None:
        return redirect(url_for("intake.file_form"))
    data = draft.data
    return render_template(
        "intake/check.html",
        draft=draft,
        data=data,
        form=ConfirmForm(),
        region=queries.region(data["region_code"]),
        category=queries.category(data["category"]),
        kind=ComplaintType(data["type"]),
        privacy=Privacy(data["privacy"]),
        occurred_on=date.fromisoformat(data["occurred_on"]) if data["occurred_on"] else None,
        on_behalf=filing.check_rows(data),
        # Published reports that look like this one: the reporter may support one instead.
        similar=find_candidates(
            f"{data['title']}\n{data['description']}",
            data["region_code"],
            published_only=True,
            limit=SIMILAR_SHOWN,
        ),
    )


@bp.route("/lapor/dukung/<code>", methods=["GET", "POST"])
@support_clicks
@public
def support(code: str) -> Response | str:
    """ "Me too": support a published report (from /laporan, or instead of sending a draft
    about the same problem).

    Counts once per person or device (`app.duplicates.supporters`): a reload, a second click
    or a new browser session does not count again. A draft is discarded with its files. The
    GET shows the confirmation, only to whoever supported (that person or device).
    """
    complaint = published_by_code(code)
    if complaint is None:
        abort(404)
    code = complaint.tracking_code
    if request.method == "GET":
        if not supporters.has_supported(complaint, supporters.current_supporter(create=False)):
            abort(404)
        # What the POST found, for this report (a reload says the same); else, coming back
        # later, the support was counted before.
        outcome = session.get(SUPPORT_OUTCOME) or {}
        if outcome.get("code") != code:
            outcome = {"already": True}
        return render_template(
            "intake/supported.html",
            complaint=complaint,
            already=outcome.get("already", False),
            draft_discarded=outcome.get("draft", False),
        )
    outcome = supporters.support_once(complaint, supporters.current_supporter(create=True))
    if outcome is supporters.Support.UNPUBLISHED:  # no longer published since it was shown
        abort(404)
    draft = _current_draft()
    if draft is not None:
        discard_draft(draft)
    db.session.commit()
    session.pop(DRAFT, None)
    session[SUPPORT_OUTCOME] = {
        "code": code,
        "already": outcome is supporters.Support.ALREADY,
        "draft": draft is not None,
    }
    response = redirect(url_for("intake.support", code=code), code=303)
    return supporters.remember_device(response)


@bp.post("/lapor/kirim")
@public
def send() -> Response | str | tuple[str, int]:
    form = ConfirmForm()
    draft = _current_draft()
    if draft is None:
        # Sent already (a double click), or expired: the receipt, if we have one, else the form.
        return redirect(url_for("intake.receipt" if RECEIPT in session else "intake.file_form"))
    if not form.validate_on_submit():
        return redirect(url_for("intake.check"))
    try:
        facilitation = filing.facilitation_of(draft.data, filing.filing_facilitator())
    except filing.NotTheFacilitator as refused:
        return render_error(403, str(refused.message))
    complaint, secret = send_draft(
        draft, str(get_locale()), facilitation=facilitation, owner=_filing_citizen()
    )
    db.session.commit()
    session.pop(DRAFT, None)
    session[RECEIPT] = {"code": complaint.tracking_code, "secret": secret}
    return redirect(url_for("intake.receipt"), code=303)


@bp.get("/lapor/tanda-terima")
@public
def receipt() -> Response | str:
    saved = session.get(RECEIPT)
    complaint = db.session.scalar(
        db.select(Complaint).where(Complaint.tracking_code == (saved or {}).get("code"))
    )
    if complaint is None:
        return redirect(url_for("intake.file_form"))
    secret = saved.get("secret")
    if secret:  # shown once: a reload shows the code but no longer the secret
        session[RECEIPT] = {"code": saved["code"], "secret": None}
    return render_template(
        "intake/receipt.html",
        complaint=complaint,
        secret=secret,
        slip=filing.receipt_slip(complaint),
        in_account=(owner := _filing_citizen()) is not None and owner.id == complaint.owner_id,
        verify_by=deadlines.verification_due(complaint.created_at),
        respond_by=deadlines.first_response_due(complaint.created_at),
    )


# --- JSON API -----------------------------------------------------------------------------


def _api_input() -> tuple[dict, list[bytes]] | Response:
    """The submitted fields and raw files, from JSON or multipart; or an error response."""
    if request.mimetype == "application/json":
        try:
            payload = json.loads(request.get_data().decode("utf-8"))
        except UnicodeDecodeError:
            return json_error(400, _("The request is not valid UTF-8 text."))
        except ValueError:
            return json_error(400, _("The request body is not valid JSON."))
        if not isinstance(payload, dict):
            return json_error(400, _("The request body must be a JSON object."))
        try:  # "\ud800" is valid JSON but no text: it could not be stored
            json.dumps(payload, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            return json_error(400, _("The request is not valid UTF-8 text."))
        return payload, []
    if request.mimetype == "multipart/form-data":
        fields = {k: request.form.get(k) for k in request.form}
        if any("\ufffd" in (v or "") for v in fields.values()):
            return json_error(400, _("The request is not valid UTF-8 text."))
        return fields, [f.read() for f in request.files.getlist("attachments") if f]
    return json_error(415, _("Send the complaint as JSON or as multipart form data."))


@bp.post("/api/v1/complaints")
@public_api
def api_submit() -> Response | tuple[Response, int]:
    key = request.headers.get("Idempotency-Key", "").strip()
    try:
        key = str(uuid.UUID(key))
    except ValueError:
        return json_error(
            400,
            _("The Idempotency-Key header is required and must be a UUID."),
            "Idempotency-Key",
        )
    parsed = _api_input()
    if isinstance(parsed, Response):
        return parsed
    fields, raw_files = parsed
    facilitator = filing.filing_facilitator()
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(fields) - set(API_FIELDS))
    if unknown:
        errors["_request"] = [_("Unknown fields: %(names)s", names=", ".join(unknown))]
    for name in API_FIELDS:
        if fields.get(name) is not None and not isinstance(fields[name], str):
            errors[name] = [_("This must be text.")]
    refusal = filing.api_refusal(fields, facilitator)
    if refusal:
        errors.setdefault("_request", []).append(refusal)
    fingerprint = request_fingerprint(fields, raw_files)
    files, file_errors = clean_all(raw_files)
    if file_errors:
        errors["attachments"] = file_errors
    if errors:
        return _unprocessable(errors)
    form = filing.api_form(facilitator, MultiDict({k: v for k, v in fields.items() if v}))
    if not form.validate():
        return _unprocessable(form.errors)
    try:
        status, body = submit_via_api(
            key,
            fingerprint,
            form.cleaned().as_dict(),
            files,
            str(get_locale()),
            lambda code: url_for("tracking.api_status", code=code, _external=True),
            facilitation=(facilitation := filing.api_facilitation(form, facilitator)),
            owner=_filing_citizen(),
            receipt=devices.receipt_attribution(facilitation is not None),
        )
    except KeyReused:
        return json_error(
            422,
            _(
                "The Idempotency-Key %(key)s was already used for a different complaint. "
                "Use a new key for a new complaint.",
                key=key,
            ),
            "Idempotency-Key",
        )
    db.session.commit()
    response = Response(
        json.dumps(body, sort_keys=True), status=status, mimetype="application/json"
    )
    response.headers["Location"] = body["status_url"]
    return response


def _unprocessable(errors: dict) -> tuple[Response, int]:
    messages = {field: [str(m) for m in found] for field, found in errors.items()}
    response = Response(
        json.dumps({"errors": messages}, sort_keys=True), mimetype="application/json"
    )
    return response, 422
