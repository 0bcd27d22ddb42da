"""Published complaints: what the public may read, with personal data masked (issue 6).

`app.publishing.queries` is the one definition of "published" and of the masked texts; the
duplicate check, Open311 and open data read through it. This module stays light (the
blueprint and the models) so that those packages can import the queries without an import
cycle; `blueprint()` loads the views and subscribes to the signals.
"""

from flask import Blueprint

bp = Blueprint("publishing", __name__)

from app.publishing import models  # noqa: E402, F401  (registers the tables)


def blueprint() -> Blueprint:
    """The blueprint with its views, for the application factory. Also subscribes masking to
    `complaint_changed`: when a complaint is published and for each later public event, in the
    same transaction as the change."""
    from app.complaints.signals import complaint_changed
    from app.publishing import operations, views  # noqa: F401  (registers the routes)

    complaint_changed.connect(operations.on_change)
    return bp


@bp.app_template_global()
def public_title(complaint: object) -> str:
    """For templates outside this package that show a published complaint (the intake's
    "reports that look like yours"): its masked title, never the original."""
    from app.publishing import queries

    return queries.public_title(complaint)  # type: ignore[arg-type]
