package identify

// neighbourPairs lists land neighbours and pairs often confused or claimed for each other along the
// routes in the reference notes (a child may give a neighbour's nationality to improve a claim).
var neighbourPairs = [][2]string{
	{"ER", "ET"}, {"ER", "SD"}, {"ER", "DJ"}, {"ET", "SD"}, {"ET", "SS"}, {"ET", "SO"}, {"ET", "KE"}, {"ET", "DJ"},
	{"SD", "SS"}, {"SD", "EG"}, {"SD", "LY"}, {"SD", "TD"}, {"SD", "CF"}, {"SO", "KE"}, {"SO", "DJ"},
	{"AF", "IR"}, {"AF", "PK"}, {"AF", "TJ"}, {"AF", "UZ"}, {"AF", "TM"}, {"IR", "IQ"}, {"IR", "TR"}, {"IR", "PK"},
	{"IQ", "SY"}, {"IQ", "TR"}, {"IQ", "KW"}, {"IQ", "JO"}, {"IQ", "SA"}, {"SY", "TR"}, {"SY", "LB"}, {"SY", "JO"},
	{"AL", "XK"}, {"AL", "MK"}, {"AL", "ME"}, {"AL", "GR"}, {"XK", "RS"}, {"XK", "MK"}, {"RO", "MD"}, {"RO", "BG"},
	{"RO", "HU"}, {"RO", "UA"}, {"RO", "RS"}, {"VN", "CN"}, {"VN", "LA"}, {"VN", "KH"}, {"CN", "HK"}, {"CN", "TW"},
	{"CN", "MO"}, {"NG", "BJ"}, {"NG", "CM"}, {"NG", "NE"}, {"NG", "GH"}, {"GH", "CI"}, {"GH", "TG"}, {"GN", "SL"},
	{"SL", "LR"}, {"GM", "SN"}, {"EG", "LY"}, {"MA", "DZ"}, {"DZ", "TN"}, {"TN", "LY"}, {"UA", "RU"}, {"UA", "BY"},
	{"PK", "IN"}, {"IN", "BD"}, {"BD", "MM"},
}

var neighbourSet = func() map[[2]string]bool {
	m := map[[2]string]bool{}
	for _, p := range neighbourPairs {
		m[p] = true
		m[[2]string{p[1], p[0]}] = true
	}
	return m
}()

func neighbours(a, b string) bool { return neighbourSet[[2]string{a, b}] }
