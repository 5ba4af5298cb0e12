"""``python -m motcua deadline --start 2026-02-12T10:00 --working-days 5``: when is it due?"""

from datetime import datetime, time
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError

from motcua.core.errors import DomainError
from motcua.workdays.services import deadline


class Command(BaseCommand):
    help = (
        "Tính hạn trả kết quả theo lịch làm việc của tỉnh: ngày làm việc, ngày (Bộ luật Dân sự "
        "Điều 147–148), giờ làm việc hoặc trong ngày."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--start",
            required=True,
            type=_moment,
            help="Thời điểm tiếp nhận, ISO 8601 (không ghi múi giờ thì hiểu là giờ Việt Nam).",
        )
        limit = parser.add_mutually_exclusive_group(required=True)
        limit.add_argument("--working-days", type=Decimal, help="Số ngày làm việc (0,5 = 4 giờ).")
        limit.add_argument("--days", type=int, help="Số ngày (ngày lịch).")
        limit.add_argument("--working-hours", type=Decimal, help="Số giờ làm việc.")
        limit.add_argument("--same-day", action="store_true", help="Giải quyết trong ngày.")
        parser.add_argument(
            "--cutoff", type=time.fromisoformat, help="Giờ tiếp nhận muộn nhất (mặc định 15:00)."
        )
        parser.add_argument(
            "--hour-mode", action="store_true", help="Tính ngày làm việc theo giờ (8 giờ/ngày)."
        )
        parser.add_argument("--unit", help="Mã định danh của đơn vị (giờ làm việc riêng).")

    def handle(self, *args, **o):
        try:
            answer = deadline(
                o["start"],
                working_days=o["working_days"],
                days=o["days"],
                working_hours=o["working_hours"],
                same_day=o["same_day"],
                cutoff=o["cutoff"],
                hour_mode=o["hour_mode"],
                unit_code=o["unit"],
            )
        except DomainError as error:
            raise CommandError(f"{error.message} [{error.code}]") from error
        self.stdout.write(answer.due.isoformat())
        self.stdout.write(f"Thời hạn: {answer.label}. Hẹn trả kết quả: {answer.appointment}.")


def _moment(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"không phải thời điểm ISO 8601: {text}") from None
