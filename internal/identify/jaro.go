package identify

// JaroWinkler measures how alike two strings are, from 0 (nothing shared) to 1 (equal), favouring a
// shared beginning: the usual measure for typed names.
func JaroWinkler(a, b string) float64 { return jaroWinkler(a, b, 0) }

// alike reports whether two tokens are as alike as a misspelling usually leaves them.
func alike(a, b string) bool { return jaroWinkler(a, b, alikeAt) >= alikeAt }

const alikeAt = 0.88

// jaroWinkler is JaroWinkler, giving up with 0 as soon as the measure cannot reach least: most
// pairs of names met while scoring are nothing alike, and the matching loop is the cost.
func jaroWinkler(a, b string, least float64) float64 {
	if a == b {
		return 1
	}
	la, lb := len(a), len(b)
	if la == 0 || lb == 0 || la > 64 || lb > 64 {
		return 0
	}
	prefix := 0
	for prefix < min(4, la, lb) && a[prefix] == b[prefix] {
		prefix++
	}
	measure := func(m, transpositions float64) float64 {
		jaro := (m/float64(la) + m/float64(lb) + (m-transpositions/2)/m) / 3
		return jaro + float64(prefix)*0.1*(1-jaro)
	}
	need := 1 // the fewest matches that could reach least
	for need <= min(la, lb) && measure(float64(need), 0) < least {
		need++
	}
	window := max(max(la, lb)/2-1, 0)
	var am, bm [64]bool
	matches := 0
	for i := range la {
		for j := max(0, i-window); j < min(lb, i+window+1); j++ {
			if !bm[j] && a[i] == b[j] {
				am[i], bm[j] = true, true
				matches++
				break
			}
		}
		if matches+la-1-i < need {
			return 0
		}
	}
	transpositions, j := 0, 0
	for i := range la {
		if !am[i] {
			continue
		}
		for !bm[j] {
			j++
		}
		if a[i] != b[j] {
			transpositions++
		}
		j++
	}
	return measure(float64(matches), float64(transpositions))
}
