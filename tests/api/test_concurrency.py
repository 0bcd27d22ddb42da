"""Against a real server (gunicorn, 4 workers × 4 threads): one key, one complaint."""

import threading
import time
import uuid

import pytest
import requests
from sqlalchemy import create_engine, text

from tests.helpers import API_COMPLAINT

pytestmark = pytest.mark.db


def count(live_server, sql: str, **params) -> int:
    engine = create_engine(live_server.database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(sql), params).scalar()
    finally:
        engine.dispose()


def test_fifty_concurrent_posts_with_one_key_create_one_complaint(live_server):
    key = str(uuid.uuid4())
    body = {**API_COMPLAINT, "title": f"Concurrent {key}", "privacy": "anonymous"}
    start = threading.Barrier(50)
    answers: list[tuple[int, bytes]] = []
    lock = threading.Lock()

    def send() -> None:
        start.wait()
        response = requests.post(
            f"{live_server.url}/api/v1/complaints",
            json=body,
            headers={"Idempotency-Key": key},
            timeout=60,
        )
        with lock:
            answers.append((response.status_code, response.content))

    threads = [threading.Thread(target=send) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(answers) == 50
    assert {status for status, _ in answers} == {201}
    assert len({content for _, content in answers}) == 1  # every answer identical, secret too
    assert (
        count(live_server, "select count(*) from complaints where title = :t", t=body["title"]) == 1
    )


def test_the_access_log_has_no_address_or_user_agent(live_server):
    requests.get(
        f"{live_server.url}/lapor", headers={"User-Agent": "DistinctiveAgent/1.0"}, timeout=10
    )
    requests.post(
        f"{live_server.url}/api/v1/complaints",
        json=API_COMPLAINT,
        headers={"Idempotency-Key": str(uuid.uuid4()), "User-Agent": "DistinctiveAgent/1.0"},
        timeout=10,
    )
    log = (live_server.instance_path / "server.log").read_text()
    assert "GET /lapor" in log  # the log is being written ...
    assert "127.0.0.1 " not in log.replace("Listening at: http://127.0.0.1", "")  # ... without IPs
    assert "DistinctiveAgent" not in log


def test_the_access_log_shows_sign_in_links_without_their_token(live_server):
    token = "Zq" * 21  # shaped like a real one: 42 URL-safe characters
    requests.get(f"{live_server.url}/masuk/{token}", timeout=10)
    requests.get(f"{live_server.url}/undangan/{token}", timeout=10)
    requests.get(f"{live_server.url}/masuk/kode-pemulihan", timeout=10)
    path = live_server.instance_path / "server.log"
    deadline = time.monotonic() + 10
    while "GET /masuk/kode-pemulihan" not in path.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)  # the worker writes its access log line after the answer
    log = path.read_text()
    assert "GET /masuk/[token]" in log and "GET /undangan/[token]" in log
    assert "GET /masuk/kode-pemulihan" in log  # fixed routes stay readable
    assert token not in log
