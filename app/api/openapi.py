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
}
REQUIRED = ["type", "title", "description", "region_code", "category", "privacy"]

SUBMIT_DESCRIPTION = (
    "Send the same Idempotency-Key with every retry of one complaint: the first success is "
    "stored and every retry with the same body gets the identical response. `secret` is "
    "returned for confidential and anonymous complaints; keep it, it is the only way to read "
    "the content later. Cross-site browser requests are refused (Origin check)."
)

LANGUAGE = {
    "name": "Accept-Language",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "examples": ["id", "en"]},
}


def document() -> dict:
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
                    "responses": {"200": {"description": '{"status": "ok"}'}},
                }
            },
            "/api/v1/agencies": {
                "get": {
                    "summary": "Every agency: ministries, national bodies, SOEs, provinces, "
                    "regencies and cities",
                    "responses": {"200": {"description": "The agencies"}},
                }
            },
            "/api/v1/categories": {
                "get": {
                    "summary": "Complaint categories with their responsible agency and level",
                    "responses": {"200": {"description": "The categories"}},
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
                        "200": {"description": "The regions"},
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
                        "422": _error("Invalid fields, or the key was used for another body"),
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
                        "200": {
                            "description": "At least 3 suggestions, each with "
                            "agency_code, agency, score (0–1) and reason"
                        },
                        "400": _error("Not a JSON object"),
                        "422": _error("Missing text, unknown region or category"),
                    },
                }
            },
            "/api/v1/complaints/{code}": {
                "get": {
                    "summary": "Status and public timeline; the content of a confidential or "
                    "anonymous complaint only with X-Tracking-Secret",
                    "parameters": [
                        {
                            "name": "code",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "examples": ["K7M3-Q9XD"]},
                        },
                        {
                            "name": "X-Tracking-Secret",
                            "in": "header",
                            "required": False,
                            "schema": {"type": "string"},
                        },
                        LANGUAGE,
                    ],
                    "responses": {
                        "200": {"description": "The status"},
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
                        "secret": {"type": "string"},
                        "status": {"type": "string", "examples": ["received"]},
                        "status_url": {"type": "string", "format": "uri"},
                    },
                    "required": ["tracking_code", "status", "status_url"],
                },
            }
        },
    }
