"""`python -m motcua check-aggregates`: recount everything and compare with the tallies."""

import sys

from django.core.management.base import BaseCommand

from motcua.monitoring import consistency


class Command(BaseCommand):
    help = (
        "Đếm lại toàn bộ: dựng lại dữ liệu thống kê của từng hồ sơ từ hồ sơ và nhật ký xử lý, "
        "tính lại các bảng tổng hợp từ đó và so với bảng đang lưu. Thoát với mã 1 nếu có sai "
        "khác."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--skip-facts",
            action="store_true",
            help="chỉ đối chiếu bảng tổng hợp với dữ liệu từng hồ sơ (nhanh hơn)",
        )
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, skip_facts, quiet, **options):
        progress = None if quiet else (lambda msg: self.stderr.write(f"  … {msg}"))
        report = consistency.check(check_facts=not skip_facts, progress=progress)
        for line in report.mismatches[:200]:
            self.stderr.write(line)
        summary = (
            f"Đã kiểm tra {report.dossiers} hồ sơ, {report.unit_rows} dòng tổng hợp theo đơn vị, "
            f"{report.procedure_rows} dòng theo thủ tục trong {report.seconds:.1f} giây: "
        )
        if report.ok:
            self.stdout.write(summary + "khớp hoàn toàn với kết quả đếm lại.")
            return
        self.stderr.write(summary + f"{len(report.mismatches)} sai khác.")
        sys.exit(1)
