"""The catalogue's reference: real codes, the fields with their ministry and centralized system,
the legal bases' effective dates and the rates of the demo flags (``scripts/gen_procedures.py``)."""

# Codes believed to be real national-database codes (used as given below).
KNOWN_CODES = {
    "1.001193", "1.000894", "1.000656", "1.000689", "1.001022", "1.004884", "1.005461", "1.004746",
    "1.004873", "1.000593", "1.000419", "3.000323", "1.004845", "2.000528", "2.000806", "2.000635",
    "2.001263", "2.000815", "2.000884", "2.001008", "2.000992", "2.000942", "2.000575", "2.000720",
    "1.001570", "1.001266", "1.001612", "1.013225", "1.013226", "1.013227", "1.013228", "1.014196",
    "1.014197", "1.014198", "1.014199", "1.014200", "1.014201", "2.000930", "2.000950", "2.002892",
    "2.002893", "2.002894", "1.001639", "3.000182", "1.001699", "1.001653", "1.001776", "1.011607",
    "1.010833", "1.010803", "2.002307", "2.002308",
}
# Real codes seen for other procedures: never hand them out as synthetic codes.
RESERVED = KNOWN_CODES | {
    "1.004772", "1.001731", "1.014027", "1.014028", "1.011606", "1.011608", "1.116214", "1.116215",
    "2.001019", "1.002211", "2.000424", "2.002891", "1.012967", "1.012968", "1.012973", "1.012974",
    "1.004563", "5.003852", "1.003970", "1.004002", "1.004036", "1.006391", "1.001632", "1.001521",
    "1.001643", "2.000693", "1.001667", "1.004941", "2.001944", "1.005090", "5.003847", "6.006710",
    "1.002759", "1.001613", "1.003197", "2.002913", "3.000722", "1.012753", "1.013978", "2.002770",
    "2.002771", "1.004194", "1.002755", "1.010028", "1.004222", "3.000285", "3.000286", "1.001456",
    "2.001478", "1.000468", "3.000333",
}

# field_code: (field_name, ministry_code, central_system, default citizen_facing)
FIELDS = {
    "HOTICH": ("Hộ tịch", "BTP", "HOTICH", 1),
    "NUOICONNUOI": ("Nuôi con nuôi", "BTP", "", 1),
    "QUOCTICH": ("Quốc tịch", "BTP", "", 1),
    "LLTP": ("Lý lịch tư pháp", "BTP", "LLTP", 1),
    "CHUNGTHUC": ("Chứng thực", "BTP", "", 1),
    "TUPHAP": ("Bổ trợ tư pháp, hòa giải, trợ giúp pháp lý", "BTP", "", 1),
    "DBBD": ("Đăng ký biện pháp bảo đảm", "BTP", "DATDAI", 1),
    "DKDN": ("Thành lập và hoạt động của doanh nghiệp", "BTC", "DKDN", 0),
    "HKD": ("Thành lập và hoạt động của hộ kinh doanh", "BTC", "DKDN", 1),
    "HTX": ("Thành lập và hoạt động của hợp tác xã", "BTC", "DKDN", 1),
    "DTNN": ("Đầu tư tại Việt Nam", "BTC", "DTNN", 0),
    "DTRNN": ("Đầu tư ra nước ngoài", "BTC", "DTNN", 0),
    "MADVNS": ("Tin học - Thống kê (mã số đơn vị có quan hệ với ngân sách)", "BTC", "MADVNS", 0),
    "THUE": ("Thuế", "BTC", "", 1),
    "GPLX": ("Sát hạch, cấp giấy phép lái xe", "BCA", "GPLX", 1),
    "DAOTAOLX": ("Đào tạo lái xe", "BXD", "", 0),
    "VANTAI": ("Vận tải đường bộ", "BXD", "VANTAI", 0),
    "DUONGBO": ("Đường bộ", "BXD", "", 0),
    "CPXD": ("Cấp phép xây dựng", "BXD", "CPXD", 1),
    "HDXD": ("Hoạt động xây dựng", "BXD", "", 0),
    "CCHNXD": ("Chứng chỉ hành nghề, năng lực hoạt động xây dựng", "BXD", "CCHN", 1),
    "NHAO": ("Nhà ở và kinh doanh bất động sản", "BXD", "", 1),
    "DATDAI": ("Đất đai", "BNNMT", "DATDAI", 1),
    "MOITRUONG": ("Môi trường", "BNNMT", "", 0),
    "TNN": ("Tài nguyên nước, khoáng sản", "BNNMT", "", 0),
    "NONGNGHIEP": ("Nông nghiệp, thú y, thủy sản, lâm nghiệp", "BNNMT", "", 1),
    "GIAMNGHEO": ("Giảm nghèo", "BNNMT", "", 1),
    "KCB": ("Khám bệnh, chữa bệnh", "BYT", "KCB", 1),
    "DUOC": ("Dược, an toàn thực phẩm", "BYT", "", 0),
    "BTXH": ("Bảo trợ xã hội", "BYT", "BTXH", 1),
    "TREEM": ("Trẻ em", "BYT", "", 1),
    "NCC": ("Người có công", "BNV", "", 1),
    "LAODONG": ("Lao động, việc làm", "BNV", "", 1),
    "NOIVU": ("Tổ chức hành chính, hội, quỹ, thi đua - khen thưởng", "BNV", "", 0),
    "TONGIAO": ("Tín ngưỡng, tôn giáo", "BDTTG", "", 1),
    "DANTOC": ("Công tác dân tộc", "BDTTG", "", 1),
    "GIAODUC": ("Giáo dục và đào tạo", "BGDDT", "", 1),
    "GDNN": ("Giáo dục nghề nghiệp", "BGDDT", "", 0),
    "VANHOA": ("Văn hóa, gia đình, thể thao", "BVHTTDL", "", 0),
    "DULICH": ("Du lịch", "BVHTTDL", "", 0),
    "BAOCHI": ("Báo chí, xuất bản", "BVHTTDL", "", 0),
    "CONGTHUONG": ("Thương mại, công nghiệp, năng lượng", "BCT", "", 0),
    "KHCN": ("Khoa học, công nghệ, viễn thông", "BKHCN", "", 0),
    "QUOCPHONG": ("Nghĩa vụ quân sự", "BQP", "", 1),
    "LANHSU": ("Lãnh sự", "BNG", "", 1),
    "NGANHANG": ("Hoạt động ngân hàng, thanh toán", "NHNN", "", 0),
}

C, P, X = "central", "province", "commune"
W, D = "working_days", "calendar_days"


def E(code, name, levels, amount, online, fee, *, unit=W, result=1, citizen=None):
    return dict(code=code, name=name, levels=levels, amount=amount, online=online, fee=fee,
                unit=unit, result=result, citizen=citizen)


# Legal basis effective dates per field (candidates, picked deterministically).
EFFECTIVE = {
    "HOTICH": ["2025-07-01", "2025-07-01", "2020-07-16", "2016-01-01"],
    "NUOICONNUOI": ["2025-07-01", "2019-11-15"],
    "QUOCTICH": ["2025-09-24", "2020-07-01"],
    "LLTP": ["2025-07-01", "2024-10-15"],
    "CHUNGTHUC": ["2025-07-01", "2015-04-10"],
    "TUPHAP": ["2025-07-01", "2025-03-01", "2024-12-15"],
    "DBBD": ["2025-07-01", "2023-03-15"],
    "DKDN": ["2025-07-01", "2025-07-01", "2021-01-04"],
    "HKD": ["2025-07-01"],
    "HTX": ["2025-07-01", "2024-07-01"],
    "DTNN": ["2025-07-01", "2025-09-01", "2021-03-26"],
    "DTRNN": ["2025-07-01", "2021-01-01"],
    "MADVNS": ["2026-01-01", "2025-07-01"],
    "THUE": ["2025-07-01", "2026-01-01", "2021-12-06"],
    "GPLX": ["2025-03-01", "2025-07-01", "2026-01-01"],
    "DAOTAOLX": ["2025-01-01", "2025-07-01"],
    "VANTAI": ["2025-01-01", "2025-07-01"],
    "DUONGBO": ["2025-01-01", "2025-07-01"],
    "CPXD": ["2025-07-01", "2024-12-30", "2026-07-01"],
    "HDXD": ["2024-12-30", "2025-07-01"],
    "CCHNXD": ["2024-12-30", "2025-07-01"],
    "NHAO": ["2024-08-01", "2025-07-01"],
    "DATDAI": ["2024-08-01", "2025-07-01", "2025-07-01", "2026-03-01"],
    "MOITRUONG": ["2025-07-01", "2025-01-25", "2022-01-10"],
    "TNN": ["2025-07-01", "2024-07-01"],
    "NONGNGHIEP": ["2025-07-01", "2024-03-01"],
    "GIAMNGHEO": ["2025-07-01", "2022-01-01"],
    "KCB": ["2024-01-01", "2025-07-01", "2026-01-01"],
    "DUOC": ["2025-07-01", "2025-07-01", "2017-05-08"],
    "BTXH": ["2025-07-01", "2024-07-01", "2021-07-01"],
    "TREEM": ["2025-07-01", "2017-05-01"],
    "NCC": ["2025-07-01", "2021-12-15"],
    "LAODONG": ["2025-08-07", "2025-07-01", "2026-01-01"],
    "NOIVU": ["2025-07-01", "2024-01-01", "2024-03-15"],
    "TONGIAO": ["2025-07-01", "2025-03-01"],
    "DANTOC": ["2025-07-01"],
    "GIAODUC": ["2025-07-01", "2025-02-14", "2024-09-01"],
    "GDNN": ["2025-07-01", "2025-03-01"],
    "VANHOA": ["2025-07-01", "2025-01-01"],
    "DULICH": ["2025-07-01", "2022-02-01"],
    "BAOCHI": ["2025-07-01", "2025-03-01"],
    "CONGTHUONG": ["2025-07-01", "2025-07-01", "2024-12-01"],
    "KHCN": ["2025-07-01", "2026-01-01"],
    "QUOCPHONG": ["2025-07-01", "2024-01-01"],
    "LANHSU": ["2025-03-01", "2024-07-01"],
    "NGANHANG": ["2025-07-01", "2024-07-01"],
}

# Rates per central system (payment integrated among fee-bearing, population data among citizen-facing).
PAY_RATE = {"DKDN": 0.97, "GPLX": 0.95, "HOTICH": 0.9, "LLTP": 0.95, "VANTAI": 0.85, "CPXD": 0.8}
POP_RATE = {"HOTICH": 0.97, "LLTP": 1.0, "GPLX": 1.0, "BTXH": 0.85, "DATDAI": 0.7, "DKDN": 0.8}
