package synth

// Second is a world made apart from the first, to test on what the engine was not fitted to: other
// countries and name pools (a larger share of them composed of syllables), other spellings clerks
// use, other ways found children's facts differ — more false names and typos, fewer dates kept.
var Second = &World{Name: "second", cultures: secondCultures, common: 0.45, swaps: secondSwaps, probe: secondRates}

var secondRates = rates{names: [8]float64{0.10, 0.18, 0.30, 0.40, 0.47, 0.63, 0.76, 0.82}, dobs: [5]float64{0.25, 0.50, 0.55, 0.66, 0.78},
	nat: [2]float64{0.5, 0.62}, sex: [2]float64{0.15, 0.17}, phone: 0.2, localPhone: 0.45, newPhone: 0.15, doc: 0.12, falseDoc: 0.06}

// secondSwaps are French-, Italian- and Persian-school spellings, where the first world's are
// English-school ones.
var secondSwaps = [][2]string{
	{"ou", "oo"}, {"u", "ou"}, {"j", "dj"}, {"ch", "tch"}, {"sh", "ch"}, {"q", "k"}, {"k", "q"}, {"gh", "g"},
	{"z", "s"}, {"kh", "x"}, {"a", "aa"}, {"i", "ie"}, {"ee", "i"}, {"y", "j"}, {"d", "dh"}, {"o", "au"},
}

var secondCultures = []culture{
	{country: "SO", patronymic: true, neighbours: []string{"ET", "KE", "DJ"}, phonePrefix: "+25261", languages: []string{"Somali", "Arabic"},
		onsets: []string{"Ab", "Xa", "Cab", "Fa", "Ma", "Ga", "Ba", "Sha", "Dha", "Ilh", "Hod", "Ayd", "Wa", "Gu"}, nuclei: []string{"a", "aa", "i", "ii", "u", "o", "e"}, codas: []string{"d", "diq", "shi", "le", "ne", "rre", "ow", "an", "", "is"},
		male:   []string{"Abdirahman", "Abdullahi", "Mohamed", "Hassan", "Farah", "Abdiaziz", "Mahad", "Liban", "Guled", "Sakariye", "Bashir", "Warsame"},
		female: []string{"Hodan", "Ayan", "Fadumo", "Hibo", "Sagal", "Ifrah", "Ubah", "Nasteho", "Hamdi"}},
	{country: "IR", neighbours: []string{"AF", "IQ", "TR", "PK"}, phonePrefix: "+98912", languages: []string{"Persian", "Kurdish (Sorani)"},
		onsets: []string{"Far", "Beh", "Ka", "Sa", "Ar", "Mah", "Par", "Ro", "Sh", "Na", "Ba", "Za", "Kh"}, nuclei: []string{"a", "i", "o", "u", "ee", "ah"}, codas: []string{"zad", "ram", "van", "yar", "sh", "din", "nam", "", "ri", "ani"},
		male:   []string{"Amir", "Reza", "Hossein", "Mehdi", "Sina", "Arash", "Behnam", "Kaveh", "Saman", "Dariush"},
		female: []string{"Shirin", "Parisa", "Nasrin", "Roya", "Leila", "Sara", "Mahsa", "Negin"},
		family: []string{"Mohammadi", "Hosseini", "Rezaei", "Moradi", "Karimi", "Jafari", "Rahmani", "Sadeghi", "Ghorbani", "Kazemi", "Azizi"},
		native: map[string]string{"Amir": "امیر", "Reza": "رضا", "Hossein": "حسین", "Shirin": "شیرین", "Mohammadi": "محمدی", "Hosseini": "حسینی"}},
	{country: "PK", neighbours: []string{"AF", "IN", "IR"}, phonePrefix: "+92300", languages: []string{"Urdu", "Punjabi", "Pashto"},
		onsets: []string{"Sh", "Za", "Ar", "Fai", "Ha", "Wa", "Ra", "Um", "Na", "Ka", "Ta", "Ba", "Da"}, nuclei: []string{"a", "i", "ee", "u", "oo", "ai"}, codas: []string{"r", "d", "sal", "mir", "an", "eem", "ood", "", "ullah", "aq"},
		male:   []string{"Muhammad", "Usman", "Bilal", "Hamza", "Zain", "Faisal", "Imran", "Waqas", "Shahzad", "Arslan", "Danish"},
		female: []string{"Ayesha", "Sana", "Hira", "Iqra", "Mahnoor", "Zainab", "Rabia"},
		family: []string{"Khan", "Khan", "Hussain", "Butt", "Qureshi", "Chaudhry", "Malik", "Raza", "Siddiqui", "Awan", "Bhatti"}},
	{country: "BD", neighbours: []string{"IN", "MM"}, phonePrefix: "+88017", languages: []string{"Bengali", "Sylheti"},
		onsets: []string{"Ra", "Sha", "Ta", "Mo", "Ha", "Ja", "Ka", "Bi", "Su", "Ni", "Po", "Ri"}, nuclei: []string{"a", "i", "u", "o", "e", "ai"}, codas: []string{"hul", "fiq", "mim", "jul", "kib", "zid", "on", "", "ur", "ul"},
		male:   []string{"Rahim", "Karim", "Sohel", "Jahid", "Tanvir", "Rakib", "Shakil", "Mamun", "Habib", "Sabbir"},
		female: []string{"Nusrat", "Sumaiya", "Farzana", "Tania", "Jannatul", "Moushumi", "Rupa"},
		family: []string{"Islam", "Rahman", "Hossain", "Uddin", "Akter", "Begum", "Miah", "Ahmed", "Chowdhury", "Sarkar", "Haque"}},
	{country: "GN", neighbours: []string{"SL", "LR", "CI", "ML", "SN"}, phonePrefix: "+22462", languages: []string{"French", "Pular", "Malinke"},
		onsets: []string{"Ma", "Ou", "Ibr", "Sek", "Fo", "Ab", "Ka", "Di", "Ta", "Ba", "Fa", "Ti"}, nuclei: []string{"a", "ou", "i", "e", "o"}, codas: []string{"dou", "sa", "ba", "ry", "ne", "ma", "", "nké", "rou", "ta"},
		male:   []string{"Mamadou", "Alpha", "Ibrahima", "Ousmane", "Thierno", "Sekou", "Mohamed", "Abdoulaye", "Boubacar", "Lansana"},
		female: []string{"Mariama", "Fatoumata", "Aissatou", "Kadiatou", "Hawa", "Mariame", "Oumou"},
		family: []string{"Diallo", "Diallo", "Barry", "Bah", "Sow", "Camara", "Condé", "Keita", "Touré", "Sylla", "Baldé", "Soumah"}},
	{country: "MA", neighbours: []string{"DZ", "ES", "EH"}, phonePrefix: "+2126", languages: []string{"Arabic", "Tamazight", "French"},
		onsets: []string{"You", "Meh", "Ay", "Ha", "Ism", "Za", "Ka", "Sou", "Bou", "Ra", "Ta"}, nuclei: []string{"a", "ou", "i", "e", "ai"}, codas: []string{"ssef", "di", "oub", "ail", "kri", "mane", "", "ri", "chid", "ni"},
		male:   []string{"Youssef", "Mehdi", "Ayoub", "Hamza", "Ismail", "Anas", "Zakaria", "Soufiane", "Bilal", "Achraf"},
		female: []string{"Salma", "Imane", "Khadija", "Hajar", "Meryem", "Soukaina", "Nisrine"},
		family: []string{"El Amrani", "Benali", "Alaoui", "Bennani", "Tazi", "El Idrissi", "Berrada", "Ouazzani", "Chraibi", "Ait Lahcen"},
		native: map[string]string{"Youssef": "يوسف", "Mehdi": "مهدي", "Hamza": "حمزة", "Salma": "سلمى"}},
	{country: "XK", neighbours: []string{"AL", "RS", "MK", "ME"}, phonePrefix: "+38344", languages: []string{"Albanian", "Serbian"},
		onsets: []string{"Bl", "Ar", "Val", "Dr", "Fat", "Lu", "Gent", "Il", "Bes", "Rin", "Sh", "Q"}, nuclei: []string{"e", "i", "o", "a", "ë", "u"}, codas: []string{"rim", "ben", "ton", "nit", "ri", "on", "", "dim", "ëz", "ta"},
		male:   []string{"Blerim", "Arben", "Valon", "Driton", "Fatos", "Lulzim", "Gentrit", "Ilir", "Besart", "Rinor"},
		female: []string{"Vlora", "Blerta", "Arta", "Donjeta", "Fjolla", "Qëndresa", "Lirije"},
		family: []string{"Berisha", "Morina", "Krasniqi", "Gashi", "Hoti", "Bytyqi", "Kastrati", "Rexhepi", "Sylejmani", "Zeqiri"}},
	{country: "EG", neighbours: []string{"SD", "LY", "IL"}, phonePrefix: "+2010", languages: []string{"Arabic"},
		onsets: []string{"Kar", "Ta", "Ma", "Sh", "Ab", "Mos", "Ha", "Wa", "Ra", "Sa", "Ga"}, nuclei: []string{"a", "e", "i", "ou", "o"}, codas: []string{"rim", "rek", "hmoud", "rif", "tafa", "el", "ed", "", "dy", "wan"},
		male:   []string{"Mahmoud", "Mostafa", "Karim", "Tarek", "Sherif", "Amr", "Hany", "Wael", "Ramy", "Gamal"},
		female: []string{"Mariam", "Nourhan", "Yasmin", "Esraa", "Rana", "Dina", "Heba"},
		family: []string{"Abdel Fattah", "El Sayed", "Mahmoud", "Hassan", "Mostafa", "Farouk", "Soliman", "Ragab", "Fathy", "Shehata"},
		native: map[string]string{"Mahmoud": "محمود", "Mostafa": "مصطفى", "Karim": "كريم"}},
	{country: "VN", neighbours: []string{"CN", "LA", "KH"}, phonePrefix: "+8498", languages: []string{"Vietnamese"},
		onsets: []string{"Kh", "Ph", "Th", "Tr", "B", "Đ", "H", "L", "V", "Q"}, nuclei: []string{"ô", "ơ", "ư", "uô", "a", "oa", "ươ"}, codas: []string{"ng", "n", "c", "t", "i", ""},
		male:    []string{"Bảo", "Khoa", "Tâm", "Trung", "Phong", "Vinh", "Hải", "Sơn", "Tiến", "Lộc"},
		female:  []string{"Nhung", "Thu", "Vy", "Quỳnh", "Diệp", "Oanh", "Tuyết"},
		family:  []string{"Nguyễn", "Nguyễn", "Trương", "Lý", "Dương", "Đinh", "Tạ", "Mai", "Lâm", "Cao", "Hồ"},
		middleM: "Đức", middleF: "Ngọc"},
	{country: "TR", neighbours: []string{"SY", "IQ", "IR", "GR", "BG"}, phonePrefix: "+90532", languages: []string{"Turkish", "Kurdish (Kurmanji)"},
		onsets: []string{"Ser", "Zi", "Ro", "Baz", "Dil", "Ke", "Mi", "Ha", "Ci", "Şe", "Ay"}, nuclei: []string{"a", "e", "ı", "i", "o", "ü"}, codas: []string{"hat", "van", "dar", "lan", "şin", "zan", "", "can", "dem", "gül"},
		male:   []string{"Mehmet", "Serhat", "Baran", "Zeki", "Rojhat", "Hakan", "Cihan", "Deniz", "Kemal", "Welat"},
		female: []string{"Zeynep", "Rojda", "Dilan", "Berfin", "Ayşe", "Hêvîn", "Şirin"},
		family: []string{"Yılmaz", "Demir", "Kaya", "Çelik", "Aslan", "Doğan", "Tekin", "Özdemir", "Polat", "Acar"}},
}
