"""Duplicates: complaints about the same problem in the same place and time.

Every complaint is indexed when it is filed (MinHash/LSH bands of its stemmed words, in
`duplicate_bands`); a search reads only the index rows of its own bands, regency and time
window and rescores those few candidates exactly. See index.py for the method and
bench/duplicates.py for precision, recall and search time at 100,000 and 1,000,000
complaints.
"""

from flask import Blueprint

bp = Blueprint("duplicates", __name__)

from app.duplicates import views  # noqa: E402, F401
from app.duplicates.index import init_index  # noqa: E402
from app.duplicates.queries import find_candidates, similar_complaints  # noqa: E402

init_index()

__all__ = ["bp", "find_candidates", "similar_complaints"]
