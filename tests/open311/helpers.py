"""Small helpers shared by the Open311 tests."""

from __future__ import annotations

import json
from xml.etree import ElementTree

from apps.appeals.models import Appeal
from apps.appeals.services import appeal_set_publication
from tests import factories as f


def published(**fields) -> Appeal:
    """A request the resident agreed to publish and an official approved."""
    appeal = f.appeal(**fields)
    return appeal_set_publication(appeal=appeal, approved=True)


def body(response):
    return json.loads(response.content.decode("utf-8"))


def xml(response) -> ElementTree.Element:
    return ElementTree.fromstring(response.content)
