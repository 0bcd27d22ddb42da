"""The public list's query string, and the verifier's correction form."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired

from app.complaints.models import Status
from app.intake.forms import clean_text
from app.publishing.queries import PUBLISHED_STATUSES
from app.web.forms import VersionedForm, too_long

TEXT_MAX = 100


@dataclass(frozen=True)
class Filters:
    """/laporan's filters, made safe: anything unknown is ignored, never an error, so an old
    or hand-edited link still shows a list."""

    text: str = ""
    province: str = ""
    regency: str = ""
    agency: str = ""
    category: str = ""
    status: str = ""
    page: int = 1

    @classmethod
    def from_args(
        cls,
        args: Mapping[str, str],
        *,
        provinces: set[str],
        regencies: set[str],
        agencies: set[str],
        categories: set[str],
    ) -> Filters:
        def pick(name: str, allowed: set[str]) -> str:
            value = (args.get(name) or "").strip()
            return value if value in allowed else ""

        statuses = {s.value for s in PUBLISHED_STATUSES}
        try:
            page = max(1, int(args.get("page", "1")))
        except ValueError:
            page = 1
        province = pick("province", provinces)
        regency = pick("regency", regencies)
        if regency and province and not regency.startswith(province + "."):
            regency = ""
        return cls(
            # control characters (a NUL) dropped: PostgreSQL refuses them in a query
            text=" ".join(str(clean_text(args.get("q") or "")).split())[:TEXT_MAX],
            province=province,
            regency=regency,
            agency=pick("agency", agencies),
            category=pick("category", categories),
            status=pick("status", statuses),
            page=page,
        )

    @property
    def active(self) -> bool:
        return bool(
            self.text
            or self.province
            or self.regency
            or self.agency
            or self.category
            or self.status
        )

    @property
    def region_code(self) -> str | None:
        return self.regency or self.province or None

    @property
    def status_value(self) -> Status | None:
        return Status(self.status) if self.status else None

    def args(self, **changes: object) -> dict[str, object]:
        """Query-string arguments for a link (pagination), leaving out the empty ones."""
        values = {
            "q": self.text,
            "province": self.province,
            "regency": self.regency,
            "agency": self.agency,
            "category": self.category,
            "status": self.status,
            "page": self.page,
            **changes,
        }
        return {k: v for k, v in values.items() if v and not (k == "page" and v == 1)}


class CorrectionForm(VersionedForm):
    """The published title and description and the reason; one `note-<event id>` field per
    public note is read from the request in the view (their number varies)."""

    title = StringField(
        _l("Published title"),
        filters=[clean_text],
        validators=[DataRequired(_l("Enter the published title")), too_long(300)],
    )
    description = TextAreaField(
        _l("Published description"),
        filters=[clean_text],
        validators=[DataRequired(_l("Enter the published description")), too_long(10000)],
    )
    reason = TextAreaField(
        _l("Why you corrected it"),
        description=_l("Kept in the audit trail; not published."),
        filters=[clean_text],
        validators=[DataRequired(_l("Say why you corrected it")), too_long(1000)],
    )
