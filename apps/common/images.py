"""Uploaded photos: checked to be real images and re-encoded without EXIF (GPS) data."""

from __future__ import annotations

import io
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTO_SIDE = 2560
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "MPO": "jpg"}


def strip_exif(upload) -> ContentFile:
    """Return a copy of the uploaded image with all metadata removed.

    The image is rotated per its EXIF orientation first (so dropping the tag does not turn
    photos sideways), shrunk to MAX_PHOTO_SIDE, and re-encoded from pixels only, which
    drops EXIF, GPS, XMP and comments.
    """
    if getattr(upload, "size", 0) and upload.size > MAX_PHOTO_BYTES:
        raise ValidationError("照片不能超过 10 MB。", code="photo_too_large")
    try:
        upload.seek(0)
        image = Image.open(upload)
        image.load()
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ValidationError("无法识别的图片文件，请上传 JPG 或 PNG 照片。", code="photo_invalid") from exc
    fmt = image.format or "JPEG"
    if fmt not in FORMATS:
        raise ValidationError("只支持 JPG、PNG 或 WebP 照片。", code="photo_format")
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
    return ContentFile(buffer.getvalue(), name=f"{stem}.{FORMATS[fmt]}")
