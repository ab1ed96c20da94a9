package dna_test

import (
	"maps"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/waymark-org/waymark/internal/dna"
)

const full = "D3S1358 15,16; vWA 17,18; D16S539 11,12; D2S1338 19,23; D8S1179 13,14; D21S11 29,30; D18S51 14,17; " +
	"D19S433 13,14; TH01 6,9.3; FGA 21,22; D1S1656 12,15; D2S441 10,11; D10S1248 13,15; D12S391 18,19; D22S1045 15,16; SE33 22.2,28.2; AMEL X,Y"

func TestParse(t *testing.T) {
	p, err := dna.Parse(full)
	if err != nil || p.Typed() != 16 || p["TH01"] != [2]string{"6", "9.3"} || p["AMEL"] != [2]string{"X", "Y"} {
		t.Fatalf("%v %v", p, err)
	}
	if again, err := dna.Parse(p.String()); err != nil || again.String() != p.String() {
		t.Fatalf("written and read again: %v %v", again, err)
	}
	for _, tc := range []struct{ text, want string }{
		{"th01: 9.3/6\nvwa 17", "vWA 17,17; TH01 6,9.3"}, // any case, slash, homozygote written once; the loci in order
		{"D3S1358 16, 15", "D3S1358 15,16"},
	} {
		if p, err := dna.Parse(tc.text); err != nil || p.String() != tc.want {
			t.Errorf("%q: %q %v, want %q", tc.text, p, err, tc.want)
		}
	}
	for _, bad := range []string{"", "AMEL X,Y", "D99S1 1,2", "TH01 6,9,10", "TH01 six", "TH01 6; TH01 7", "AMEL X,Z; TH01 6", "=TH01 6"} {
		if _, err := dna.Parse(bad); err == nil {
			t.Errorf("%q read as a profile", bad)
		}
	}
}

func TestCompare(t *testing.T) {
	a, _ := dna.Parse(full)
	for _, tc := range []struct {
		b     string
		class string
		loci  int
	}{
		{full, dna.Full, 16},
		{strings.Replace(full, "AMEL X,Y", "AMEL Y,X", 1), dna.Full, 16},
		{"D3S1358 15,16; vWA 17,18; TH01 6,9.3", dna.Partial, 3},
		{strings.Replace(full, "FGA 21,22", "FGA 21,23", 1), dna.Near, 16},
		{strings.Replace(strings.Replace(full, "FGA 21,22", "FGA 21,23", 1), "TH01 6,9.3", "TH01 7,9.3", 1), dna.Exclusion, 10}, // told at the second difference
		{strings.Replace(full, "AMEL X,Y", "AMEL X,X", 1), dna.Exclusion, 16},
		{"D3S1358 15,16; vWA 17,18; D16S539 11,12; D2S1338 19,23; D8S1179 13,14; D21S11 29,30; D18S51 14,17; D19S433 13,14; TH01 6,9.3; FGA 21,22", dna.Full, 10},
	} {
		b, err := dna.Parse(tc.b)
		if err != nil {
			t.Fatal(err)
		}
		if c := dna.Compare(a, b, 0); c.Class != tc.class || c.Shared != tc.loci {
			t.Errorf("%q: %+v, want %s at %d loci", tc.b, c, tc.class, tc.loci)
		}
	}
	if c := dna.Compare(a, mustParse(t, strings.Replace(full, "FGA 21,22", "FGA 21,23", 1)), 0); c.Differ != "FGA" {
		t.Errorf("the near match's locus: %+v", c)
	}
}

func mustParse(t *testing.T, s string) dna.Profile {
	p, err := dna.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// The Balding–Nichols match probability worked by hand at one locus (θ = 0.03): heterozygote
// 2[θ+(1−θ)pa][θ+(1−θ)pb]/[(1+θ)(1+2θ)], homozygote [2θ+(1−θ)p][3θ+(1−θ)p]/[(1+θ)(1+2θ)].
func TestWeighByHand(t *testing.T) {
	counts := "population,locus,allele,count\nA,TH01,6,100\nA,TH01,9.3,200\nA,TH01,7,700\nB,TH01,6,2\nB,TH01,9.3,98\nB,TH01,7,900\n"
	f, err := dna.ReadFrequencies(strings.NewReader(counts))
	if err != nil {
		t.Fatal(err)
	}
	het := mustParse(t, "TH01 6,9.3")
	// A: pa 0.1, pb 0.2 → 2(0.127)(0.224)/1.0918 = 0.052112…; B: pa floored at 5/1000, pb 0.098 →
	// 2(0.03485)(0.12506)/1.0918 = 0.0079838…: A is the more conservative.
	w := f.Weigh(het, het)
	if w.Population != "A" || math.Abs(w.MatchProbability-0.0521121) > 1e-6 || math.Abs(w.Ratio-1/0.0521121) > 0.01 {
		t.Fatalf("heterozygote: %+v", w)
	}
	hom := mustParse(t, "TH01 7,7")
	// A: p 0.7 → (0.06+0.679)(0.09+0.679)/1.0918 = 0.520516…; B: p 0.9 → (0.933)(0.963)/1.0918 = 0.822934…
	if w := f.Weigh(hom, hom); w.Population != "B" || math.Abs(w.MatchProbability-0.8229337) > 1e-6 {
		t.Fatalf("homozygote: %+v", w)
	}
}

func TestShippedFrequencies(t *testing.T) {
	p := mustParse(t, full)
	w := dna.Shipped().Weigh(p, p)
	if w.Loci != 16 || w.Ratio < dna.MaxRatio || w.RatioText() != "more than a billion" {
		t.Fatalf("a full profile weighs %+v (%s)", w, w.RatioText())
	}
	few := mustParse(t, "TH01 6,9.3")
	if w := dna.Shipped().Weigh(few, few); w.Ratio < 2 || w.Ratio > 1000 || w.RatioText() == "more than a billion" {
		t.Fatalf("one locus weighs %+v", w)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(full)
	f.Add("th01: 9.3/6\nvwa 17")
	f.Add("AMEL X,Y;;;")
	f.Fuzz(func(t *testing.T, text string) {
		p, err := dna.Parse(text)
		if err != nil {
			return
		}
		again, err := dna.Parse(p.String())
		if err != nil || again.String() != p.String() {
			t.Fatalf("%q read, written %q, read again %q %v", text, p.String(), again, err)
		}
		if c := dna.Compare(p, again, 1); c.Class != dna.Full {
			t.Fatalf("a profile against itself: %+v", c)
		}
	})
}

// Packed profiles unpack to themselves and compare as a plain reading of the rules does, over
// profiles drawn from the shipped frequencies with loci left out and alleles changed.
func TestCodeAgreesWithTheRules(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alleles := []string{"6", "7", "8", "9", "9.3", "10", "11", "12", "13", "14", "15", "16", "17", "18", "19", "20", "21", "22.2", "28.2", "31.2"}
	draw := func() dna.Profile {
		p := dna.Profile{}
		for _, l := range dna.Loci {
			if r.IntN(8) > 0 {
				a, b := alleles[r.IntN(4)], alleles[r.IntN(4)]
				if l == "SE33" {
					a, b = alleles[r.IntN(len(alleles))], alleles[r.IntN(len(alleles))]
				}
				p[l] = mustParse(t, l+" "+a+","+b)[l]
			}
		}
		if r.IntN(3) > 0 {
			p[dna.Amelogenin] = [2]string{"X", []string{"X", "Y"}[r.IntN(2)]}
		}
		return p
	}
	classes := map[string]int{}
	for range 20000 {
		a, b := draw(), draw()
		if r.IntN(2) == 0 { // b a copy of a with an allele or two changed
			b = maps.Clone(a)
			for range r.IntN(3) {
				l := dna.Loci[r.IntN(len(dna.Loci))]
				if g, ok := b[l]; ok {
					g[r.IntN(2)] = alleles[r.IntN(len(alleles))]
					b[l] = mustParse(t, l+" "+g[0]+","+g[1])[l]
				}
			}
		}
		if !maps.Equal(a.Code().Profile(), a) {
			t.Fatalf("%v packed and unpacked: %v", a, a.Code().Profile())
		}
		got, want := dna.Compare(a, b, 0), reference(a, b)
		if got.Class != want.Class || (got.Class != dna.Exclusion && got != want) {
			t.Fatalf("%v against %v: %+v, want %+v", a, b, got, want)
		}
		if a.Code().Loci() != a.Typed() {
			t.Fatalf("%v: %d loci packed", a, a.Code().Loci())
		}
		classes[got.Class]++
	}
	if classes[dna.Full] == 0 || classes[dna.Partial] == 0 || classes[dna.Near] == 0 || classes[dna.Exclusion] == 0 {
		t.Fatalf("the draws missed a class: %v", classes)
	}
}

// reference is the rules read plainly: alleles shared at each locus typed in both.
func reference(a, b dna.Profile) dna.Comparison {
	var c dna.Comparison
	off := 0
	for _, l := range dna.Loci {
		x, ok1 := a[l]
		y, ok2 := b[l]
		if !ok1 || !ok2 {
			continue
		}
		c.Shared++
		switch {
		case x == y:
		case x[0] == y[0] || x[0] == y[1] || x[1] == y[0] || x[1] == y[1]:
			off++
			c.Differ = l
		default:
			off += 2
		}
	}
	x, ok1 := a[dna.Amelogenin]
	y, ok2 := b[dna.Amelogenin]
	c.Sex = ok1 && ok2 && x != y
	switch {
	case c.Sex || off > 1 || c.Shared == 0:
		c.Class = dna.Exclusion
	case off == 1:
		c.Class = dna.Near
	case c.Shared >= dna.MinLoci:
		c.Class = dna.Full
	default:
		c.Class = dna.Partial
	}
	if c.Class != dna.Near {
		c.Differ = ""
	}
	return c
}
