"""Deciding what an uploaded file is, from its bytes, and making photos safe to keep.

Photos are decoded and re-encoded from bare pixels, so no EXIF, GPS, XMP, ICC or comment
block survives. The type comes from the content, never from the filename or Content-Type.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

import filetype
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from app.complaints.models import AttachmentKind

IMAGE_TYPES = {
    "image/jpeg": ("JPEG", ".jpg"),
    "image/png": ("PNG", ".png"),
    "image/webp": ("WEBP", ".webp"),
}
AUDIO_TYPES = {
    "audio/mpeg": ".mp3",
    "audio/mp4": ".m4a",
    "audio/x-m4a": ".m4a",
    "audio/ogg": ".ogg",
    "audio/x-wav": ".wav",
    "audio/amr": ".amr",
    "audio/aac": ".aac",
}


class UploadError(ValueError):
    """A file we will not keep; the message is shown to the reporter."""


@dataclass(frozen=True)
class CleanFile:
    kind: AttachmentKind
    media_type: str
    extension: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def clean(data: bytes) -> CleanFile:
    """Check one upload and return what may be stored, or raise UploadError."""
    if not data:
        raise UploadError(_l("The file is empty."))
    if len(data) > current_app.config["MAX_FILE_BYTES"]:
        raise UploadError(_l("Each file must be 10 MB or smaller."))
    guess = filetype.guess(data)
    media_type = guess.mime if guess else None
    if media_type in IMAGE_TYPES:
        return _clean_image(data, media_type)
    if media_type == "application/pdf" and data.startswith(b"%PDF-"):
        return CleanFile(AttachmentKind.DOCUMENT, media_type, ".pdf", data)
    if media_type in AUDIO_TYPES:
        return CleanFile(AttachmentKind.AUDIO, media_type, AUDIO_TYPES[media_type], data)
    raise UploadError(
        _l("This file is not a photo (JPEG, PNG or WebP), a PDF or an audio recording.")
    )


def clean_all(uploads: list[bytes], already: int = 0) -> tuple[list[CleanFile], list[str]]:
    """Check every file of one submission: the clean ones, and a message per problem."""
    if len(uploads) + already > current_app.config["MAX_FILES"]:
        return [], [_("You can attach at most 3 files.")]
    files, errors = [], []
    for number, data in enumerate(uploads, start=1):
        try:
            files.append(clean(data))
        except UploadError as error:
            errors.append(_("File %(number)d: %(problem)s", number=number, problem=error))
    return files, errors


def _clean_image(data: bytes, media_type: str) -> CleanFile:
    pil_format, extension = IMAGE_TYPES[media_type]
    limit = current_app.config["MAX_IMAGE_PIXELS"]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if image.format != pil_format or width * height > limit:
                raise UploadError(_l("This photo is too large in pixels; send a smaller one."))
            image.load()
            image = ImageOps.exif_transpose(image)
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as error:
        if isinstance(error, UploadError):
            raise
        raise UploadError(_l("This photo could not be read. Try another file.")) from error
    mode = "RGB" if pil_format == "JPEG" or image.mode not in ("RGBA", "LA", "L") else image.mode
    if image.mode == "P" and "transparency" in image.info and pil_format != "JPEG":
        mode = "RGBA"
    pixels = image.convert(mode)
    bare = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())  # no info, no metadata
    out = io.BytesIO()
    options = {"quality": 85, "optimize": True} if pil_format == "JPEG" else {}
    if pil_format == "WEBP":
        options = {"quality": 85}
    bare.save(out, format=pil_format, **options)
    return CleanFile(AttachmentKind.PHOTO, media_type, extension, out.getvalue())
