"""Which language a request is answered in.

Web pages: the visitor's choice (a cookie set by the language switch), else Bahasa Indonesia.
The JSON API and Open311: the Accept-Language header, else Bahasa Indonesia.
"""

from __future__ import annotations

from flask import current_app, has_request_context, request

LANG_COOKIE = "lang"


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # the CLI, the SLA sweep, tests: the default language
        return languages[0]
    if request.path.startswith(("/api/", "/open311/")):  # Open311 too: a machine client
        return request.accept_languages.best_match(languages) or languages[0]
    chosen = request.cookies.get(LANG_COOKIE)
    return chosen if chosen in languages else languages[0]
