from django.core.management.base import BaseCommand, CommandError

from motcua.catalog.interchange import CatalogImportError, import_catalog, read_file


class Command(BaseCommand):
    help = (
        "Nhập danh mục thủ tục từ tệp JSON hoặc CSV (định dạng: docs/catalog-format.md). "
        "Có dòng sai thì không nhập gì và liệt kê mọi dòng sai."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="đường dẫn tệp .json hoặc .csv")

    def handle(self, *args, file: str, **options):
        try:
            data = read_file(file)
        except (OSError, ValueError) as exc:
            raise CommandError(f"Không đọc được tệp {file}: {exc}") from exc
        try:
            report = import_catalog(data)
        except CatalogImportError as exc:
            for line in exc.errors:
                self.stderr.write(line)
            raise CommandError(f"Không nhập gì: {len(exc.errors)} lỗi trong tệp {file}.") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã nhập: {report.created} thủ tục mới, {report.amended} sửa đổi, "
                f"{report.unchanged} không thay đổi."
            )
        )
