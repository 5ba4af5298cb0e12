from django.core.management.base import BaseCommand

from motcua.backoffice import alerts


class Command(BaseCommand):
    help = (
        "Gửi thư cảnh báo hồ sơ, bước xử lý sắp đến hạn (trong 01 ngày làm việc) hoặc quá hạn "
        "cho cán bộ đang xử lý và lãnh đạo đơn vị. Chạy định kỳ, ví dụ mỗi sáng."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="chỉ liệt kê, không gửi thư")

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            for user, found in alerts.collect().items():
                self.stdout.write(f"{user.email}: {', '.join(a.dossier.code for a in found)}")
            return
        sent = alerts.send()
        self.stdout.write(self.style.SUCCESS(f"Đã gửi {sent} thư cảnh báo."))
