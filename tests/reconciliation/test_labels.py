"""Gap values and portal field names in words (reconciliation.labels)."""

from django.utils import translation

from reconciliation import labels


def test_portal_fields_patterns_and_timestamps_in_words():
    with translation.override("vi"):
        assert labels.field_label("TrangThaiHoSo") == "Trạng thái hồ sơ"
        assert labels.field_label("Trạng thái trước") == "Trạng thái trước"  # not a field: unchanged
        assert labels.humanize("NgayTiepNhan 20261118082400") == "Ngày tiếp nhận 18/11/2026 08:24"
        text = labels.humanize("status_jump 6→9, finish_equals_sync")
        assert "status_jump" not in text and "finish_equals_sync" not in text and "6→9" in text
        assert labels.humanize("lag 26.5 h") == "đồng bộ chậm 26,5 giờ"
        assert labels.status_label("10").startswith("10 – ")
        assert labels.status_label("20261118082400") == "18/11/2026 08:24"
        assert labels.humanize(None) == ""
