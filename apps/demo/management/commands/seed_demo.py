"""`python manage.py seed_demo`: deterministic demo data, from 150 projects to a million requests."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.demo.services import (
    DEFAULT_PROJECTS,
    DEFAULT_REQUESTS,
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    DemoRefused,
    demo_has_content,
    demo_seed,
)


def _plain(text: str) -> str:
    return text  # stderr is styled as errors by default; progress is not an error


class ProgressBar:
    """A one-line progress bar on stderr, redrawn at most a few times a second."""

    WIDTH = 30

    def __init__(self, stream, *, interactive: bool):
        self.stream = stream
        self.interactive = interactive
        self.started = time.monotonic()
        self.last_draw = 0.0
        self.last_label = ""
        self.last_tenth = -1

    def __call__(self, label: str, done: int, total: int) -> None:
        now = time.monotonic()
        finished = done >= total
        share = done / total if total else 1.0
        if self.interactive:
            if not finished and now - self.last_draw < 0.2 and label == self.last_label:
                return
            filled = int(share * self.WIDTH)
            bar = "█" * filled + "░" * (self.WIDTH - filled)
            line = f"\r{label} {bar} {done:>9,}/{total:,} {share:6.1%} {now - self.started:6.1f}s"
            self.stream.write(line + ("\n" if finished else ""), style_func=_plain, ending="")
            self.stream.flush()
        else:
            tenth = int(share * 10)
            if tenth == self.last_tenth and label == self.last_label and not finished:
                return
            self.last_tenth = tenth
            self.stream.write(f"{label} {done:,}/{total:,} ({share:.0%}) {now - self.started:.1f}s", style_func=_plain)
        self.last_draw, self.last_label = now, label


class Command(BaseCommand):
    help = (
        "生成演示数据：14 个街道及其社区、责任单位、三个演示账号、民生项目和群众诉求。同一 --seed 生成相同的数据。"
        "数据库中已有项目或诉求时拒绝执行，除非加 --reset（仅 DEBUG=true）。"
        "DEBUG 未开启时不创建演示账号，除非加 --demo-accounts。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--projects", type=int, default=DEFAULT_PROJECTS, help="项目数（含子项目），默认 150")
        parser.add_argument("--requests", type=int, default=DEFAULT_REQUESTS, help="群众诉求数，默认 3000")
        parser.add_argument("--seed", type=int, default=1, help="随机种子，默认 1")
        parser.add_argument("--reset", action="store_true", help="先删除全部项目和诉求（仅 DEBUG=true 时允许）")
        parser.add_argument(
            "--demo-accounts",
            action="store_true",
            help=f"DEBUG 未开启时也创建三个演示账号（公开密码 {DEMO_PASSWORD}，勿在生产库使用）；DEBUG=true 时总是创建",
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="数据库中已有项目或诉求时跳过（不报错），供 make run 使用"
        )

    def handle(self, *args, **options) -> None:
        if options["projects"] < 0 or options["requests"] < 0:
            raise CommandError("--projects 和 --requests 不能为负数。")
        if options["if_empty"] and not options["reset"] and demo_has_content():
            self.stdout.write("数据库中已有数据，跳过演示数据生成。")
            return
        interactive = hasattr(self.stderr, "isatty") and self.stderr.isatty()
        try:
            summary = demo_seed(
                projects=options["projects"],
                requests=options["requests"],
                seed=options["seed"],
                reset=options["reset"],
                # The demo officials' password is published: a production database gets them only on request.
                accounts=options["demo_accounts"] or settings.DEBUG,
                progress=ProgressBar(self.stderr, interactive=interactive),
            )
        except DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        states = "、".join(f"{k} {v:,}" for k, v in sorted(summary.status_counts.items()))
        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据已生成（{summary.seconds:.1f} 秒）：区域 {summary.areas}，责任单位 {summary.departments}，"
                f"项目 {summary.projects:,}（节点 {summary.milestones:,}，进展 {summary.updates:,}），"
                f"诉求 {summary.requests:,}（办理记录 {summary.events:,}）。"
            )
        )
        if states:
            self.stdout.write(f"诉求状态：{states}")
        if summary.proposals:
            self.stdout.write(f"民生实事：建议 {summary.proposals} 条，人大代表票决选票 {summary.ballots} 张。")
        if summary.topics:
            self.stdout.write(f"每月一题：{summary.topics} 期。")
        if not summary.accounts:
            self.stdout.write("未创建演示账号（DEBUG 未开启；需要时加 --demo-accounts）。")
            return
        self.stdout.write(f"演示账号（密码 {DEMO_PASSWORD}）：")
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.username:<9} {account.label}")
