"""The demo's fixtures: a small reference data set of its own (written to a temp dir) so that the
demo tests are fast and do not depend on the shipped files; the same tests run on SQLite and
PostgreSQL."""

from io import StringIO

import pytest
from django.core.management import call_command

ANCHOR = "2026-06"
N = 600

HEADER = "code,name,short_name,kind,parent_code,valid_from,valid_to,successor_code\n"
FILES = {
    "agencies_central.csv": HEADER
    + """\
CP,Chính phủ,Chính phủ,central,,,,
BTP,Bộ Tư pháp,Tư pháp,ministry,CP,2025-03-01,,
BTC,Bộ Tài chính,Tài chính,ministry,CP,2025-03-01,,
BXD,Bộ Xây dựng,Xây dựng,ministry,CP,2025-03-01,,
BNNMT,Bộ Nông nghiệp và Môi trường,Nông nghiệp và Môi trường,ministry,CP,2025-03-01,,
BKHDT,Bộ Kế hoạch và Đầu tư,Kế hoạch và Đầu tư,ministry,CP,,2025-02-28,BTC
BTP-LLTP,Trung tâm Lý lịch tư pháp quốc gia,Trung tâm LLTP quốc gia,unit,BTP,,,
""",
    "provinces.csv": HEADER
    + """\
01,Thành phố Hà Nội,Hà Nội,province,CP,,,
48,Thành phố Đà Nẵng,Đà Nẵng,province,CP,,,
04,Tỉnh Cao Bằng,Cao Bằng,province,CP,,,
""",
    "communes.csv": HEADER
    + """\
00004,Phường Ba Đình,Ba Đình,commune,01,2025-07-01,,
00008,Phường Ngọc Hà,Ngọc Hà,commune,01,2025-07-01,,
00025,Xã Sóc Sơn,Sóc Sơn,commune,01,2025-07-01,,
20194,Phường Hải Châu,Hải Châu,commune,48,2025-07-01,,
20195,Xã Hòa Vang,Hòa Vang,commune,48,2025-07-01,,
01273,Xã Hòa An,Hòa An,commune,04,2025-07-01,,
""",
    "units_demo.csv": HEADER
    + """\
01-TTPVHCC,Trung tâm Phục vụ hành chính công thành phố Hà Nội,Trung tâm PVHCC,one_stop,01,,,
01-STP,Sở Tư pháp thành phố Hà Nội,Sở Tư pháp,unit,01,,,
48-STC,Sở Tài chính thành phố Đà Nẵng,Sở Tài chính,unit,48,,,
""",
    "procedures.csv": """\
code,name,field_code,field_name,ministry_code,processing_amount,processing_unit,online_level,fee_bearing,issues_result,citizen_facing,central_system,levels,payment_integrated,population_data_connected
1.001193,Thủ tục đăng ký khai sinh,HOTICH,Hộ tịch,BTP,1,working_days,full,0,1,1,HOTICH,commune,0,1
1.000894,Thủ tục đăng ký kết hôn,HOTICH,Hộ tịch,BTP,1,working_days,partial,0,1,1,HOTICH,commune,0,1
1.000656,Thủ tục đăng ký khai tử,HOTICH,Hộ tịch,BTP,1,working_days,full,0,1,1,HOTICH,commune,0,1
2.000815,Chứng thực bản sao từ bản chính giấy tờ,CHUNGTHUC,Chứng thực,BTP,0.5,working_days,partial,1,1,1,,province;commune,1,0
2.000908,Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam,LLTP,Lý lịch tư pháp,BTP,10,working_days,full,1,1,1,LLTP,province;central,1,1
1.010001,Đăng ký thành lập công ty trách nhiệm hữu hạn một thành viên,DKDN,Đăng ký doanh nghiệp,BTC,3,working_days,full,1,1,0,DKDN,province,1,0
1.010002,Đăng ký biến động quyền sử dụng đất,DATDAI,Đất đai,BNNMT,10,working_days,partial,1,1,1,DATDAI,province;commune,0,1
1.010003,Cấp giấy phép xây dựng có thời hạn đối với nhà ở riêng lẻ,CPXD,Cấp phép xây dựng,BXD,15,calendar_days,partial,1,1,1,CPXD,commune,0,0
1.010004,Cấp chứng chỉ hành nghề hoạt động xây dựng hạng I,CCHNXD,Chứng chỉ hành nghề,BXD,20,working_days,full,1,1,0,CCHN,central,1,0
1.010005,Giải quyết hưởng trợ cấp thất nghiệp,LAODONG,Việc làm,BTC,20,calendar_days,partial,0,0,1,,province,0,1
""",
}


@pytest.fixture(scope="session")
def reference_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("seed_demo_reference")
    for name, text in FILES.items():
        (path / name).write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def seed(reference_dir):
    def run(**options) -> str:
        out = StringIO()
        defaults = {
            "dossiers": N,
            "anchor_month": ANCHOR,
            "data_dir": str(reference_dir),
            "no_progress": True,
            "skip_hooks": True,
        }
        call_command("seed_demo", stdout=out, **{**defaults, **options})
        return out.getvalue()

    return run
