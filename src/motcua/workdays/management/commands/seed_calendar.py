"""``python -m motcua seed-calendar``: load the public-sector calendar, idempotently."""

from django.core.management.base import BaseCommand, CommandError

from motcua.workdays.services import SEED_YEARS, seed_calendar


class Command(BaseCommand):
    help = (
        "Nạp lịch nghỉ lễ, nghỉ bù, làm bù của khu vực công (bảng chính thức 2024–2026 và "
        "python-holidays cho các năm khác). Năm đã có dữ liệu do tỉnh nhập thì giữ nguyên."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from-year", type=int, default=SEED_YEARS.start)
        parser.add_argument("--to-year", type=int, default=SEED_YEARS.stop - 1)

    def handle(self, *args, from_year, to_year, **options):
        if not 1975 <= from_year <= to_year <= 2100:
            raise CommandError("Khoảng năm không hợp lệ (cần 1975 ≤ từ năm ≤ đến năm ≤ 2100).")
        for result in seed_calendar(range(from_year, to_year + 1)):
            self.stdout.write(result.message)
