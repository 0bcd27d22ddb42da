"""The OpenAPI 3.1 document. tests/api/test_openapi.py fails when a /api/v1 route is missing."""

from __future__ import annotations

ERRORS = {
    "type": "object",
    "properties": {
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "Messages per field, in the request's language (Accept-Language).",
        }
    },
    "required": ["errors"],
}


def _json(description: str, schema: str) -> dict:
    """A JSON response whose body is the component schema `schema`."""
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def _list_of(key: str, item: dict) -> dict:
    """{key: [item, ...]}: how every list the API returns is wrapped."""
    return {
        "type": "object",
        "properties": {key: {"type": "array", "items": item}},
        "required": [key],
    }


NULLABLE_STRING = {"type": ["string", "null"]}
AGENCY = {
    "type": "object",
    "properties": {
        "code": {"type": "string"},
        "kind": {"type": "string"},
        "name_id": {"type": "string"},
        "name_en": {"type": "string"},
        "region_code": NULLABLE_STRING,
    },
    "required": ["code", "kind", "name_id", "name_en", "region_code"],
}
CATEGORY = {
    "type": "object",
    "properties": {
        "code": {"type": "string"},
        "name_id": {"type": "string"},
        "name_en": {"type": "string"},
        "central_agency": NULLABLE_STRING,
        "service_level": {"type": "string"},
    },
    "required": ["code", "name_id", "name_en", "central_agency", "service_level"],
}
REGION = {
    "type": "object",
    "properties": {
        "code": {"type": "string"},
        "level": {"type": "integer", "minimum": 1, "maximum": 3},
        "name": {"type": "string"},
        "parent_code": NULLABLE_STRING,
    },
    "required": ["code", "level", "name", "parent_code"],
}
SUGGESTION = {
    "type": "object",
    "properties": {
        "agency": {"type": "string"},
        "agency_code": {"type": "string"},
        "reason": {"type": "string"},
        "score": {"type": "number"},
    },
    "required": ["agency", "agency_code", "reason", "score"],
}
CANDIDATE = {
    "type": "object",
    "properties": {
        "tracking_code": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "string"},
        "status_title": {"type": "string"},
        "support_count": {"type": "integer", "minimum": 1},
        "score": {"type": "number", "minimum": 0, "maximum": 1},
        "url": {"type": "string", "format": "uri"},
    },
    "required": ["tracking_code", "title", "status", "status_title", "support_count", "score"],
}
STATUS = {
    "type": "object",
    "description": "A complaint's status. `content` and the timeline's notes as sent only "
    "with the secret; without it, the published version with personal data masked "
    "(`content.masked`) once a public or anonymous complaint is published, else null. "
    "`reporter` (what the reporter may do now) only with the secret.",
    "properties": {
        "tracking_code": {"type": "string"},
        "type": {"type": "string", "enum": ["complaint", "aspiration", "information"]},
        "privacy": {"type": "string"},
        "status": {"type": "string"},
        "status_title": {"type": "string"},
        "received_at": {"type": "string", "format": "date-time"},
        "support_count": {"type": "integer", "minimum": 1},
        "merged_into": NULLABLE_STRING,
        "timeline": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "kind": {"type": "string"},
                    "title": {"type": "string"},
                    "status": {"type": "string"},
                    "at": {"type": "string", "format": "date-time"},
                    "note": NULLABLE_STRING,
                },
                "required": ["kind", "title", "status", "at", "note"],
            },
        },
        "content": {
            "type": ["object", "null"],
            "properties": {
                "title": {"type": "string"},
                "description": {"type": "string"},
                "masked": {
                    "type": "boolean",
                    "description": "true: the published version, personal data masked",
                },
                "region_code": {"type": "string"},
                "region": {"type": "string"},
                "category": {"type": "string"},
                "occurred_on": {"type": ["string", "null"], "format": "date"},
                "attachments": {"type": "integer", "minimum": 0},
            },
            "required": [
                "title",
                "description",
                "masked",
                "region_code",
                "category",
                "attachments",
            ],
        },
        "reporter": {
            "type": "object",
            "properties": {
                "actions": {"type": "array", "items": {"type": "string"}},
                "reopen_until": {"type": ["string", "null"], "format": "date"},
                "rating": {
                    "type": ["object", "null"],
                    "properties": {
                        "score": {"type": "integer", "minimum": 1, "maximum": 5},
                        "comment": NULLABLE_STRING,
                    },
                },
                "version": {"type": "integer"},
            },
            "required": ["actions", "reopen_until", "rating", "version"],
        },
    },
    "required": [
        "tracking_code",
        "type",
        "privacy",
        "status",
        "status_title",
        "received_at",
        "support_count",
        "merged_into",
        "timeline",
        "content",
    ],
}


def _error(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}},
    }


COMPLAINT_FIELDS = {
    "type": {"type": "string", "enum": ["complaint", "aspiration", "information"]},
    "title": {"type": "string", "maxLength": 150},
    "description": {"type": "string", "maxLength": 5000},
    "region_code": {
        "type": "string",
        "description": "Kemendagri regency/city or district code",
        "examples": ["32.73", "32.73.02"],
    },
    "category": {"type": "string", "description": "A code from GET /api/v1/categories"},
    "privacy": {"type": "string", "enum": ["public", "confidential", "anonymous"]},
    "occurred_on": {"type": "string", "format": "date"},
    "name": {"type": "string", "maxLength": 120},
    "email": {"type": "string", "format": "email"},
    "phone": {"type": "string", "description": "Indonesian phone number"},
    # Filing on someone's behalf (app/facilitation): only for a signed-in facilitator or a
    # facilitator's registered filing device; from anyone else any of these is a 422.
    "filing_for": {
        "type": "string",
        "enum": ["myself", "someone_else"],
        "description": "Facilitators only: who the complaint is for (left out: myself). "
        "With someone_else, consent_method, consent_on and organisation_shown are required "
        "and email/phone may be left out; with myself they are ignored.",
    },
    "consent_method": {"type": "string", "enum": ["spoken", "written", "thumbprint"]},
    "consent_on": {
        "type": "string",
        "format": "date",
        "description": "When the complainant agreed: not in the future, within "
        "CONSENT_MAX_AGE_DAYS (365)",
    },
    "organisation_shown": {
        "type": "string",
        "enum": ["yes", "no"],
        "description": "Whether the agency may see the facilitator's organisation",
    },
}
REQUIRED = ["type", "title", "description", "region_code", "category", "privacy"]

SUBMIT_DESCRIPTION = (
    "Send the same Idempotency-Key with every retry of one complaint: the first success is "
    "stored and every retry with the same body gets the identical response. `secret` is "
    "returned for every complaint; keep it: it is the only proof of being the reporter, "
    "needed to reply, confirm the resolution or reopen (POST /api/v1/complaints/{code}/actions), "
    "and for a confidential or anonymous complaint the only way to read its content later. "
    "Cross-site browser requests are refused (Origin check)."
)

ACTION_DESCRIPTION = (
    "The reporter's side of the life cycle, with the secret from the receipt in "
    "X-Tracking-Secret (a wrong secret answers exactly like an unknown code: 404). `reply` "
    "answers a request for information (the clock restarts), answers back to an archived "
    "report, or adds information; `appeal` asks to review a report held for review; `confirm` "
    "closes a resolved report with a `rating` from 1 to 5 and an optional `text` (comment, at "
    "most 1000 characters); `reopen` reopens a resolved report within SLA_AUTOCLOSE_DAYS "
    "working days. `text` is required for reply, appeal and reopen (at most 5000 "
    "characters). `version`, when sent, must be the `reporter.version` last read: if the "
    "report changed since, nothing happens (409). GET /api/v1/complaints/{code} with the "
    "secret lists the actions possible now under `reporter.actions`."
)

REPORTER_ACTION = {
    "type": "object",
    "properties": {
        "action": {"type": "string", "enum": ["reply", "appeal", "confirm", "reopen"]},
        "text": {"type": "string", "maxLength": 5000},
        "rating": {"type": "integer", "minimum": 1, "maximum": 5},
        "version": {"type": "integer"},
    },
    "required": ["action"],
    "additionalProperties": False,
}

TRACKING_SECRET = {
    "name": "X-Tracking-Secret",
    "in": "header",
    "required": False,
    "schema": {"type": "string"},
}

# A complaint a facilitator queued offline, signed on their registered filing device when it
# was queued (app/facilitation/devices.py describes the message).
FILING_DEVICE_HEADERS = [
    {
        "name": name,
        "in": "header",
        "required": False,
        "description": description,
        "schema": {"type": "string"},
    }
    for name, description in (
        ("X-Filing-Device", "The id of the facilitator's registered filing device"),
        ("X-Filing-Signed-At", "When the device signed it (ISO 8601, UTC)"),
        (
            "X-Filing-Signature",
            "ECDSA P-256 / SHA-256 signature (raw r||s, base64url) of suara-warga-filing-v1, "
            "the Idempotency-Key, the signing time, the device id and the SHA-256 of the "
            "fields, one per line",
        ),
    )
]

LANGUAGE = {
    "name": "Accept-Language",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "examples": ["id", "en"]},
}


NUL_IN_ADDRESS = "A NUL character in the path or query (app/web/errors.refuse_nul)"


def document() -> dict:
    """The OpenAPI description. Every operation may also answer 400 for a NUL character in
    the address (path or query), refused before any view runs."""
    spec = _document()
    for operations in spec["paths"].values():
        for operation in operations.values():
            operation["responses"].setdefault("400", _error(NUL_IN_ADDRESS))
    return spec


def _document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Suara Warga API",
            "version": "1",
            "description": (
                "File and follow public-service complaints. Messages follow Accept-Language "
                "(id or en; id by default)."
            ),
        },
        "paths": {
            "/api/v1/openapi.json": {
                "get": {
                    "summary": "This document",
                    "responses": {"200": {"description": "OpenAPI"}},
                }
            },
            "/healthz": {
                "get": {
                    "summary": "Health check (touches the database)",
                    "responses": {"200": _json('{"status": "ok"}', "Health")},
                }
            },
            "/api/v1/agencies": {
                "get": {
                    "summary": "Every agency: ministries, national bodies, SOEs, provinces, "
                    "regencies and cities",
                    "responses": {"200": _json("The agencies", "Agencies")},
                }
            },
            "/api/v1/categories": {
                "get": {
                    "summary": "Complaint categories with their responsible agency and level",
                    "responses": {"200": _json("The categories", "Categories")},
                }
            },
            "/api/v1/regions": {
                "get": {
                    "summary": "Regions: the provinces, or the children of `parent`",
                    "parameters": [
                        {
                            "name": "parent",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string"},
                            "examples": {"city": {"value": "32.73"}},
                        }
                    ],
                    "responses": {
                        "200": _json("The regions", "Regions"),
                        "404": _error("Unknown parent code"),
                    },
                }
            },
            "/api/v1/complaints": {
                "post": {
                    "summary": "File a complaint, exactly once per Idempotency-Key",
                    "description": SUBMIT_DESCRIPTION,
                    "parameters": [
                        {
                            "name": "Idempotency-Key",
                            "in": "header",
                            "required": True,
                            "schema": {"type": "string", "format": "uuid"},
                        },
                        LANGUAGE,
                        *FILING_DEVICE_HEADERS,
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/NewComplaint"}
                            },
                            "multipart/form-data": {
                                "schema": {
                                    "allOf": [
                                        {"$ref": "#/components/schemas/NewComplaint"},
                                        {
                                            "type": "object",
                                            "properties": {
                                                "attachments": {
                                                    "type": "array",
                                                    "maxItems": 3,
                                                    "items": {"type": "string", "format": "binary"},
                                                    "description": (
                                                        "JPEG, PNG, WebP, PDF or audio; 10 MB each"
                                                    ),
                                                }
                                            },
                                        },
                                    ]
                                }
                            },
                        },
                    },
                    "responses": {
                        "201": {
                            "description": "Created (or the replay of the first success)",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Receipt"}
                                }
                            },
                        },
                        "400": _error("Missing or malformed Idempotency-Key, JSON or UTF-8"),
                        "403": _error("A cross-site request"),
                        "413": _error("A file over 10 MB, or a request over 30.5 MB"),
                        "415": _error("Neither JSON nor multipart"),
                        "422": _error(
                            "Invalid fields, the key was used for another body, or on-behalf "
                            "fields from someone who is not a facilitator"
                        ),
                    },
                }
            },
            "/api/v1/routing/suggest": {
                "post": {
                    "summary": "Rank the agencies with authority over a complaint (best first)",
                    "parameters": [LANGUAGE],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "text": {"type": "string"},
                                        "region_code": COMPLAINT_FIELDS["region_code"],
                                        "category": COMPLAINT_FIELDS["category"],
                                    },
                                    "required": ["text", "region_code"],
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": _json(
                            "At least 3 suggestions, each with agency_code, agency, "
                            "score (0–1) and reason",
                            "Suggestions",
                        ),
                        "400": _error("Not a JSON object"),
                        "422": _error("Missing text, unknown region or category"),
                    },
                }
            },
            "/api/v1/duplicates/check": {
                "post": {
                    "summary": "Published complaints that look like a text, in the same "
                    "regency/city within DUPLICATE_WINDOW_DAYS (90 by default), best first, "
                    "at most 5",
                    "description": (
                        "Only published complaints are searched: public ones that were "
                        "verified and not archived, held for review or merged. Confidential "
                        "and anonymous complaints and reporters' details are never returned."
                    ),
                    "parameters": [LANGUAGE],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "text": {"type": "string", "maxLength": 5000},
                                        "region_code": COMPLAINT_FIELDS["region_code"],
                                    },
                                    "required": ["text", "region_code"],
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": _json(
                            "Published complaints that look like this one, each with its "
                            "similarity score (0–1) and url (the public tracking page)",
                            "Candidates",
                        ),
                        "400": _error("Not a JSON object"),
                        "422": _error("Missing or too long text, unknown region"),
                    },
                }
            },
            "/api/v1/complaints/{code}/actions": {
                "post": {
                    "summary": "Reply, appeal, confirm with a rating, or reopen, as the reporter",
                    "description": ACTION_DESCRIPTION,
                    "parameters": [
                        {
                            "name": "code",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "examples": ["K7M3-Q9XD"]},
                        },
                        {**TRACKING_SECRET, "required": True},
                        LANGUAGE,
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/ReporterAction"}
                            }
                        },
                    },
                    "responses": {
                        "200": _json(
                            "Done: the same body as GET /api/v1/complaints/{code} with the secret",
                            "ComplaintStatus",
                        ),
                        "400": _error("Not a JSON object"),
                        "403": _error("A cross-site request"),
                        "404": _error("No complaint with that code and secret"),
                        "409": _error(
                            "Not possible now (the report's state, the reopening window ended, "
                            "or it changed since `version`)"
                        ),
                        "415": _error("Not JSON"),
                        "422": _error("Unknown action, missing or too long text, bad rating"),
                    },
                }
            },
            "/api/v1/complaints/{code}": {
                "get": {
                    "summary": "Status and public timeline; the content (and the timeline's "
                    "notes) as sent only with X-Tracking-Secret, else the published version "
                    "with personal data masked (null before publication and for a "
                    "confidential complaint); with the secret also `reporter`: the actions "
                    "possible now, the last day to reopen, the rating and the version",
                    "parameters": [
                        {
                            "name": "code",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "examples": ["K7M3-Q9XD"]},
                        },
                        TRACKING_SECRET,
                        LANGUAGE,
                    ],
                    "responses": {
                        "200": _json("The status", "ComplaintStatus"),
                        "404": _error("No complaint with that code and secret"),
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Errors": ERRORS,
                "NewComplaint": {
                    "type": "object",
                    "properties": COMPLAINT_FIELDS,
                    "required": REQUIRED,
                    "additionalProperties": False,
                },
                "Receipt": {
                    "type": "object",
                    "properties": {
                        "tracking_code": {"type": "string", "examples": ["K7M3-Q9XD"]},
                        "secret": {
                            "type": "string",
                            "description": "Proof of being the reporter: needed to reply, "
                            "confirm or reopen, and to read a confidential or anonymous "
                            "complaint. Shown only here.",
                        },
                        "status": {"type": "string", "examples": ["received"]},
                        "status_url": {"type": "string", "format": "uri"},
                        "attributed": {
                            "type": "boolean",
                            "description": "Only when X-Filing-Signature was sent: whether the "
                            "complaint was filed with the facilitator whose device signed it. "
                            "false: the signature did not count (a revoked or expired device, "
                            "an ended account, changed content); the complaint was filed all "
                            "the same, without the facilitator and the consent record.",
                        },
                    },
                    "required": ["tracking_code", "secret", "status", "status_url"],
                },
                "ReporterAction": REPORTER_ACTION,
                "ComplaintStatus": STATUS,
                "Agencies": _list_of("agencies", AGENCY),
                "Categories": _list_of("categories", CATEGORY),
                "Regions": _list_of("regions", REGION),
                "Suggestions": _list_of("suggestions", SUGGESTION),
                "Candidates": _list_of("candidates", CANDIDATE),
                "Health": {
                    "type": "object",
                    "properties": {"status": {"const": "ok"}},
                    "required": ["status"],
                },
            }
        },
    }
