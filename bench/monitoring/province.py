"""The benchmark province: 3 levels (tỉnh → sở / huyện → xã), 1,500 procedures.

Deterministic (seeded): ``structure()`` is the same in the generator and in ``setup()``, so
the CSV names units and procedures that the bench database holds.

- tỉnh: UBND tỉnh + Trung tâm Phục vụ hành chính công tỉnh (receives for every department);
- 20 sở, each with one phòng; 900 procedures at province level, each resolved by one sở;
- 8 huyện, each with a one-stop centre; 350 procedures at district level;
- 15 xã per huyện (120), each with a one-stop centre; 250 procedures at commune level.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

SUFFIX = "B40"
DEPARTMENTS = 20
DISTRICTS = 8
COMMUNES_PER_DISTRICT = 15
PROCEDURES = {"department": 900, "district": 350, "commune": 250}
FIELDS = [
    ("HOTICH", "Hộ tịch"), ("CHUNGTHUC", "Chứng thực"), ("DATDAI", "Đất đai"),
    ("XAYDUNG", "Hoạt động xây dựng"), ("MOITRUONG", "Môi trường"),
    ("DKDN", "Đăng ký doanh nghiệp"), ("HKD", "Hộ kinh doanh"),
    ("LAODONG", "Lao động, việc làm"), ("BTXH", "Bảo trợ xã hội"),
    ("NGUOICOCONG", "Người có công"), ("GIAODUC", "Giáo dục và Đào tạo"), ("YTE", "Y tế"),
    ("DUOC", "Dược phẩm"), ("VANHOA", "Văn hóa"), ("THETHAO", "Thể dục, thể thao"),
    ("DULICH", "Du lịch"), ("GTVT", "Giao thông vận tải"), ("CONGTHUONG", "Công Thương"),
    ("NONGNGHIEP", "Nông nghiệp"), ("THUYLOI", "Thủy lợi"), ("TAICHINH", "Tài chính"),
    ("KHCN", "Khoa học và Công nghệ"), ("TTTT", "Thông tin và Truyền thông"),
    ("NOIVU", "Nội vụ"), ("TONGIAO", "Tôn giáo"), ("THIDUA", "Thi đua, khen thưởng"),
    ("TUPHAP", "Tư pháp"), ("LYLICH", "Lý lịch tư pháp"), ("DANTOC", "Dân tộc"),
    ("NGOAIVU", "Ngoại vụ"),
]  # fmt: skip
ABOLISHED_ON = date(2024, 6, 1)  # decision 999/QĐ-UBND-BENCH abolishes 3% of procedures
LIMITS = [(1, 8), (3, 22), (5, 20), (7, 10), (10, 16), (15, 12), (20, 6), (30, 6)]
VERBS = ["Cấp", "Cấp lại", "Điều chỉnh", "Gia hạn", "Đăng ký", "Thẩm định", "Công nhận",
         "Xác nhận", "Phê duyệt", "Thu hồi"]  # fmt: skip
OBJECTS = ["giấy phép", "giấy chứng nhận", "hồ sơ", "thông tin", "đề án", "kế hoạch",
           "chứng chỉ hành nghề", "quyết định", "văn bản chấp thuận", "bản sao"]  # fmt: skip


@dataclass
class UnitSpec:
    code: str
    name: str
    level: str
    kind: str
    parent: str | None
    one_stop: bool = False
    weight: float = 1.0  # share of the dossiers of its level


@dataclass
class ProcSpec:
    code: str
    name: str
    level: str  # department | district | commune
    field: str
    days: int
    online: str  # FULL | PARTIAL | NONE
    fee: int
    written: bool
    citizens: bool
    department: str | None  # the resolving sở (province level)
    weight: float
    decision: int  # index into decisions()
    effective_offset: int  # days from the decision to the legal basis' effective date
    abolished_on: date | None = None
    extra: dict = field(default_factory=dict)


def structure(seed: int = 40) -> tuple[list[UnitSpec], list[ProcSpec]]:
    rng = random.Random(seed)
    units = [
        UnitSpec(f"000.00.00.{SUFFIX}", "Ủy ban nhân dân tỉnh Thử Nghiệm", "province",
                 "people_committee", None),
        UnitSpec(f"000.00.01.{SUFFIX}", "Trung tâm Phục vụ hành chính công tỉnh", "department",
                 "service_center", f"000.00.00.{SUFFIX}", one_stop=True),
    ]  # fmt: skip
    root = units[0].code
    sectors = [name for _, name in FIELDS]
    for i in range(DEPARTMENTS):
        code = f"000.00.{10 + i}.{SUFFIX}"
        sector = sectors[i % len(sectors)]
        weight = rng.lognormvariate(0, 0.6)
        units.append(
            UnitSpec(code, f"Sở {sector}", "department", "department", root, weight=weight)
        )
        units.append(
            UnitSpec(f"000.01.{10 + i}.{SUFFIX}", f"Phòng chuyên môn số 1, Sở {sector}",
                     "division", "division", code)
        )  # fmt: skip
    places = [
        "Hoa Lư", "Gia Viễn", "Nho Quan", "Yên Mô", "Yên Khánh", "Kim Sơn", "Tam Điệp",
        "Thiên Tôn", "Đông Sơn", "Bạch Liên", "Trường Yên", "Ninh Hải", "Ninh Vân",
    ]  # fmt: skip
    for d in range(DISTRICTS):
        code = f"H{d:02d}.00.{SUFFIX}"
        units.append(
            UnitSpec(
                code,
                f"Ủy ban nhân dân huyện {places[d]}",
                "district",
                "people_committee",
                root,
                weight=rng.lognormvariate(0, 0.4),
            )
        )
        units.append(
            UnitSpec(
                f"H{d:02d}.TT.{SUFFIX}",
                f"Bộ phận Một cửa huyện {places[d]}",
                "district",
                "service_center",
                code,
                one_stop=True,
            )
        )
        for c in range(COMMUNES_PER_DISTRICT):
            ccode = f"H{d:02d}.X{c:02d}.{SUFFIX}"
            name = f"xã {places[(d + c) % len(places)]} {c + 1}"
            units.append(
                UnitSpec(
                    ccode,
                    f"Ủy ban nhân dân {name}",
                    "commune",
                    "people_committee",
                    code,
                    weight=rng.lognormvariate(0, 0.7),
                )
            )
            units.append(
                UnitSpec(
                    f"H{d:02d}.X{c:02d}.TT.{SUFFIX}",
                    f"Bộ phận Một cửa {name}",
                    "commune",
                    "service_center",
                    ccode,
                    one_stop=True,
                )
            )
    departments = [u.code for u in units if u.kind == "department"]
    procedures: list[ProcSpec] = []
    n = 0
    for level, count in PROCEDURES.items():
        for i in range(count):
            n += 1
            fcode, fname = FIELDS[rng.randrange(len(FIELDS))]
            if level == "commune" and i < 6:
                fcode, fname = "CHUNGTHUC", "Chứng thực"
            days = rng.choices([d for d, _ in LIMITS], [w for _, w in LIMITS])[0]
            online = rng.choices(["FULL", "PARTIAL", "NONE"], [35, 45, 20])[0]
            verb, obj = rng.choice(VERBS), rng.choice(OBJECTS)
            name = f"{verb} {obj} lĩnh vực {fname.lower()} (thủ tục {n})"
            if level == "commune" and i < 3:
                name = f"Cấp bản sao điện tử được chứng thực từ bản chính, loại {i + 1}"
                online, days = "FULL", 1
            spec = ProcSpec(
                code=f"{SUFFIX}.{n:06d}",
                name=name,
                level=level,
                field=fcode,
                days=days,
                online=online,
                fee=rng.choice([0, 0, 0, 20000, 50000, 100000, 200000]),
                written=rng.random() < 0.85,
                citizens=level != "department" or rng.random() < 0.5,
                department=rng.choice(departments) if level == "department" else None,
                weight=1 / (i + 1) ** 1.05,  # Zipf: a few procedures carry most dossiers
                decision=rng.randrange(12),
                effective_offset=rng.choice([3, 10, 14, 20, 30, 45]),
            )
            if rng.random() < 0.03:
                spec.abolished_on = ABOLISHED_ON
            procedures.append(spec)
    return units, procedures


def decisions() -> list[tuple[str, date, date]]:
    """(number, date, published_on): two publication decisions a year, 2020–2025."""
    out = []
    for i in range(12):
        day = date(2020 + i // 2, 3 if i % 2 == 0 else 9, 10 + i)
        out.append((f"{100 + i}/QĐ-UBND-BENCH", day, day + timedelta(days=3 + i % 6)))
    return out


# --- writing the structure into the bench database ----------------------------------------------


def setup(seed: int = 40) -> dict:
    """Create units, fields, decisions, procedures (published) and a few officials; idempotent."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from motcua.agencies.models import Official, RoleAssignment, Unit
    from motcua.catalog.models import (
        Fee,
        Field,
        Procedure,
        ProcedureVersion,
        ProcessStep,
        PublicationDecision,
        RequiredDocument,
    )  # fmt: skip
    from motcua.core.text import vn_fold

    units, procedures = structure(seed)
    with transaction.atomic():
        by_code = {u.code: u for u in Unit.objects.filter(code__in=[u.code for u in units])}
        for spec in units:
            if spec.code in by_code:
                continue
            parent = by_code[spec.parent] if spec.parent else None
            by_code[spec.code] = Unit.objects.create(
                code=spec.code, name=spec.name, level=spec.level, kind=spec.kind,
                parent=parent, one_stop=spec.one_stop,
            )  # fmt: skip
        fields = {}
        for code, name in FIELDS:
            fields[code], _ = Field.objects.get_or_create(code=code, defaults={"name": name})
        decs = []
        for number, day, published in decisions():
            d, _ = PublicationDecision.objects.get_or_create(
                number=number,
                defaults={"date": day, "level": "province", "published_on": published,
                          "issuer": by_code[units[0].code]},
            )  # fmt: skip
            decs.append(d)
        abolition, _ = PublicationDecision.objects.get_or_create(
            number="999/QĐ-UBND-BENCH",
            defaults={"date": ABOLISHED_ON, "level": "province",
                      "published_on": date(2024, 6, 5)},
        )  # fmt: skip
        existing = set(Procedure.objects.filter(code__startswith=f"{SUFFIX}.").values_list(
            "code", flat=True))  # fmt: skip
        communes = [
            by_code[u.code] for u in units if u.level == "commune" and u.kind != "service_center"
        ]
        districts = [
            by_code[u.code] for u in units if u.level == "district" and u.kind != "service_center"
        ]
        todo = [p for p in procedures if p.code not in existing]
        made = Procedure.objects.bulk_create([Procedure(code=p.code) for p in todo])
        versions = []
        for spec, proc in zip(todo, made, strict=True):
            dec = decs[spec.decision]
            versions.append(ProcedureVersion(
                procedure=proc, number=1, status="PUBLISHED", decision=dec, name=spec.name,
                field=fields[spec.field], levels=[spec.level],
                subject_types=["citizen"] if spec.citizens else ["organization"],
                time_limit_value=Decimal(spec.days), time_limit_unit="WORKING_DAY",
                online_level=spec.online, full_online_eligible=spec.online == "FULL",
                requires_written_result=spec.written, procedure_steps="Theo quy định.",
                methods="Trực tiếp; trực tuyến; bưu chính công ích.",
                legal_basis="Văn bản quy phạm pháp luật (dữ liệu đo)",
                legal_basis_effective_date=dec.date + timedelta(days=spec.effective_offset),
                search_name=vn_fold(f"{spec.name} {spec.code}"), search_body="",
            ))  # fmt: skip
        ProcedureVersion.objects.bulk_create(versions, batch_size=500)
        through = ProcedureVersion.implementing_units.through
        links, steps, docs, fees = [], [], [], []
        for spec, v in zip(todo, versions, strict=True):
            if spec.level == "department":
                targets = [by_code[spec.department]]
            elif spec.level == "district":
                targets = districts
            else:
                targets = communes
            links += [through(procedureversion_id=v.pk, unit_id=u.pk) for u in targets]
            hours = spec.days * 8
            parts = [("RECEIVER", "@receiving", 2), ("SPECIALIST", "@competent", hours - 4),
                     ("HEAD", "@competent", 2)]  # fmt: skip
            steps += [
                ProcessStep(version=v, order=i, name=f"Bước {i}", role=r, unit_ref=ref, hours=h)
                for i, (r, ref, h) in enumerate(parts, start=1)
            ]
            docs.append(RequiredDocument(version=v, order=1, name="Đơn đề nghị (theo mẫu)"))
            if spec.fee:
                fees.append(Fee(version=v, kind="LE_PHI", name="Lệ phí", amount=spec.fee))
        through.objects.bulk_create(links, batch_size=5000)
        ProcessStep.objects.bulk_create(steps, batch_size=2000)
        RequiredDocument.objects.bulk_create(docs, batch_size=2000)
        Fee.objects.bulk_create(fees, batch_size=2000)
        for spec, proc, v in zip(todo, made, versions, strict=True):
            proc.current_version_id = v.pk
            if spec.abolished_on:
                proc.abolished_by = abolition
        Procedure.objects.bulk_update(made, ["current_version", "abolished_by"], batch_size=500)
        ProcedureVersion.objects.filter(
            pk__in=[v.pk for s, v in zip(todo, versions, strict=True) if s.abolished_on]
        ).update(status="ABOLISHED")
        # Officials for the live-transition benchmark and the pages.
        commune = communes[0]
        desk = by_code[f"{commune.code[: -len(SUFFIX) - 1]}.TT.{SUFFIX}"]
        people = {}
        for username, role, unit in [
            ("bench.lanhdao.tinh", "LEADER_VIEWER", by_code[units[0].code]),
            ("bench.tiepnhan", "RECEIVER", desk),
            ("bench.chuyenvien", "SPECIALIST", commune),
            ("bench.lanhdao.xa", "HEAD", commune),
        ]:
            user, _ = get_user_model().objects.get_or_create(username=username)
            official, _ = Official.objects.get_or_create(
                user=user, defaults={"full_name": username}
            )
            RoleAssignment.objects.get_or_create(official=official, unit=unit, role=role)
            people[username] = user
    return {"units": len(units), "procedures": len(procedures), "commune": commune.code}
