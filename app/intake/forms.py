"""The filing questions, shared by the web form and the JSON API so both say the same."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from lokal import normalize_phone
from wtforms import (
    BooleanField,
    DateField,
    Field,
    MultipleFileField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.complaints.models import ComplaintType, Privacy
from app.directory import queries
from app.directory.models import Region, RegionLevel

TITLE_MAX = 150
DESCRIPTION_MAX = 5000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class LocalDateField(DateField):
    """A date field whose parse error is ours: WTForms has no Indonesian catalog."""

    def process_formdata(self, valuelist: list) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_l("Enter a real date, for example 17/8/2026")) from error


def one_of(message: str) -> Callable[[FlaskForm, Field], None]:
    """Refuse a value that is not among the field's choices, with our own message."""

    def check(_form: FlaskForm, field: Field) -> None:
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(message)

    return check


def clean_text(value: object) -> object:
    """Trim, unify line ends and drop control characters; non-text is left for validation."""
    if not isinstance(value, str):
        return value
    return _CONTROL.sub("", value.replace("\r\n", "\n")).strip()


def readable(_form: FlaskForm, field: Field) -> None:
    if isinstance(field.data, str) and "\ufffd" in field.data:
        raise ValidationError(_l("This text contains characters that could not be read."))


def required(message: str) -> DataRequired:
    return DataRequired(message=message)


def _choices(enum_cls: type) -> list[SelectChoice]:
    return [SelectChoice(member.value, member.title) for member in enum_cls]


@dataclass
class ComplaintData:
    """Answers that passed validation, as plain values (kept as JSON in a draft)."""

    type: str
    title: str
    description: str
    region_code: str
    category: str
    privacy: str
    occurred_on: str | None = None
    name: str | None = None
    email: str | None = None
    phone: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


class ComplaintFields(FlaskForm):
    """Questions every channel asks, in the order the web form asks them."""

    type = RadioField(
        _l("What kind of report is this?"),
        choices=_choices(ComplaintType),
        validate_choice=False,
        validators=[
            required(_l("Choose what kind of report this is")),
            one_of(_l("Choose one of the kinds of report")),
        ],
    )
    title = StringField(
        _l("Title"),
        description=_l("A few words, for example “No clean water for a week”."),
        filters=[clean_text],
        validators=[
            required(_l("Enter a title")),
            Length(max=TITLE_MAX, message=_l("The title must be %(max)d characters or fewer")),
            readable,
        ],
    )
    description = TextAreaField(
        _l("What happened?"),
        description=_l(
            "Say what went wrong, who was involved and what you would like done. "
            "Do not include anyone’s ID number."
        ),
        filters=[clean_text],
        validators=[
            required(_l("Describe what happened")),
            Length(
                max=DESCRIPTION_MAX,
                message=_l("The description must be %(max)s characters or fewer"),
            ),
            readable,
        ],
    )
    occurred_on = LocalDateField(
        _l("When did it happen? (optional)"),
        description=_l("For example 17/8/2026. Leave empty if you are not sure."),
        validators=[Optional()],
    )
    category = SelectField(
        _l("Which topic is it about?"),
        validate_choice=False,
        validators=[required(_l("Choose a topic"))],
    )
    privacy = RadioField(
        _l("Who may see this report?"),
        choices=_choices(Privacy),
        validate_choice=False,
        validators=[
            required(_l("Choose who may see this report")),
            one_of(_l("Choose one of the three options")),
        ],
    )
    name = StringField(
        _l("Your name (optional)"),
        filters=[clean_text],
        validators=[Optional(), Length(max=120, message=_l("The name is too long")), readable],
    )
    email = StringField(
        _l("Email address"),
        filters=[clean_text],
        validators=[Optional(), Length(max=254, message=_l("The email address is too long"))],
    )
    phone = StringField(
        _l("Phone number"),
        description=_l("For example 0812 3456 7890."),
        filters=[clean_text],
        validators=[Optional()],
    )

    PRIVACY_HINTS = {
        Privacy.PUBLIC.value: _l(
            "Anyone can read what you wrote; your name and contact details are never shown."
        ),
        Privacy.CONFIDENTIAL.value: _l(
            "Only you and the agency handling it can read what you wrote; it is never published."
        ),
        Privacy.ANONYMOUS.value: _l(
            "The agency and the public never learn who you are. What you wrote may be published "
            "with personal details hidden; you follow it with a tracking code and a secret."
        ),
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.category.choices = [SelectChoice("", _l("Choose a topic"))] + [
            SelectChoice(c.code, c.name) for c in queries.categories()
        ]

    def validate_occurred_on(self, field: Field) -> None:
        if field.data and field.data > date.today():
            raise ValidationError(_l("The date must be today or in the past"))

    def validate_category(self, field: Field) -> None:
        if field.data and queries.category(field.data) is None:
            raise ValidationError(_l("Choose a topic from the list"))

    def validate_email(self, field: Field) -> None:
        if field.data and not _EMAIL.match(field.data):
            raise ValidationError(_l("Enter an email address like name@example.com"))

    def validate_phone(self, field: Field) -> None:
        if not field.data:
            return
        normalised = normalize_phone(field.data)
        if not normalised:
            raise ValidationError(_l("Enter an Indonesian phone number, like 0812 3456 7890"))
        field.data = normalised

    def validate_privacy(self, field: Field) -> None:
        anonymous = field.data == Privacy.ANONYMOUS.value
        if field.data and not anonymous and not (self.email.data or self.phone.data):
            raise ValidationError(
                _l("Give an email address or a phone number, or choose to report anonymously")
            )

    def chosen_region(self) -> Region | None:
        raise NotImplementedError

    def cleaned(self) -> ComplaintData:
        region = self.chosen_region()
        assert region is not None  # validation guarantees it
        return ComplaintData(
            type=self.type.data,
            title=self.title.data,
            description=self.description.data,
            region_code=region.code,
            category=self.category.data,
            privacy=self.privacy.data,
            occurred_on=self.occurred_on.data.isoformat() if self.occurred_on.data else None,
            name=self.name.data or None,
            email=self.email.data or None,
            phone=self.phone.data or None,
        )


class FilingForm(ComplaintFields):
    """The web form: the place is chosen province → regency/city → district."""

    province = SelectField(
        _l("Province"),
        validate_choice=False,
        validators=[required(_l("Choose a province")), one_of(_l("Choose a province"))],
    )
    regency = SelectField(
        _l("Regency or city"),
        validate_choice=False,
        validators=[required(_l("Choose a regency or city"))],
    )
    district = SelectField(
        _l("District (kecamatan), if you know it"), validate_choice=False, validators=[Optional()]
    )
    attachments = MultipleFileField(
        _l("Photos, documents or recordings (optional)"),
        description=_l(
            "Up to 3 files of 10 MB each: photos (JPEG, PNG, WebP), PDF or audio. "
            "Location data is removed from photos."
        ),
    )
    remove_attachments = BooleanField(_l("Remove the files attached earlier"))
    refresh = SubmitField(_l("Show the places in this area"))
    submit = SubmitField(_l("Continue"))

    FIELD_ORDER = (
        "type",
        "title",
        "description",
        "province",
        "regency",
        "district",
        "occurred_on",
        "category",
        "attachments",
        "privacy",
        "name",
        "email",
        "phone",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.province.choices = self._options(queries.regions(), _l("Choose a province"))
        province = self.province.data or None
        regency = self.regency.data or None
        self.regency.choices = self._options(
            queries.regions(province) if province else [], _l("Choose a regency or city")
        )
        if regency not in {choice.value for choice in self.regency.choices}:
            regency = None
        self.district.choices = self._options(
            queries.regions(regency) if regency else [], _l("Not sure")
        )

    @staticmethod
    def _options(regions: list[Region], empty: str) -> list[SelectChoice]:
        return [SelectChoice("", empty)] + [SelectChoice(r.code, r.name) for r in regions]

    def validate_regency(self, field: Field) -> None:
        region = queries.region(field.data)
        if region is None or region.parent_code != self.province.data:
            raise ValidationError(_l("Choose a regency or city in the province you chose"))

    def validate_district(self, field: Field) -> None:
        if not field.data:
            return
        region = queries.region(field.data)
        if region is None or region.parent_code != self.regency.data:
            raise ValidationError(_l("Choose a district in the regency or city you chose"))

    def chosen_region(self) -> Region | None:
        return queries.region(self.district.data or self.regency.data)

    @staticmethod
    def prefill(data: dict) -> dict:
        """Form data from a draft's answers, for "change your answers"."""
        region = queries.region(data["region_code"])
        chain: list[str] = []
        while region is not None:
            chain.insert(0, region.code)
            region = region.parent
        values = {k: v for k, v in data.items() if k != "region_code" and v is not None}
        values.update(zip(("province", "regency", "district"), chain, strict=False))
        if data.get("occurred_on"):
            values["occurred_on"] = date.fromisoformat(data["occurred_on"])
        return values


class ApiComplaintForm(ComplaintFields):
    """The JSON API: the place is one Kemendagri regency/city or district code."""

    region_code = StringField(
        _l("Region code"),
        filters=[clean_text],
        validators=[required(_l("Give a region code"))],
    )

    class Meta:
        csrf = False

    def validate_region_code(self, field: Field) -> None:
        region = queries.region(field.data)
        if region is None or region.level not in (RegionLevel.REGENCY, RegionLevel.DISTRICT):
            raise ValidationError(
                _l("Give the Kemendagri code of a regency/city or district, like 32.73")
            )

    def chosen_region(self) -> Region | None:
        return queries.region(self.region_code.data)


class TrackForm(FlaskForm):
    code = StringField(
        _l("Tracking code"),
        description=_l("8 letters and numbers, for example K7M3-Q9XD."),
        filters=[clean_text],
        validators=[required(_l("Enter the tracking code"))],
    )
    secret = StringField(
        _l("Secret"),
        description=_l(
            "From your receipt. You need it to reply, confirm or reopen, and to read a "
            "confidential or anonymous report. To only follow a public report, leave it empty."
        ),
        filters=[clean_text],
    )
    submit = SubmitField(_l("Track"))


class ConfirmForm(FlaskForm):
    submit = SubmitField(_l("Send report"))
