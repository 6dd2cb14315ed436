#!/usr/bin/env python3
"""Write tthc/data/procedures.csv: a demo catalogue of administrative procedures.

DEV TOOL (stdlib only, deterministic):

    python3 scripts/gen_procedures.py        # from the repo root

The procedure names, fields, owning ministries, levels, processing times,
online levels and fee flags are compiled by hand below (Vietnamese law and
the national procedure database as known in 2026). Codes: the ones listed in
KNOWN_CODES are believed to be the real national-database codes; every other
code is SYNTHETIC (real-looking, generated from the name) and must not be
treated as the real code of that procedure. The indicator flags and the three
publication dates are demo values drawn from a seeded random generator, so the
file is identical on every run.
"""
import csv
import datetime as dt
import hashlib
import random
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tthc" / "data" / "procedures.csv"
COLUMNS = [
    "code", "name", "field_code", "field_name", "ministry_code", "processing_amount", "processing_unit",
    "online_level", "fee_bearing", "issues_result", "citizen_facing", "central_system", "levels",
    "legal_basis_effective_on", "published_on", "made_public_on", "payment_integrated",
    "population_data_connected", "content_complete",
]

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


# --------------------------------------------------------------------------- catalogue
CATALOGUE = {
    "HOTICH": [
        E("1.001193", "Thủ tục đăng ký khai sinh", [X], 1, "full", 0),
        E("1.000894", "Thủ tục đăng ký kết hôn", [X], 1, "partial", 0),
        E("1.000656", "Thủ tục đăng ký khai tử", [X], 1, "full", 0),
        E("1.000689", "Thủ tục đăng ký khai sinh kết hợp nhận cha, mẹ, con", [X], 3, "full", 1),
        E("1.001022", "Thủ tục đăng ký nhận cha, mẹ, con", [X], 3, "full", 1),
        E("1.004884", "Thủ tục đăng ký lại khai sinh", [X], 5, "full", 1),
        E("1.005461", "Thủ tục đăng ký lại khai tử", [X], 5, "full", 1),
        E("1.004746", "Thủ tục đăng ký lại kết hôn", [X], 5, "partial", 1),
        E("1.004873", "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân", [X], 3, "full", 1),
        E("1.000593", "Thủ tục đăng ký kết hôn lưu động", [X], 5, "none", 0),
        E("1.000419", "Thủ tục đăng ký khai tử lưu động", [X], 5, "none", 0),
        E(None, "Thủ tục đăng ký khai sinh lưu động", [X], 5, "none", 0),
        E(None, "Thủ tục đăng ký khai sinh cho người đã có hồ sơ, giấy tờ cá nhân", [X], 5, "full", 1),
        E(None, "Thủ tục đăng ký giám hộ", [X], 3, "full", 1),
        E(None, "Thủ tục đăng ký chấm dứt giám hộ", [X], 2, "full", 1),
        E("3.000323", "Thủ tục đăng ký giám sát việc giám hộ", [X], 3, "full", 0),
        E("1.004845", "Thủ tục đăng ký chấm dứt giám sát việc giám hộ", [X], 2, "full", 0),
        E(None, "Thủ tục thay đổi, cải chính, bổ sung thông tin hộ tịch", [X], 3, "full", 1),
        E(None, "Thủ tục thay đổi, cải chính, bổ sung, xác định lại dân tộc", [X], 3, "full", 1),
        E(None, "Thủ tục ghi vào Sổ hộ tịch việc thay đổi hộ tịch theo bản án, quyết định của cơ quan nhà nước có thẩm quyền", [X], 3, "full", 1),
        E("2.000635", "Thủ tục cấp bản sao Trích lục hộ tịch", [P, X], 1, "full", 1),
        E(None, "Thủ tục liên thông đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi", [X], 5, "full", 0),
        E(None, "Thủ tục liên thông đăng ký khai tử, xóa đăng ký thường trú, hưởng chế độ tử tuất, trợ cấp mai táng, hỗ trợ chi phí mai táng", [X], 10, "full", 0),
        E("2.000528", "Thủ tục đăng ký khai sinh có yếu tố nước ngoài", [X], 3, "full", 1),
        E("2.000806", "Thủ tục đăng ký kết hôn có yếu tố nước ngoài", [X], 10, "partial", 1),
        E(None, "Thủ tục đăng ký khai tử có yếu tố nước ngoài", [X], 3, "full", 1),
        E(None, "Thủ tục đăng ký nhận cha, mẹ, con có yếu tố nước ngoài", [X], 15, "partial", 1),
        E(None, "Thủ tục đăng ký khai sinh kết hợp nhận cha, mẹ, con có yếu tố nước ngoài", [X], 15, "partial", 1),
        E(None, "Thủ tục đăng ký giám hộ có yếu tố nước ngoài", [X], 5, "full", 1),
        E(None, "Thủ tục thay đổi, cải chính, bổ sung thông tin hộ tịch, xác định lại dân tộc có yếu tố nước ngoài", [X], 3, "full", 1),
        E(None, "Thủ tục ghi vào Sổ hộ tịch việc kết hôn của công dân Việt Nam đã được giải quyết tại cơ quan có thẩm quyền của nước ngoài", [X], 5, "full", 1),
        E(None, "Thủ tục ghi vào Sổ hộ tịch việc ly hôn, hủy việc kết hôn của công dân Việt Nam đã được giải quyết tại cơ quan có thẩm quyền của nước ngoài", [X], 5, "full", 1),
        E(None, "Thủ tục ghi vào Sổ hộ tịch việc hộ tịch khác của công dân Việt Nam đã được giải quyết tại cơ quan có thẩm quyền của nước ngoài", [X], 5, "full", 1),
        E(None, "Thủ tục đăng ký lại khai sinh có yếu tố nước ngoài", [X], 10, "partial", 1),
        E(None, "Thủ tục đăng ký lại kết hôn có yếu tố nước ngoài", [X], 10, "partial", 1),
        E(None, "Thủ tục đăng ký lại khai tử có yếu tố nước ngoài", [X], 10, "partial", 1),
        E(None, "Thủ tục đăng ký khai sinh cho trẻ em sinh ra ở nước ngoài chưa được đăng ký khai sinh về cư trú tại Việt Nam", [X], 3, "full", 0),
        E(None, "Thủ tục đăng ký kết hôn tại khu vực biên giới", [X], 5, "partial", 0),
        E(None, "Thủ tục đăng ký khai sinh tại khu vực biên giới", [X], 3, "partial", 0),
        E(None, "Thủ tục đăng ký khai tử tại khu vực biên giới", [X], 3, "partial", 0),
    ],
    "NUOICONNUOI": [
        E("2.001263", "Đăng ký việc nuôi con nuôi trong nước", [X], 30, "partial", 1, unit=D),
        E(None, "Đăng ký lại việc nuôi con nuôi trong nước", [X], 5, "partial", 0),
        E(None, "Giải quyết việc người nước ngoài thường trú ở Việt Nam nhận trẻ em Việt Nam làm con nuôi", [P], 60, "none", 1, unit=D),
        E(None, "Đăng ký việc nuôi con nuôi thực tế", [X], 30, "none", 0, unit=D),
    ],
    "QUOCTICH": [
        E(None, "Thủ tục nhập quốc tịch Việt Nam", [C, P], 115, "partial", 1, unit=D),
        E(None, "Thủ tục trở lại quốc tịch Việt Nam ở trong nước", [C, P], 85, "partial", 1, unit=D),
        E(None, "Thủ tục thôi quốc tịch Việt Nam ở trong nước", [C, P], 65, "partial", 1, unit=D),
        E(None, "Thủ tục cấp Giấy xác nhận có quốc tịch Việt Nam ở trong nước", [P], 20, "full", 1),
        E(None, "Thủ tục cấp Giấy xác nhận là người gốc Việt Nam ở trong nước", [P], 15, "full", 1),
    ],
    "LLTP": [
        E(None, "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam", [P], 10, "full", 1, unit=D),
        E(None, "Cấp Phiếu lý lịch tư pháp cho cơ quan tiến hành tố tụng (thực hiện tại cấp tỉnh)", [P], 5, "partial", 0, unit=D, citizen=0),
        E(None, "Cấp Phiếu lý lịch tư pháp theo yêu cầu của cơ quan nhà nước, tổ chức chính trị, tổ chức chính trị - xã hội (thực hiện tại cấp tỉnh)", [P], 10, "partial", 0, unit=D, citizen=0),
        E(None, "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đã cư trú tại Việt Nam (thực hiện tại Trung tâm Lý lịch tư pháp quốc gia)", [C], 10, "full", 1, unit=D),
        E(None, "Cấp Phiếu lý lịch tư pháp cho cơ quan tiến hành tố tụng (thực hiện tại Trung tâm Lý lịch tư pháp quốc gia)", [C], 5, "partial", 0, unit=D, citizen=0),
        E(None, "Cấp Phiếu lý lịch tư pháp theo yêu cầu của cơ quan nhà nước, tổ chức chính trị, tổ chức chính trị - xã hội (thực hiện tại Trung tâm Lý lịch tư pháp quốc gia)", [C], 10, "partial", 0, unit=D, citizen=0),
    ],
    "CHUNGTHUC": [
        E("2.000815", "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền của Việt Nam cấp hoặc chứng nhận", [X], 1, "partial", 1),
        E(None, "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền của nước ngoài cấp hoặc chứng nhận", [P, X], 1, "partial", 1),
        E("2.000884", "Chứng thực chữ ký trong các giấy tờ, văn bản (áp dụng cho cả trường hợp chứng thực điểm chỉ và trường hợp người yêu cầu chứng thực không thể ký, không thể điểm chỉ được)", [X], 1, "none", 1),
        E("2.000992", "Chứng thực chữ ký người dịch mà người dịch là cộng tác viên dịch thuật", [P, X], 1, "none", 1),
        E("2.001008", "Chứng thực chữ ký người dịch mà người dịch không phải là cộng tác viên dịch thuật", [P, X], 1, "none", 1),
        E(None, "Chứng thực hợp đồng, giao dịch liên quan đến tài sản là động sản, quyền sử dụng đất và nhà ở", [X], 2, "none", 1),
        E(None, "Chứng thực việc sửa đổi, bổ sung, hủy bỏ hợp đồng, giao dịch", [X], 2, "none", 1),
        E(None, "Sửa lỗi sai sót trong hợp đồng, giao dịch", [X], 2, "none", 1),
        E("2.000942", "Cấp bản sao có chứng thực từ bản chính hợp đồng, giao dịch đã được chứng thực", [X], 2, "partial", 1),
        E(None, "Chứng thực di chúc", [X], 2, "none", 1),
        E(None, "Chứng thực văn bản từ chối nhận di sản", [X], 2, "none", 1),
        E(None, "Chứng thực văn bản thỏa thuận phân chia di sản mà di sản là động sản, quyền sử dụng đất, nhà ở", [X], 2, "none", 1),
        E(None, "Chứng thực văn bản khai nhận di sản mà di sản là động sản, quyền sử dụng đất, nhà ở", [X], 2, "none", 1),
        E(None, "Cấp bản sao từ sổ gốc", [P, X], 1, "full", 1),
        E(None, "Chứng thực bản sao điện tử từ bản chính", [X], 1, "full", 1),
    ],
    "TUPHAP": [
        E("2.000930", "Thủ tục thôi làm hòa giải viên", [X], 5, "partial", 0, result=0),
        E("2.000950", "Thủ tục công nhận tổ trưởng tổ hòa giải", [X], 3, "partial", 0),
        E(None, "Thủ tục thanh toán thù lao cho hòa giải viên", [X], 5, "partial", 0),
        E(None, "Thủ tục yêu cầu trợ giúp pháp lý", [P], 2, "full", 0, result=0),
        E(None, "Thủ tục thành lập Văn phòng công chứng", [P], 20, "partial", 0, citizen=0),
        E(None, "Thủ tục đăng ký hoạt động Văn phòng công chứng", [P], 10, "partial", 1, citizen=0),
        E(None, "Thủ tục đăng ký hành nghề và cấp Thẻ công chứng viên", [P], 10, "full", 1),
        E(None, "Thủ tục bổ nhiệm công chứng viên", [C], 20, "partial", 1),
        E(None, "Thủ tục đăng ký hoạt động của tổ chức hành nghề luật sư", [P], 10, "partial", 1, citizen=0),
        E(None, "Thủ tục cấp Thẻ đấu giá viên", [P], 15, "partial", 1),
        E(None, "Thủ tục đăng ký hoạt động của doanh nghiệp đấu giá tài sản", [P], 7, "partial", 1, citizen=0),
        E(None, "Thủ tục giải quyết yêu cầu bồi thường tại cơ quan trực tiếp quản lý người thi hành công vụ gây thiệt hại", [C, P, X], 30, "partial", 0),
        E(None, "Thủ tục công nhận báo cáo viên pháp luật", [P], 5, "partial", 0, citizen=0),
    ],
    "DBBD": [
        E(None, "Đăng ký thế chấp quyền sử dụng đất, tài sản gắn liền với đất", [P], 3, "full", 1),
        E(None, "Đăng ký thay đổi nội dung thế chấp quyền sử dụng đất, tài sản gắn liền với đất đã đăng ký", [P], 3, "full", 1),
        E(None, "Xóa đăng ký thế chấp quyền sử dụng đất, tài sản gắn liền với đất", [P], 3, "full", 1),
        E(None, "Sửa chữa sai sót nội dung biện pháp bảo đảm bằng quyền sử dụng đất, tài sản gắn liền với đất đã đăng ký do lỗi của cơ quan đăng ký", [P], 3, "full", 0),
    ],
    "DKDN": [
        E(None, "Đăng ký thành lập doanh nghiệp tư nhân", [P], 3, "full", 1),
        E(None, "Đăng ký thành lập công ty trách nhiệm hữu hạn một thành viên", [P], 3, "full", 1),
        E(None, "Đăng ký thành lập công ty trách nhiệm hữu hạn hai thành viên trở lên", [P], 3, "full", 1),
        E(None, "Đăng ký thành lập công ty cổ phần", [P], 3, "full", 1),
        E(None, "Đăng ký thành lập công ty hợp danh", [P], 3, "full", 1),
        E(None, "Đăng ký thay đổi địa chỉ trụ sở chính của doanh nghiệp", [P], 3, "full", 1),
        E(None, "Đăng ký đổi tên doanh nghiệp", [P], 3, "full", 1),
        E(None, "Đăng ký thay đổi người đại diện theo pháp luật của công ty trách nhiệm hữu hạn, công ty cổ phần", [P], 3, "full", 1),
        E(None, "Đăng ký thay đổi vốn điều lệ, phần vốn góp, tỷ lệ phần vốn góp", [P], 3, "full", 1),
        E(None, "Đăng ký thay đổi thành viên công ty trách nhiệm hữu hạn hai thành viên trở lên", [P], 3, "full", 1),
        E(None, "Đăng ký thay đổi chủ sở hữu công ty trách nhiệm hữu hạn một thành viên", [P], 3, "full", 1),
        E(None, "Đăng ký thay đổi chủ doanh nghiệp tư nhân", [P], 3, "full", 1),
        E(None, "Thông báo thay đổi ngành, nghề kinh doanh", [P], 3, "full", 0),
        E(None, "Thông báo thay đổi thông tin cổ đông sáng lập công ty cổ phần", [P], 3, "full", 0),
        E(None, "Thông báo thay đổi thông tin người quản lý doanh nghiệp, thông tin người đại diện theo ủy quyền", [P], 3, "full", 0),
        E(None, "Thông báo thay đổi nội dung đăng ký thuế", [P], 3, "full", 0),
        E(None, "Thông báo thay đổi thông tin về chủ sở hữu hưởng lợi của doanh nghiệp", [P], 3, "full", 0),
        E(None, "Đăng ký chuyển đổi doanh nghiệp tư nhân thành công ty trách nhiệm hữu hạn, công ty cổ phần, công ty hợp danh", [P], 3, "full", 1),
        E(None, "Đăng ký chuyển đổi công ty trách nhiệm hữu hạn một thành viên thành công ty trách nhiệm hữu hạn hai thành viên trở lên", [P], 3, "full", 1),
        E(None, "Đăng ký chuyển đổi công ty trách nhiệm hữu hạn thành công ty cổ phần và ngược lại", [P], 3, "full", 1),
        E(None, "Đăng ký doanh nghiệp đối với các công ty được thành lập trên cơ sở chia, tách, hợp nhất doanh nghiệp", [P], 3, "full", 1),
        E(None, "Đăng ký hoạt động chi nhánh, văn phòng đại diện", [P], 3, "full", 1),
        E(None, "Thông báo lập địa điểm kinh doanh", [P], 3, "full", 0),
        E(None, "Đăng ký thay đổi nội dung đăng ký hoạt động chi nhánh, văn phòng đại diện, địa điểm kinh doanh", [P], 3, "full", 1),
        E(None, "Thông báo tạm ngừng kinh doanh, tiếp tục kinh doanh trước thời hạn đã thông báo (doanh nghiệp, chi nhánh, văn phòng đại diện, địa điểm kinh doanh)", [P], 3, "full", 0),
        E(None, "Giải thể doanh nghiệp", [P], 5, "full", 0),
        E(None, "Chấm dứt hoạt động chi nhánh, văn phòng đại diện, địa điểm kinh doanh", [P], 3, "full", 0),
        E(None, "Cấp lại Giấy chứng nhận đăng ký doanh nghiệp", [P], 3, "full", 1),
        E(None, "Hiệu đính thông tin đăng ký doanh nghiệp", [P], 3, "full", 0),
        E(None, "Cập nhật, bổ sung thông tin đăng ký doanh nghiệp", [P], 3, "full", 0),
        E(None, "Khôi phục tình trạng pháp lý của doanh nghiệp", [P], 5, "full", 0),
        E(None, "Đề nghị cung cấp thông tin doanh nghiệp", [C, P], 3, "full", 1, result=0, citizen=1),
    ],
    "HKD": [
        E("1.001612", "Đăng ký thành lập hộ kinh doanh", [X], 3, "full", 1),
        E("2.000720", "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh", [X], 3, "full", 1),
        E("1.001570", "Thông báo tạm ngừng kinh doanh, tiếp tục kinh doanh trước thời hạn đã thông báo của hộ kinh doanh", [X], 3, "full", 0),
        E("1.001266", "Chấm dứt hoạt động hộ kinh doanh", [X], 3, "full", 0),
        E("2.000575", "Cấp lại Giấy chứng nhận đăng ký hộ kinh doanh", [X], 3, "full", 1),
        E(None, "Hiệu đính thông tin đăng ký hộ kinh doanh", [X], 3, "full", 0),
    ],
    "HTX": [
        E(None, "Đăng ký thành lập hợp tác xã", [P, X], 3, "full", 1),
        E(None, "Đăng ký thay đổi tên, địa chỉ trụ sở chính, ngành nghề, vốn điều lệ, người đại diện theo pháp luật của hợp tác xã", [P, X], 3, "full", 1),
        E(None, "Thông báo tạm ngừng, tiếp tục hoạt động của hợp tác xã, liên hiệp hợp tác xã", [P, X], 3, "full", 0),
        E(None, "Giải thể tự nguyện hợp tác xã", [P, X], 5, "full", 0),
        E(None, "Đăng ký thành lập tổ hợp tác", [X], 3, "partial", 0),
    ],
    "DTNN": [
        E(None, "Cấp Giấy chứng nhận đăng ký đầu tư đối với dự án đầu tư không thuộc diện chấp thuận chủ trương đầu tư", [P], 15, "partial", 0),
        E(None, "Chấp thuận chủ trương đầu tư của Ủy ban nhân dân cấp tỉnh", [P], 35, "partial", 0),
        E(None, "Cấp Giấy chứng nhận đăng ký đầu tư đối với dự án đầu tư thuộc diện chấp thuận chủ trương đầu tư", [P], 5, "partial", 0),
        E(None, "Điều chỉnh Giấy chứng nhận đăng ký đầu tư đối với trường hợp không thuộc diện chấp thuận điều chỉnh chủ trương đầu tư", [P], 10, "partial", 0),
        E(None, "Điều chỉnh dự án đầu tư trong trường hợp nhà đầu tư chuyển nhượng một phần hoặc toàn bộ dự án đầu tư", [P], 15, "partial", 0),
        E(None, "Điều chỉnh dự án đầu tư thuộc diện chấp thuận chủ trương đầu tư của Ủy ban nhân dân cấp tỉnh", [P], 25, "partial", 0),
        E(None, "Cấp lại, hiệu đính thông tin trên Giấy chứng nhận đăng ký đầu tư", [P], 5, "full", 0),
        E(None, "Đăng ký góp vốn, mua cổ phần, mua phần vốn góp của nhà đầu tư nước ngoài", [P], 15, "full", 0),
        E(None, "Thành lập văn phòng điều hành của nhà đầu tư nước ngoài trong hợp đồng BCC", [P], 15, "partial", 0),
        E(None, "Chấm dứt hoạt động văn phòng điều hành của nhà đầu tư nước ngoài trong hợp đồng BCC", [P], 15, "partial", 0, result=0),
        E(None, "Giãn tiến độ thực hiện dự án đầu tư", [P], 15, "partial", 0),
        E(None, "Ngừng hoạt động của dự án đầu tư", [P], 15, "partial", 0),
        E(None, "Chấm dứt hoạt động của dự án đầu tư", [P], 15, "partial", 0),
        E(None, "Đổi Giấy chứng nhận đăng ký đầu tư cho dự án hoạt động theo Giấy phép đầu tư, Giấy chứng nhận đầu tư", [P], 3, "partial", 0),
        E(None, "Cung cấp thông tin về dự án đầu tư", [P], 5, "full", 0, result=0),
        E(None, "Chấp thuận chủ trương đầu tư của Thủ tướng Chính phủ", [C], 40, "partial", 0),
    ],
    "DTRNN": [
        E(None, "Cấp Giấy chứng nhận đăng ký đầu tư ra nước ngoài đối với dự án không thuộc diện chấp thuận chủ trương đầu tư ra nước ngoài", [C], 15, "partial", 0, unit=D),
        E(None, "Điều chỉnh Giấy chứng nhận đăng ký đầu tư ra nước ngoài", [C], 15, "partial", 0, unit=D),
        E(None, "Chấm dứt hiệu lực Giấy chứng nhận đăng ký đầu tư ra nước ngoài", [C], 15, "partial", 0, unit=D, result=0),
    ],
    "MADVNS": [
        E(None, "Đăng ký mã số đơn vị có quan hệ với ngân sách cho các đơn vị dự toán, đơn vị sử dụng ngân sách nhà nước, đơn vị khác có quan hệ với ngân sách", [C, P], 2, "full", 0),
        E(None, "Đăng ký mã số đơn vị có quan hệ với ngân sách cho các dự án đầu tư ở giai đoạn chuẩn bị đầu tư", [C, P], 2, "full", 0),
        E(None, "Đăng ký mã số đơn vị có quan hệ với ngân sách cho các dự án đầu tư ở giai đoạn thực hiện dự án", [C, P], 2, "full", 0),
        E(None, "Thay đổi thông tin đăng ký mã số đơn vị có quan hệ với ngân sách của đơn vị dự toán, đơn vị sử dụng ngân sách", [C, P], 2, "full", 0),
        E(None, "Chuyển giai đoạn dự án đầu tư, thay đổi thông tin mã số đơn vị có quan hệ với ngân sách của dự án đầu tư", [C, P], 2, "full", 0),
    ],
    "THUE": [
        E(None, "Đăng ký thuế lần đầu đối với người nộp thuế là hộ kinh doanh, cá nhân kinh doanh", [P], 3, "full", 0),
        E(None, "Đăng ký thay đổi thông tin đăng ký thuế đối với cá nhân không kinh doanh", [P], 2, "full", 0),
        E(None, "Quyết toán thuế thu nhập cá nhân đối với cá nhân cư trú có thu nhập từ tiền lương, tiền công", [P], 5, "full", 0, result=0),
        E(None, "Hoàn thuế giá trị gia tăng đối với dự án đầu tư", [C, P], 6, "full", 0, citizen=0),
        E(None, "Gia hạn nộp thuế, tiền thuê đất", [P], 10, "full", 0),
        E(None, "Miễn, giảm tiền thuê đất", [P], 30, "partial", 0, unit=D),
    ],
    "GPLX": [
        E(None, "Cấp giấy phép lái xe sau khi sát hạch", [P], 10, "partial", 1),
        E(None, "Đổi giấy phép lái xe do ngành Công an cấp", [P, X], 5, "full", 1),
        E(None, "Đổi giấy phép lái xe do ngành Giao thông vận tải cấp", [P, X], 5, "full", 1),
        E(None, "Cấp lại giấy phép lái xe", [P], 10, "full", 1),
        E(None, "Đổi giấy phép lái xe quân sự do Bộ Quốc phòng cấp", [P], 5, "partial", 1),
        E(None, "Đổi giấy phép lái xe hoặc bằng lái xe của nước ngoài cấp", [P], 5, "partial", 1),
        E(None, "Cấp giấy phép lái xe quốc tế", [P], 5, "full", 1),
        E(None, "Đổi giấy phép lái xe do Bộ Công an cấp cho người nước ngoài", [P], 5, "partial", 1),
        E(None, "Sát hạch lại để cấp giấy phép lái xe đối với người có giấy phép lái xe quá hạn", [P], 10, "partial", 1),
        E(None, "Cấp giấy phép cho trung tâm sát hạch lái xe loại 3", [P], 5, "partial", 1, citizen=0),
    ],
    "DAOTAOLX": [
        E(None, "Cấp giấy phép đào tạo lái xe ô tô", [P], 15, "partial", 1),
        E(None, "Cấp lại giấy phép đào tạo lái xe ô tô", [P], 10, "partial", 1),
        E(None, "Cấp giấy phép xe tập lái", [P], 1, "full", 1),
    ],
    "VANTAI": [
        E(None, "Cấp Giấy phép kinh doanh vận tải bằng xe ô tô", [P], 5, "full", 1),
        E(None, "Cấp lại Giấy phép kinh doanh vận tải bằng xe ô tô khi có sự thay đổi liên quan đến nội dung của Giấy phép kinh doanh", [P], 5, "full", 1),
        E(None, "Cấp lại Giấy phép kinh doanh vận tải bằng xe ô tô do hết hạn, bị mất, bị hư hỏng", [P], 5, "full", 1),
        E(None, "Cấp phù hiệu xe ô tô kinh doanh vận tải hành khách theo tuyến cố định", [P], 2, "full", 0),
        E(None, "Cấp phù hiệu xe ô tô kinh doanh vận tải hành khách bằng xe buýt", [P], 2, "full", 0),
        E(None, "Cấp phù hiệu xe taxi", [P], 2, "full", 0),
        E(None, "Cấp phù hiệu xe ô tô kinh doanh vận tải hành khách theo hợp đồng, xe du lịch", [P], 2, "full", 0),
        E(None, "Cấp phù hiệu xe ô tô kinh doanh vận tải hàng hóa, xe công-ten-nơ, xe đầu kéo", [P], 2, "full", 0),
        E(None, "Cấp lại phù hiệu xe ô tô kinh doanh vận tải", [P], 2, "full", 0),
        E(None, "Đăng ký khai thác tuyến vận tải hành khách cố định bằng xe ô tô", [P], 3, "full", 0),
        E(None, "Công bố đưa bến xe khách vào khai thác", [P], 5, "partial", 1),
        E(None, "Cấp Giấy phép liên vận giữa Việt Nam và Lào, Campuchia cho phương tiện", [P], 2, "full", 1),
        E(None, "Cấp Giấy phép liên vận ASEAN cho phương tiện", [P], 2, "full", 1),
        E(None, "Gia hạn thời gian lưu hành tại Việt Nam cho phương tiện của Lào, Campuchia", [P], 1, "partial", 0),
    ],
    "DUONGBO": [
        E(None, "Cấp giấy phép lưu hành xe quá tải trọng, xe quá khổ giới hạn, xe bánh xích, xe vận chuyển hàng siêu trường, siêu trọng trên đường bộ", [C, P], 2, "full", 0),
        E(None, "Chấp thuận thiết kế kỹ thuật và phương án tổ chức thi công nút giao đấu nối vào quốc lộ", [C, P], 7, "partial", 0),
        E(None, "Cấp phép thi công công trình đường bộ trên quốc lộ đang khai thác", [C, P], 7, "partial", 0),
    ],
    "CPXD": [
        E("1.013225", "Cấp giấy phép xây dựng mới đối với công trình cấp III, cấp IV và nhà ở riêng lẻ", [X], 15, "full", 1),
        E("1.013226", "Cấp điều chỉnh giấy phép xây dựng đối với công trình cấp III, cấp IV và nhà ở riêng lẻ", [X], 15, "full", 1),
        E("1.013227", "Gia hạn giấy phép xây dựng đối với công trình cấp III, cấp IV và nhà ở riêng lẻ", [X], 5, "full", 1),
        E("1.013228", "Cấp lại giấy phép xây dựng đối với công trình cấp III, cấp IV và nhà ở riêng lẻ", [X], 5, "full", 1),
        E(None, "Cấp giấy phép xây dựng sửa chữa, cải tạo đối với công trình cấp III, cấp IV và nhà ở riêng lẻ", [X], 15, "full", 1),
        E(None, "Cấp giấy phép di dời đối với công trình cấp III, cấp IV và nhà ở riêng lẻ", [X], 15, "partial", 1),
        E(None, "Cấp giấy phép xây dựng có thời hạn đối với nhà ở riêng lẻ", [X], 15, "full", 1),
        E(None, "Cấp giấy phép xây dựng mới đối với công trình cấp đặc biệt, cấp I, cấp II (công trình không theo tuyến, theo tuyến, tôn giáo, tín ngưỡng, tượng đài, quảng cáo)", [P], 20, "partial", 1, citizen=0),
        E(None, "Cấp giấy phép xây dựng sửa chữa, cải tạo đối với công trình cấp đặc biệt, cấp I, cấp II", [P], 20, "partial", 1, citizen=0),
        E(None, "Cấp giấy phép di dời đối với công trình cấp đặc biệt, cấp I, cấp II", [P], 20, "partial", 1, citizen=0),
        E(None, "Cấp điều chỉnh giấy phép xây dựng đối với công trình cấp đặc biệt, cấp I, cấp II", [P], 20, "partial", 1, citizen=0),
        E(None, "Gia hạn giấy phép xây dựng đối với công trình cấp đặc biệt, cấp I, cấp II", [P], 5, "full", 1, citizen=0),
        E(None, "Cấp lại giấy phép xây dựng đối với công trình cấp đặc biệt, cấp I, cấp II", [P], 5, "full", 1, citizen=0),
    ],
    "HDXD": [
        E(None, "Thẩm định Báo cáo nghiên cứu khả thi đầu tư xây dựng, điều chỉnh Báo cáo nghiên cứu khả thi đầu tư xây dựng", [C, P], 30, "partial", 1, unit=D),
        E(None, "Thẩm định thiết kế xây dựng triển khai sau thiết kế cơ sở, điều chỉnh thiết kế xây dựng triển khai sau thiết kế cơ sở", [C, P], 30, "partial", 1, unit=D),
        E(None, "Kiểm tra công tác nghiệm thu hoàn thành công trình", [C, P], 20, "partial", 0),
        E(None, "Thẩm định nhiệm vụ, đồ án quy hoạch chi tiết xây dựng", [P], 20, "partial", 1),
        E(None, "Cấp giấy phép hoạt động xây dựng cho nhà thầu nước ngoài", [P], 20, "partial", 1),
    ],
    "CCHNXD": [
        E(None, "Cấp chứng chỉ hành nghề hoạt động xây dựng hạng II, hạng III", [P], 20, "full", 1),
        E(None, "Cấp lại chứng chỉ hành nghề hoạt động xây dựng hạng II, hạng III", [P], 10, "full", 1),
        E(None, "Điều chỉnh, bổ sung nội dung chứng chỉ hành nghề hoạt động xây dựng hạng II, hạng III", [P], 20, "full", 1),
        E(None, "Gia hạn chứng chỉ hành nghề hoạt động xây dựng hạng II, hạng III", [P], 10, "full", 1),
        E(None, "Cấp chứng chỉ hành nghề hoạt động xây dựng hạng I", [C], 20, "full", 1),
        E(None, "Cấp chứng chỉ năng lực hoạt động xây dựng hạng II, hạng III", [P], 20, "full", 1, citizen=0),
        E(None, "Cấp lại, điều chỉnh chứng chỉ năng lực hoạt động xây dựng hạng II, hạng III", [P], 10, "full", 1, citizen=0),
        E(None, "Cấp chứng chỉ năng lực hoạt động xây dựng hạng I", [C], 20, "full", 1, citizen=0),
        E(None, "Cấp chứng chỉ hành nghề kiến trúc", [P], 10, "full", 1),
        E(None, "Gia hạn, cấp lại chứng chỉ hành nghề kiến trúc", [P], 5, "full", 1),
        E(None, "Công nhận chứng chỉ hành nghề kiến trúc của người nước ngoài hành nghề kiến trúc tại Việt Nam", [P], 10, "partial", 1),
        E(None, "Cấp chứng chỉ hành nghề môi giới bất động sản", [P], 10, "partial", 1),
    ],
    "NHAO": [
        E(None, "Thông báo nhà ở hình thành trong tương lai đủ điều kiện được bán, cho thuê mua", [P], 15, "partial", 0, citizen=0),
        E(None, "Xác nhận đối tượng được hưởng chính sách hỗ trợ về nhà ở xã hội", [X], 7, "partial", 0),
    ],
    "DATDAI": [
        E(None, "Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất lần đầu", [P, X], 20, "partial", 1),
        E(None, "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất do chuyển đổi, chuyển nhượng, thừa kế, tặng cho, góp vốn", [P], 8, "partial", 1),
        E(None, "Đăng ký biến động do đổi tên, thay đổi thông tin về người được cấp Giấy chứng nhận hoặc thay đổi hình dạng, kích thước, diện tích thửa đất", [P], 7, "partial", 1),
        E(None, "Tách thửa hoặc hợp thửa đất", [P], 15, "partial", 1),
        E(None, "Cấp đổi Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất", [P], 7, "partial", 1),
        E(None, "Cấp lại Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất do bị mất", [P], 10, "partial", 1),
        E(None, "Đính chính Giấy chứng nhận đã cấp", [P], 5, "partial", 0),
        E(None, "Thu hồi Giấy chứng nhận đã cấp không đúng quy định của pháp luật đất đai", [P], 30, "none", 0, unit=D),
        E(None, "Chuyển mục đích sử dụng đất đối với cá nhân", [X], 15, "partial", 1),
        E(None, "Chuyển mục đích sử dụng đất đối với tổ chức", [P], 20, "partial", 1, citizen=0),
        E(None, "Giao đất, cho thuê đất không đấu giá quyền sử dụng đất, không đấu thầu lựa chọn nhà đầu tư", [P], 20, "partial", 1, citizen=0),
        E(None, "Gia hạn sử dụng đất khi hết thời hạn sử dụng đất", [P, X], 7, "partial", 1),
        E(None, "Điều chỉnh thời hạn sử dụng đất của dự án đầu tư", [P], 10, "partial", 1, citizen=0),
        E(None, "Xác định lại diện tích đất ở cho hộ gia đình, cá nhân đã được cấp Giấy chứng nhận", [P], 10, "partial", 1),
        E(None, "Đăng ký xác lập quyền sử dụng hạn chế thửa đất liền kề", [P], 5, "partial", 1),
        E(None, "Chuyển đổi quyền sử dụng đất nông nghiệp của cá nhân để thực hiện dồn điền, đổi thửa", [X], 30, "partial", 0, unit=D),
        E(None, "Chuyển hình thức giao đất, cho thuê đất", [P], 20, "partial", 1, citizen=0),
        E(None, "Cung cấp thông tin, dữ liệu đất đai", [P, X], 2, "full", 1),
        E(None, "Hòa giải tranh chấp đất đai tại Ủy ban nhân dân cấp xã", [X], 30, "none", 0, unit=D),
        E(None, "Giải quyết tranh chấp đất đai thuộc thẩm quyền của Chủ tịch Ủy ban nhân dân cấp tỉnh", [P], 45, "none", 0, unit=D),
        E(None, "Đăng ký biến động đất đai, tài sản gắn liền với đất trong trường hợp xử lý tài sản bảo đảm", [P], 10, "partial", 1),
        E(None, "Cấp Giấy chứng nhận cho người nhận chuyển nhượng quyền sử dụng đất, mua nhà ở, công trình xây dựng trong dự án phát triển nhà ở", [P], 15, "partial", 1),
    ],
    "MOITRUONG": [
        E(None, "Cấp giấy phép môi trường (cấp tỉnh)", [P], 20, "partial", 1),
        E(None, "Cấp đổi, điều chỉnh, cấp lại giấy phép môi trường (cấp tỉnh)", [P], 15, "partial", 1),
        E(None, "Đăng ký môi trường", [X], 5, "full", 0, citizen=1),
        E(None, "Thẩm định báo cáo đánh giá tác động môi trường (cấp tỉnh)", [P], 25, "partial", 1),
    ],
    "TNN": [
        E(None, "Cấp giấy phép khai thác nước dưới đất đối với công trình có lưu lượng dưới 3.000 m3/ngày đêm", [P], 25, "partial", 1),
        E(None, "Cấp giấy phép khai thác, sử dụng nước mặt", [P], 25, "partial", 1),
        E(None, "Đăng ký khai thác nước dưới đất", [X], 10, "partial", 0, citizen=1),
        E(None, "Cấp giấy phép thăm dò khoáng sản (cấp tỉnh)", [P], 45, "partial", 1, unit=D),
    ],
    "NONGNGHIEP": [
        E(None, "Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm đối với cơ sở sản xuất, kinh doanh thực phẩm nông, lâm, thủy sản", [P], 15, "partial", 1, citizen=0),
        E(None, "Cấp Giấy chứng nhận kiểm dịch động vật, sản phẩm động vật trên cạn vận chuyển ra khỏi địa bàn cấp tỉnh", [P], 1, "partial", 1),
        E(None, "Cấp Giấy chứng nhận điều kiện vệ sinh thú y", [P], 10, "partial", 1, citizen=0),
        E(None, "Cấp giấy phép khai thác thủy sản", [P], 6, "full", 1),
        E(None, "Cấp Giấy chứng nhận đăng ký tàu cá", [P], 3, "partial", 1),
        E(None, "Cấp văn bản chấp thuận đóng mới, cải hoán, thuê, mua tàu cá", [P], 5, "partial", 0),
    ],
    "GIAMNGHEO": [
        E("1.011607", "Công nhận hộ nghèo, hộ cận nghèo thường xuyên hằng năm", [X], 15, "partial", 0),
        E(None, "Công nhận hộ nghèo, hộ cận nghèo phát sinh trong năm", [X], 7, "partial", 0),
        E(None, "Công nhận hộ thoát nghèo, hộ thoát cận nghèo trong năm", [X], 7, "partial", 0),
        E(None, "Công nhận hộ làm nông nghiệp, lâm nghiệp, ngư nghiệp có mức sống trung bình", [X], 10, "partial", 0),
    ],
    "KCB": [
        E(None, "Cấp mới giấy phép hành nghề đối với chức danh chuyên môn là bác sỹ, y sỹ, điều dưỡng, hộ sinh, kỹ thuật y, dinh dưỡng lâm sàng, cấp cứu viên ngoại viện, tâm lý lâm sàng", [C, P], 30, "partial", 1, unit=D),
        E(None, "Cấp mới giấy phép hành nghề đối với chức danh chuyên môn là lương y", [P], 30, "partial", 1, unit=D),
        E(None, "Cấp mới giấy phép hành nghề đối với người có bài thuốc gia truyền hoặc có phương pháp chữa bệnh gia truyền", [P], 30, "partial", 1, unit=D),
        E(None, "Cấp lại giấy phép hành nghề khám bệnh, chữa bệnh", [C, P], 10, "full", 1, unit=D),
        E(None, "Gia hạn giấy phép hành nghề khám bệnh, chữa bệnh", [C, P], 30, "full", 1, unit=D),
        E(None, "Điều chỉnh giấy phép hành nghề khám bệnh, chữa bệnh", [C, P], 10, "full", 1, unit=D),
        E(None, "Cấp giấy phép hành nghề khám bệnh, chữa bệnh đối với người được cấp chứng chỉ hành nghề trước ngày 01/01/2024", [C, P], 10, "full", 1, unit=D),
        E(None, "Đăng ký hành nghề khám bệnh, chữa bệnh", [C, P], 5, "full", 0),
        E(None, "Cấp mới giấy phép hoạt động đối với bệnh viện", [C, P], 60, "partial", 1, unit=D, citizen=0),
        E(None, "Cấp mới giấy phép hoạt động đối với phòng khám đa khoa", [P], 60, "partial", 1, unit=D, citizen=0),
        E(None, "Cấp mới giấy phép hoạt động đối với phòng khám chuyên khoa", [P], 60, "partial", 1, unit=D, citizen=0),
        E(None, "Cấp mới giấy phép hoạt động đối với phòng chẩn trị y học cổ truyền", [P], 60, "partial", 1, unit=D, citizen=0),
        E(None, "Cấp mới giấy phép hoạt động đối với cơ sở dịch vụ cận lâm sàng", [P], 60, "partial", 1, unit=D, citizen=0),
        E(None, "Cấp mới giấy phép hoạt động đối với trạm y tế cấp xã", [P], 60, "partial", 0, unit=D, citizen=0),
        E(None, "Cấp lại giấy phép hoạt động khám bệnh, chữa bệnh", [C, P], 10, "full", 1, unit=D, citizen=0),
        E(None, "Điều chỉnh giấy phép hoạt động khám bệnh, chữa bệnh khi thay đổi quy mô, phạm vi hoạt động chuyên môn", [C, P], 30, "partial", 1, unit=D, citizen=0),
        E(None, "Công bố cơ sở đủ điều kiện thực hiện khám sức khỏe", [C, P], 10, "full", 0, citizen=0),
    ],
    "DUOC": [
        E(None, "Cấp Chứng chỉ hành nghề dược (cấp tỉnh)", [P], 20, "partial", 1, citizen=1),
        E(None, "Cấp lại Chứng chỉ hành nghề dược", [P], 5, "full", 1, citizen=1),
        E(None, "Cấp Giấy chứng nhận đủ điều kiện kinh doanh dược cho cơ sở bán lẻ thuốc (nhà thuốc, quầy thuốc)", [P], 20, "partial", 1),
        E(None, "Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm đối với cơ sở sản xuất thực phẩm bảo vệ sức khỏe", [C, P], 20, "partial", 1),
    ],
    "BTXH": [
        E("1.001776", "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hằng tháng, hỗ trợ kinh phí chăm sóc, nuôi dưỡng hằng tháng", [X], 7, "partial", 0),
        E("1.001699", "Xác định, xác định lại mức độ khuyết tật và cấp Giấy xác nhận khuyết tật", [X], 25, "partial", 0),
        E("1.001653", "Đổi, cấp lại Giấy xác nhận khuyết tật", [X], 5, "full", 0),
        E(None, "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội", [X], 5, "partial", 0),
        E(None, "Trợ giúp xã hội khẩn cấp về hỗ trợ làm nhà ở, sửa chữa nhà ở", [X], 10, "partial", 0),
        E(None, "Trợ giúp xã hội khẩn cấp về hỗ trợ chi phí điều trị người bị thương nặng ngoài nơi cư trú", [X], 2, "partial", 0),
        E(None, "Chi trả trợ cấp xã hội hằng tháng khi đối tượng thay đổi nơi cư trú", [X], 5, "partial", 0),
        E(None, "Tiếp nhận đối tượng bảo trợ xã hội có hoàn cảnh đặc biệt khó khăn vào cơ sở trợ giúp xã hội", [P, X], 15, "partial", 0),
        E(None, "Tiếp nhận đối tượng cần bảo vệ khẩn cấp vào cơ sở trợ giúp xã hội", [P, X], 1, "none", 0),
        E(None, "Dừng trợ giúp xã hội tại cơ sở trợ giúp xã hội", [P, X], 3, "partial", 0),
        E(None, "Thành lập cơ sở trợ giúp xã hội ngoài công lập", [P], 20, "partial", 0, citizen=0),
        E(None, "Cấp giấy phép hoạt động đối với cơ sở trợ giúp xã hội", [P], 15, "partial", 0, citizen=0),
        E(None, "Đăng ký hoạt động đối với cơ sở trợ giúp xã hội dưới 10 đối tượng có hoàn cảnh khó khăn", [X], 5, "partial", 0),
        E(None, "Hỗ trợ cho người nhận chăm sóc, nuôi dưỡng đối tượng cần bảo vệ khẩn cấp", [X], 10, "partial", 0),
    ],
    "TREEM": [
        E(None, "Áp dụng các biện pháp can thiệp khẩn cấp hoặc tạm thời cách ly trẻ em khỏi môi trường hoặc người gây tổn hại cho trẻ em", [X], 0.5, "none", 0, result=1),
        E(None, "Chấm dứt việc chăm sóc thay thế cho trẻ em", [X], 5, "partial", 0),
        E(None, "Đăng ký nhận chăm sóc thay thế cho trẻ em đối với cá nhân, người đại diện gia đình nhận chăm sóc thay thế không phải là người thân thích của trẻ em", [X], 15, "partial", 0),
    ],
    "NCC": [
        E("1.010833", "Cấp giấy xác nhận thân nhân của người có công", [X], 5, "partial", 0),
        E("1.010803", "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ", [X], 12, "partial", 0),
        E("2.002307", "Giải quyết chế độ mai táng phí đối với cựu chiến binh", [X], 12, "partial", 0),
        E("2.002308", "Giải quyết chế độ mai táng phí đối với thanh niên xung phong thời kỳ chống Pháp", [X], 12, "partial", 0),
        E(None, "Giải quyết chế độ ưu đãi đối với thân nhân liệt sĩ", [P, X], 20, "partial", 0),
        E(None, "Sửa đổi thông tin cá nhân trong hồ sơ người có công", [P], 10, "partial", 0),
        E(None, "Cấp trích lục hoặc sao hồ sơ người có công với cách mạng", [P], 5, "full", 0),
    ],
    "LAODONG": [
        E("1.014199", "Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam", [P], 10, "full", 1),
        E("1.014200", "Cấp lại giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam", [P], 5, "full", 1),
        E("1.014201", "Gia hạn giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam", [P], 5, "full", 1),
        E("1.014196", "Cấp giấy xác nhận người lao động nước ngoài không thuộc diện cấp giấy phép lao động", [P], 5, "full", 0),
        E("1.014197", "Cấp lại giấy xác nhận người lao động nước ngoài không thuộc diện cấp giấy phép lao động", [P], 3, "full", 0),
        E("1.014198", "Gia hạn giấy xác nhận người lao động nước ngoài không thuộc diện cấp giấy phép lao động", [P], 3, "full", 0),
        E(None, "Giải quyết hưởng trợ cấp thất nghiệp", [P], 20, "full", 0),
        E(None, "Tạm dừng, tiếp tục hưởng trợ cấp thất nghiệp", [P], 3, "partial", 0),
        E(None, "Hỗ trợ học nghề cho người đang hưởng trợ cấp thất nghiệp", [P], 20, "partial", 0),
    ],
    "NOIVU": [
        E(None, "Thủ tục tặng Bằng khen của Chủ tịch Ủy ban nhân dân cấp tỉnh", [P], 20, "partial", 0),
        E(None, "Thủ tục tặng danh hiệu Tập thể lao động xuất sắc", [P], 20, "partial", 0),
        E(None, "Thủ tục tặng Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã", [X], 20, "partial", 0),
        E(None, "Thủ tục công nhận ban vận động thành lập hội", [P], 30, "partial", 0),
        E(None, "Thủ tục thành lập hội", [P], 30, "partial", 0),
        E(None, "Thủ tục phê duyệt điều lệ hội", [P], 30, "partial", 0),
    ],
    "TONGIAO": [
        E(None, "Thủ tục đăng ký hoạt động tín ngưỡng", [X], 15, "partial", 0),
        E(None, "Thủ tục thông báo tổ chức lễ hội tín ngưỡng", [X], 15, "partial", 0, result=0),
        E(None, "Thủ tục đăng ký sinh hoạt tôn giáo tập trung", [X], 20, "partial", 0),
        E(None, "Thủ tục đề nghị tổ chức cuộc lễ ngoài cơ sở tôn giáo, địa điểm hợp pháp đã đăng ký để sinh hoạt tôn giáo tập trung", [P, X], 15, "partial", 0),
    ],
    "DANTOC": [
        E(None, "Công nhận người có uy tín trong đồng bào dân tộc thiểu số", [P, X], 15, "none", 0),
        E(None, "Đưa ra khỏi danh sách người có uy tín trong đồng bào dân tộc thiểu số", [P, X], 15, "none", 0),
    ],
    "GIAODUC": [
        E("3.000182", "Tuyển sinh trung học cơ sở", [X], 30, "full", 0, unit=D),
        E(None, "Tuyển sinh trung học phổ thông", [P], 30, "full", 0, unit=D),
        E("2.002894", "Cho phép trường mầm non hoạt động giáo dục", [X], 20, "partial", 0, citizen=0),
        E("2.002892", "Sáp nhập, chia, tách trường mầm non", [X], 20, "partial", 0, citizen=0),
        E("2.002893", "Giải thể trường mầm non", [X], 15, "partial", 0, citizen=0, result=1),
        E("1.001639", "Giải thể trường tiểu học", [X], 15, "partial", 0, citizen=0),
        E(None, "Thành lập trường trung học phổ thông công lập hoặc cho phép thành lập trường trung học phổ thông tư thục", [P], 25, "partial", 0, citizen=0),
        E(None, "Chuyển trường đối với học sinh trung học cơ sở", [X], 3, "full", 0),
        E(None, "Chuyển trường đối với học sinh trung học phổ thông", [P], 3, "full", 0),
        E(None, "Cấp bản sao văn bằng, chứng chỉ từ sổ gốc", [P, X], 1, "full", 1),
        E(None, "Chỉnh sửa nội dung văn bằng, chứng chỉ", [P], 5, "partial", 0),
        E(None, "Công nhận văn bằng tốt nghiệp các cấp học phổ thông do cơ sở nước ngoài cấp", [P], 20, "full", 0),
        E(None, "Đăng ký dự thi tốt nghiệp trung học phổ thông", [P], 5, "full", 0, result=0),
        E(None, "Phúc khảo bài thi tốt nghiệp trung học phổ thông", [P], 15, "full", 0, unit=D),
    ],
    "GDNN": [
        E(None, "Cấp giấy chứng nhận đăng ký hoạt động giáo dục nghề nghiệp đối với trung tâm giáo dục nghề nghiệp, trường trung cấp", [P], 10, "partial", 0),
        E(None, "Thành lập, cho phép thành lập trường trung cấp", [P], 15, "partial", 0),
        E(None, "Cấp bản sao bằng tốt nghiệp trung cấp từ sổ gốc", [P], 5, "partial", 1, citizen=1),
    ],
    "VANHOA": [
        E(None, "Thủ tục cấp Giấy phép đủ điều kiện kinh doanh dịch vụ karaoke", [X], 5, "full", 1, citizen=1),
        E(None, "Thủ tục cấp Giấy phép đủ điều kiện kinh doanh dịch vụ vũ trường", [P], 5, "partial", 1),
        E(None, "Thủ tục thông báo tổ chức lễ hội cấp tỉnh", [P], 7, "partial", 0, result=0),
        E(None, "Thủ tục cấp giấy phép triển lãm mỹ thuật", [P], 7, "partial", 1),
        E(None, "Thủ tục cấp Giấy chứng nhận đủ điều kiện kinh doanh hoạt động thể thao", [P], 7, "full", 1),
        E(None, "Thủ tục thông báo thành lập thư viện đối với thư viện cộng đồng và thư viện tư nhân có phục vụ cộng đồng", [X], 15, "partial", 0, result=0, citizen=1),
    ],
    "DULICH": [
        E(None, "Cấp Giấy phép kinh doanh dịch vụ lữ hành nội địa", [P], 10, "full", 1),
        E(None, "Cấp Giấy phép kinh doanh dịch vụ lữ hành quốc tế", [C, P], 10, "full", 1),
        E(None, "Cấp thẻ hướng dẫn viên du lịch nội địa, quốc tế", [P], 10, "full", 1, citizen=1),
        E(None, "Cấp đổi, cấp lại thẻ hướng dẫn viên du lịch", [P], 10, "full", 1, citizen=1),
        E(None, "Công nhận hạng cơ sở lưu trú du lịch hạng 1 sao, 2 sao, 3 sao", [P], 30, "partial", 1, unit=D),
    ],
    "BAOCHI": [
        E(None, "Cấp giấy phép xuất bản bản tin", [P], 15, "partial", 1),
        E(None, "Cấp giấy phép hoạt động in", [P], 7, "partial", 1),
    ],
    "CONGTHUONG": [
        E(None, "Cấp Giấy phép bán lẻ sản phẩm thuốc lá", [P], 15, "full", 1, citizen=1),
        E(None, "Cấp Giấy phép bán lẻ rượu", [X], 10, "full", 1, citizen=1),
        E(None, "Cấp Giấy chứng nhận cửa hàng đủ điều kiện bán lẻ xăng dầu", [P], 15, "partial", 1),
        E(None, "Cấp Giấy phép sử dụng vật liệu nổ công nghiệp", [P], 10, "partial", 1),
        E(None, "Cấp Giấy phép hoạt động điện lực trong lĩnh vực phân phối, bán lẻ điện", [P], 15, "partial", 1),
        E(None, "Cấp Giấy phép kinh doanh cho tổ chức kinh tế có vốn đầu tư nước ngoài để thực hiện hoạt động mua bán hàng hóa", [P], 10, "partial", 1),
        E(None, "Cấp Giấy phép lập cơ sở bán lẻ của tổ chức kinh tế có vốn đầu tư nước ngoài", [P], 10, "partial", 1),
        E(None, "Đăng ký thực hiện khuyến mại", [P], 5, "full", 0),
    ],
    "KHCN": [
        E(None, "Cấp Giấy chứng nhận doanh nghiệp khoa học và công nghệ", [P], 7, "partial", 0),
        E(None, "Đăng ký kết quả thực hiện nhiệm vụ khoa học và công nghệ không sử dụng ngân sách nhà nước", [P], 5, "full", 0),
        E(None, "Đăng ký hợp đồng chuyển giao công nghệ", [C, P], 5, "full", 1),
        E(None, "Cấp giấy phép cung cấp dịch vụ viễn thông", [C], 30, "partial", 1, unit=D),
        E(None, "Cấp giấy phép sử dụng tần số vô tuyến điện cho đài vô tuyến điện nghiệp dư", [C], 20, "full", 1, citizen=1),
        E(None, "Cấp giấy phép bưu chính (cấp tỉnh)", [P], 20, "partial", 1),
    ],
    "QUOCPHONG": [
        E(None, "Đăng ký nghĩa vụ quân sự lần đầu", [X], 1, "partial", 0),
        E(None, "Đăng ký nghĩa vụ quân sự bổ sung, tạm vắng, di chuyển", [X], 1, "partial", 0),
        E(None, "Tạm hoãn gọi nhập ngũ và miễn gọi nhập ngũ", [X], 10, "none", 0),
    ],
    "LANHSU": [
        E(None, "Hợp pháp hóa lãnh sự giấy tờ, tài liệu tại Bộ Ngoại giao", [C], 1, "full", 1),
        E(None, "Chứng nhận lãnh sự giấy tờ, tài liệu tại Bộ Ngoại giao", [C], 1, "full", 1),
        E(None, "Hợp pháp hóa lãnh sự, chứng nhận lãnh sự giấy tờ, tài liệu tại cơ quan ngoại vụ địa phương", [P], 1, "full", 1),
    ],
    "NGANHANG": [
        E(None, "Cấp giấy phép hoạt động cung ứng dịch vụ trung gian thanh toán", [C], 60, "partial", 1, unit=D, citizen=0),
        E(None, "Đăng ký khoản vay nước ngoài của doanh nghiệp", [C, P], 12, "full", 0, citizen=0),
        E(None, "Chấp thuận việc mở và sử dụng tài khoản ngoại tệ ở nước ngoài", [C, P], 15, "partial", 0, citizen=0),
    ],
}

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
LEVEL_ORDER = [C, P, X]


def clean(s):
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", s)).strip()


def rng_for(key):
    return random.Random(int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:16], 16))


def synthetic_code(name, used):
    r = rng_for("code:" + name)
    while True:
        prefix = r.choice(["1", "1", "1", "2"])
        number = r.randint(100, 13999) if prefix == "1" else r.randint(100, 2999)
        code = f"{prefix}.{number:06d}"
        if code not in used and code not in RESERVED:
            return code


def shift_working_days(day, n):
    step = 1 if n >= 0 else -1
    left = abs(n)
    while left:
        day += dt.timedelta(days=step)
        if day.weekday() < 5:
            left -= 1
    return day


def fmt_amount(x):
    return str(int(x)) if float(x).is_integer() else str(x)


def main():
    used = set()
    rows = []
    for field_code, entries in CATALOGUE.items():
        field_name, ministry, system, citizen_default = FIELDS[field_code]
        for e in entries:
            name = clean(e["name"])
            code = e["code"]
            if code is None:
                code = synthetic_code(name, used)
            if code in used:
                raise SystemExit(f"duplicate code {code} ({name})")
            used.add(code)
            r = rng_for("row:" + code)
            citizen = citizen_default if e["citizen"] is None else e["citizen"]
            effective = dt.date.fromisoformat(r.choice(EFFECTIVE[field_code]))
            lead = r.randint(1, 40)
            published = shift_working_days(effective, -lead)
            made_public = shift_working_days(published, r.choice([1, 2, 3, 3, 4, 5, 5, 6, 8, 10, 12, 15]))
            published_s, public_s = published.isoformat(), made_public.isoformat()
            if r.random() < 0.05:
                published_s = ""
            if r.random() < 0.07:
                public_s = ""
            pay = 0
            if e["fee"]:
                pay = int(r.random() < PAY_RATE.get(system, 0.72))
            pop = 0
            if citizen:
                pop = int(r.random() < POP_RATE.get(system, 0.55))
            rows.append({
                "code": code,
                "name": name,
                "field_code": field_code,
                "field_name": clean(field_name),
                "ministry_code": ministry,
                "processing_amount": fmt_amount(e["amount"]),
                "processing_unit": e["unit"],
                "online_level": e["online"],
                "fee_bearing": str(e["fee"]),
                "issues_result": str(e["result"]),
                "citizen_facing": str(citizen),
                "central_system": system,
                "levels": ";".join(lv for lv in LEVEL_ORDER if lv in e["levels"]),
                "legal_basis_effective_on": effective.isoformat(),
                "published_on": published_s,
                "made_public_on": public_s,
                "payment_integrated": str(pay),
                "population_data_connected": str(pop),
                "content_complete": str(int(r.random() < 0.95)),
            })
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    known = sum(1 for x in rows if x["code"] in KNOWN_CODES)
    print(f"wrote {OUT.relative_to(ROOT)}: {len(rows)} procedures ({known} with believed-real codes, "
          f"{len(rows) - known} synthetic codes) in {len(CATALOGUE)} fields")
    return 0


if __name__ == "__main__":
    sys.exit(main())
