// Package synth makes synthetic children — names of several scripts and naming customs, ages,
// nationalities, phones, documents and histories — from a seed, so that the same seed always gives
// the same world. Nothing here describes a real person.
package synth

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/dna"
)

// Generator draws synthetic records of a world from a seeded source.
type Generator struct {
	r   *rand.Rand
	w   *World
	Now time.Time
}

// New returns a generator of the first world; the same seed and now give the same records.
func New(seed uint64, now time.Time) *Generator { return NewIn(First, seed, now) }

// NewIn returns a generator of world w.
func NewIn(w *World, seed uint64, now time.Time) *Generator {
	return &Generator{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), w: w, Now: now}
}

func pick[T any](g *Generator, s []T) T { return s[g.r.IntN(len(s))] }

// zipf picks from a list of names ordered most common first, the first far more often than the
// last, as real name frequencies fall.
func zipf(g *Generator, s []string) string {
	// Inverse-CDF of weights 1/(i+1): a rank proportional to exp(u·ln(n+1)) - 1.
	i := int(math.Exp(g.r.Float64()*math.Log(float64(len(s)+1)))) - 1
	return s[min(max(i, 0), len(s)-1)]
}

// name draws a name of a culture: usually a common one, otherwise one from the long tail,
// composed of the language's syllables.
func (g *Generator) nameFrom(cu culture, common []string) string {
	if len(cu.onsets) == 0 || g.chance(g.w.common) {
		return zipf(g, common)
	}
	n := 1 + g.r.IntN(2)
	var b strings.Builder
	for i := range n {
		on := pick(g, cu.onsets)
		if i > 0 {
			on = strings.ToLower(on)
		}
		b.WriteString(on + pick(g, cu.nuclei))
		if i == n-1 {
			b.WriteString(pick(g, cu.codas))
		}
	}
	return b.String()
}

func (g *Generator) chance(p float64) bool { return g.r.Float64() < p }

// Child returns a synthetic child as recorded at first contact.
func (g *Generator) Child() *waymark.Child {
	cu := pick(g, g.w.cultures)
	c := &waymark.Child{Nationality: cu.country, Languages: cu.languages[:1+g.r.IntN(len(cu.languages))]}
	male := g.chance(0.7)
	c.Sex = "F"
	if male {
		c.Sex = "M"
	}
	g.name(cu, c, male)
	age := 12 + g.r.IntN(6) // 12–17
	if g.chance(0.05) {
		age = 10 + g.r.IntN(2)
	}
	born := g.Now.AddDate(-age, 0, -g.r.IntN(365))
	switch {
	case g.chance(0.45):
		c.DateOfBirth, c.AgeBasis = born.Format(waymark.DateLayout), pick(g, []string{"document", "claimed"})
	case g.chance(0.7):
		c.DateOfBirth, c.DOBEstimated, c.AgeBasis = fmt.Sprintf("%04d-01-01", born.Year()), true, "age_assessment"
	default:
		c.DateOfBirth, c.DOBEstimated, c.AgeBasis = fmt.Sprintf("%04d-01-01", born.Year()), true, "claimed"
	}
	if g.chance(0.55) {
		c.Phones = append(c.Phones, g.phone(cu))
	}
	if g.chance(0.25) {
		c.Phones = append(c.Phones, g.ukPhone())
	}
	if g.chance(0.35) {
		c.Documents = append(c.Documents, waymark.Document{Type: pick(g, []string{"passport", "passport", "national_id", "birth_certificate"}),
			Number: g.docNumber(), Country: cu.country})
	}
	if g.chance(0.2) {
		c.Biometrics = append(c.Biometrics, waymark.Biometric{Kind: "fingerprint", Reference: fmt.Sprintf("FP-%07d", g.r.IntN(1e7))})
	}
	if g.chance(0.08) {
		c.Biometrics = append(c.Biometrics, DNASample(g.r.IntN(1e6)))
	}
	c.Description = fmt.Sprintf("About %d cm, %s build, %s hair.", 140+g.r.IntN(45),
		pick(g, []string{"slight", "slim", "medium", "stocky"}), pick(g, []string{"short black", "black", "dark brown", "curly black", "shaved"}))
	if g.chance(0.4) {
		c.Marks = pick(g, []string{"Scar above left eyebrow", "Burn mark on right forearm", "Tattoo of a star on left wrist",
			"Mole on right cheek", "Missing front tooth", "Scar on back of right hand"})
	}
	return c
}

func (g *Generator) name(cu culture, c *waymark.Child, male bool) {
	given := cu.female
	if male {
		given = cu.male
	}
	first := g.nameFrom(cu, given)
	switch {
	case cu.patronymic:
		father, grandfather := g.nameFrom(cu, cu.male), g.nameFrom(cu, cu.male)
		c.GivenNames, c.FamilyName = first, father+" "+grandfather
		if g.chance(0.5) {
			c.FamilyName = father
		}
	case cu.middleM != "":
		mid := cu.middleF
		if male {
			mid = cu.middleM
		}
		c.GivenNames, c.FamilyName = mid+" "+first, zipf(g, cu.family)
	default:
		c.GivenNames, c.FamilyName = first, g.nameFrom(cu, cu.family)
	}
	if native, ok := cu.native[first]; ok && g.chance(0.5) {
		fam := cu.native[c.FamilyName]
		c.Aliases = append(c.Aliases, waymark.Name{GivenNames: native, FamilyName: fam, Language: cu.languages[0]})
	}
	if g.chance(0.3) {
		alias := waymark.Name{GivenNames: g.nameFrom(cu, given), FamilyName: c.FamilyName}
		if cu.family != nil {
			alias.FamilyName = g.nameFrom(cu, cu.family)
		}
		c.Aliases = append(c.Aliases, alias)
	}
}

func (g *Generator) phone(cu culture) string {
	digits := 12 - len(cu.phonePrefix) + 1
	var b strings.Builder
	b.WriteString(cu.phonePrefix)
	for range max(digits, 6) {
		b.WriteByte(byte('0' + g.r.IntN(10)))
	}
	return b.String()
}

// ukPhone is in Ofcom's range reserved for drama (07700 900000–900999), so it reaches nobody.
func (g *Generator) ukPhone() string { return fmt.Sprintf("+447700900%03d", g.r.IntN(1000)) }

func (g *Generator) docNumber() string {
	const letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
	return fmt.Sprintf("%c%c%07d", letters[g.r.IntN(len(letters))], letters[g.r.IntN(len(letters))], g.r.IntN(1e7))
}

// Places where children are met, found and seen. All generic.
var (
	Ports       = []string{"Dover Eastern Docks", "Heathrow Terminal 3", "Stansted Airport", "Kent coast, small boat landing", "M20 lorry park, Ashford", "Portsmouth ferry port", "Harwich International Port", "Folkestone Channel Tunnel terminal"}
	FoundPlaces = []string{"cannabis farm in a residential house", "nail bar", "car wash", "brothel in a flat above a shop", "train station with an adult of concern", "takeaway kitchen", "street begging with older males"}
	Towns       = []string{"Northshire", "Eastport", "Millbridge", "Castleford Green", "Westmarsh", "Kingsley Vale"}
)

// FirstContact returns the encounter that brought a child to notice, some days before now.
func (g *Generator) FirstContact(within time.Duration) *waymark.Encounter {
	at := g.Now.Add(-time.Duration(g.r.Int64N(int64(within)))).Truncate(time.Minute)
	e := &waymark.Encounter{Kind: "first_contact", At: at, Agency: pick(g, []string{"border", "border", "police", "council"}), Place: pick(g, Ports)}
	e.Circumstances = pick(g, []string{
		"Arrived in the back of a lorry with two other children; no documents.",
		"Travelling with an adult who claimed to be an uncle; accounts did not match.",
		"Landed by small boat; said they had paid for the journey and owed money.",
		"Stopped at passport control with a document that appeared not to be theirs.",
		"Presented at the police station saying they had escaped from a house where they worked."})
	if g.chance(0.5) {
		e.AccompanyingAdults = pick(g, []string{"Adult male, claimed to be a cousin, gave phone +447700900111", "Two adult males, left before the interview", "Woman claiming to be an aunt; no documents"})
	}
	return e
}

// Found returns a later encounter in which the child was found by police.
func (g *Generator) Found(after time.Time) *waymark.Encounter {
	span := g.Now.Sub(after)
	if span <= time.Hour {
		span = time.Hour
	}
	at := after.Add(time.Duration(g.r.Int64N(int64(span)))).Truncate(time.Minute)
	return &waymark.Encounter{Kind: "found", At: at, Agency: "police", Place: pick(g, Towns),
		Circumstances: "Found at a " + pick(g, FoundPlaces) + "."}
}

// Portrait draws a synthetic head-and-shoulders silhouette: a stand-in photograph of nobody.
func (g *Generator) Portrait() []byte {
	const w, h = 240, 300
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	bg := color.RGBA{uint8(150 + g.r.IntN(90)), uint8(150 + g.r.IntN(90)), uint8(150 + g.r.IntN(90)), 255}
	skin := pick(g, []color.RGBA{{141, 85, 36, 255}, {198, 134, 66, 255}, {224, 172, 105, 255}, {241, 194, 125, 255}, {92, 56, 30, 255}})
	shirt := color.RGBA{uint8(g.r.IntN(200)), uint8(g.r.IntN(200)), uint8(g.r.IntN(200)), 255}
	hair := pick(g, []color.RGBA{{20, 20, 20, 255}, {60, 40, 20, 255}, {35, 25, 20, 255}})
	for y := range h {
		for x := range w {
			c := bg
			dx, dy := float64(x-w/2), float64(y-120)
			switch {
			case dx*dx/(60*60)+dy*dy/(75*75) <= 1:
				c = skin
				if dy < -40 {
					c = hair
				}
			case y > 210 && dx*dx/(110*110)+float64((y-300)*(y-300))/(90*90) <= 1:
				c = shirt
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return buf.Bytes()
}

// Intn exposes the generator's source for callers that need their own draws.
func (g *Generator) Intn(n int) int { return g.r.IntN(n) }

// Chance reports true with probability p.
func (g *Generator) Chance(p float64) bool { return g.chance(p) }

// DNASample is synthetic DNA sample n, typed: its profile drawn from one of the shipped population
// groups by a generator of its own, so that the rest of a world is drawn as before profiles were.
func DNASample(n int) waymark.Biometric {
	f := dna.Shipped()
	pops := f.Populations()
	return waymark.Biometric{Kind: "dna", Reference: fmt.Sprintf("DNA-%06d", n), Lab: "Synthetic Forensics Ltd",
		LegalBasis: "consent of the child and guardian", Kit: "PowerPlex ESI 17",
		Profile: f.Draw(rand.New(rand.NewPCG(uint64(n), 30)), pops[n%len(pops)]).String()}
}
