"""`python -m motcua rollup-monitoring [--loop SECONDS]`: roll changed dossiers up into the
figures, once or as a small daemon (instead of, or beside, the Celery task)."""

import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections, connection

from motcua.monitoring import rollup


class Command(BaseCommand):
    help = (
        "Tổng hợp các hồ sơ vừa thay đổi vào dữ liệu thống kê và bảng tổng hợp của giám sát. "
        "Chạy một lần, hoặc lặp lại với --loop GIÂY (chạy nền thay cho tác vụ Celery)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop",
            type=float,
            metavar="GIÂY",
            help="lặp lại sau mỗi chừng ấy giây cho đến khi bị dừng (Ctrl+C)",
        )
        parser.add_argument(
            "--batch", type=int, default=rollup.BATCH, help="số thay đổi mỗi giao dịch"
        )

    def handle(self, *args, loop, batch, **options):
        if loop is None:
            self._report(rollup.catch_up(batch=batch), quiet=False)
            return
        try:
            while True:
                self._once(batch)
                time.sleep(loop)
        except KeyboardInterrupt:
            self.stdout.write("Đã dừng.")

    def _once(self, batch: int) -> None:
        # A daemon outlives database restarts: report the error, reconnect on the next round.
        close_old_connections()
        try:
            self._report(rollup.catch_up(batch=batch), quiet=True)
        except DatabaseError as exc:
            self.stderr.write(f"Lỗi cơ sở dữ liệu, sẽ thử lại: {exc}")
            connection.close()

    def _report(self, done: rollup.Progress, quiet: bool) -> None:
        if quiet and not done.notes:
            return
        self.stdout.write(
            f"Đã tổng hợp {done.notes} thay đổi của {done.dossiers} hồ sơ: ghi {done.facts} "
            f"dòng dữ liệu thống kê, cập nhật {done.tally_rows} dòng tổng hợp."
        )
