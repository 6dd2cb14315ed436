#!/usr/bin/env python3
"""Write the hand-compiled agency reference files (stdlib only, dev tool).

    python3 scripts/gen_agencies.py        # from the repo root

Writes tthc/data/agencies_central.csv, tthc/data/provinces.csv and
tthc/data/units_demo.csv. The data below is compiled by hand (see
tthc/data/README.md for sources and caveats); edit it here and re-run rather
than editing the CSV files.
"""

import csv
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tthc" / "data"
COLUMNS = ["code", "name", "short_name", "kind", "parent_code", "valid_from", "valid_to", "successor_code"]

GOV_START = "2025-03-01"  # Government structure under Resolution 176/2025/QH15
OLD_END = "2025-02-28"
PROV_START = "2025-07-01"  # Resolution 202/2025/QH15
PROV_END = "2025-06-30"


def row(code, name, short, kind, parent="", valid_from="", valid_to="", successor=""):
    return dict(
        code=code,
        name=name,
        short_name=short,
        kind=kind,
        parent_code=parent,
        valid_from=valid_from,
        valid_to=valid_to,
        successor_code=successor,
    )


# --------------------------------------------------------------------------- central
CENTRAL = [row("CP", "Chính phủ", "Chính phủ", "central")]

MINISTRIES = [  # code, full name, short name
    ("BQP", "Bộ Quốc phòng", "Quốc phòng"),
    ("BCA", "Bộ Công an", "Công an"),
    ("BNG", "Bộ Ngoại giao", "Ngoại giao"),
    ("BNV", "Bộ Nội vụ", "Nội vụ"),
    ("BTP", "Bộ Tư pháp", "Tư pháp"),
    ("BTC", "Bộ Tài chính", "Tài chính"),
    ("BCT", "Bộ Công Thương", "Công Thương"),
    ("BNNMT", "Bộ Nông nghiệp và Môi trường", "Nông nghiệp và Môi trường"),
    ("BXD", "Bộ Xây dựng", "Xây dựng"),
    ("BVHTTDL", "Bộ Văn hóa, Thể thao và Du lịch", "Văn hóa, Thể thao và Du lịch"),
    ("BKHCN", "Bộ Khoa học và Công nghệ", "Khoa học và Công nghệ"),
    ("BGDDT", "Bộ Giáo dục và Đào tạo", "Giáo dục và Đào tạo"),
    ("BYT", "Bộ Y tế", "Y tế"),
    ("BDTTG", "Bộ Dân tộc và Tôn giáo", "Dân tộc và Tôn giáo"),
]
MINISTRY_LEVEL = [
    ("NHNN", "Ngân hàng Nhà nước Việt Nam", "Ngân hàng Nhà nước"),
    ("TTCP", "Thanh tra Chính phủ", "Thanh tra Chính phủ"),
    ("VPCP", "Văn phòng Chính phủ", "Văn phòng Chính phủ"),
]
# Ministries / ministry-level bodies abolished on 1 March 2025 (Resolution 176/2025/QH15).
# successor = the body that took over the bulk of their functions.
ABOLISHED = [
    ("BKHDT", "Bộ Kế hoạch và Đầu tư", "Kế hoạch và Đầu tư", "ministry", "BTC"),
    ("BGTVT", "Bộ Giao thông vận tải", "Giao thông vận tải", "ministry", "BXD"),
    ("BTNMT", "Bộ Tài nguyên và Môi trường", "Tài nguyên và Môi trường", "ministry", "BNNMT"),
    (
        "BNNPTNT",
        "Bộ Nông nghiệp và Phát triển nông thôn",
        "Nông nghiệp và Phát triển nông thôn",
        "ministry",
        "BNNMT",
    ),
    ("BTTTT", "Bộ Thông tin và Truyền thông", "Thông tin và Truyền thông", "ministry", "BKHCN"),
    ("BLDTBXH", "Bộ Lao động - Thương binh và Xã hội", "Lao động - Thương binh và Xã hội", "ministry", "BNV"),
    ("UBDT", "Ủy ban Dân tộc", "Ủy ban Dân tộc", "ministry_level", "BDTTG"),
    # A Government agency addressed beside the ministers in seeds 001 (2022) and 004 (2024) and scored
    # with them then; since 2025-03-01 it belongs to the Ministry of Finance (BTC-BHXH below).
    ("BHXH", "Bảo hiểm xã hội Việt Nam", "Bảo hiểm xã hội Việt Nam", "ministry_level", "BTC"),
]
UNITS = [  # code, name, short, parent, valid_from, valid_to, successor
    ("BTP-KSTT", "Cục Kiểm soát thủ tục hành chính", "Cục Kiểm soát TTHC", "BTP", "", "", ""),
    (
        "BTP-HTQTCT",
        "Cục Hộ tịch, quốc tịch, chứng thực",
        "Cục Hộ tịch, quốc tịch, chứng thực",
        "BTP",
        "",
        "",
        "",
    ),
    ("BTP-LLTP", "Trung tâm Lý lịch tư pháp quốc gia", "Trung tâm LLTP quốc gia", "BTP", "", "", ""),
    ("BCA-CSGT", "Cục Cảnh sát giao thông", "Cục CSGT", "BCA", "", "", ""),
    ("BKHDT-DKKD", "Cục Quản lý đăng ký kinh doanh", "Cục Quản lý ĐKKD", "BKHDT", "", OLD_END, "BTC-DKKD"),
    (
        "BTC-DKKD",
        "Cục Phát triển doanh nghiệp tư nhân và kinh tế tập thể",
        "Cục Phát triển DNTN và KTTT",
        "BTC",
        GOV_START,
        "",
        "",
    ),
    ("BTC-THUE", "Cục Thuế", "Cục Thuế", "BTC", "", "", ""),
    ("BTC-HQ", "Cục Hải quan", "Cục Hải quan", "BTC", "", "", ""),
    # Social insurance, a vertical sector scored with its ministry (docs/domain.md) since 2025-03-01.
    ("BTC-BHXH", "Bảo hiểm xã hội Việt Nam", "Bảo hiểm xã hội Việt Nam", "BTC", GOV_START, "", ""),
    # A state-owned group providing public services (electricity supply) through the portal, addressed
    # by seeds 001 and 004; not a state body, so under the root and never ranked.
    ("EVN", "Tập đoàn Điện lực Việt Nam", "Tập đoàn Điện lực Việt Nam", "CP", "", "", ""),
    ("BYT-QLKCB", "Cục Quản lý Khám, chữa bệnh", "Cục QLKCB", "BYT", "", "", ""),
    ("BYT-BTXH", "Cục Bảo trợ xã hội", "Cục Bảo trợ xã hội", "BYT", GOV_START, "", ""),
    ("BNNMT-QLDD", "Cục Quản lý đất đai", "Cục Quản lý đất đai", "BNNMT", GOV_START, "", ""),
    ("BXD-HDXD", "Cục Quản lý hoạt động xây dựng", "Cục Quản lý HĐXD", "BXD", "", "", ""),
    ("BXD-DBVN", "Cục Đường bộ Việt Nam", "Cục Đường bộ VN", "BXD", GOV_START, "", ""),
    (
        "BGTVT-DBVN",
        "Cục Đường bộ Việt Nam (thuộc Bộ Giao thông vận tải)",
        "Cục Đường bộ VN (cũ)",
        "BGTVT",
        "",
        OLD_END,
        "BXD-DBVN",
    ),
]


def central_rows():
    rows = list(CENTRAL)
    rows += [row(c, n, s, "ministry", "CP", GOV_START) for c, n, s in MINISTRIES]
    rows += [row(c, n, s, "ministry_level", "CP", GOV_START) for c, n, s in MINISTRY_LEVEL]
    rows += [row(c, n, s, k, "CP", "", OLD_END, succ) for c, n, s, k, succ in ABOLISHED]
    rows += [row(c, n, s, "unit", p, vf, vt, succ) for c, n, s, p, vf, vt, succ in UNITS]
    return rows


# --------------------------------------------------------------------------- provinces
# The 34 provincial units from 1 July 2025. Every one of them keeps the statistics
# code of one of the merged provinces, so the row IS the pre-2025 province with that
# code (valid_from empty), now carrying the post-merger name.
CITIES = {"01", "22", "24", "31", "46", "48", "75", "79", "92"}  # 9 centrally-run cities (2026)
PROVINCES = [
    ("01", "Hà Nội"),
    ("04", "Cao Bằng"),
    ("08", "Tuyên Quang"),
    ("11", "Điện Biên"),
    ("12", "Lai Châu"),
    ("14", "Sơn La"),
    ("15", "Lào Cai"),
    ("19", "Thái Nguyên"),
    ("20", "Lạng Sơn"),
    ("22", "Quảng Ninh"),
    ("24", "Bắc Ninh"),
    ("25", "Phú Thọ"),
    ("31", "Hải Phòng"),
    ("33", "Hưng Yên"),
    ("37", "Ninh Bình"),
    ("38", "Thanh Hóa"),
    ("40", "Nghệ An"),
    ("42", "Hà Tĩnh"),
    ("44", "Quảng Trị"),
    ("46", "Huế"),
    ("48", "Đà Nẵng"),
    ("51", "Quảng Ngãi"),
    ("52", "Gia Lai"),
    ("56", "Khánh Hòa"),
    ("66", "Đắk Lắk"),
    ("68", "Lâm Đồng"),
    ("75", "Đồng Nai"),
    ("79", "Hồ Chí Minh"),
    ("80", "Tây Ninh"),
    ("82", "Đồng Tháp"),
    ("86", "Vĩnh Long"),
    ("91", "An Giang"),
    ("92", "Cần Thơ"),
    ("96", "Cà Mau"),
]
# Pre-merger provinces absorbed on 1 July 2025 (Resolution 202/2025/QH15):
# old code, old name, kind of unit ("Tỉnh"/"Thành phố"), successor code.
ABSORBED = [
    ("02", "Hà Giang", "Tỉnh", "08"),
    ("06", "Bắc Kạn", "Tỉnh", "19"),
    ("10", "Lào Cai", "Tỉnh", "15"),
    ("17", "Hòa Bình", "Tỉnh", "25"),
    ("26", "Vĩnh Phúc", "Tỉnh", "25"),
    ("27", "Bắc Ninh", "Tỉnh", "24"),
    ("30", "Hải Dương", "Tỉnh", "31"),
    ("34", "Thái Bình", "Tỉnh", "33"),
    ("35", "Hà Nam", "Tỉnh", "37"),
    ("36", "Nam Định", "Tỉnh", "37"),
    ("45", "Quảng Trị", "Tỉnh", "44"),
    ("49", "Quảng Nam", "Tỉnh", "48"),
    ("54", "Phú Yên", "Tỉnh", "66"),
    ("58", "Ninh Thuận", "Tỉnh", "56"),
    ("60", "Bình Thuận", "Tỉnh", "68"),
    ("62", "Kon Tum", "Tỉnh", "51"),
    ("64", "Gia Lai", "Tỉnh", "52"),
    ("67", "Đắk Nông", "Tỉnh", "68"),
    ("70", "Bình Phước", "Tỉnh", "75"),
    ("72", "Tây Ninh", "Tỉnh", "80"),
    ("74", "Bình Dương", "Tỉnh", "79"),
    ("77", "Bà Rịa - Vũng Tàu", "Tỉnh", "79"),
    ("83", "Bến Tre", "Tỉnh", "86"),
    ("84", "Trà Vinh", "Tỉnh", "86"),
    ("87", "Đồng Tháp", "Tỉnh", "82"),
    ("89", "An Giang", "Tỉnh", "91"),
    ("93", "Hậu Giang", "Tỉnh", "92"),
    ("94", "Sóc Trăng", "Tỉnh", "92"),
    ("95", "Bạc Liêu", "Tỉnh", "96"),
]


def province_rows():
    rows = []
    new_names = {short for _, short in PROVINCES}
    for code, short in PROVINCES:
        prefix = "Thành phố" if code in CITIES else "Tỉnh"
        rows.append(row(code, f"{prefix} {short}", short, "province", "CP"))
    for code, short, prefix, succ in ABSORBED:
        if short in new_names:
            short = f"{short} (cũ)"
        rows.append(row(code, f"{prefix} {short}", short, "province", "CP", "", PROV_END, succ))
    rows.sort(key=lambda r: r["code"])
    return rows


# --------------------------------------------------------------------------- demo units
def demo_rows():
    rows = []
    for pcode, city in (("01", "Hà Nội"), ("48", "Đà Nẵng")):
        sfx = f"thành phố {city}"
        rows.append(
            row(
                f"{pcode}-TTPVHCC",
                f"Trung tâm Phục vụ hành chính công {sfx}",
                "Trung tâm Phục vụ hành chính công",
                "one_stop",
                pcode,
            )
        )
        for code, name, vf in (
            ("STP", "Sở Tư pháp", ""),
            ("STC", "Sở Tài chính", ""),
            ("SXD", "Sở Xây dựng", ""),
            ("SYT", "Sở Y tế", ""),
            ("SNNMT", "Sở Nông nghiệp và Môi trường", GOV_START),
            ("SNV", "Sở Nội vụ", ""),
        ):
            rows.append(row(f"{pcode}-{code}", f"{name} {sfx}", name, "unit", pcode, vf))
        # departments merged away in the March 2025 provincial restructuring
        for code, name, succ in (
            ("SKHDT", "Sở Kế hoạch và Đầu tư", "STC"),
            ("SGTVT", "Sở Giao thông vận tải", "SXD"),
            ("STNMT", "Sở Tài nguyên và Môi trường", "SNNMT"),
            ("SNNPTNT", "Sở Nông nghiệp và Phát triển nông thôn", "SNNMT"),
            ("SLDTBXH", "Sở Lao động - Thương binh và Xã hội", "SNV"),
        ):
            rows.append(
                row(f"{pcode}-{code}", f"{name} {sfx}", name, "unit", pcode, "", OLD_END, f"{pcode}-{succ}")
            )
    return rows


def clean(s: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", s)).strip()


def write(name, rows):
    path = DATA / name
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({k: clean(v) for k, v in r.items()})
    print(f"wrote {path.relative_to(ROOT)}: {len(rows)} rows")


def main():
    write("agencies_central.csv", central_rows())
    write("provinces.csv", province_rows())
    write("units_demo.csv", demo_rows())
    return 0


if __name__ == "__main__":
    sys.exit(main())
