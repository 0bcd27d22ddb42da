"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) under /open311/v2/.

How our model maps onto the spec:
- service = topic (category): service_code is its code; metadata true (the attributes below).
- service request = complaint; service_request_id is its tracking code (K7M3-Q9XD). Only
  published complaints are ever returned (app/publishing: verified, public or anonymous, texts
  with personal data masked); a confidential one is absent from lists and 404 by id, and an
  anonymous one carries no identity (the spec's request fields have no reporter anyway).
- status: `closed` once resolved or closed, else `open`; the finer state (translated) and the
  agency's latest public note (masked) go in status_notes.
- jurisdiction_id: an agency code (KEMENKES, or a region code such as 32.73 for its local
  government); it filters requests to that agency's.
- POST needs a partner API key with `open311:write` (app/partners/keys.py) and feeds the same
  intake as the web form and the JSON API (app/intake/operations.submit_via_api). Our place is
  a Kemendagri region code: `address_id` or `attribute[region_code]` (lat/long and
  address_string are kept in the description: we do not geocode). Idempotent: send an
  `Idempotency-Key` header (or `attribute[idempotency_key]`); a retry with the same key and
  body gets the same answer. The id is returned directly, never a token: /tokens/{token}
  answers 404 in the spec's error format.
- GET requests: the spec's filters (service_request_id, which overrides the others;
  service_code and status, comma-separated; start_date/end_date at most 90 days apart,
  default the most recent 90 days) and its volume: the first 1000. Paging (an extension):
  `page` (from 1) and `page_size` (1–1000, default 1000). Errors are the spec's: 404 for an
  unknown jurisdiction_id (and, on POST, service_code), 400 for anything else unusable.
- Browsers: every GET answers with `Access-Control-Allow-Origin: *` (open data, no
  credentials ever); POST does not (partners call it server to server). Failed API keys are
  rate-limited per client (app/ratelimit.py `api_key_guesses`); the 429 is in the spec's
  error format too.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from flask import Response, current_app, g, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter import RateLimitExceeded
from sqlalchemy import Select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from app.complaints.models import Complaint, ComplaintType, Privacy, Status
from app.db import aware
from app.directory import queries as directory
from app.directory.models import Category, ServiceLevel
from app.extensions import db
from app.intake.forms import TITLE_MAX, ApiComplaintForm
from app.intake.operations import KeyReused, request_fingerprint, submit_via_api
from app.open311 import bp
from app.open311.render import FORMATS, errors, respond
from app.partners.keys import OPEN311_WRITE
from app.publishing.queries import (
    PublicEvent,
    public_description,
    public_timeline,
    public_timelines,
    public_title,
    published_complaint,
    published_complaints,
)
from app.web.access import partner_api, public_api
from app.web.errors import NulCharacter, nul_message, retry_after_seconds

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-28T00:00:00+00:00"  # when this API last changed: update with it
CLOSED = (Status.RESOLVED, Status.CLOSED)
WINDOW = timedelta(days=90)
PAGE_SIZE, PAGE_SIZE_MAX, PAGE_MAX = 1000, 1000, 100_000  # the spec: the first 1000
IDEMPOTENCY_MAX = 200
NAMESPACE = uuid.UUID("5b0d8f0e-31a1-4c55-9a0f-0e5f3c1d6a11")  # Open311 keys → our UUID keys
ATTRIBUTES = ("region_code", "privacy", "type", "title", "idempotency_key")
FIELD_NAMES = {  # our form's field → the Open311 name a partner sent
    "category": "service_code",
    "region_code": "address_id",
    "name": "first_name",
    "privacy": "attribute[privacy]",
    "type": "attribute[type]",
    "title": "attribute[title]",
}
GROUPS = {
    ServiceLevel.CENTRAL: _l("National services"),
    ServiceLevel.PROVINCE: _l("Provincial services"),
    ServiceLevel.REGENCY: _l("Regency and city services"),
}


def _bad_format(fmt: str) -> Response | None:
    if fmt in FORMATS:
        return None
    return errors(400, [_("Unknown format. Use .json or .xml.")])


def _refuse(status: int, message: str) -> Response:
    """Key refusals (app/web/access.partner_api) in the format the URL asked for."""
    fmt = request.path.rsplit(".", 1)[-1]
    return errors(status, [message], fmt)


@bp.errorhandler(NulCharacter)
def nul_character(_error: NulCharacter) -> Response:
    return errors(400, [nul_message()], _fmt())


@bp.errorhandler(RateLimitExceeded)
def too_many_failed_keys(_error: RateLimitExceeded) -> Response:
    """429 in the spec's error format and the URL's format, with Retry-After (the app-wide
    handler would answer with an HTML page)."""
    wait = retry_after_seconds()
    message = _(
        "Too many requests with a missing or wrong API key from here. Wait %(seconds)d "
        "seconds (Retry-After), then try again with a valid key.",
        seconds=wait,
    )
    response = errors(429, [message], _fmt())
    response.headers["Retry-After"] = str(wait)
    return response


@bp.after_request
def open_data_for_browsers(response: Response) -> Response:
    """Let web pages on any site read the open data: GET (and HEAD) answers, errors included,
    carry `Access-Control-Allow-Origin: *`. Never credentials (no cookie or key authorises a
    GET here), and never on POST: partners call it server to server, and a browser page must
    not read what a key filed. No preflight handling: these GETs are "simple" requests (no
    custom headers; Accept-Language is safelisted), which browsers send without one."""
    if request.method in ("GET", "HEAD"):
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response


# --- discovery and services ------------------------------------------------------------------


@bp.get("/discovery.<fmt>")
@public_api
def discovery(fmt: str) -> Response:
    if (bad := _bad_format(fmt)) is not None:
        return bad
    data = {
        "changeset": CHANGESET,
        "contact": _("Suara Warga administrators, through the contact page of this site."),
        "key_service": _(
            "Partners get an API key from a Suara Warga administrator; it is needed only to "
            "create service requests."
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": url_for("open311.discovery", fmt=fmt, _external=True).rsplit("/", 1)[0],
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return respond(fmt, "discovery", None, data)


def _jurisdiction() -> tuple[int | None, Response | None]:
    """The agency id named by jurisdiction_id (None when not given), or an error."""
    code = request.values.get("jurisdiction_id", "").strip()
    if not code:
        return None, None
    from app.accounts.operations import find_agency

    agency = find_agency(code[:40])
    if agency is None:  # the spec: 404 for a jurisdiction_id not found
        return None, errors(404, [_("Unknown jurisdiction_id: use an agency code.")], _fmt())
    return agency.id, None


def _fmt() -> str:
    return (request.view_args or {}).get("fmt", "json")


def _service(category: Category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": _("Reports about %(topic)s.", topic=category.name),
        "metadata": True,
        "type": "realtime",
        "keywords": ", ".join(k.strip() for k in category.keywords.split(",") if k.strip()),
        "group": str(GROUPS.get(category.service_level, "")),
    }


@bp.get("/services.<fmt>")
@public_api
def services(fmt: str) -> Response:
    if (bad := _bad_format(fmt)) is not None:
        return bad
    _agency, bad = _jurisdiction()
    if bad is not None:
        return bad
    return respond(fmt, "services", "service", [_service(c) for c in directory.categories()])


def _values(pairs: list[tuple[str, object]]) -> list[dict]:
    return [{"key": key, "name": str(name)} for key, name in pairs]


def _attributes() -> list[dict]:
    def attribute(
        order: int, code: str, datatype: str, description: str, values: list[dict] | None = None
    ) -> dict:
        found = {
            "variable": True,
            "code": code,
            "datatype": datatype,
            "required": False,
            "datatype_description": description,
            "order": order,
            "description": description,
        }
        if values is not None:
            found["values"] = values
        return found

    return [
        attribute(
            1,
            "region_code",
            "string",
            _(
                "The Kemendagri code of the regency/city or district, like 32.73. Required "
                "unless address_id holds it."
            ),
        ),
        attribute(
            2,
            "privacy",
            "singlevaluelist",
            _(
                "Who may see the report. Default: public when an email or phone is given, "
                "else anonymous."
            ),
            _values([(p.value, p.title) for p in Privacy]),
        ),
        attribute(
            3,
            "type",
            "singlevaluelist",
            _("The kind of report. Default: complaint."),
            _values([(t.value, t.title) for t in ComplaintType]),
        ),
        attribute(
            4,
            "title",
            "string",
            _("A short title. Default: the start of the description."),
        ),
        attribute(
            5,
            "idempotency_key",
            "string",
            _(
                "Any text up to 200 characters, the same for every retry of one request "
                "(or send it as the Idempotency-Key header)."
            ),
        ),
    ]


@bp.get("/services/<code>.<fmt>")
@public_api
def service_definition(code: str, fmt: str) -> Response:
    if (bad := _bad_format(fmt)) is not None:
        return bad
    if directory.category(code) is None:
        return errors(404, [_("Unknown service_code.")], fmt)
    data = {"service_code": code, "attributes": _attributes()}
    return respond(fmt, "service_definition", None, data)


# --- service requests: reading ---------------------------------------------------------------


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else aware(moment).isoformat(timespec="seconds")


def _updated(complaint: Complaint) -> datetime:
    """When anything public last happened to it: its latest public event (loaded with it), or
    its filing. Never a step the public does not see (a claim, a correction of the published
    version): its time alone tells something."""
    return max((e.created_at for e in complaint.events if e.public), default=complaint.created_at)


def _status_notes(complaint: Complaint, timeline: list[PublicEvent]) -> str:
    """The finer state, then the agency's latest masked note, if any. Not a verifier's: on a
    published request those are questions and reasons written to the reporter before it was
    verified, not its state."""
    notes = [e.note for e in timeline if e.note and e.actor_role == "officer"]
    state = str(complaint.status.title)
    return f"{state}: {notes[-1]}" if notes else state


def _request(complaint: Complaint, timeline: list[PublicEvent]) -> dict:
    """One request with the spec's fields, from published, masked data only.

    Reads only what the list loads with each complaint (region with its parents, category,
    agency, events) plus `timeline`, so a list costs the same few queries for any length."""
    return {
        "service_request_id": complaint.tracking_code,
        "status": "closed" if complaint.status in CLOSED else "open",
        "status_notes": _status_notes(complaint, timeline),
        "service_name": complaint.category.name,
        "service_code": complaint.category_code,
        "description": f"{public_title(complaint)}\n\n{public_description(complaint)}",
        "agency_responsible": complaint.agency.name if complaint.agency else None,
        "service_notice": None,
        "requested_datetime": _iso(complaint.created_at),
        "updated_datetime": _iso(_updated(complaint)),
        "expected_datetime": None,
        "address": complaint.region.path,
        "address_id": complaint.region_code,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }


def _moment(name: str) -> datetime | None:
    """A w3 datetime from the query, in UTC (no offset: UTC); ValueError when unreadable."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    moment = datetime.fromisoformat(raw[:40])
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def _window() -> tuple[datetime, datetime]:
    """start_date/end_date, defaulting to the spec's most recent 90 days; ValueError when a
    date is unreadable or the range is reversed or longer than 90 days."""
    start, end = _moment("start_date"), _moment("end_date")
    if start is None and end is None:
        end = datetime.now(UTC)
    if start is None:
        start = end - WINDOW  # type: ignore[operator]
    if end is None:
        end = min(start + WINDOW, datetime.max.replace(tzinfo=UTC))
    if end < start or end - start > WINDOW:
        raise ValueError("range")
    return start, end


def _number(name: str, default: int, most: int) -> int:
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or len(raw) > 9 or not 1 <= int(raw) <= most:
        raise ValueError(name)
    return int(raw)


def _listed(values: str) -> list[str]:
    return [v.strip() for v in values.split(",") if v.strip()][:100]


@bp.get("/requests.<fmt>")
@public_api
def requests_list(fmt: str) -> Response:
    if (bad := _bad_format(fmt)) is not None:
        return bad
    ids = _listed(request.args.get("service_request_id", ""))
    if ids:  # the spec: it overrides all other arguments
        query = published_complaints().where(Complaint.tracking_code.in_([i.upper() for i in ids]))
        return _listing(fmt, query, 1, PAGE_SIZE_MAX)
    agency_id, bad = _jurisdiction()
    if bad is not None:
        return bad
    problems: list[str] = []
    try:
        start, end = _window()
    except (ValueError, OverflowError):
        start = end = None
        problems.append(
            _(
                "start_date and end_date must be dates like 2026-11-01T00:00:00+07:00, "
                "the end after the start, at most 90 days apart."
            )
        )
    try:
        page = _number("page", 1, PAGE_MAX)
        size = _number("page_size", PAGE_SIZE, PAGE_SIZE_MAX)
    except ValueError:
        page = size = 0
        problems.append(
            _(
                "page must be a whole number from 1, and page_size from 1 to %(most)d.",
                most=PAGE_SIZE_MAX,
            )
        )
    statuses = _listed(request.args.get("status", ""))
    if any(s not in ("open", "closed") for s in statuses):
        problems.append(_("status must be open, closed or both (open,closed)."))
    service_codes = _listed(request.args.get("service_code", ""))
    if any(directory.category(code) is None for code in service_codes):
        problems.append(_("Unknown service_code."))
    if problems:
        return errors(400, problems, fmt)
    query = published_complaints(since=start, until=end)
    if agency_id is not None:
        query = query.where(Complaint.agency_id == agency_id)
    if service_codes:
        query = query.where(Complaint.category_code.in_(service_codes))
    if set(statuses) == {"closed"}:
        query = query.where(Complaint.status.in_(CLOSED))
    elif set(statuses) == {"open"}:
        query = query.where(Complaint.status.not_in(CLOSED))
    return _listing(fmt, query, page, size)


def _listing(fmt: str, query: Select, page: int, size: int) -> Response:
    """One page of requests in a fixed number of queries, however many rows (no N+1): the
    complaints with their region, category and agency (joined), their events (one more
    query) and their stored masked notes (one more)."""
    query = query.options(selectinload(Complaint.events)).limit(size).offset((page - 1) * size)
    found = list(db.session.scalars(query))
    timelines = public_timelines(found)
    data = [_request(c, timelines[c.id]) for c in found]
    return respond(fmt, "service_requests", "request", data)


@bp.get("/requests/<code>.<fmt>")
@public_api
def request_one(code: str, fmt: str) -> Response:
    if (bad := _bad_format(fmt)) is not None:
        return bad
    complaint = published_complaint(code[:20])
    if complaint is None:  # unknown, not yet verified, or confidential: all the same
        return errors(404, [_("No published service request has this id.")], fmt)
    data = [_request(complaint, public_timeline(complaint))]
    return respond(fmt, "service_requests", "request", data)


@bp.get("/tokens/<token>.<fmt>")
@public_api
def token(token: str, fmt: str) -> Response:
    """We answer a POST with the service_request_id itself, so there are no tokens."""
    if (bad := _bad_format(fmt)) is not None:
        return bad
    return errors(
        404,
        [
            _(
                "This server returns service_request_id directly when a request is created; it "
                "does not use tokens."
            )
        ],
        fmt,
    )


# --- service requests: creating --------------------------------------------------------------


def _attribute(name: str) -> str:
    return (request.form.get(f"attribute[{name}]") or "").strip()


def _location_line() -> tuple[str, list[str]]:
    """What a partner said about the place beyond the region, kept in the description."""
    problems: list[str] = []
    parts: list[str] = []
    address = (request.form.get("address_string") or "").strip()[:300]
    if address:
        parts.append(address)
    lat, long = (request.form.get(k, "").strip() for k in ("lat", "long"))
    if lat or long:
        try:
            latitude, longitude = float(lat), float(long)
            if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
                raise ValueError
            parts.append(f"{latitude:.6f}, {longitude:.6f}")
        except ValueError:
            problems.append(_("lat and long must be a latitude and a longitude in degrees."))
    return (_("Location: %(place)s", place="; ".join(parts)) if parts else ""), problems


def _answers() -> tuple[dict, list[str]]:
    """The form's answers from the Open311 fields, or the problems."""
    problems: list[str] = []
    unknown = sorted(
        key[len("attribute[") : -1]
        for key in request.form
        if key.startswith("attribute[") and key[len("attribute[") : -1] not in ATTRIBUTES
    )
    if unknown:
        problems.append(_("Unknown attributes: %(names)s", names=", ".join(unknown)[:200]))
    if not (request.form.get("address_id") or "").strip() and not _attribute("region_code"):
        problems.append(
            _(
                "Give the place as address_id (or attribute[region_code]): the Kemendagri code "
                "of the regency/city or district, like 32.73. lat, long and address_string "
                "alone are not enough: they are kept in the description, not looked up."
            )
        )
    if not (request.form.get("service_code") or "").strip():
        problems.append(_("service_code was not provided: choose one from services.json."))
    description = (request.form.get("description") or "").strip()
    location, found = _location_line()
    problems += found
    email = (request.form.get("email") or "").strip()
    phone = (request.form.get("phone") or "").strip()
    name = " ".join(
        part
        for part in ((request.form.get(k) or "").strip() for k in ("first_name", "last_name"))
        if part
    )
    title = _attribute("title") or description.split("\n", 1)[0][:TITLE_MAX].strip()
    privacy = _attribute("privacy") or (
        Privacy.PUBLIC.value if email or phone else Privacy.ANONYMOUS.value
    )
    answers = {
        "type": _attribute("type") or ComplaintType.COMPLAINT.value,
        "title": title,
        "description": f"{description}\n\n{location}" if description and location else description,
        "region_code": (request.form.get("address_id") or "").strip() or _attribute("region_code"),
        "category": (request.form.get("service_code") or "").strip(),
        "privacy": privacy,
        "name": name,
        "email": email,
        "phone": phone,
    }
    return answers, problems


def _idempotency_key() -> tuple[str, str | None]:
    """Our UUID key for this partner's request, and an error if theirs is unusable."""
    theirs = request.headers.get("Idempotency-Key", "").strip() or _attribute("idempotency_key")
    if not theirs:
        return str(uuid.uuid4()), None  # no key: not idempotent, each POST files anew
    if len(theirs) > IDEMPOTENCY_MAX:
        return "", _("The idempotency key must be 200 characters or fewer.")
    return str(uuid.uuid5(NAMESPACE, f"{g.partner_key.id}:{theirs}")), None


@bp.post("/requests.<fmt>")
@partner_api(OPEN311_WRITE, refuse=_refuse)
def create_request(fmt: str) -> Response:
    if (bad := _bad_format(fmt)) is not None:
        return bad
    _agency, bad = _jurisdiction()
    if bad is not None:
        return bad
    service_code = (request.form.get("service_code") or "").strip()
    if service_code and directory.category(service_code[:40]) is None:  # the spec: 404
        return errors(404, [_("Unknown service_code.")], fmt)
    answers, problems = _answers()
    key, key_problem = _idempotency_key()
    if key_problem:
        problems.append(key_problem)
    if problems:
        return errors(400, problems, fmt)
    form = ApiComplaintForm(formdata=MultiDict({k: v for k, v in answers.items() if v}))
    if not form.validate():
        return errors(
            400,
            [
                f"{FIELD_NAMES.get(field, field)}: {message}"
                for field, messages in form.errors.items()
                for message in messages
            ],
            fmt,
        )
    try:
        _status, body = submit_via_api(
            key,
            request_fingerprint(answers, []),
            form.cleaned().as_dict(),
            [],
            str(get_locale()),
            lambda code: url_for("tracking.api_status", code=code, _external=True),
        )
    except KeyReused:
        return errors(
            422,
            [_("This idempotency key was already used for a different request.")],
            fmt,
        )
    db.session.commit()  # also the key's last_used_at
    notice = _(
        "Received. It is checked within %(days)d working days, then sent to the agency "
        "responsible. Give the reporter the id and this secret, which they need to reply, "
        "confirm or reopen, and to read a confidential or anonymous report: %(secret)s",
        days=current_app.config["SLA_VERIFY_DAYS"],
        secret=body.get("secret", ""),
    )
    data = [
        {
            "service_request_id": body["tracking_code"],
            "service_notice": notice,
            "account_id": None,
        }
    ]
    response = respond(fmt, "service_requests", "request", data, 201)
    response.headers["Location"] = url_for(
        "open311.request_one", code=body["tracking_code"], fmt=fmt, _external=True
    )
    response.headers["Cache-Control"] = "no-store"  # carries the reporter's secret
    return response


@bp.route("/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@public_api
def not_found(rest: str) -> Response:
    """Anything else under /open311/v2/: the spec's error format, never an HTML page."""
    return errors(404, [_("Unknown Open311 endpoint. Start at discovery.json.")])
