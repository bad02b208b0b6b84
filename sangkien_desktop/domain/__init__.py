"""Pure domain rules. Imports nothing but the standard library (a test enforces it).

Glossary (Vietnamese term → English used in code):

======================  =====================================================
sáng kiến               initiative
đăng ký                 registration (the TỔNG HỢP ĐĂNG KÝ table)
hồ sơ                   dossier (paper file handed in for recognition)
đợt                     round (two a year, sometimes one for education)
đơn vị                  unit (phòng ban, xã/phường, school …)
loại đơn vị             unit type
tác giả / đồng tác giả  author / co-author
tỷ lệ đóng góp          contribution (percent)
Hội đồng (Sáng kiến)    council
thành viên              member (of the council)
thư ký                  secretary
tiêu chí                criterion (of the rubric)
phiếu chấm điểm         score sheet
điểm bình quân          mean score
xếp loại                grade (A, B, C, CN = recognized without prize, KCN = not recognized)
giấy chứng nhận         certificate
quyết định              decision
biên bản                minutes
tờ trình                submission memo
giấy biên nhận          receipt
sổ tiếp nhận            receipt book
lĩnh vực                field (of application)
giải pháp               solution; its kind (kỹ thuật, quản lý, tác nghiệp, ứng dụng tiến bộ kỹ thuật)
ngày áp dụng lần đầu    date of first application
phạm vi ảnh hưởng       scope of influence
tồn tại                 problem (the shortcoming an initiative addresses)
cơ quan ban hành        issuing body
địa danh                place name (on date lines)
Sở KH&CN                provincial Department of Science and Technology
======================  =====================================================
"""
