"""Methodology "2022": Decision 766/QĐ-TTg (23 June 2022, live from 1 August 2022); docs/domain.md#components.

Five groups, 100 points, 21 components. Each is declared once here; ``docs/adr/0005-index-formulas.md``
records how the ambiguous ones were resolved.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from . import filters as f
from .base import (
    PROVINCE_ONLY,
    Component,
    Count,
    FullAt,
    Group,
    MaxOf,
    Methodology,
    Penalty,
    QBuilder,
    ReportedSum,
)
from .base import Source as S

D = Decimal

GROUPS = (
    Group("1", "Công khai, minh bạch", "Publicity and transparency", D(18)),
    Group("2", "Tiến độ, kết quả giải quyết", "Progress and results", D(20)),
    Group("3", "Số hóa hồ sơ", "Digitisation", D(22)),
    Group("4", "Cung cấp dịch vụ trực tuyến", "Online services", D(22)),
    Group("5", "Mức độ hài lòng", "Satisfaction", D(18)),
)


def _dossiers(q: QBuilder, **kw: Any) -> Count:
    return Count(S.DOSSIER, q, **kw)


def _procedures(q: QBuilder) -> Count:
    return Count(S.PROCEDURE, q)


COMPONENTS = (
    # --- 1 Publicity and transparency (18) ---
    Component(
        "PUBLISH_ON_TIME",
        "1",
        "Công bố TTHC đúng hạn",
        "Procedures published on time",
        D(6),
        numerator=_procedures(f.published_on_time),
        denominator=_procedures(f.due_for_publication),
        note_en="Decision ≥ 20 working days (ministries) / 5 (provinces) before the legal basis takes effect.",
        note_vi="Quyết định công bố ban hành trước ngày văn bản quy định có hiệu lực ít nhất 20 ngày làm việc (bộ, ngành) / 5 ngày làm việc (tỉnh).",
    ),
    Component(
        "PUBLIC_UPDATE_ON_TIME",
        "1",
        "Công khai TTHC trên CSDL quốc gia đúng hạn",
        "Procedures made public on the national database on time",
        D(4),
        numerator=_procedures(f.made_public_on_time),
        denominator=_procedures(f.published_in_period),
        note_en="Made public ≤ decision + 10 working days (ministries) / + 5 (provinces).",
        note_vi="Công khai chậm nhất 10 ngày làm việc (bộ, ngành) / 5 ngày làm việc (tỉnh) kể từ ngày quyết định công bố.",
    ),
    Component(
        "PUBLIC_CONTENT_FULL",
        "1",
        "Công khai đầy đủ nội dung TTHC",
        "Procedures public with all required parts",
        D(2),
        numerator=_procedures(f.public_complete),
        denominator=_procedures(f.public),
    ),
    Component(
        "DOSSIER_SYNC",
        "1",
        "Đồng bộ hồ sơ lên Cổng DVCQG",
        "Dossiers synced to the portal",
        D(6),
        numerator=Count(S.SOURCE_DOSSIER, f.portal_synced),
        denominator=MaxOf((Count(S.SOURCE_DOSSIER, f.portal_synced), ReportedSum(f.reported))),
        note_en="Synced / max(dossiers per portal, dossiers per the national reporting system).",
        note_vi="Số hồ sơ đồng bộ / số lớn hơn giữa hồ sơ trên Cổng Dịch vụ công quốc gia và hồ sơ báo cáo qua Hệ thống báo cáo quốc gia.",
    ),
    # --- 2 Progress and results (20) ---
    Component(
        "ON_TIME",
        "2",
        "Hồ sơ giải quyết đúng hoặc trước hạn",
        "Dossiers handled on or before time",
        D(20),
        numerator=_dossiers(f.on_time, at_risk=(0, 1)),
        denominator=_dossiers(f.decided, at_risk=(1, 1)),
        note_en="On time / (on time + overdue), open dossiers judged at period end; >1 supplement = overdue.",
        note_vi="Đúng hạn / (đúng hạn + quá hạn); hồ sơ đang giải quyết xét tại cuối kỳ; yêu cầu bổ sung quá 1 lần tính là quá hạn.",
    ),
    # --- 3 Digitisation (22) ---
    Component(
        "E_RESULT",
        "3",
        "Cấp kết quả giải quyết TTHC điện tử",
        "Dossiers with an electronic result",
        D(6),
        numerator=_dossiers(f.electronic_result),
        denominator=_dossiers(f.finished_with_result),
    ),
    Component(
        "DIGITISED",
        "3",
        "Số hóa hồ sơ, kết quả giải quyết",
        "Dossiers with digitised components and result",
        D(4),
        numerator=_dossiers(f.digitised),
        denominator=_dossiers(f.received),
    ),
    Component(
        "E_CERTIFIED_COPY",
        "3",
        "Xã cung cấp chứng thực bản sao điện tử",
        "Communes providing electronic certified copies",
        D(2),
        numerator=Count(S.COMMUNE, f.communes_e_copy),
        denominator=Count(S.COMMUNE, f.communes),
        levels=PROVINCE_ONLY,
    ),
    Component(
        "DATA_REUSE",
        "3",
        "Tái sử dụng dữ liệu số hóa",
        "Dossiers reusing digitised data",
        D(2),
        numerator=_dossiers(f.data_reused),
        denominator=_dossiers(f.received),
        rule=FullAt(D("0.8")),
    ),
    Component(
        "PERSONAL_STORE",
        "3",
        "Hồ sơ kết nối kho dữ liệu cá nhân",
        "Dossiers linked to the citizen's data store",
        D(4),
        numerator=_dossiers(f.personal_store),
        denominator=_dossiers(f.received),
    ),
    Component(
        "POPULATION_DATA_DOSSIER",
        "3",
        "Hồ sơ sử dụng dữ liệu dân cư",
        "Dossiers using population data (VNeID, national database)",
        D(2),
        numerator=_dossiers(f.population_data),
        denominator=_dossiers(f.received),
        levels=PROVINCE_ONLY,
    ),
    Component(
        "POPULATION_DATA_PROCEDURE",
        "3",
        "TTHC kết nối dữ liệu dân cư",
        "Procedures connected to population data",
        D(2),
        numerator=_procedures(f.population_connected),
        denominator=_procedures(f.citizen_facing),
        levels=PROVINCE_ONLY,
    ),
    # --- 4 Online services (22) ---
    Component(
        "ONLINE_OFFERED",
        "4",
        "TTHC cung cấp dịch vụ công trực tuyến",
        "Procedures offered online",
        D(2),
        numerator=_procedures(f.offered_online),
        denominator=_procedures(f.in_authority),
        rule=FullAt(D("0.8")),
    ),
    Component(
        "ONLINE_USED",
        "4",
        "Dịch vụ trực tuyến phát sinh hồ sơ",
        "Online services that received an online dossier",
        D(4),
        numerator=_dossiers(f.online_service_used, distinct="procedure"),
        denominator=_procedures(f.offered_online),
    ),
    Component(
        "ONLINE_SHARE",
        "4",
        "Hồ sơ nộp trực tuyến",
        "Dossiers filed online",
        D(6),
        numerator=_dossiers(f.filed_online),
        denominator=_dossiers(f.received),
        rule=FullAt(D("0.5")),
    ),
    Component(
        "PAYMENT_INTEGRATED",
        "4",
        "TTHC có phí tích hợp thanh toán trực tuyến",
        "Fee-bearing procedures with payment integrated on the portal",
        D(2),
        numerator=_procedures(f.payment_integrated),
        denominator=_procedures(f.fee_bearing),
        rule=FullAt(D("0.8")),
    ),
    Component(
        "PAYMENT_USED",
        "4",
        "TTHC có phí phát sinh thanh toán trực tuyến",
        "Fee-bearing procedures with real online payments",
        D(2),
        numerator=_dossiers(f.fee_procedure_paid, distinct="procedure"),
        denominator=_dossiers(f.fee_procedure_dossier, distinct="procedure"),
        rule=FullAt(D("0.8")),
    ),
    Component(
        "PAYMENT_SHARE",
        "4",
        "Hồ sơ thanh toán trực tuyến",
        "Dossiers paid online",
        D(6),
        numerator=_dossiers(f.paid_online),
        denominator=_dossiers(f.with_fee),
    ),
    # --- 5 Satisfaction (18) ---
    Component(
        "FEEDBACK_ON_TIME",
        "5",
        "Xử lý phản ánh, kiến nghị đúng hạn",
        "Citizen feedback handled on time",
        D(6),
        numerator=Count(S.FEEDBACK, f.feedback_on_time),
        denominator=Count(S.FEEDBACK, f.feedback_received),
    ),
    Component(
        "FEEDBACK_SATISFACTION",
        "5",
        "Hài lòng về xử lý phản ánh, kiến nghị",
        "Satisfaction with feedback handling",
        D(6),
        denominator=Count(S.FEEDBACK, f.feedback_received),
        penalties=(
            Penalty("disliked", "Không hài lòng", "Disliked", Count(S.FEEDBACK, f.feedback_disliked)),
            Penalty("overdue", "Quá hạn", "Overdue", Count(S.FEEDBACK, f.feedback_overdue)),
            Penalty("repeated", "Phản ánh lặp lại", "Repeated", Count(S.FEEDBACK, f.feedback_repeated)),
        ),
        note_en="(feedback − disliked − overdue − repeated) / feedback.",
        note_vi="(phản ánh, kiến nghị − không hài lòng − quá hạn − lặp lại) / phản ánh, kiến nghị.",
    ),
    Component(
        "DOSSIER_SATISFACTION",
        "5",
        "Hài lòng về giải quyết hồ sơ",
        "Satisfaction with dossier handling",
        D(6),
        denominator=_dossiers(f.decided, at_risk=(1, 1)),
        penalties=(
            Penalty("overdue", "Quá hạn", "Overdue", _dossiers(f.overdue, at_risk=(1, 0))),
            Penalty(
                "complained",
                "Có khiếu nại hoặc không hài lòng",
                "Complaint or dislike",
                _dossiers(f.complained),
            ),
        ),
        rule=FullAt(D("0.9")),
        note_en="1 − (overdue ratio + ratio of dossiers with complaints or dislikes), full at 90 %.",
        note_vi="1 − (tỷ lệ hồ sơ quá hạn + tỷ lệ hồ sơ có khiếu nại hoặc không hài lòng); đạt 90 % được điểm tối đa.",
    ),
)

METHODOLOGY = Methodology(
    version="2022",
    valid_from=date(2022, 8, 1),
    description="Decision 766/QĐ-TTg: five groups (18 / 20 / 22 / 22 / 18).",
    groups=GROUPS,
    components=COMPONENTS,
)
