// Vietnamese name parts and street names for synthetic households (with diacritics, roughly by frequency).

export const FAMILY_NAMES = [
  'Nguyễn', 'Nguyễn', 'Nguyễn', 'Trần', 'Trần', 'Lê', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Phan', 'Võ', 'Đặng', 'Bùi',
  'Đỗ', 'Hồ', 'Ngô', 'Dương', 'Lý', 'Tôn Thất', 'Trương', 'Đoàn', 'Cao', 'Mai',
] as const

export const MIDDLE_NAMES = {
  male: ['Văn', 'Văn', 'Hữu', 'Đức', 'Quang', 'Minh', 'Công', 'Đình', 'Xuân', 'Thanh'],
  female: ['Thị', 'Thị', 'Thị', 'Ngọc', 'Thu', 'Thanh', 'Kim', 'Bích', 'Diệu'],
} as const

export const GIVEN_NAMES = {
  male: ['An', 'Bảo', 'Cường', 'Dũng', 'Đức', 'Hải', 'Hùng', 'Huy', 'Khoa', 'Long', 'Minh', 'Nam', 'Phong', 'Phúc',
    'Quân', 'Sơn', 'Tài', 'Thắng', 'Tuấn', 'Việt', 'Vinh', 'Lộc', 'Thành', 'Trí'],
  female: ['Anh', 'Châu', 'Dung', 'Giang', 'Hà', 'Hằng', 'Hoa', 'Hương', 'Lan', 'Linh', 'Mai', 'My', 'Nga', 'Ngân',
    'Nhung', 'Phương', 'Quyên', 'Tâm', 'Thảo', 'Thủy', 'Trang', 'Tuyết', 'Vân', 'Yến'],
} as const

export const STREETS = [
  'Lê Lợi', 'Hùng Vương', 'Trần Hưng Đạo', 'Nguyễn Huệ', 'Điện Biên Phủ', 'Phan Đình Phùng', 'Bà Triệu', 'Lý Thường Kiệt',
  'Nguyễn Sinh Cung', 'Phạm Văn Đồng', 'Tố Hữu', 'Kim Long', 'Chi Lăng', 'Huỳnh Thúc Kháng', 'An Dương Vương',
] as const

export const HAMLET_NAMES = [
  'An Lưu', 'Dương Nỗ', 'Phú Thứ', 'Lại Thế', 'Thanh Lam', 'Mỹ Lợi', 'Diêm Trường', 'Hà Úc', 'Vĩnh Xương', 'Tân Sa',
  'Trung Chánh', 'Kế Võ', 'Phước Linh', 'Nam Trường', 'Định Cư', 'Viễn Trình',
] as const

/** Ethnic groups of Huế's western highlands (A Lưới, Nam Đông). */
export const HIGHLAND_ETHNICITIES = ['Tà Ôi', 'Cơ Tu', 'Pa Cô', 'Vân Kiều'] as const
