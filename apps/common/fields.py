"""Model fields that keep residents' personal data encrypted in the database (see apps.common.pii).

The ORM reads and writes plain values everywhere (forms, admin, exports, the change history,
`values()`); the column holds `<key id>$<SM4-CBC + HMAC-SM3>` text. A query cannot compare
ciphertexts, so every lookup except `isnull` and `= ""` is refused with a FieldError instead of
silently matching nothing: exact look-up by phone goes through `PhoneIndexField`.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from apps.common import pii


class EmptyExact(Exact):
    """`field=""` works (an empty value is stored empty); any other value cannot be compared."""

    def get_prep_lookup(self):
        if self.rhs != "":
            raise FieldError(
                f"{self.lhs.target.model.__name__}.{self.lhs.target.name} is encrypted: only an empty value can be "
                "matched; a phone number is found through its blind index (PhoneIndexField)."
            )
        return super().get_prep_lookup()


class EncryptedMixin:
    """Encrypt on the way to the database, decrypt on the way out; the column is text."""

    encrypted = True

    def get_internal_type(self) -> str:
        return "TextField"

    def get_lookup(self, lookup_name: str):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        if lookup_name == "exact":
            return EmptyExact
        raise FieldError(
            f"{self.model.__name__}.{self.name} is encrypted: it cannot be filtered on ({lookup_name!r}); "
            "a phone number is found through its blind index (PhoneIndexField)."
        )

    def get_transform(self, lookup_name: str):
        return None

    def plaintext(self, value) -> str | None:
        """The text that is encrypted for a Python value (None: NULL)."""
        return None if value is None else str(value)

    def from_plaintext(self, text: str):
        return text

    def get_db_prep_value(self, value, connection, prepared=False):
        if hasattr(value, "as_sql"):
            return value
        if not prepared:
            value = self.get_prep_value(value)
        text = self.plaintext(value)
        return None if text is None else pii.encrypt(text)

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return self.from_plaintext(pii.decrypt(value))


class EncryptedCharField(EncryptedMixin, models.CharField):
    """A CharField whose `max_length` limits the plain text; the column is unbounded text."""

    description = _("加密文本")

    def plaintext(self, value) -> str | None:
        return None if value is None else str(value)


class EncryptedDecimalField(EncryptedMixin, models.DecimalField):
    """A DecimalField (validation, forms, serializers as usual) stored encrypted as its text."""

    description = _("加密数值")

    def get_db_prep_value(self, value, connection, prepared=False):
        if hasattr(value, "as_sql"):
            return value
        value = self.to_python(value) if not prepared else value
        text = self.plaintext(value)
        return None if text is None else pii.encrypt(text)

    def plaintext(self, value) -> str | None:
        if value is None:
            return None
        return format(Decimal(value).quantize(Decimal(1).scaleb(-self.decimal_places)), "f")

    def from_plaintext(self, text: str):
        return Decimal(text) if text else None


class PhoneIndexField(models.CharField):
    """The blind index of another field's phone number, recomputed whenever the row is saved.

    HMAC-SM3 under its own key (`PII_INDEX_KEY`) of the normalised digits: equal numbers however
    written give equal index values, and the value reveals nothing without the key. A row saved
    with `update_fields` must name this field too; `QuerySet.update()` must set it (see
    `pii.phone_index`).
    """

    def __init__(self, *args, source: str = "", **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key, default in (("max_length", 32), ("blank", True), ("editable", False), ("db_index", True)):
            if kwargs.get(key, default) == default:
                kwargs.pop(key, None)
        return name, path, args, kwargs

    def index_of(self, value: str) -> str:
        return pii.phone_index(value)

    def pre_save(self, model_instance, add: bool):
        value = self.index_of(getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value


class NameIndexField(PhoneIndexField):
    """The blind index of another field's person's name (`pii.name_index`), kept like a phone's."""

    def index_of(self, value: str) -> str:
        return pii.name_index(value)


class EmailIndexField(PhoneIndexField):
    """The blind index of another field's e-mail address (`pii.email_index`), kept like a phone's."""

    def index_of(self, value: str) -> str:
        return pii.email_index(value)
