"""`python -m motcua import-dossiers FILE.csv`: load historical dossiers (all or nothing)."""

import sys

from django.core.management.base import BaseCommand, CommandError

from motcua.monitoring import importer


class Command(BaseCommand):
    help = (
        "Nhập hồ sơ lịch sử từ tệp CSV (UTF-8, có dòng tiêu đề) để thống kê và chỉ số 766 tính "
        "cả các hồ sơ này. Kiểm tra mọi dòng trước; có dòng lỗi thì không nhập gì. Nhập lại cùng "
        "một tệp không thay đổi gì. Cột: " + ", ".join(importer.COLUMNS)
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="tệp CSV")
        parser.add_argument("--batch", type=int, default=5000, help="số dòng ghi mỗi lượt")
        parser.add_argument(
            "--no-copy",
            action="store_true",
            help="không dùng COPY của PostgreSQL (ghi bằng bulk_create như với SQLite)",
        )

    def handle(self, *args, file, batch, no_copy, **options):
        shown = [0]

        def progress(n):
            if n - shown[0] >= 100_000:
                shown[0] = n
                self.stderr.write(f"  … {n} hồ sơ")

        try:
            report = importer.import_file(
                file, batch=batch, fast=False if no_copy else None, progress=progress
            )
        except FileNotFoundError:
            raise CommandError(f"Không tìm thấy tệp {file}.") from None
        except importer.ImportFailed as failed:
            for error in failed.report.errors[:1000]:
                self.stderr.write(str(error))
            if len(failed.report.errors) > 1000:
                self.stderr.write(f"… và {len(failed.report.errors) - 1000} dòng lỗi khác.")
            self.stderr.write(failed.report.summary())
            sys.exit(1)
        self.stdout.write(report.summary())
