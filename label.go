package waymark

import "strings"

// Label turns a code such as "social_worker" or "first_contact" into words.
func Label(code string) string {
	if code == "" {
		return ""
	}
	if s, ok := labels[code]; ok {
		return s
	}
	s := strings.ReplaceAll(code, "_", " ")
	return strings.ToUpper(s[:1]) + s[1:]
}

var labels = map[string]string{
	"face": "Face in the photo", "alike": "Faces alike", "similar": "Faces similar", "faint": "Faces faintly similar", "unlike": "Faces unlike",
	"full": "Full DNA match", "partial": "Partial DNA match (few loci)", "near": "Near DNA match: one allele differs", "exclusion": "DNA excludes",
	"ident1": "IDENT1", "iabs": "IABS", "no_trace": "No trace", "hit": "A record matched",
	"trafficker_suspected": "Suspected trafficker", "exploiter_suspected": "Suspected exploiter", "claimed_relative": "Claimed relative",
	"found_with": "Found with", "collected_by": "Collected by", "cawn": "Child abduction warning notice issued against",
	"called_from": "Called from", "contacted_by": "Contacted by", "lived_at": "Lived at", "found_at": "Found at", "worked_at": "Worked at",
	"transported_in": "Transported in", "earlier_notes": "Earlier notes", "own_phone": "Their own phone", "handle": "Social-media handle",
	"premises": "Premises", "vehicle": "Vehicle",
	"police_intelligence": "Police intelligence", "phone_seized": "A phone seized", "where_found": "Where the child was found",
	"sca": "Single Competent Authority", "ieca": "Immigration Enforcement Competent Authority", "devolved_panel": "Devolved child decision-making panel",
	"positive": "Positive", "negative": "Negative", "direct": "ICTG direct", "regional_practice_coordinator": "ICTG regional practice coordinator",
	"county_lines": "County lines", "organ_harvesting": "Organ harvesting", "in_person": "In person", "by_phone": "By phone",
	"by_video": "By video",
	"M":        "Male", "F": "Female", "dna": "DNA", "national_id": "National ID", "age_assessment": "Age assessment",
	"bnb_hostel": "B&B / hostel", "first_contact": "First contact", "date_of_birth": "Date of birth",
	"identified": "Identified as previously recorded", "day_month_swapped": "Day and month swapped", "phonetic": "Sounds alike",
	"skeleton": "Same consonants", "estimate_same_year": "Born the year estimated", "estimate_compatible": "A year from the estimate", "estimate_within_2_years": "Within 2 years of the estimate",
	"neighbouring_country": "Neighbouring country", "last_digits": "Same last digits", "one_year_out": "One year out", "same_day_years_apart": "Same birthday, years apart",
	"within_a_year": "Within a year", "none": "No counterpart", "across_names": "Parts of two of its names", "biometric": "Fingerprints / DNA",
	"marks": "Marks", "same_kind": "Same kind of mark, elsewhere", "status": "Missing now?", "missing_now": "Reported missing, not yet found",
	"not_missing": "Not missing now", "not_given": "Part of the recorded name not given",
	"absent": "Absent (away without authorisation)", "kind_changed": "Went from missing to absent, or back: a new episode follows",
	"in_custody": "Found in police custody", "in_hospital": "Found in hospital", "new_placement": "Moved to a new placement",
	"risk_reviewed": "Risk reviewed", "interviewed": "Return interview recorded", "prevention": "Police prevention interview recorded",
	"own_council": "Our council", "other_council": "Another council", "other_public": "Another public body",
	"private": "A private provider", "voluntary": "A voluntary or charitable provider", "parent": "A parent or person with parental responsibility",
	"disputed":    "Disputed: treated as a child pending assessment",
	"not_claimed": "No asylum claim", "awaiting_decision": "Claim made, awaiting a decision", "refugee_status": "Refugee status",
	"humanitarian_protection": "Humanitarian protection", "uasc_leave": "Limited leave as an unaccompanied child",
	"other_leave": "Other leave", "refused": "Refused", "appeal": "Appealing a refusal", "settled_or_british": "Settled or British",
	"fingerprints_or_document": "Fingerprints or a document",
	"childrens_services":       "Children's services", "home_office": "Home Office", "ictg": "ICTG", "border_force": "Border Force",
}
