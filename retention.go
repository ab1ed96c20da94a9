package waymark

import (
	"fmt"
	"slices"
	"strings"
)

// RetentionRule is how long a kind of record is kept, counted from the kind's own starting point.
type RetentionRule struct {
	Kind  string `json:"kind"`
	Years int    `json:"years"` // 0: kept for ever
	From  string `json:"from"`  // what the years are counted from
	Goes  string `json:"goes"`  // what is erased when they have passed
}

// RetentionRules are the kinds of record a retention rule governs, with the defaults of practice:
// a looked-after child's case record kept until their 75th birthday; the record of a person an
// age assessment found to be an adult minimised a year after it; fingerprint references and DNA
// profiles, taken under a legal basis that lapses, three years from when they were taken.
var RetentionRules = []RetentionRule{
	{Kind: "case_record", Years: 75, From: "the date of birth (the record's making, when none is known)", Goes: "the whole record: facts, photos, contacts, care, screenings, links; the audit keeps that it was erased"},
	{Kind: "adult_record", Years: 1, From: "the day an age assessment found the person an adult (age_assessed_on, the date of birth it gave making them 18 or more)", Goes: "what identifies them: names and aliases, photos and their faces, documents, phones, biometrics, marks, description, health, concerns; the date of birth cut to its year; the reference, sex, nationality and the assessment stay"},
	{Kind: "biometrics", Years: 3, From: "the day the prints or sample were taken (the record's making, when not given)", Goes: "the fingerprint reference, DNA profile and template"},
}

// RetentionRuleOf returns the default rule of kind.
func RetentionRuleOf(kind string) (RetentionRule, error) {
	i := slices.IndexFunc(RetentionRules, func(r RetentionRule) bool { return r.Kind == kind })
	if i < 0 {
		var kinds []string
		for _, r := range RetentionRules {
			kinds = append(kinds, r.Kind)
		}
		return RetentionRule{}, Invalid("kind", fmt.Sprintf("Kind of record must be one of %s", strings.Join(kinds, ", ")))
	}
	return RetentionRules[i], nil
}
