import re

import pytest

pytestmark = pytest.mark.db


def test_every_api_route_is_documented(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            if method.lower() not in spec["paths"].get(path, {}):
                missing.append(f"{method} {path}")
    assert missing == []


def test_documented_paths_exist(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    routes = {re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", r.rule) for r in app.url_map.iter_rules()}
    assert set(spec["paths"]) <= routes
