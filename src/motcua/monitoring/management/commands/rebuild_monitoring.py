"""`python -m motcua rebuild-monitoring`: rewrite facts and tallies from the dossiers."""

from django.core.management.base import BaseCommand

from motcua.monitoring import consistency


class Command(BaseCommand):
    help = (
        "Dựng lại toàn bộ dữ liệu thống kê và bảng tổng hợp từ hồ sơ (sau khi khôi phục dữ liệu "
        "hoặc khi bật giám sát trên dữ liệu cũ)."
    )

    def handle(self, *args, **options):
        n = consistency.rebuild(progress=lambda msg: self.stderr.write(f"  … {msg}"))
        self.stdout.write(f"Đã dựng lại dữ liệu thống kê của {n} hồ sơ.")
