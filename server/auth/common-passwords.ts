// Passwords too common to allow, in folded form (lowercase, no diacritics, letters and digits only): the top of the
// public leak lists, Vietnamese favourites, and words anyone would try against this system. Used by password-policy.ts.

export const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  // International leak lists (first entries of the usual top-100 lists, and their ≥ 10-character relatives)
  '123456', '1234567', '12345678', '123456789', '1234567890', '12345678910', '0123456789', '0987654321', '9876543210',
  '1111111111', '0000000000', '1231231234', '1122334455', '1212121212', '1234512345', '1234554321', '1234567891',
  '123123123', '111111', '000000', '121212', '654321', '666666', '696969', '7777777', '88888888', '987654321',
  'password', 'password1', 'password12', 'password123', 'password1234', 'password12345', 'passw0rd', 'p4ssw0rd',
  'passwordpassword', 'mypassword', 'newpassword', 'changeme', 'changeme123', 'default', 'secret', 'secret123',
  'qwerty', 'qwerty123', 'qwerty1234', 'qwerty12345', 'qwertyuiop', 'qwertyuiop123', 'qwer1234', 'qwerasdf',
  'asdfghjkl', 'asdfghjkl123', 'asdf1234', 'zxcvbnm', 'zxcvbnm123', 'zxcvbnmasd', '1qaz2wsx', '1qaz2wsx3edc',
  '1q2w3e4r', '1q2w3e4r5t', '1q2w3e4r5t6y', 'q1w2e3r4t5', 'zaq12wsx', 'zaq1xsw2', 'abc123', 'abcd1234', 'abcde12345',
  'abc123456', 'abcdefgh', 'abcdefghij', 'a1b2c3d4e5', 'aa123456', 'iloveyou', 'iloveyou123', 'iloveyou1234',
  'letmein', 'letmein123', 'welcome', 'welcome1', 'welcome123', 'welcome1234', 'admin', 'admin123', 'admin1234',
  'admin12345', 'administrator', 'adminadmin', 'root', 'rootroot', 'toor', 'guest', 'user', 'user1234', 'test',
  'test1234', 'test12345', 'testtest', 'monkey', 'dragon', 'football', 'baseball', 'basketball', 'superman',
  'batman', 'master', 'sunshine', 'princess', 'starwars', 'shadow', 'michael', 'jennifer', 'trustno1', 'whatever',
  'freedom', 'computer', 'internet', 'samsung', 'google', 'facebook', 'football123', 'liverpool', 'chelsea',
  'manchester', 'manchesterunited', 'manutd', 'arsenal', 'barcelona', 'realmadrid', 'pokemon', 'naruto',
  'correcthorsebatterystaple', 'thequickbrownfox', 'helloworld', 'hello123', 'loveyou', 'lovelove',
  // Vietnamese favourites
  'matkhau', 'matkhau1', 'matkhau123', 'matkhau1234', 'matkhaumoi', 'anhyeuem', 'anhyeuem123', 'emyeuanh',
  'emyeuanh123', 'yeuem', 'yeuanh', 'yeuemnhieu', 'iloveu', 'vietnam', 'vietnam123', 'vietnamvodich',
  'tinhyeu', 'hanoi', 'saigon', 'hochiminh', 'danang', 'nguyen', 'nguyenvan', 'tran', 'hoang', 'conyeu',
  'xinchao', 'chaoban', 'hanhphuc', 'maimaibennhau', 'khongbiet', 'khongcomatkhau', 'quantri', 'quantrivien',
  // This system and its place
  'rasoat', 'rasoat123', 'rasoat2025', 'rasoat2026', 'rasoathongheo', 'hongheo', 'hocanngheo', 'giamngheo',
  'dieutra', 'dieutravien', 'canbo', 'hue', 'hue123', 'thanhphohue', 'thuathienhue', 'cohue', 'songhuong',
  'enum', 'enumerator', 'supervisor', 'observer', 'demo', 'demo123', 'demodemo',
])
