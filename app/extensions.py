"""Extension objects, created unbound and wired in create_app()."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_mailman import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from htmx_flask import Htmx

from app.db import Base
from app.ratelimit import client_key

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
htmx = Htmx()
mail = Mail()
# No global limit: only the guessable routes carry limits (app/ratelimit.py). Storage and
# numbers come from the RATELIMIT_* settings.
limiter = Limiter(key_func=client_key)
