"""Uploaded photos: checked to be real images and re-encoded without EXIF (GPS) data.

Hostile uploads are bounded before any pixel is decoded: the file's bytes (PHOTO_MAX_BYTES) and
the pixel count its header declares (PHOTO_MAX_PIXELS — a 400 KB PNG may declare 12000×12000
pixels, which take 576 MB and seconds of CPU to decode). Each photo is decoded once: the form
fields below re-encode it and hand on a `CleanPhoto`, which `strip_exif` passes through, so the
services that call it again do no second decode.
"""

from __future__ import annotations

import io
import math
import warnings
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PHOTO_SIDE = 2560
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "MPO": "jpg"}


class CleanPhoto(ContentFile):
    """A photo already re-encoded by strip_exif (no metadata, at most MAX_PHOTO_SIDE a side)."""


def _open_checked(upload) -> Image.Image:
    """Open the image lazily (header only) and refuse it on size, format or declared pixels."""
    size = getattr(upload, "size", None)
    if size and size > settings.PHOTO_MAX_BYTES:
        message = _("照片不能超过 %(size)s。") % {"size": filesizeformat(settings.PHOTO_MAX_BYTES)}
        raise ValidationError(message, code="photo_too_large")
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            # Our own budget below is tighter than Pillow's bomb warning; its error is caught.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(upload)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("无法识别的图片文件，请上传 JPG 或 PNG 照片。"), code="photo_invalid") from exc
    if image.format not in FORMATS:
        raise ValidationError(_("只支持 JPG、PNG 或 WebP 照片。"), code="photo_format")
    width, height = image.size
    if width * height > settings.PHOTO_MAX_PIXELS:
        message = _("照片像素过多（%(width)s×%(height)s），请上传不超过 %(mp)s 百万像素的照片。") % {
            "width": width,
            "height": height,
            "mp": settings.PHOTO_MAX_PIXELS // 1_000_000,
        }
        raise ValidationError(message, code="photo_too_many_pixels")
    return image


def strip_exif(upload) -> CleanPhoto:
    """Return a copy of the uploaded image with all metadata removed.

    The image is rotated per its EXIF orientation first (so dropping the tag does not turn
    photos sideways), shrunk to MAX_PHOTO_SIDE, and re-encoded from pixels only, which
    drops EXIF, GPS, XMP and comments. A CleanPhoto is returned as it is.
    """
    if isinstance(upload, CleanPhoto):
        return upload
    image = _open_checked(upload)
    fmt = image.format
    if fmt in ("JPEG", "MPO"):
        # The JPEG decoder scales by 1/2..1/8 while decoding, down to no less than the size the
        # photo is shrunk to below: a 35 Mpx photo is decoded as 9 Mpx and never exists in full.
        width, height = image.size
        ratio = min(1.0, MAX_PHOTO_SIDE / max(width, height))
        image.draft(image.mode, (math.ceil(width * ratio), math.ceil(height * ratio)))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image.load()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("无法识别的图片文件，请上传 JPG 或 PNG 照片。"), code="photo_invalid") from exc
    image = ImageOps.exif_transpose(image)
    image.thumbnail((MAX_PHOTO_SIDE, MAX_PHOTO_SIDE))
    save_format = "JPEG" if fmt == "MPO" else fmt
    if save_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    buffer = io.BytesIO()
    clean.save(buffer, format=save_format, quality=85)
    stem = Path(getattr(upload, "name", "photo") or "photo").stem[:40] or "photo"
    return CleanPhoto(buffer.getvalue(), name=f"{stem}.{FORMATS[fmt]}")


class PhotoField(forms.FileField):
    """One photo, re-encoded without EXIF while the form is cleaned (cleaned value: CleanPhoto).

    Replaces forms.ImageField, which opens and verifies the whole file with Pillow before any
    budget is checked, and whose work the re-encoding would repeat.
    """

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        return strip_exif(upload)


class MultiplePhotoInput(forms.FileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Up to `max_count` photos from one <input type=file multiple>, each as PhotoField cleans it."""

    widget = MultiplePhotoInput

    def __init__(self, *, max_count: int, **kwargs):
        kwargs.setdefault("required", False)
        self.max_count = max_count
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs["multiple"] = True
        attrs["accept"] = "image/jpeg,image/png,image/webp"
        return attrs

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        files = [f for f in files if f]
        if len(files) > self.max_count:
            raise ValidationError(_("最多上传 %(n)d 张照片。") % {"n": self.max_count}, code="too_many")
        cleaned = [super(MultiplePhotoField, self).clean(f, initial) for f in files]
        return [strip_exif(f) for f in cleaned if f]
