"""Masking personal data in published texts with lokal-id's Samaran.

Placeholder mode: each value becomes a numbered token such as [NAME_1] or [PHONE_1]. The tokens
are the same in every language (the public page explains them in the reader's language), keep
nothing of the value (unlike the partial mode's "0812****7890", which leaves part of a number
readable), and tell readers apart in a text: "[NAME_1] told [NAME_2]". One Samaran per
complaint, fed the title, the description and the notes in order, so a person keeps one token
across the whole report.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import lokal
from flask import current_app
from flask_babel import lazy_gettext as _l

# Identifiers of a person. Attributes such as health or religion are left readable: a complaint
# about a clinic must be able to say "diabetes" and is about a service, not a named person
# (the name next to it is masked).
MASKED_TYPES: tuple[str, ...] = (
    "NAME",
    "NIK",
    "KK",
    "NPWP",
    "PASSPORT",
    "SIM",
    "NIP",
    "BPJS",
    "NISN",
    "AKTA",
    "PHONE",
    "EMAIL",
    "BANK_ACCOUNT",
    "CARD",
    "PLATE",
    "ADDRESS",
    "BIRTH_DATE",
    "IP",
    "GEO",
)

TOKEN = re.compile(r"\[([A-Z]+(?:_[A-Z]+)*)_[0-9]+\]")

# What a token stands for, for the explanation on the public page.
TOKEN_TITLES = {
    "NAME": _l("a person's name"),
    "NIK": _l("an identity card number (NIK)"),
    "KK": _l("a family card number (KK)"),
    "NPWP": _l("a tax number"),
    "PASSPORT": _l("a passport number"),
    "SIM": _l("a driving licence number"),
    "NIP": _l("a civil servant number"),
    "BPJS": _l("a health insurance number"),
    "NISN": _l("a student number"),
    "AKTA": _l("a certificate number"),
    "PHONE": _l("a phone number"),
    "EMAIL": _l("an email address"),
    "BANK_ACCOUNT": _l("a bank account number"),
    "CARD": _l("a card number"),
    "PLATE": _l("a vehicle number plate"),
    "ADDRESS": _l("a street address"),
    "BIRTH_DATE": _l("a date of birth"),
    "IP": _l("an internet address"),
    "GEO": _l("map coordinates"),
}


# lokal-id masks a street once a house number, block or RT/RW pins it to a house, and "Jl./Gg.
# Mawar 5"; it leaves "Gang Mawar 3" and "Jalan Kenanga 12" readable, rightly for a complaint
# ("the hole on Jalan Kenanga 12" says where the problem is). Where the text says someone lives
# there ("tinggal di", "rumah saya di", "alamat:"), the street is a person's address and is
# masked too: the street word and its name (capitalised words, or one word in lower-case
# text), with a house number if one follows.
_DWELLING = (
    r"tinggal|bertempat\s+tinggal|berdomisili|domisili(?:nya)?|beralamat|"
    r"alamat(?:nya|\s+saya|\s+kami|\s+rumah(?:nya)?)?|"
    r"rumah(?:nya|ku|\s+(?:saya|kami|beliau|korban|pelapor|ibu|bapak|orang\s+tua\s+saya))?|"
    r"kediaman(?:nya)?|kos(?:an|t)?(?:nya|\s+saya)?|kontrakan(?:nya|\s+saya)?|"
    r"rumah\s+(?:(?:pak|bu|bapak|ibu|mbak|mas|kak|adik|nenek|kakek)\s+)?\[NAME_\d+\]"
)
_STREET_WORD = r"jalan|jln?\.?|gang|gg\.?|lorong|lr\.?|dusun|dsn\.?|kampung|kp\.?"
_LIVES_ON = re.compile(
    rf"(?i:\b(?:{_DWELLING})\s*(?:di|:)\s+)"
    rf"(?P<street>(?i:{_STREET_WORD})\s+"
    r"(?:[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*){0,3}|[a-z][\w'-]*)"
    r"(?:\s+(?i:no\.?|nomor)?\s*\d{1,4}[A-Za-z]?\b"
    r"(?!\s*(?i:tahun|bulan|minggu|hari|jam|km|meter|m)\b)|\s+[IVX]{1,4}\b)?)"
)


def _mask_dwellings(text: str, masker: lokal.Samaran) -> str:
    return _LIVES_ON.sub(
        lambda m: (
            m.group(0)[: m.start("street") - m.start()]
            + masker.placeholder("ADDRESS", m.group("street"))
        ),
        text,
    )


def new_masker() -> lokal.Samaran:
    """A fresh Samaran with the deployment's allow list (PUBLISH_MASK_ALLOW: values never
    masked, e.g. a public hotline or an official's title)."""
    allow = current_app.config.get("PUBLISH_MASK_ALLOW", ())
    return lokal.Samaran(mode="placeholder", types=MASKED_TYPES, allow=allow)


# A name right after the word for a public place is the place's name ("RSUP Dr. Sardjito",
# "Jalan Jenderal Sudirman", "Puskesmas dr. Ahmad"), as is one right before it in English
# ("Hasan Sadikin hospital"), not a private person's: it stays readable, as readers and the
# agency need to know which hospital or street failed.
_PLACE_BEFORE = re.compile(
    r"\b(?i:RS[A-Z]{0,3}|Rumah\s+Sakit(?:\s+Umum)?(?:\s+(?:Daerah|Pusat))?|Puskesmas|Klinik|"
    r"Universitas|Institut|Sekolah|SDN?|SMPN?|SMAN?|SMKN?|Bandara|Pelabuhan|Stasiun|Terminal|"
    r"Stadion|Gedung|Masjid|Gereja|Museum|Taman|Lapangan|Jalan|Jln?|Yayasan)\.?(?:\s+\d+)?"
    r"(?:\s+(?:Prof|Dr|dr|Drs|Ir|H|Hj|KH|Jend|Jenderal|Kol|Sultan|Raden|R)\.?)*\s+$"
)
_PLACE_AFTER = re.compile(
    r"\s+(?i:hospital|clinic|health\s+cent(?:re|er)|school|university|airport|station|"
    r"terminal|harbou?r|port|market|stadium|mosque|church|street|road|avenue)\b"
)
# Government programmes and cards a complaint is about ("penerima PBI BPJS", "KIP Kuliah"):
# lokal-id may take them for a name after a cue such as "penerima" (recipient).
_PROGRAMMES = frozenset(
    [
        "BLT",
        "BPJS",
        "BPNT",
        "BST",
        "JKN",
        "KIP",
        "KIS",
        "KJP",
        "KKS",
        "KPM",
        "PBI",
        "PIP",
        "PKH",
        "SKTM",
        "UKT",
    ]
)
# lokal-id reads on after a cue such as "bernama" ("bernama Ahmad Hidayat meminta uang") so that
# names written in lower case are caught. A name that starts with a capital ends before the
# first lower-case word that is not part of a name ("bin", "van"...): "meminta uang" is the
# complaint itself and stays readable.
_NAME_PARTICLES = frozenset({"bin", "binti", "van", "der", "den", "de", "al", "el", "da", "von"})


def _name_length(value: str) -> int:
    words = list(re.finditer(r"\S+", value))
    if not words or not words[0].group()[0].isupper():
        return len(value)
    for word in words[1:]:
        if word.group()[0].islower() and word.group() not in _NAME_PARTICLES:
            return len(value[: word.start()].rstrip())
    return len(value)


def mask(text: str, masker: lokal.Samaran | None = None) -> str:
    """`text` with personal data replaced by tokens."""
    masker = masker or new_masker()
    out: list[str] = []
    cursor = 0
    for found in masker.scan(text):
        end = found.end
        if found.type == "NAME":
            if (
                _PLACE_BEFORE.search(text, max(0, found.start - 80), found.start)
                or _PLACE_AFTER.match(text, found.end)
                or found.value.split()[0].upper() in _PROGRAMMES
            ):
                continue
            end = found.start + _name_length(text[found.start : found.end])
        out += [text[cursor : found.start], masker.placeholder(found.type, text[found.start : end])]
        cursor = end
    out.append(text[cursor:])
    return _mask_dwellings("".join(out), masker)


@dataclass
class MaskedComplaint:
    title: str
    description: str
    notes: dict[int, str] = field(default_factory=dict)  # event id → masked note


def mask_complaint(
    title: str, description: str, notes: Iterable[tuple[int, str]]
) -> MaskedComplaint:
    """Masks a complaint's texts with one vault, in a fixed order, so the same input always
    gives the same tokens (a refresh reproduces what was stored)."""
    masker = new_masker()
    result = MaskedComplaint(mask(title, masker), mask(description, masker))
    for event_id, note in notes:
        result.notes[event_id] = mask(note, masker)
    return result


def tokens_in(*texts: str | None) -> list[tuple[str, str]]:
    """The kinds of token in `texts`, as (example token kind, translated meaning), in a stable
    order, for the explanation under a published report."""
    kinds = {m.group(1) for text in texts if text for m in TOKEN.finditer(text)}
    return [(kind, str(TOKEN_TITLES[kind])) for kind in MASKED_TYPES if kind in kinds]
