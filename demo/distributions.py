"""The figures that shape the demo data, in one place.

They come from docs/domain.md#reference-figures (online share, on-time ratio, digitisation,
e-results, data reuse); the ones marked [assumed] are not published anywhere and only need to look
plausible. Shares are per dossier unless said otherwise.
"""

from __future__ import annotations

from datetime import date

from tthc import calendar

VN_TZ = calendar.VN_TZ
WINDOW_MONTHS = 13
DEFAULT_DOSSIERS = 20_000
DEFAULT_SEED = 766
DEFAULT_CHUNK = 50_000

# --- Distributions ---------------------------------------------------------------------------------

MINISTRY_SHARE = 0.015  # dossiers received by ministries themselves ("a handful")
COMMUNE_SHARE = 0.62  # of a province's dossiers: received by its communes, the rest at province level
ONLINE_SHARE = {"commune": 0.60, "province": 0.70, "ministry": 0.80}  # reference figures: 63.5 % / 80.7 %
ONLINE_SPREAD = 0.10  # each province's online share varies ± this much
POSTAL_SHARE = 0.03
OFF_DAY_WEIGHT = 0.05  # a weekend or holiday sees 5 % of a working day's filings (online only)
AFTER_HOURS_ONLINE = 0.22  # online filings on working days made outside office hours
#: Online dossiers filed through the national portal (NoiNopHoSo 1), the rest on the handling system's
#: own portal (2 ministry, 3 province); direct and postal dossiers are entered where they are handled.
#: [assumed] demo share: seed 004 gives only the portal's own figure (2,153,294 online dossiers filed
#: through the national portal in May 2024), not the share.
FILED_ON_PORTAL = 50  # percent
AUTO_RECEIPT = 0.5  # after-hours online filings received at once by the system (the rest next morning)
REFUSED = 0.012  # status 3, refused at intake
WITHDRAWN = 0.012  # status 7
STOPPED = 0.005  # status 8
STUCK = 0.012  # never finished: open, and overdue once the due date has passed
LATE = {"commune": 0.09, "province": 0.11, "ministry": 0.35}  # reference figures: ~90 % / ~50 % on time
SUPPLEMENT_ONE = 0.06  # status 5 once
SUPPLEMENT_TWO = 0.01  # status 5 twice: overdue for the index whatever the finish time
FINANCIAL_OBLIGATION = 0.25  # status 6, for fee-bearing land procedures
DIGITISED = {"commune": 0.70, "province": 0.70, "ministry": 0.81}  # reference figures: 70.2 % / 81.4 %
E_RESULT = {"commune": 0.40, "province": 0.40, "ministry": 0.26}  # of finished result-issuing dossiers
DATA_REUSE = 0.03  # reference figures
PERSONAL_STORE = (0.35, 0.05)  # online / other channels [assumed]
POPULATION_DATA = (0.85, 0.15)  # connected procedure, citizen / otherwise [assumed]
FEE_EXEMPT = 0.08  # fee-bearing dossiers exempted [assumed]
PAID_ONLINE = (0.60, 0.15)  # online dossiers with a fee: payment integrated / not [assumed]
PAID_ON_PORTAL = 0.45  # of online payments: on the national portal (the rest: local gateway)
RATED = 0.06  # finished dossiers with a satisfaction rating [assumed]
DISLIKE = (0.06, 0.35)  # of rated: on time / late
COMPLAINT = (0.002, 0.02)  # on time / late
APOLOGY = 0.40  # late dossiers whose handling agency sent an apology letter in time [assumed]
APOLOGY_PROMISE_KEPT = 0.85

#: Approximate population (millions) of the 34 provinces after the 2025 mergers [assumed]:
#: weights the provinces' dossier volumes. Unknown codes fall back to their number of communes.
PROVINCE_POPULATION = {
    "01": 8.7,
    "04": 0.57,
    "08": 1.87,
    "11": 0.65,
    "12": 0.49,
    "14": 1.33,
    "15": 1.78,
    "19": 1.80,
    "20": 0.80,
    "22": 1.38,
    "24": 3.62,
    "25": 4.02,
    "31": 4.66,
    "33": 3.57,
    "37": 4.41,
    "38": 3.76,
    "40": 3.83,
    "42": 1.62,
    "44": 1.87,
    "46": 1.43,
    "48": 3.07,
    "51": 2.16,
    "52": 3.58,
    "56": 2.24,
    "66": 3.35,
    "68": 3.87,
    "75": 4.49,
    "79": 14.0,
    "80": 3.25,
    "82": 4.37,
    "86": 4.26,
    "91": 4.95,
    "92": 4.20,
    "96": 2.61,
}

#: Relative volume per procedure field (everything else 1): civil status, certified copies, judicial
#: records, driving licences, business and land registration dominate what one-stop shops receive.
FIELD_WEIGHT = {
    "CHUNGTHUC": 25,
    "HOTICH": 12,
    "LLTP": 30,
    "GPLX": 12,
    "HKD": 10,
    "DKDN": 5,
    "DATDAI": 8,
    "BTXH": 4,
    "VANTAI": 5,
    "LAODONG": 5,
    "GIAODUC": 3,
    "CPXD": 5,
    "KCB": 2,
    "THUE": 3,
    "NCC": 3,
    "QUOCPHONG": 3,
    "DUOC": 2,
    "HTX": 2,
}
NAME_WEIGHT = (  # (substring of the lower-cased name, factor)
    ("đăng ký khai sinh", 4),
    ("bản sao", 3),
    ("kết hôn", 2),
    ("khai tử", 1.5),
    ("tình trạng hôn nhân", 4),
    ("trích lục", 2),
    ("đổi giấy phép lái xe do ngành", 4),
    ("trợ cấp thất nghiệp", 4),
    ("phiếu lý lịch tư pháp cho công dân", 3),
    ("lưu động", 0.15),
    ("biên giới", 0.15),
    ("nước ngoài", 0.3),
    ("cấp đặc biệt", 0.1),
    ("thủ tướng", 0.1),
)
BUSINESS_FIELDS = {"DKDN", "DTNN", "DTRNN", "VANTAI", "CONGTHUONG", "NGANHANG", "HDXD", "KHCN", "MADVNS"}
BUSINESS_WORDS = ("doanh nghiệp", "công ty", "hợp tác xã", "dự án", "cơ sở", "nhà thầu", "văn phòng")
APPLICANT_KINDS_PERSON = (0.93, 0.04, 0.01, 0.02)  # citizen, business, state body, other organisation
APPLICANT_KINDS_BUSINESS = (0.15, 0.75, 0.03, 0.07)
FEES = (10_000, 15_000, 20_000, 30_000, 50_000, 100_000, 200_000, 300_000, 500_000, 1_000_000)

# --- Names -----------------------------------------------------------------------------------------
FAMILY = (
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
)
MIDDLE = ("Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quang", "Thu", "Xuân", "Hoài", "Anh")
GIVEN = (
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hoa",
    "Hùng",
    "Hương",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Phong",
    "Phương",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trang",
    "Tuấn",
    "Việt",
    "Yến",
)
COMPANY_FORMS = ("TNHH", "Cổ phần", "TNHH MTV", "TNHH Thương mại", "Cổ phần Đầu tư")
COMPANY_WORDS = (
    "Hưng Thịnh",
    "Phú Gia",
    "An Phát",
    "Minh Long",
    "Sao Việt",
    "Thành Công",
    "Đại Dương",
    "Hoàng Gia",
    "Tân Tiến",
    "Việt Á",
    "Bình Minh",
    "Trường Sơn",
    "Hòa Phát",
    "Kim Ngân",
)
STATE_BODIES = ("Trường Tiểu học", "Trường THCS", "Trạm Y tế", "Ban Quản lý dự án", "Trung tâm Văn hóa")
OTHER_ORGS = ("Hợp tác xã", "Hội Nông dân", "Hội Cựu chiến binh", "Quỹ từ thiện", "Giáo xứ")
APOLOGY_REASONS = (
    "Hồ sơ cần xác minh thêm thông tin tại cơ quan, đơn vị liên quan",
    "Chờ ý kiến phối hợp của cơ quan chuyên môn",
    "Hệ thống phần mềm chuyên ngành gặp sự cố kỹ thuật",
    "Số lượng hồ sơ tăng đột biến trong thời gian cao điểm",
    "Cần kiểm tra thực địa trước khi giải quyết",
)

#: Department (sở) that handles a ministry's procedures at province level, and the commune office.
DEPARTMENT = {
    "BTP": ("STP", "Sở Tư pháp"),
    "BTC": ("STC", "Sở Tài chính"),
    "BXD": ("SXD", "Sở Xây dựng"),
    "BYT": ("SYT", "Sở Y tế"),
    "BNNMT": ("SNNMT", "Sở Nông nghiệp và Môi trường"),
    "BNV": ("SNV", "Sở Nội vụ"),
    "BGDDT": ("SGDDT", "Sở Giáo dục và Đào tạo"),
    "BVHTTDL": ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
    "BCT": ("SCT", "Sở Công Thương"),
    "BKHCN": ("SKHCN", "Sở Khoa học và Công nghệ"),
    "BDTTG": ("SDTTG", "Sở Dân tộc và Tôn giáo"),
    "BCA": ("CA", "Công an tỉnh"),
    "BQP": ("BCHQS", "Bộ Chỉ huy Quân sự tỉnh"),
    "BNG": ("SNG", "Sở Ngoại vụ"),
    "NHNN": ("NHNN", "Ngân hàng Nhà nước khu vực"),
}
COMMUNE_OFFICE = {
    "BTP": "Văn phòng HĐND và UBND",
    "BCA": "Văn phòng HĐND và UBND",
    "BQP": "Văn phòng HĐND và UBND",
    "BNNMT": "Phòng Kinh tế",
    "BXD": "Phòng Kinh tế",
    "BTC": "Phòng Kinh tế",
    "BCT": "Phòng Kinh tế",
}
COMMUNE_OFFICE_DEFAULT = "Phòng Văn hóa - Xã hội"
#: Ministry unit that runs a centralized system (used when the unit exists in the agency tree).
CENTRAL_UNIT = {
    "LLTP": "BTP-LLTP",
    "HOTICH": "BTP-HTQTCT",
    "DKDN": "BTC-DKKD",
    "KCB": "BYT-QLKCB",
    "BTXH": "BYT-BTXH",
    "DATDAI": "BNNMT-QLDD",
    "CPXD": "BXD-HDXD",
    "CCHN": "BXD-HDXD",
    "VANTAI": "BXD-DBVN",
    "GPLX": "BCA-CSGT",
}

#: Real calendar overrides to add on top of the ``holidays`` package. ``holidays`` 0.109 already has
#: every Government decision known to us for the window (the 26/4/2025 ↔ 2/5/2025 and
#: 22/8/2026 ↔ 31/8/2026 swaps; Tết 2026 needs none), so there is nothing to add: rows are
#: ``(date, kind, note)`` when one is needed.
KNOWN_OVERRIDES: tuple[tuple[date, str, str], ...] = ()
