"""The on-behalf filing form for a facilitator's registered device, to open with no signal.

Why a page of its own: the facilitator's /lapor is `no-store` (it names their account and,
with a draft, holds a complainant's answers), so without signal a facilitator only ever got
the public form and could not record consent or file on someone's behalf from scratch.
/fasilitator/lapor is the same filing form, always empty (never a draft), posting to /lapor
like the other. It is `no-store` too, for browsers and the HTTP cache alike; the service
worker alone keeps a copy (its own cache, "suara-device-form"), and only when

- static/js/device.js, on a facilitator's page, finds a filing key for the signed-in account
  in this browser and asks the worker to keep the form (templates/offline/sw.js,
  `keepDeviceForm`): the worker fetches it with that device's id in X-Filing-Device, and
- this view confirms the device is the signed-in facilitator's, not revoked, not expired
  (X-Offline-Ready). Any other answer from the server drops the kept copy.

So an unregistered browser never keeps it. It goes again when the device is revoked (the
next facilitator page asks, and the server says no), when "Forget this phone's data" empties
every cache, and when someone signs out on this device (the worker drops it on the way to
/keluar, even with no signal). A session that merely ended keeps it: that is the point, the
device's key still signs what is queued (devices.py).
"""

from __future__ import annotations

from flask import Response, g, make_response, render_template, request
from sqlalchemy import select

from app.accounts.models import FilingDevice, Role
from app.extensions import db
from app.facilitation import bp, devices, filing
from app.web.access import staff

READY_HEADER = "X-Offline-Ready"


def registered_device(device_text: str, user_id: int) -> FilingDevice | None:
    """The device named by `device_text` if it is `user_id`'s, not revoked and not expired."""
    if not device_text.isascii() or not device_text.isdigit() or len(device_text) > 18:
        return None
    device = db.session.scalar(
        select(FilingDevice).where(
            FilingDevice.id == int(device_text),
            FilingDevice.user_id == user_id,
            FilingDevice.revoked_at.is_(None),
        )
    )
    return device if device is not None and not devices.expired(device) else None


@bp.get("/fasilitator/lapor")
@staff(Role.FACILITATOR)
def file_form() -> Response:
    """The empty filing form with the on-behalf questions; marked X-Offline-Ready when the
    request names a registered device of this facilitator (the service worker asks so)."""
    facilitator = filing.filing_facilitator()
    form = filing.web_form(facilitator, formdata=None)
    response = make_response(
        render_template("intake/form.html", form=form, draft=None, device_form=True)
    )
    response.headers["Cache-Control"] = "no-store"
    device_text = request.headers.get(devices.DEVICE_HEADER, "").strip()
    if facilitator is not None and registered_device(device_text, g.user.id) is not None:
        response.headers[READY_HEADER] = "device"
    return response
