from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from apps.common import pii
from apps.common.pii_tables import BATCH, rotate


class Command(BaseCommand):
    help = (
        "用当前密钥（PII_KEY_ID）重新加密全部个人信息（含变更记录），并按当前 PII_INDEX_KEY 重建电话盲索引；"
        "分批提交，可中断后重跑。完成后即可从 PII_KEYS 中移除旧密钥。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=BATCH, help=f"每批行数，默认 {BATCH}")

    def handle(self, *args, batch_size: int, **options) -> None:
        current = pii.keyring().current.key_id
        for label, rows in rotate(batch_size=max(1, batch_size)).items():
            self.stdout.write(f"{label}: 重新加密或重建索引 {rows} 行")
        self.stdout.write(self.style.SUCCESS(f"全部个人信息已使用密钥 {current} 加密。"))
