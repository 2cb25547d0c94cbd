"""docs/api/closed-loop.md cannot silently rot: the walk that wrote it runs again on the test
database and every step must answer with the status the document shows, in the same order, with
the same fields. When this fails after a deliberate API change, regenerate the document on a
fresh database (`python manage.py api_walkthrough`) and commit it."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from apps.api.walkthrough import DOC_PATH, documented_responses, documented_steps, shown_response, walk

pytestmark = pytest.mark.django_db

# The actions issue #12 asks one call and answer of, besides accept (with urgency) and assign (with co-departments).
NEW_ACTIONS = {
    "supervise",
    "answer_supervision",
    "request_extension",
    "approve_extension",
    "refuse_extension",
    "co_sign",
    "co_reply",
    "revisit",
    "reopen",
    "close_explained",
    "merge",
}


def keys(value) -> object:
    """What a response's shape is, without its values: the field names (and an event's)."""
    if isinstance(value, dict):
        return {k: keys(v) for k, v in value.items() if k != "…"}
    if isinstance(value, list):
        return [keys(v) for v in value if not isinstance(v, str) or not v.startswith("…")]
    return None


@pytest.fixture(scope="module")
def document() -> str:
    return (Path(settings.BASE_DIR) / DOC_PATH).read_text(encoding="utf-8")


def test_every_step_answers_as_the_document_says(document):
    steps = walk()
    assert [step.summary for step in steps] == documented_steps(document)
    shown = documented_responses(document)
    assert len(shown) == len(steps)
    for step, documented in zip(steps, shown, strict=True):
        assert keys(shown_response(step)) == keys(documented), step.summary


def test_the_document_shows_every_new_action_and_each_refusal(document):
    steps = documented_steps(document)
    succeeded = {line.split()[2] for line in steps if line.startswith("POST") and line.endswith(("→ 200", "→ 201"))}
    assert NEW_ACTIONS | {"accept", "assign", "sign", "resolve"} <= succeeded
    assert any(line.endswith("→ 403") for line in steps)
    assert any(line.endswith("→ 409") for line in steps)
    conflict = documented_responses(document)[[line.endswith("→ 409") for line in steps].index(True)]
    assert conflict["error"]["allowed_actions"]
