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
	// syllables compose the long tail of rarer names: onsets, nuclei and codas of the language.
	onsets, nuclei, codas []string
}

// World is a synthetic world: its naming customs and name pools, how often a name is a common
// one, and how found children's facts differ from their records. Two worlds with nothing shared but
// the shape let a method fitted on one be tested on the other.
type World struct {
	Name     string
	cultures []culture
	common   float64     // share of names drawn from the common pools (the rest composed of syllables)
	swaps    [][2]string // spelling variants a clerk writes a name with
	probe    rates
}

// First is the world the engine's model was estimated and calibrated on.
var First = &World{Name: "first", cultures: firstCultures, common: 0.55, swaps: firstSwaps, probe: firstRates}

var firstCultures = []culture{
	{country: "VN", onsets: []string{"Th", "Tr", "Ng", "Kh", "Ph", "H", "L", "M", "B", "Đ", "V", "Q", "S", "T", "Nh", "C", "G", "D", "X"}, nuclei: []string{"a", "ă", "â", "o", "ô", "ơ", "u", "ư", "i", "uy", "ươ", "iê", "oa", "ê"}, codas: []string{"n", "ng", "nh", "m", "c", "t", "", "", "i", "o"}, neighbours: []string{"CN", "LA", "KH"}, phonePrefix: "+849", languages: []string{"Vietnamese"},
		male:    []string{"Nam", "Minh", "Hùng", "Tuấn", "Dũng", "Đức", "Quang", "Thành", "Long", "Huy", "Khánh", "Phúc"},
		female:  []string{"Lan", "Hoa", "Mai", "Linh", "Hương", "Thảo", "Ngọc", "Trang", "Hạnh", "Yến"},
		family:  []string{"Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"},
		middleM: "Văn", middleF: "Thị"},
	{country: "ER", onsets: []string{"T", "G", "H", "K", "B", "M", "S", "Y", "D", "F", "Ts", "Z", "N", "W", "Ab", "Gh", "Tekl", "Meb", "Ber", "Han"}, nuclei: []string{"e", "a", "i", "o", "u", "ie", "ay"}, codas: []string{"r", "s", "n", "l", "m", "t", "y", "", "", "kh", "ri", "ne", "ay", "om"}, neighbours: []string{"ET", "SD"}, phonePrefix: "+2917", languages: []string{"Tigrinya"}, patronymic: true,
		male:   []string{"Yonas", "Dawit", "Filmon", "Mebrahtu", "Tesfay", "Kidane", "Abraham", "Yohannes", "Hagos", "Berhane", "Teklay", "Samuel", "Robel", "Henok"},
		female: []string{"Selam", "Semhar", "Helen", "Senait", "Luwam", "Saba", "Winta", "Ruta", "Feven"},
		native: map[string]string{"Selam": "ሰላም", "Yonas": "ዮናስ", "Dawit": "ዳዊት", "Tesfay": "ተስፋይ", "Kidane": "ኪዳነ", "Hagos": "ሓጎስ", "Semhar": "ሰምሃር"}},
	{country: "ET", onsets: []string{"Ab", "Te", "G", "B", "M", "Y", "D", "S", "K", "Ts", "Al", "Hi", "Mek", "Bel", "Am", "Fik"}, nuclei: []string{"e", "a", "i", "o", "u"}, codas: []string{"be", "re", "ye", "ku", "ru", "lu", "ne", "t", "n", "s", "", "le", "de"}, neighbours: []string{"ER", "SD", "SO"}, phonePrefix: "+2519", languages: []string{"Amharic", "Oromo"}, patronymic: true,
		male:   []string{"Abebe", "Tesfaye", "Mulugeta", "Girma", "Bekele", "Dawit", "Yared", "Solomon", "Tadesse"},
		female: []string{"Almaz", "Tigist", "Meron", "Hirut", "Bethlehem", "Selamawit", "Mekdes"}},
	{country: "AL", onsets: []string{"Ar", "Er", "Kl", "B", "G", "J", "End", "Fl", "Xh", "Dr", "Gj", "Sh", "Ll", "K", "D", "R", "V", "Ilir", "Al"}, nuclei: []string{"a", "e", "i", "o", "u", "ë"}, codas: []string{"n", "t", "r", "s", "ni", "ri", "ti", "mi", "ja", "ta", "", "aj", "im"}, neighbours: []string{"XK", "MK", "GR", "ME"}, phonePrefix: "+3556", languages: []string{"Albanian"},
		male:   []string{"Ardit", "Erion", "Klajdi", "Besnik", "Arbër", "Gëzim", "Jetmir", "Endrit", "Flamur", "Xhuljan"},
		female: []string{"Elira", "Ermira", "Drita", "Anisa", "Jonida", "Rezarta", "Xhensila"},
		family: []string{"Hoxha", "Shehu", "Krasniqi", "Gashi", "Çela", "Dervishi", "Xhafa", "Kola", "Lleshi", "Gjoka", "Dushku"}},
	{country: "AF", onsets: []string{"Ah", "Ab", "N", "F", "W", "J", "H", "K", "Sh", "M", "R", "Z", "Gh", "Qa", "Sa", "Mir", "Gul", "Sh"}, nuclei: []string{"a", "i", "u", "o", "ai", "e"}, codas: []string{"mad", "rid", "sir", "wad", "had", "zai", "i", "ullah", "an", "iz", "ir", "jan", "", "ar"}, neighbours: []string{"IR", "PK", "TJ"}, phonePrefix: "+937", languages: []string{"Pashto", "Dari"},
		male:   []string{"Mohammed", "Ahmad", "Abdullah", "Abdul Rahman", "Omar", "Ali", "Hamid", "Nasir", "Farid", "Wahid", "Jawad"},
		female: []string{"Fatima", "Zahra", "Maryam", "Parwana", "Shabnam", "Nadia"},
		family: []string{"Ahmadi", "Rahimi", "Karimi", "Haidari", "Noori", "Sultani", "Hashimi", "Safi", "Stanikzai"},
		native: map[string]string{"Mohammed": "محمد", "Ahmad": "احمد", "Omar": "عمر", "Ali": "علی"}},
	{country: "SD", onsets: []string{"Ab", "M", "Ah", "Os", "Ib", "H", "Y", "Kh", "El", "B", "S", "T", "Mu", "Al", "N", "Gh"}, nuclei: []string{"a", "i", "u", "o", "e", "ou"}, codas: []string{"med", "man", "sif", "lid", "dalla", "shir", "mid", "rif", "ir", "in", "an", "", "ib"}, neighbours: []string{"SS", "ER", "ET", "EG", "TD", "LY"}, phonePrefix: "+2499", languages: []string{"Arabic"},
		male:   []string{"Mohamed", "Ahmed", "Abdelrahman", "Osman", "Ibrahim", "Hassan", "Mustafa", "Yousif", "Adam", "Khalid"},
		female: []string{"Amani", "Fatima", "Hawa", "Asha", "Samia", "Rania"},
		family: []string{"Abdalla", "Osman", "Ibrahim", "El-Tayeb", "Al-Amin", "Abdelrahman", "Adam", "Bashir", "Mohamed Ali"},
		native: map[string]string{"Mohamed": "محمد", "Ahmed": "أحمد", "Osman": "عثمان", "Ibrahim": "إبراهيم", "Hassan": "حسن"}},
	{country: "IQ", onsets: []string{"K", "R", "H", "Sh", "D", "Ar", "Br", "Haw", "Az", "Sar", "Bak", "Ker", "Dil", "Ban", "Zh"}, nuclei: []string{"a", "e", "i", "o", "w", "ê"}, codas: []string{"wan", "war", "min", "shad", "am", "yar", "re", "an", "ar", "", "in", "han"}, neighbours: []string{"IR", "SY", "TR", "KW", "JO", "SA"}, phonePrefix: "+9647", languages: []string{"Kurdish (Sorani)", "Arabic"},
		male:   []string{"Karwan", "Rebwar", "Hemin", "Ahmad", "Shwan", "Dilshad", "Aram", "Bryar", "Hawre"},
		female: []string{"Shilan", "Lana", "Shno", "Avin", "Rezan"},
		family: []string{"Abdulla", "Mahmood", "Rasul", "Aziz", "Qadir", "Hama", "Salih", "Karim"}},
	{country: "NG", onsets: []string{"Chi", "E", "Olu", "O", "Ade", "Ba", "Ife", "Ngo", "Folu", "Tun", "Ka", "Nne", "Obi", "Uche", "Ayo", "Chu"}, nuclei: []string{"a", "e", "i", "o", "u"}, codas: []string{"ka", "me", "de", "yemi", "nna", "chi", "nde", "la", "ji", "bi", "ke", "mi", "wa", "nwa", ""}, neighbours: []string{"BJ", "CM", "NE", "TD", "GH"}, phonePrefix: "+2348", languages: []string{"English", "Igbo", "Yoruba"},
		male:   []string{"Chukwuemeka", "Emeka", "Oluwaseun", "Tunde", "Chinedu", "Ifeanyi", "Babatunde", "Obinna"},
		female: []string{"Adaeze", "Chiamaka", "Blessing", "Favour", "Ngozi", "Folake", "Precious", "Oluwakemi"},
		family: []string{"Okafor", "Adeyemi", "Okonkwo", "Eze", "Balogun", "Nwosu", "Adebayo", "Obi", "Ogunleye"}},
	{country: "RO", onsets: []string{"St", "Andr", "Ion", "Mih", "Flor", "Gheorgh", "Mar", "Const", "C", "Dum", "Rad", "Vl", "Pet", "Bog", "Cr", "Ț", "Ș"}, nuclei: []string{"a", "e", "i", "o", "u", "ă", "ea", "ia"}, codas: []string{"n", "escu", "eanu", "ache", "an", "el", "ică", "uț", "in", "", "u", "ar"}, neighbours: []string{"MD", "BG", "HU", "UA", "RS"}, phonePrefix: "+407", languages: []string{"Romanian", "Romani"},
		male:   []string{"Ștefan", "Andrei", "Ionuț", "Mihai", "Florin", "Gheorghe", "Marian", "Constantin", "Cătălin"},
		female: []string{"Ana-Maria", "Elena", "Ioana", "Florentina", "Roxana", "Mădălina"},
		family: []string{"Popescu", "Ionescu", "Stănescu", "Țurcanu", "Mureșan", "Constantinescu", "Dumitru", "Stoica", "Lăcătuș"}},
	{country: "CN", onsets: []string{"Zh", "W", "L", "Ch", "Y", "H", "X", "J", "Q", "G", "S", "Sh", "T", "D", "F", "M", "K", "B"}, nuclei: []string{"a", "ao", "ei", "i", "u", "ui", "ia", "ie", "iu", "o", "ou", "ua", "uo", "e"}, codas: []string{"n", "ng", "", "", "ng"}, neighbours: []string{"VN", "HK", "TW", "MN"}, phonePrefix: "+861", languages: []string{"Mandarin", "Fujianese"},
		male:   []string{"Wei", "Jun", "Ming", "Hao", "Jie", "Lei", "Qiang"},
		female: []string{"Fang", "Li", "Jing", "Xiu", "Yan", "Hui"},
		family: []string{"Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Lin", "Huang"},
		native: map[string]string{"Wang": "王", "Li": "李", "Zhang": "张", "Liu": "刘", "Chen": "陈", "Yang": "杨", "Lin": "林", "Huang": "黄",
			"Wei": "伟", "Jun": "军", "Ming": "明", "Hao": "浩", "Fang": "芳", "Jing": "静", "Yan": "燕"}},
	{country: "SY", onsets: []string{"Abd", "M", "Kh", "Y", "H", "B", "N", "R", "L", "Al", "Sa", "Ta", "Ra", "Ma", "Gh", "Z"}, nuclei: []string{"a", "i", "u", "ou", "e"}, codas: []string{"zan", "mza", "lal", "ra", "ma", "ha", "ed", "ar", "mi", "id", "", "im", "eh"}, neighbours: []string{"LB", "JO", "IQ", "TR"}, phonePrefix: "+9639", languages: []string{"Arabic", "Kurdish (Kurmanji)"},
		male:   []string{"Abdulrahman", "Mohammad", "Ahmad", "Khaled", "Omar", "Yazan", "Hamza", "Bilal"},
		female: []string{"Aya", "Rama", "Lama", "Nour", "Hiba"},
		family: []string{"Al-Hassan", "Al Khatib", "Alhamwi", "Darwish", "Haddad", "Al-Ali", "Abdulkarim", "bin Saleh"}},
}
