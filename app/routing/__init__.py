"""Routing: which agency has authority over a complaint.

A ranked suggestion from the place (which regional government), the topic (the category's
central agency and the level of government that delivers it), the words of the complaint
(stemmed with Sastrawi) and phrases that move a service to another level (data/signals.csv:
an SMA is provincial, a national road is the ministry's).
"""

from flask import Blueprint

bp = Blueprint("routing", __name__)

from app.routing import views  # noqa: E402, F401
from app.routing.learning import init_learning  # noqa: E402

init_learning()
