from django.core.management.base import BaseCommand

from motcua.demo.history import create_history
from motcua.demo.loader import DEMO_PASSWORD, load_demo, one_per_kind


class Command(BaseCommand):
    help = "Nạp tỉnh trình diễn: cơ quan, đơn vị, danh mục thủ tục và tài khoản cán bộ."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="không in danh sách tài khoản")
        parser.add_argument(
            "--with-dossiers",
            action="store_true",
            help="tạo thêm hồ sơ của 30 ngày qua (chỉ khi chưa có hồ sơ nào)",
        )

    def handle(self, *args, quiet=False, with_dossiers=False, **options):
        accounts = load_demo()
        if with_dossiers and (made := create_history()):
            self.stdout.write(f"Đã tạo {made} hồ sơ trình diễn của 30 ngày qua.")
        if quiet:
            return
        self.stdout.write(
            self.style.SUCCESS(f"Tài khoản trình diễn (mật khẩu chung: {DEMO_PASSWORD}):")
        )
        shown = one_per_kind(accounts)
        for a in shown:
            self.stdout.write(f"  {a.username:<32} {a.role:<40} {a.unit}")
        if len(accounts) > len(shown):
            self.stdout.write(
                f"  … và {len(accounts) - len(shown)} tài khoản khác "
                "(xem /admin/agencies/official/)."
            )
