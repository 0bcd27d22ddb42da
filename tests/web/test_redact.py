from app.web.redact import redact_path

TOKEN = "k3X9_q-" * 6


def test_link_tokens_are_replaced():
    assert redact_path(f"/masuk/{TOKEN}") == "/masuk/[token]"
    assert redact_path(f"/undangan/{TOKEN}/daftar") == "/undangan/[token]/daftar"


def test_other_paths_are_kept():
    for path in ("/masuk", "/masuk/kode-pemulihan", "/masuk/tautan", "/lacak/K7M3-Q9XD", "/"):
        assert redact_path(path) == path
