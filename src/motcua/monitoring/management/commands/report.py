"""`python -m motcua report --unit CODE --from DATE --to DATE --format json|xlsx|pdf`."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from motcua.agencies.models import Unit
from motcua.core.errors import DomainError
from motcua.monitoring import periods
from motcua.monitoring import report as reports


class Command(BaseCommand):
    help = (
        "Báo cáo tình hình, kết quả giải quyết TTHC của một đơn vị (và các đơn vị trực thuộc) "
        "trong một kỳ, so với kỳ trước, kèm chỉ số 766; xuất JSON, Excel hoặc PDF."
    )

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="mã định danh đơn vị")
        parser.add_argument("--from", dest="first", help="ngày đầu kỳ, YYYY-MM-DD")
        parser.add_argument("--to", dest="last", help="ngày cuối kỳ, YYYY-MM-DD")
        parser.add_argument("--period", help="hoặc kỳ: 2026, 2026-Q1, 2026-03")
        parser.add_argument("--format", choices=reports.FORMATS, default="json")
        parser.add_argument(
            "--output", "-o", help="tệp kết quả (mặc định: JSON ra màn hình, tệp tự đặt tên)"
        )

    def handle(self, *args, unit, first, last, period, format, output, **options):
        found = Unit.objects.filter(code=unit).first()
        if found is None:
            raise CommandError(f"Không có cơ quan, đơn vị mã «{unit}».")
        try:
            p = periods.parse(first, last, period)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        data = reports.build(found, p)
        content = reports.render(data, format)
        if format == "json" and not output:
            sys.stdout.write(content.decode() + "\n")
            return
        path = Path(output or reports.filename(data, format))
        path.write_bytes(content)
        self.stdout.write(f"Đã ghi {path} ({len(content)} byte).")
