package identify

import "math"

// Fields compared, and their levels from most to least alike. A level's weight is log2(m/u): m the
// chance of the level between records of the same child, u between records of different children.
const (
	FieldName        = "name"
	FieldDateOfBirth = "date_of_birth"
	FieldSex         = "sex"
	FieldNationality = "nationality"
	FieldPhone       = "phone"
	FieldDocument    = "document"
	FieldBiometric   = "biometric" // a fingerprint record's or DNA sample's reference, from the bureau that matched it
	FieldMarks       = "marks"     // scars, burns, tattoos, moles: kind and place on the body
	FieldStatus      = "status"    // whether the recorded child is missing now: a found child most often is
)

// Level names, as reported in evidence.
const (
	Exact              = "exact"
	VariantSpelling    = "variant"
	SoundsAlike        = "phonetic"
	SameConsonants     = "skeleton"
	Similar            = "similar"
	NoMatch            = "none"
	ExtraToken         = "extra_token"
	AcrossNames        = "across_names" // the tokens matched lie in two of the record's names, and no one name holds them
	NotGiven           = "not_given"    // a token of the record's name that the query did not give
	DayMonthSwapped    = "day_month_swapped"
	YearOut            = "one_year_out"
	YearsApart         = "same_day_years_apart" // a child claiming to be older (or younger) keeps the birthday
	WithinYear         = "within_a_year"
	EstimateSameYear   = "estimate_same_year"  // the estimate's year, or an estimate and a date in the same year
	EstimateCompatible = "estimate_compatible" // a year either side of the estimate
	EstimateNear       = "estimate_within_2_years"
	Disagree           = "disagree"
	Neighbour          = "neighbouring_country"
	LastDigits         = "last_digits"
	SameKind           = "same_kind" // a mark of the same kind, elsewhere or somewhere not said
	MissingNow         = "missing_now"
	NotMissing         = "not_missing"
)

// MU is one level's pair of probabilities.
type MU struct{ M, U float64 }

// Weight is the level's log2 Bayes factor.
func (p MU) Weight() float64 { return math.Log2(p.M / p.U) }

// Model holds m and u for every field and level. For the name levels with keys (exact, variant,
// phonetic, skeleton) u is replaced per token by how common the key is (term-frequency adjustment),
// so that a shared "Nguyen" counts for little and a shared rare name for much.
type Model struct {
	Levels map[string]map[string]MU
	// Recorded is the prior chance that a found child is in the registry at all.
	Recorded float64
	// Calibration straightens the posterior; fitted by `waymark bench identify --calibrate`.
	Calibration Calibration
	// Namesakes holds, by how many children hold a name (namesakeBand), u of each date-of-birth
	// level between two who hold it; nil until learnt from a registry (EstimateNamesakeU).
	Namesakes [namesakeBands]map[string]float64
}

// DefaultModel returns the model the engine ships with: the priors, with m and u as estimated by
// `waymark bench identify --n 1000000 --train` (u from random pairs, m by EM over unlabelled
// held-out probes; see docs/identification.md), and the calibration fitted on that model.
func DefaultModel() *Model {
	m := Priors()
	for field, levels := range estimated {
		for level, mu := range levels {
			m.Levels[field][level] = mu
		}
	}
	// The calibration was fitted by `waymark bench identify --n 1000000 --calibrate` (seed 1), on
	// probes of which four in five are of recorded children: B carries that share, as the prior of a
	// police find is not known.
	m.Calibration = Calibration{A: 0.7374, B: 0.6044}
	return m
}

// estimated holds the levels the benchmark's estimation sets (rounded); the name levels it saw too
// seldom to learn (skeleton, variant) keep their priors, and name u is each key's frequency. The
// two levels of an assessed age's year share the m of the single level they replaced, in the
// proportion EM gave them (docs/identification.md, session 13).
var estimated = map[string]map[string]MU{
	FieldName: {Exact: {0.7558, 0.01}, SoundsAlike: {0.0889, 0.01}, Similar: {0.0406, 0.02}, NoMatch: {0.0307, 0.90}, ExtraToken: {0.0610, 0.90}},
	FieldDateOfBirth: {
		Exact: {0.2135, 0.00007}, DayMonthSwapped: {0.0141, 0.00004}, YearOut: {0.0656, 0.000135}, YearsApart: {0.0296, 0.00032},
		WithinYear: {0.0045, 0.0564}, EstimateSameYear: {0.3196, 0.1158}, EstimateCompatible: {0.2998, 0.2073}, EstimateNear: {0.0045, 0.1727}, Disagree: {0.0486, 0.4473},
	},
	FieldSex:         {Exact: {0.9933, 0.5803}, Disagree: {0.0067, 0.4197}},
	FieldNationality: {Exact: {0.8006, 0.0910}, Neighbour: {0.1934, 0.0826}, Disagree: {0.0060, 0.8265}},
	FieldPhone:       {Exact: {0.6622, 0.000131}, LastDigits: {0.2542, 0.000006}, Disagree: {0.0835, 0.99987}},
	FieldDocument:    {Exact: {0.8920, 0.000023}, Disagree: {0.1080, 1}},
	// EM's estimate (session 16) in a world where three found children in four are missing ones.
	FieldStatus: {MissingNow: {0.7654, 0.1}, NotMissing: {0.2346, 0.9}},
}

// Priors returns the model set by hand from the field's shape (see docs/identification.md): where
// estimation starts, and what it falls back on where the data say little.
func Priors() *Model {
	return &Model{Recorded: 0.5, Levels: map[string]map[string]MU{
		// across_names: u is the share of other children meeting a child's first name on two or
		// more tokens who hold them in two names, among those with two names in Latin letters
		// (0.12 at 1M); m is judgement, as the synthetic found children never mix their names.
		// not_given, per token of the recorded name left out: u is the share of the fifty best
		// candidates for never-recorded children, every given token met, that leave one out (0.18
		// at 1M); m about the share of true matches that do (0.018 by the labels), which EM sees
		// too seldom to learn.
		FieldName: {
			Exact: {0.70, 0.01}, VariantSpelling: {0.04, 0.005}, SoundsAlike: {0.08, 0.01}, SameConsonants: {0.04, 0.02},
			Similar: {0.04, 0.02}, NoMatch: {0.10, 0.90}, ExtraToken: {0.30, 0.90}, AcrossNames: {0.02, 0.12},
			NotGiven: {0.02, 0.18},
		},
		FieldDateOfBirth: {
			Exact: {0.50, 0.0006}, DayMonthSwapped: {0.02, 0.0006}, YearOut: {0.04, 0.001}, YearsApart: {0.03, 0.0014},
			WithinYear:       {0.06, 0.12},
			EstimateSameYear: {0.14, 0.15}, EstimateCompatible: {0.14, 0.25}, EstimateNear: {0.04, 0.15}, Disagree: {0.02, 0.30},
		},
		FieldSex:         {Exact: {0.97, 0.55}, Disagree: {0.03, 0.45}},
		FieldNationality: {Exact: {0.85, 0.15}, Neighbour: {0.08, 0.05}, Disagree: {0.07, 0.80}},
		FieldPhone:       {Exact: {0.30, 1e-6}, LastDigits: {0.05, 1e-5}, Disagree: {0.65, 0.99}},
		FieldDocument:    {Exact: {0.60, 1e-7}, Disagree: {0.40, 0.999}},
		// A bureau gives one child's prints one reference; two references of one kind mean two
		// people unless one was mistyped.
		FieldBiometric: {Exact: {0.97, 1e-7}, Disagree: {0.03, 0.9999}},
		// A mark described by two people in two places is often told differently, and children
		// gain marks (tattoos, burns) in exploitation: a difference counts little against.
		FieldMarks: {Exact: {0.45, 0.005}, SameKind: {0.2, 0.05}, Disagree: {0.35, 0.945}},
		// m is the share of found children who were missing when found; u is taken from the index
		// (the share of its children missing now), down to a floor of a hundredth of this one.
		FieldStatus: {MissingNow: {0.6, 0.1}, NotMissing: {0.4, 0.9}},
		// How far apart two photos of one child's face are, by the years between them (faceFields).
		// dlib's network puts 99.38 % of adult pairs on the right side of 0.6 (LFW); children's faces
		// change as they grow, and published results fall as the gap grows, so m of the far levels is
		// set well above what adults' photos show. u is learnt from the registry's faces (faceShares);
		// the u here is the prior it starts from, different adults in LFW.
		faceFields[0]: faceMU(0.75, 0.12, 0.07, 0.06),
		faceFields[1]: faceMU(0.50, 0.20, 0.15, 0.15),
		faceFields[2]: faceMU(0.25, 0.20, 0.20, 0.35),
	}}
}

func faceMU(m ...float64) map[string]MU {
	out := map[string]MU{}
	for l, b := range faceLevels {
		out[b.level] = MU{m[l], faceUPrior[l]}
	}
	return out
}

// noTF is the share to pass weight for a level that takes u from the model alone.
const noTF = -1.0

// weight returns a level's weight; a share ≥ 0 (how common the agreeing value is among other
// records) replaces u, down to a floor of a hundredth of the level's u.
func (m *Model) weight(field, level string, share float64) float64 {
	p := m.Levels[field][level]
	if share >= 0 {
		p.U = max(share, p.U/100)
	}
	return p.Weight()
}

// odds turns a total weight into the odds that the candidate is the child, given the registry's
// size: prior odds are Recorded/(N·(1-Recorded)) for any one record.
func (m *Model) odds(score float64, n int) float64 {
	return math.Exp2(score) * m.Recorded / ((1 - m.Recorded) * float64(max(n, 1)))
}

// posteriors turns candidates' odds into the chance that each is the child. A found child is at
// most one recorded child, so candidates compete: P(i) = o_i / (1 + Σ o_j). Two near-identical
// siblings thus share the probability rather than each claiming it.
func (m *Model) posteriors(odds []float64) []float64 {
	total := 1.0
	for _, o := range odds {
		total += o
	}
	p := make([]float64, len(odds))
	for i, o := range odds {
		switch {
		case math.IsInf(total, 1) && math.IsInf(o, 1):
			p[i] = 1
		case !math.IsInf(total, 1):
			p[i] = m.Calibration.apply(o / total)
		}
	}
	return p
}
