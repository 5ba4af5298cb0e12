from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from motcua.api.models import ApiToken


class Command(BaseCommand):
    help = (
        "Tạo mã truy cập API cho một cán bộ (in ra một lần duy nhất; hệ thống chỉ lưu mã băm). "
        'Dùng: python -m motcua create-api-token <tên đăng nhập> --name "Cổng DVCQG".'
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="tên đăng nhập của cán bộ")
        parser.add_argument("--name", required=True, help="hệ thống hoặc mục đích dùng mã")

    def handle(self, *args, username: str, name: str, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None or not user.is_active:
            raise CommandError(f"Không có tài khoản đang hoạt động «{username}».")
        if not hasattr(user, "official") and not user.is_superuser:
            raise CommandError(
                f"«{username}» không phải cán bộ, công chức; chỉ cấp mã API cho cán bộ."
            )
        if not name.strip():
            raise CommandError("Vui lòng đặt tên cho mã truy cập (--name).")
        _row, token = ApiToken.issue(user, name.strip())
        self.stderr.write(
            f"Đã tạo mã truy cập «{name.strip()}» cho {username}. Lưu mã ngay: "
            "hệ thống không hiển thị lại.\n"
        )
        self.stdout.write(token)
