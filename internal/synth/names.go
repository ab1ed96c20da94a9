package synth

// culture is a naming custom: name pools and how a full name is put together. Every name here is a
// common given or family name, combined at random: no real person is described.
type culture struct {
	country    string
	neighbours []string
	male       []string
	female     []string
	family     []string
	// patronymic: the family name is the father's given name (Eritrean, Ethiopian custom).
	patronymic bool
	// middle: gendered middle names placed before the given name (Vietnamese Văn / Thị).
	middleM, middleF string
	phonePrefix      string
	languages        []string
	native           map[string]string // romanised name → name in the native script
}

var cultures = []culture{
	{country: "VN", neighbours: []string{"CN", "LA", "KH"}, phonePrefix: "+849", languages: []string{"Vietnamese"},
		male:    []string{"Nam", "Minh", "Hùng", "Tuấn", "Dũng", "Đức", "Quang", "Thành", "Long", "Huy", "Khánh", "Phúc"},
		female:  []string{"Lan", "Hoa", "Mai", "Linh", "Hương", "Thảo", "Ngọc", "Trang", "Hạnh", "Yến"},
		family:  []string{"Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"},
		middleM: "Văn", middleF: "Thị"},
	{country: "ER", neighbours: []string{"ET", "SD"}, phonePrefix: "+2917", languages: []string{"Tigrinya"}, patronymic: true,
		male:   []string{"Yonas", "Dawit", "Filmon", "Mebrahtu", "Tesfay", "Kidane", "Abraham", "Yohannes", "Hagos", "Berhane", "Teklay", "Samuel", "Robel", "Henok"},
		female: []string{"Selam", "Semhar", "Helen", "Senait", "Luwam", "Saba", "Winta", "Ruta", "Feven"},
		native: map[string]string{"Selam": "ሰላም", "Yonas": "ዮናስ", "Dawit": "ዳዊት", "Tesfay": "ተስፋይ", "Kidane": "ኪዳነ", "Hagos": "ሓጎስ", "Semhar": "ሰምሃር"}},
	{country: "ET", neighbours: []string{"ER", "SD", "SO"}, phonePrefix: "+2519", languages: []string{"Amharic", "Oromo"}, patronymic: true,
		male:   []string{"Abebe", "Tesfaye", "Mulugeta", "Girma", "Bekele", "Dawit", "Yared", "Solomon", "Tadesse"},
		female: []string{"Almaz", "Tigist", "Meron", "Hirut", "Bethlehem", "Selamawit", "Mekdes"}},
	{country: "AL", neighbours: []string{"XK", "MK", "GR", "ME"}, phonePrefix: "+3556", languages: []string{"Albanian"},
		male:   []string{"Ardit", "Erion", "Klajdi", "Besnik", "Arbër", "Gëzim", "Jetmir", "Endrit", "Flamur", "Xhuljan"},
		female: []string{"Elira", "Ermira", "Drita", "Anisa", "Jonida", "Rezarta", "Xhensila"},
		family: []string{"Hoxha", "Shehu", "Krasniqi", "Gashi", "Çela", "Dervishi", "Xhafa", "Kola", "Lleshi", "Gjoka", "Dushku"}},
	{country: "AF", neighbours: []string{"IR", "PK", "TJ"}, phonePrefix: "+937", languages: []string{"Pashto", "Dari"},
		male:   []string{"Mohammed", "Ahmad", "Abdullah", "Abdul Rahman", "Omar", "Ali", "Hamid", "Nasir", "Farid", "Wahid", "Jawad"},
		female: []string{"Fatima", "Zahra", "Maryam", "Parwana", "Shabnam", "Nadia"},
		family: []string{"Ahmadi", "Rahimi", "Karimi", "Haidari", "Noori", "Sultani", "Hashimi", "Safi", "Stanikzai"},
		native: map[string]string{"Mohammed": "محمد", "Ahmad": "احمد", "Omar": "عمر", "Ali": "علی"}},
	{country: "SD", neighbours: []string{"SS", "ER", "ET", "EG", "TD", "LY"}, phonePrefix: "+2499", languages: []string{"Arabic"},
		male:   []string{"Mohamed", "Ahmed", "Abdelrahman", "Osman", "Ibrahim", "Hassan", "Mustafa", "Yousif", "Adam", "Khalid"},
		female: []string{"Amani", "Fatima", "Hawa", "Asha", "Samia", "Rania"},
		family: []string{"Abdalla", "Osman", "Ibrahim", "El-Tayeb", "Al-Amin", "Abdelrahman", "Adam", "Bashir", "Mohamed Ali"},
		native: map[string]string{"Mohamed": "محمد", "Ahmed": "أحمد", "Osman": "عثمان", "Ibrahim": "إبراهيم", "Hassan": "حسن"}},
	{country: "IQ", neighbours: []string{"IR", "SY", "TR", "KW", "JO", "SA"}, phonePrefix: "+9647", languages: []string{"Kurdish (Sorani)", "Arabic"},
		male:   []string{"Karwan", "Rebwar", "Hemin", "Ahmad", "Shwan", "Dilshad", "Aram", "Bryar", "Hawre"},
		female: []string{"Shilan", "Lana", "Shno", "Avin", "Rezan"},
		family: []string{"Abdulla", "Mahmood", "Rasul", "Aziz", "Qadir", "Hama", "Salih", "Karim"}},
	{country: "NG", neighbours: []string{"BJ", "CM", "NE", "TD", "GH"}, phonePrefix: "+2348", languages: []string{"English", "Igbo", "Yoruba"},
		male:   []string{"Chukwuemeka", "Emeka", "Oluwaseun", "Tunde", "Chinedu", "Ifeanyi", "Babatunde", "Obinna"},
		female: []string{"Adaeze", "Chiamaka", "Blessing", "Favour", "Ngozi", "Folake", "Precious", "Oluwakemi"},
		family: []string{"Okafor", "Adeyemi", "Okonkwo", "Eze", "Balogun", "Nwosu", "Adebayo", "Obi", "Ogunleye"}},
	{country: "RO", neighbours: []string{"MD", "BG", "HU", "UA", "RS"}, phonePrefix: "+407", languages: []string{"Romanian", "Romani"},
		male:   []string{"Ștefan", "Andrei", "Ionuț", "Mihai", "Florin", "Gheorghe", "Marian", "Constantin", "Cătălin"},
		female: []string{"Ana-Maria", "Elena", "Ioana", "Florentina", "Roxana", "Mădălina"},
		family: []string{"Popescu", "Ionescu", "Stănescu", "Țurcanu", "Mureșan", "Constantinescu", "Dumitru", "Stoica", "Lăcătuș"}},
	{country: "CN", neighbours: []string{"VN", "HK", "TW", "MN"}, phonePrefix: "+861", languages: []string{"Mandarin", "Fujianese"},
		male:   []string{"Wei", "Jun", "Ming", "Hao", "Jie", "Lei", "Qiang"},
		female: []string{"Fang", "Li", "Jing", "Xiu", "Yan", "Hui"},
		family: []string{"Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Lin", "Huang"},
		native: map[string]string{"Wang": "王", "Li": "李", "Zhang": "张", "Liu": "刘", "Chen": "陈", "Yang": "杨", "Lin": "林", "Huang": "黄",
			"Wei": "伟", "Jun": "军", "Ming": "明", "Hao": "浩", "Fang": "芳", "Jing": "静", "Yan": "燕"}},
	{country: "SY", neighbours: []string{"LB", "JO", "IQ", "TR"}, phonePrefix: "+9639", languages: []string{"Arabic", "Kurdish (Kurmanji)"},
		male:   []string{"Abdulrahman", "Mohammad", "Ahmad", "Khaled", "Omar", "Yazan", "Hamza", "Bilal"},
		female: []string{"Aya", "Rama", "Lama", "Nour", "Hiba"},
		family: []string{"Al-Hassan", "Al Khatib", "Alhamwi", "Darwish", "Haddad", "Al-Ali", "Abdulkarim", "bin Saleh"}},
}
