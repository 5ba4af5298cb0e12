from django.core.management.base import BaseCommand

from motcua.demo.loader import DEMO_PASSWORD, load_demo, one_per_kind


class Command(BaseCommand):
    help = "Nạp tỉnh trình diễn: cơ quan, đơn vị, danh mục thủ tục và tài khoản cán bộ."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="không in danh sách tài khoản")

    def handle(self, *args, quiet=False, **options):
        accounts = load_demo()
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
