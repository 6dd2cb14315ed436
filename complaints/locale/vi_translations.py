"""Vietnamese for the complaints app's interface strings (English msgids).

``python complaints/locale/vi_translations.py`` fills ``vi/LC_MESSAGES/django.po`` (made by
``makemessages``) from this table and fails on any msgid without a translation; then
``compilemessages`` builds the ``.mo``. Kept as a table so a missing string is caught, not shipped.
"""
import re

VI = {
    # Feedback items (the model moved here from indicators)
    "code": "mã",
    "agency": "cơ quan",
    "procedure": "thủ tục",
    "received at": "thời điểm tiếp nhận",
    "refused at": "thời điểm từ chối",
    "more information requested at": "thời điểm đề nghị bổ sung thông tin",
    "answer published at": "thời điểm công khai trả lời",
    "citizen dissatisfied with the answer": "người dân không hài lòng với trả lời",
    "raised again (repeat feedback)": "phản ánh lặp lại",
    "refuse by": "hạn từ chối",
    "ask for more information by": "hạn đề nghị bổ sung",
    "answer by": "hạn trả lời",
    "publish the answer by": "hạn công khai trả lời",
    "feedback items": "phản ánh, kiến nghị",
    "This date is before the feedback was received.": "Ngày này trước ngày tiếp nhận phản ánh.",
    "An answer cannot be published before it is given.": "Không thể công khai trả lời trước khi trả lời.",
    "The answer is published before it was given.": "Trả lời được công khai trước khi trả lời.",
    "A feedback item is either refused or answered, not both.": "Một phản ánh hoặc bị từ chối hoặc được trả lời, không thể cả hai.",
    "%(d)s working days %(h)s h overdue": "quá hạn %(d)s ngày làm việc %(h)s giờ",
    "%(d)s working days %(h)s h left": "còn %(d)s ngày làm việc %(h)s giờ",
    "Month": "Tháng", "Ministry": "Bộ, ngành", "State": "Trạng thái", "All states": "Tất cả trạng thái",
    "Open only": "Chỉ kiến nghị đang mở", "Overdue only": "Chỉ kiến nghị quá hạn", "Filter": "Lọc",
    "Monthly review": "Rà soát hằng tháng", "My requests": "Kiến nghị của tôi", "Ministry inbox": "Hộp thư Bộ",
    "Supervision": "Giám sát", "Notifications": "Thông báo", "Reference": "Số hiệu", "Province": "Tỉnh, thành phố",
    "System": "Hệ thống", "Gaps": "Sai lệch", "Answer due by": "Hạn trả lời", "Time left": "Thời gian còn lại",
    "No requests.": "Không có kiến nghị.", "Page %(n)s of %(total)s": "Trang %(n)s/%(total)s",
    "Overdue": "Quá hạn", "Submitted at": "Ngày gửi", "Province assignee": "Cán bộ phụ trách (địa phương)",
    "Ministry assignee": "Cán bộ phụ trách (Bộ)", "Fix plan": "Kế hoạch khắc phục", "Answer": "Trả lời",
    "Evidence frozen at filing": "Số liệu tại thời điểm kiến nghị", "Gap kind": "Loại sai lệch",
    "At filing": "Khi kiến nghị", "Latest run": "Lần đối soát gần nhất", "Total": "Tổng cộng",
    "Dossiers compared": "Số hồ sơ đối soát", "Points at stake": "Điểm bị ảnh hưởng", "Files": "Tệp đính kèm",
    "No files.": "Chưa có tệp.", "Attach": "Đính kèm", "Letter": "Văn bản kiến nghị",
    "Save the draft": "Lưu dự thảo", "Actions": "Thao tác", "Assign": "Giao việc", "Timeline": "Diễn biến xử lý",
    "Reason": "Lý do", "Gaps in the run": "Sai lệch trong lần đối soát", "Comment": "Ý kiến",
    "Requests addressed to my ministry": "Kiến nghị gửi Bộ, ngành", "Open": "Đang mở", "All": "Tất cả",
    "Overdue requests first; time left counts office hours on working days.":
        "Kiến nghị quá hạn xếp trước; thời gian còn lại tính theo giờ hành chính của ngày làm việc.",
    "Sync-gap requests": "Kiến nghị đồng bộ dữ liệu", "Mark all as read": "Đánh dấu tất cả là đã đọc",
    "No notifications.": "Không có thông báo.", "Monthly review of sync gaps": "Rà soát đồng bộ hằng tháng",
    "Monthly review — %(p)s": "Rà soát hằng tháng — %(p)s",
    "Drafts are prepared after the month's reconciliation for each ministry system whose gaps exceed the "
    "threshold. Review the evidence and the letter, then submit or discard.":
        "Dự thảo kiến nghị được lập sau khi đối soát tháng cho từng hệ thống của Bộ, ngành có sai lệch vượt "
        "ngưỡng. Kiểm tra số liệu, văn bản rồi gửi hoặc hủy.",
    "Gaps per kind": "Sai lệch theo loại", "Evidence": "Minh chứng", "Select": "Chọn",
    "No requests for this month.": "Không có kiến nghị trong tháng.",
    "Submit the selected drafts": "Gửi các dự thảo đã chọn",
    "Supervision of sync-gap requests": "Giám sát kiến nghị đồng bộ dữ liệu",
    "Ministries with overdue requests": "Bộ, ngành có kiến nghị quá hạn", "Escalated": "Đã báo cáo cấp trên",
    "Oldest missed deadline": "Hạn trễ lâu nhất", "No ministry is overdue.": "Không có Bộ, ngành quá hạn.",
    "All requests": "Tất cả kiến nghị",
    # Feedback workflow
    "Received": "Đã tiếp nhận", "More information requested": "Đã đề nghị bổ sung thông tin",
    "Refused": "Từ chối tiếp nhận", "Answered": "Đã trả lời", "Answer published": "Đã công khai kết quả",
    "Information requested": "Thông tin cần bổ sung",
    "The feedback was received after this moment.": "Phản ánh, kiến nghị được tiếp nhận sau thời điểm này.",
    "Refuse": "Từ chối", "Ask for more information": "Đề nghị bổ sung thông tin",
    "Publish the answer": "Công khai kết quả trả lời",
    # Filters and forms
    "State (repeatable).": "Trạng thái (có thể lặp lại).", "Month reviewed, YYYY-MM.": "Tháng rà soát, YYYY-MM.",
    "Code of the addressed ministry.": "Mã Bộ, ngành nhận kiến nghị.",
    "Code of the filing province.": "Mã tỉnh, thành phố gửi kiến nghị.",
    "Code of the ministry system.": "Mã hệ thống của Bộ, ngành.",
    "Still open (true) or finished (false).": "Đang mở (true) hoặc đã kết thúc (false).",
    "Past the response deadline now.": "Đã quá hạn trả lời.", "Subject": "Trích yếu", "Body": "Nội dung",
    "File": "Tệp", "Assignee": "Người phụ trách",
    # Machine
    "This field is required.": "Trường này là bắt buộc.",
    "Enter a valid date (YYYY-MM-DD).": "Nhập ngày hợp lệ (YYYY-MM-DD).",
    "The date cannot be in the past.": "Ngày không được ở quá khứ.",
    "Choose one of: %(choices)s.": "Chọn một trong: %(choices)s.",
    "Unknown state %(state)s.": "Không có trạng thái %(state)s.",
    "A case in state “%(source)s” cannot move to “%(target)s”.":
        "Hồ sơ ở trạng thái “%(source)s” không thể chuyển sang “%(target)s”.",
    "Your role does not allow moving this case from “%(source)s” to “%(target)s”.":
        "Vai trò của bạn không được chuyển hồ sơ từ “%(source)s” sang “%(target)s”.",
    # Models
    "Reminder before the deadline": "Nhắc trước hạn", "Deadline notice": "Thông báo đến hạn",
    "Escalation": "Báo cáo cấp trên", "ISO week": "Tuần ISO", "Case update": "Cập nhật kiến nghị",
    "Reminder": "Nhắc hạn", "Deadline today": "Đến hạn hôm nay", "Weekly digest": "Tổng hợp hằng tuần",
    "Reopened after verification": "Mở lại sau đối soát", "Created": "Tạo mới", "State changed": "Chuyển trạng thái",
    "Edited": "Chỉnh sửa", "Attachment": "Tệp đính kèm", "Assignment": "Giao việc",
    "Evidence frozen": "Chốt số liệu", "Reminder sent": "Đã gửi nhắc hạn", "Gap list (CSV)": "Danh sách sai lệch (CSV)",
    "Gap list (Excel)": "Danh sách sai lệch (Excel)", "Document": "Văn bản",
    "Evidence replaced by a fresher run before submission.": "Số liệu được thay bằng lần đối soát mới hơn trước khi gửi.",
    "target date": "ngày hoàn thành", "latest": "mới nhất", "superseded": "đã thay thế", "recipients": "người nhận",
    "request": "kiến nghị", "stage": "giai đoạn", "deadline round": "lượt hạn", "sent at": "gửi lúc",
    "chasing marker": "dấu đã nhắc", "chasing markers": "dấu đã nhắc", "ministry": "Bộ, ngành",
    "open cases": "kiến nghị đang mở", "weekly digest marker": "dấu tổng hợp tuần",
    "weekly digest markers": "dấu tổng hợp tuần", "feedback item": "phản ánh, kiến nghị",
    "feedback event": "diễn biến phản ánh", "feedback events": "diễn biến phản ánh", "recipient": "người nhận",
    "kind": "loại", "subject": "trích yếu", "body": "nội dung", "link": "liên kết", "created at": "tạo lúc",
    "read at": "đọc lúc", "e-mailed at": "gửi thư lúc", "e-mail attempts": "số lần gửi thư",
    "last e-mail error": "lỗi gửi thư gần nhất", "notification": "thông báo", "notifications": "thông báo",
    "province": "tỉnh, thành phố", "ministry system": "hệ thống của Bộ, ngành", "period": "kỳ", "state": "trạng thái",
    "reconciliation run": "lần đối soát", "gaps per kind": "sai lệch theo loại", "gaps": "sai lệch",
    "dossiers compared": "số hồ sơ đối soát", "points at stake": "điểm bị ảnh hưởng",
    "evidence frozen at": "chốt số liệu lúc", "latest gaps per kind": "sai lệch theo loại (mới nhất)",
    "latest gaps": "sai lệch (mới nhất)", "latest points at stake": "điểm bị ảnh hưởng (mới nhất)",
    "last verified at": "đối soát kiểm tra lúc", "response time (working days)": "thời hạn trả lời (ngày làm việc)",
    "submitted at": "gửi lúc", "answer due by": "hạn trả lời", "reminder from": "nhắc hạn từ",
    "deadline notice from": "thông báo đến hạn từ", "escalation from": "báo cáo cấp trên từ",
    "acknowledged at": "tiếp nhận lúc", "fix plan": "kế hoạch khắc phục", "fix target date": "ngày hoàn thành khắc phục",
    "answer": "trả lời", "outcome": "kết quả", "answered at": "trả lời lúc", "escalated at": "báo cáo cấp trên lúc",
    "closed at": "đóng lúc", "province assignee": "cán bộ phụ trách (địa phương)",
    "ministry assignee": "cán bộ phụ trách (Bộ)", "created by": "người tạo", "updated at": "cập nhật lúc",
    "state changed at": "chuyển trạng thái lúc", "sync-gap request": "kiến nghị đồng bộ dữ liệu",
    "sync-gap requests": "kiến nghị đồng bộ dữ liệu", "actor": "người thực hiện", "at": "lúc", "from": "từ",
    "to": "sang", "comment": "ý kiến", "fields": "thông tin", "request event": "diễn biến kiến nghị",
    "request events": "diễn biến kiến nghị", "file": "tệp", "file name": "tên tệp", "size (bytes)": "dung lượng (byte)",
    "content type": "kiểu nội dung", "uploaded by": "người tải lên", "uploaded at": "tải lên lúc",
    "attachment": "tệp đính kèm", "attachments": "tệp đính kèm",
    # Services
    "The file is too large (%(size)s; the limit is %(limit)s).": "Tệp quá lớn (%(size)s; giới hạn %(limit)s).",
    "The file is empty.": "Tệp rỗng.",
    "Files of this type are not accepted (accepted: %(types)s).":
        "Không nhận loại tệp này (chỉ nhận: %(types)s).",
    "The file's content does not match its extension.": "Nội dung tệp không khớp với phần mở rộng.",
    "A text file must be UTF-8 text.": "Tệp văn bản phải mã hóa UTF-8.",
    "Weekly digest %(week)s: %(n)s open sync-gap requests for %(ministry)s":
        "Tổng hợp tuần %(week)s: %(n)s kiến nghị đồng bộ dữ liệu đang chờ %(ministry)s",
    " — OVERDUE": " — QUÁ HẠN",
    "%(ref)s %(province)s, %(system)s: %(state)s, due %(due)s%(overdue)s":
        "%(ref)s %(province)s, %(system)s: %(state)s, hạn %(due)s%(overdue)s",
    "Feedback %(code)s answered: publish the answer by %(due)s":
        "Phản ánh %(code)s đã được trả lời: công khai kết quả trước %(due)s",
    "[%(ref)s] %(state)s: %(system)s — %(province)s": "[%(ref)s] %(state)s: %(system)s — %(province)s",
    "The platform": "Hệ thống",
    "%(who)s moved request %(ref)s (%(subject)s) from “%(from)s” to “%(to)s”.":
        "%(who)s đã chuyển kiến nghị %(ref)s (%(subject)s) từ “%(from)s” sang “%(to)s”.",
    "Reason: %(reason)s": "Lý do: %(reason)s",
    "[%(ref)s] Reminder: the answer to %(province)s is due on %(due)s":
        "[%(ref)s] Nhắc hạn: trả lời kiến nghị của %(province)s trước ngày %(due)s",
    "[%(ref)s] The answer to %(province)s is due today (%(due)s)":
        "[%(ref)s] Hôm nay (%(due)s) là hạn trả lời kiến nghị của %(province)s",
    "Request %(ref)s from %(province)s about %(system)s must be answered by %(due)s.":
        "Kiến nghị %(ref)s của %(province)s về %(system)s cần được trả lời trước ngày %(due)s.",
    "Only the province's officers and leaders can file its requests.":
        "Chỉ cán bộ, lãnh đạo của địa phương được lập kiến nghị của địa phương.",
    "Requests are filed by provinces.": "Kiến nghị do tỉnh, thành phố gửi.",
    "Requests are addressed to a ministry's centralized system.":
        "Kiến nghị gửi về hệ thống tập trung của Bộ, ngành.",
    "Only a province leader can submit requests in bulk.": "Chỉ lãnh đạo địa phương được gửi nhiều kiến nghị cùng lúc.",
    "Only the province can edit a request, and only while it is a draft.":
        "Chỉ địa phương được sửa kiến nghị, và chỉ khi còn là dự thảo.",
    "The subject and the body cannot be empty.": "Trích yếu và nội dung không được để trống.",
    "Choose the province or the ministry side.": "Chọn phía địa phương hoặc phía Bộ, ngành.",
    "Only that side's officers can assign its work.": "Chỉ cán bộ của phía đó được giao việc.",
    "The assignee must be an officer of that side.": "Người được giao phải là cán bộ của phía đó.",
    "[%(ref)s] Assigned to you": "[%(ref)s] Được giao cho bạn",
    "Only the officers of either side and supervisors can comment.":
        "Chỉ cán bộ hai phía và cơ quan giám sát được cho ý kiến.",
    "[%(ref)s] New comment": "[%(ref)s] Ý kiến mới",
    "Only the officers of either side and supervisors can attach files.":
        "Chỉ cán bộ hai phía và cơ quan giám sát được đính kèm tệp.",
    # Views
    "%(n)s request(s) submitted.": "Đã gửi %(n)s kiến nghị.",
    "This page is for the supervising bodies.": "Trang này dành cho cơ quan giám sát.",
    "This action is no longer possible.": "Thao tác này không còn thực hiện được.",
    "The request is now “%(state)s”.": "Kiến nghị đã chuyển sang “%(state)s”.",
    "The draft was saved.": "Đã lưu dự thảo.", "Choose a file to attach.": "Chọn tệp để đính kèm.",
    "The file was attached.": "Đã đính kèm tệp.", "Choose an assignee.": "Chọn người phụ trách.",
    # Workflow
    "Draft": "Dự thảo", "Submitted": "Đã gửi", "Acknowledged": "Đã tiếp nhận", "In progress": "Đang khắc phục",
    "Verified closed": "Đã khắc phục (đối soát xác nhận)", "Rejected": "Bị từ chối", "Reopened": "Mở lại",
    "Closed": "Đã đóng", "Discarded": "Đã hủy",
    "Fixed: the data has been re-synced": "Đã khắc phục: dữ liệu đã được đồng bộ lại",
    "Explained: no fix on the ministry's side": "Giải trình: không thuộc phạm vi khắc phục của Bộ",
    "Target date": "Ngày hoàn thành", "Outcome": "Kết quả",
    "The request needs a subject and a body before it is submitted.":
        "Kiến nghị cần có trích yếu và nội dung trước khi gửi.",
    "Only an answer “fixed” is verified against the next reconciliation run.":
        "Chỉ trả lời “đã khắc phục” mới được kiểm tra bằng lần đối soát tiếp theo.",
    "The case is not overdue.": "Kiến nghị chưa quá hạn.",
    "Submit to the ministry": "Gửi Bộ, ngành", "Discard the draft": "Hủy dự thảo", "Acknowledge": "Tiếp nhận",
    "Reject": "Từ chối", "Start fixing (with a plan)": "Khắc phục (kèm kế hoạch)",
    "Verified by reconciliation": "Đối soát xác nhận đã khắc phục", "Reopen": "Mở lại",
    "Accept the answer and close": "Chấp nhận trả lời và đóng", "Dispute the rejection": "Không đồng ý việc từ chối",
    "Accept the rejection and close": "Chấp nhận việc từ chối và đóng", "Escalate": "Báo cáo cấp trên",
    "Close (supervisor)": "Đóng (cơ quan giám sát)",
    # base.html (the navigation link added by this app)
    "Sync requests": "Kiến nghị đồng bộ",
}


def _unquote(lines: str) -> str:
    import ast

    return "".join(ast.literal_eval(q) for q in re.findall(r'"(?:[^"\\]|\\.)*"', lines))


def fill(path: str) -> None:
    """Write the translations into the .po file; raise if a msgid has none."""
    text = open(path, encoding="utf-8").read().replace("#, fuzzy\n", "")
    missing = []

    def replace(m):
        msgid = _unquote(m.group(2))
        if msgid == "":
            return m.group(0)
        if msgid not in VI:
            missing.append(msgid)
            return m.group(0)
        value = VI[msgid].replace("\\", "\\\\").replace('"', '\\"')
        return f'{m.group(1)}msgstr "{value}"'

    text = re.sub(r'^(msgid ((?:".*"\n)+))msgstr ""$', replace, text, flags=re.M)
    if missing:
        raise SystemExit("no Vietnamese for: " + " | ".join(missing))
    text = text.replace('"Language: \\n"', '"Language: vi\\n"').replace("charset=CHARSET", "charset=UTF-8")
    open(path, "w", encoding="utf-8").write(text)


if __name__ == "__main__":
    from pathlib import Path

    fill(str(Path(__file__).parent / "vi" / "LC_MESSAGES" / "django.po"))
