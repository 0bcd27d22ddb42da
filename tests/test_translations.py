"""The translation catalogs are complete, current with the source, and compiled.

When one of these fails: run `make messages`, translate every new entry in both
translations/id and translations/en (no fuzzy flags), then run `make translations`.
"""

from __future__ import annotations

import io
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
LOCALES = ["id", "en"]
PLURAL_FORMS = {"id": "nplurals=1; plural=0;", "en": "nplurals=2; plural=(n != 1);"}
PYBABEL = Path(sys.executable).parent / "pybabel"

# %(name)s, %(n)d, %s, %% (printf style, as Python's % operator reads them) and {n}, {0}, {n:>3}.
PLACEHOLDER = re.compile(
    r"%(?:\(\w+\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]"
    r"|\{\w*(?:![rsa])?(?::[^{}]*)?\}"
)


def po_path(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=locale)


def entries(catalog: Catalog) -> list[Message]:
    return [message for message in catalog if message.id]


def forms(message: Message) -> tuple[str, ...]:
    """A message's translations: one string, or one per plural form."""
    return tuple(message.string) if message.pluralizable else (message.string,)


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


@pytest.fixture(scope="module")
def catalogs() -> dict[str, Catalog]:
    return {locale: read_catalog(po_path(locale), locale) for locale in LOCALES}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Catalog:
    """The messages in the source right now, extracted exactly as `make messages` does."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    line = next((line for line in makefile.splitlines() if "pybabel extract" in line), None)
    assert line, "the Makefile has no `pybabel extract` command to compare against"
    args = shlex.split(line.split("pybabel", 1)[1])
    assert "-o" in args, f"expected `-o FILE` in the Makefile's extract command: {line}"
    output = tmp_path_factory.mktemp("extract") / "messages.pot"
    args[args.index("-o") + 1] = str(output)
    assert PYBABEL.exists(), f"pybabel not found next to {sys.executable}"
    result = subprocess.run(
        [str(PYBABEL), *args], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return read_catalog(output)


@pytest.mark.parametrize("locale", LOCALES)
def test_plural_forms_header(catalogs, locale):
    assert catalogs[locale].plural_forms == PLURAL_FORMS[locale]


@pytest.mark.parametrize("locale", LOCALES)
def test_every_entry_is_translated_and_not_fuzzy(catalogs, locale):
    catalog = catalogs[locale]
    assert not catalog.fuzzy, f"{locale}: the catalog header is marked fuzzy"
    problems = []
    for message in entries(catalog):
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        strings = forms(message)
        if not all(strings):
            problems.append(f"untranslated: {message.id!r}")
        elif message.pluralizable and len(strings) != catalog.num_plurals:
            count = f"{len(strings)} plural forms, not {catalog.num_plurals}"
            problems.append(f"{count}: {message.id!r}")
    assert not problems, f"{locale}: " + "\n".join(problems)


def test_catalogs_contain_every_message_in_the_source(catalogs, extracted):
    assert entries(extracted), "extraction found no messages at all"
    problems = []
    for message in entries(extracted):
        for locale, catalog in catalogs.items():
            entry = catalog.get(message.id, message.context)
            if entry is None:
                problems.append(f"{locale}: missing {message.id!r}")
            elif entry.id != message.id:
                problems.append(f"{locale}: {entry.id!r} is now {message.id!r} in the source")
    assert not problems, "catalogs are stale; run `make messages`:\n" + "\n".join(problems)


@pytest.mark.parametrize("locale", LOCALES)
def test_compiled_catalog_matches_the_po_file(locale):
    po = po_path(locale)
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo.relative_to(ROOT)} is missing; run `make translations`"
    compiled = io.BytesIO()
    write_mo(compiled, read_catalog(po, locale))  # as `pybabel compile` does
    current = compiled.getvalue() == mo.read_bytes()
    assert current, f"{mo.relative_to(ROOT)} is stale; run `make translations`"


@pytest.mark.parametrize("locale", LOCALES)
def test_placeholders_match_the_source_text(catalogs, locale):
    """Each translation keeps the msgid's placeholders: a missing or extra one breaks formatting.

    For plural entries the last (most general) form must use the plural msgid's placeholders;
    other forms may leave some out (English "one file") but not add any.
    """
    catalog = catalogs[locale]
    problems = [
        f"{message.id!r}: {error}" for message, errors in catalog.check() for error in errors
    ]
    for message in entries(catalog):
        strings = [string for string in forms(message) if string]
        if not message.pluralizable:
            expected = placeholders(message.id)
            checks = [(string, placeholders(string) == expected) for string in strings]
        else:
            singular, plural = message.id
            allowed = placeholders(singular) | placeholders(plural)
            expected = placeholders(plural)
            checks = [(string, placeholders(string) <= allowed) for string in strings[:-1]]
            checks += [(string, placeholders(string) == expected) for string in strings[-1:]]
        problems += [
            f"{message.id!r} → {string!r}: expected {sorted(expected)}, "
            f"found {sorted(placeholders(string))}"
            for string, ok in checks
            if not ok
        ]
    assert not problems, f"{locale}:\n" + "\n".join(problems)
