import pytest

pytestmark = pytest.mark.db


@pytest.mark.parametrize("url", ["/", "/lapor", "/lacak", "/aksesibilitas"])
def test_pages_render_in_both_languages(client, url):
    for lang in ("id", "en"):
        client.set_cookie("lang", lang)
        response = client.get(url)
        assert response.status_code == 200
        assert f'<html lang="{lang}">' in response.get_data(as_text=True)
