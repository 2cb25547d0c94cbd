"""Stored files that follow their rows."""

from __future__ import annotations

from django.db import transaction
from django.db.models.fields.files import FieldFile


def delete_file_on_commit(file: FieldFile) -> None:
    """Remove `file` from its storage once the surrounding transaction commits.

    Deleting at once would lose the file if the transaction then rolled back (the row would
    come back pointing at nothing); never deleting would leave it readable by its URL.
    """
    name, storage = file.name, file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))
