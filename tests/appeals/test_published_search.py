"""Searching published requests: only their public version, through the trigram indexes on
PostgreSQL, and a word too short for a trigram searches the newest requests only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from apps.appeals.models import Appeal
from apps.appeals.selectors import published_appeals, published_text_search
from apps.appeals.services import appeal_set_publication
from tests import factories as f

pytestmark = pytest.mark.django_db


def published(title: str, content: str, *, days_ago: int = 0) -> Appeal:
    appeal = appeal_set_publication(
        appeal=f.appeal(title=title, content=content, consent_to_publish=True), approved=True, by=f.official()
    )
    Appeal.objects.filter(pk=appeal.pk).update(submitted_at=timezone.now() - timedelta(days=days_ago))
    return appeal


def found(value: str) -> list[str]:
    return [a.published_title for a in published_text_search(published_appeals(), value)]


def test_it_finds_the_public_title_and_content_in_any_case():
    published("奎园社区路灯不亮", "晚上看不清台阶。")
    published("LED 灯箱太亮", "对面商铺的 led 屏整夜亮着。")
    assert found("路灯不亮") == ["奎园社区路灯不亮"]
    assert found("看不清台阶") == ["奎园社区路灯不亮"]
    assert found("Led 屏") == ["LED 灯箱太亮"]


def test_it_never_matches_the_text_as_written():
    appeal = published("楼道灯坏了", "电话13912345678，住9号楼3单元502室。")
    assert "13912345678" in appeal.content
    assert found("13912345678") == []
    assert found("502室") == []
    assert found("楼道灯坏了") == ["楼道灯坏了"]


def test_a_word_too_short_for_a_trigram_searches_the_newest_requests_only(settings):
    settings.SEARCH_SHORT_ROWS = 2
    published("东村路灯不亮", "很久了。", days_ago=30)
    published("茶棚路灯闪烁", "晚上。", days_ago=2)
    published("奎西菜场卫生", "路面脏。", days_ago=1)
    # 路灯 has no trigram: the two newest requests only, of which one matches.
    assert found("路灯") == ["茶棚路灯闪烁"]
    # A longer word goes through the index and finds every request.
    assert found("路灯不亮") == ["东村路灯不亮"]
    assert sorted(found("路灯闪")) == ["茶棚路灯闪烁"]


def test_a_short_word_searches_everything_while_there_are_fewer_requests_than_the_window(settings):
    settings.SEARCH_SHORT_ROWS = 100
    published("东村路灯不亮", "很久了。", days_ago=30)
    published("茶棚路灯闪烁", "晚上。", days_ago=2)
    assert sorted(found("路灯")) == ["东村路灯不亮", "茶棚路灯闪烁"]
    assert found("井") == []


def _copies(appeal: Appeal, n: int) -> None:
    """`n` more published requests like `appeal` with other words, in one statement."""
    replaced = {
        "tracking_no": "tracking_no || '-' || g",
        "external_id": "NULL",
        "published_title": "'其他诉求' || g",
        "published_content": "'第' || g || '件的内容'",
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_name = 'appeals_appeal' AND column_name <> 'id'"
        )
        columns = [row[0] for row in cursor.fetchall()]
        values = ", ".join(replaced.get(c, f'"{c}"') for c in columns)
        names = ", ".join(f'"{c}"' for c in columns)
        cursor.execute(
            f"INSERT INTO appeals_appeal ({names}) SELECT {values} FROM appeals_appeal, generate_series(1, %s) g"
            " WHERE id = %s",
            [n, appeal.pk],
        )
        cursor.execute("ANALYZE appeals_appeal")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram indexes exist on PostgreSQL only")
def test_postgresql_answers_a_search_from_the_trigram_indexes():
    _copies(published("奎园社区路灯不亮", "晚上看不清台阶。"), 1000)
    queryset = published_text_search(published_appeals(linked_projects=False), "路灯不亮").order_by()
    assert queryset.count() == 1
    sql, params = queryset.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        # At this size reading the table, or all published rows through another partial index, is
        # still cheaper: take those ways away (rolled back with the test) to see that the trigram
        # indexes can answer.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'appeals_appeal'"
            " AND indexdef LIKE '%%consent_to_publish%%' AND indexname NOT LIKE '%%_trgm'"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "appeal_published_title_trgm" in plan
    assert "appeal_published_content_trgm" in plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm under PostgreSQL")
def test_pg_trgm_reads_chinese_characters_as_letters():
    with connection.cursor() as cursor:
        cursor.execute("SELECT array_length(show_trgm('路灯不亮'), 1), array_length(show_trgm('%%'), 1)")
        chinese, nothing = cursor.fetchone()
    assert chinese >= 4  # 路灯不, 灯不亮 and the word's padded ends
    assert nothing is None
