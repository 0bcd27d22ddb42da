"""An Atom feed of published reports (/laporan.atom), with /laporan's filters: journalists,
supervisors and community groups follow an agency, a region or a topic in any feed reader.

Entries carry only what /laporan shows — the masked title and description, the status, the
topic and the place — and are updated when a public step happens (a response, the
resolution), so a reader sees the report move. Confidential reports are never published, so
never in the feed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from xml.etree import ElementTree as ET

from flask_babel import gettext as _
from sqlalchemy import Select
from sqlalchemy.orm import selectinload

from app.complaints.models import Complaint
from app.db import aware, utcnow
from app.extensions import db
from app.publishing.queries import public_description, public_title
from app.web.exports import xml_text

ATOM = "http://www.w3.org/2005/Atom"
ENTRIES = 50  # a feed reader asks often; the newest are what it needs


def _when(moment: datetime) -> str:
    return aware(moment).isoformat()  # RFC 3339, with fractions: two steps in a second


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> None:
    element = ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = xml_text(text)


def atom(
    statement: Select, *, title: str, feed_url: str, page_url: str, entry_url: Callable[[str], str]
) -> bytes:
    """The feed of the newest published reports `statement` selects. `entry_url(code)` is a
    report's public page; `feed_url` and `page_url` are the feed itself and /laporan with the
    same filters."""
    complaints = list(
        db.session.scalars(
            statement.options(selectinload(Complaint.events)).limit(ENTRIES)
        ).unique()
    )
    feed = ET.Element("feed", {"xmlns": ATOM})
    _add(feed, "title", title)
    _add(feed, "id", feed_url)
    _add(feed, "link", rel="self", type="application/atom+xml", href=feed_url)
    _add(feed, "link", rel="alternate", type="text/html", href=page_url)
    author = ET.SubElement(feed, "author")
    _add(author, "name", "Suara Warga")
    updates = {c.id: max(e.created_at for e in c.events if e.public) for c in complaints}
    _add(feed, "updated", _when(max(updates.values(), default=utcnow())))
    for complaint in complaints:
        entry = ET.SubElement(feed, "entry")
        url = entry_url(complaint.tracking_code)
        _add(entry, "id", url)
        _add(entry, "title", public_title(complaint))
        _add(entry, "link", rel="alternate", type="text/html", href=url)
        _add(entry, "published", _when(complaint.created_at))
        _add(entry, "updated", _when(updates[complaint.id]))
        _add(entry, "category", term=complaint.category_code, label=complaint.category.name)
        where = complaint.region.path
        agency = complaint.agency.name if complaint.agency else ""
        summary = _(
            "%(status)s · %(place)s · %(agency)s",
            status=complaint.status.title,
            place=where,
            agency=agency,
        )
        _add(entry, "summary", f"{summary}\n\n{public_description(complaint)}", type="text")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8")
