import json

from django.core.management.base import BaseCommand

from motcua.catalog.interchange import export_catalog, to_csv


class Command(BaseCommand):
    help = "Xuất danh mục thủ tục đang công khai ra JSON hoặc CSV."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("-o", "--output", help="tệp đích (mặc định: in ra màn hình)")

    def handle(self, *args, format: str, output: str | None, **options):
        data = export_catalog()
        if format == "csv":
            text = to_csv(data["procedures"])
        else:
            text = json.dumps(data, ensure_ascii=False, indent=2)
        if output:
            with open(output, "w", encoding="utf-8", newline="") as f:
                f.write(text)
        else:
            self.stdout.write(text)
