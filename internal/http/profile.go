package http

import (
	"net/http"
	"net/url"

	"github.com/waymark-org/waymark"
)

// The Philomena profile: written before a child goes missing, reviewed monthly, handed to the
// police in the pack.

func (s *Server) profileForm() careForm {
	return careForm{path: "profile", page: "profile_form", title: "Review the Philomena profile",
		data: func(r *http.Request) map[string]any { return map[string]any{"ChildID": r.PathValue("id")} },
		start: func(r *http.Request) url.Values {
			rec, err := s.Registry.Child(r.Context(), actor(r), r.PathValue("id"))
			if err != nil || rec.Profile == nil {
				return url.Values{}
			}
			p := rec.Profile
			return url.Values{"appearance": {p.Appearance}, "clothing": {p.Clothing}, "places": {p.Places}, "people": {p.People},
				"online": {p.Online}, "transport": {p.Transport}, "vulnerabilities": {p.Vulnerabilities}}
		},
		save: func(r *http.Request, fr *formReader) (string, error) {
			f := fr.f
			p := &waymark.Profile{ChildID: r.PathValue("id"), Appearance: f.Get("appearance"), Clothing: f.Get("clothing"),
				Places: f.Get("places"), People: f.Get("people"), Online: f.Get("online"), Transport: f.Get("transport"),
				Vulnerabilities: f.Get("vulnerabilities")}
			return "/children/" + p.ChildID + "?saved=1#profile", s.Registry.SaveProfile(r.Context(), actor(r), p)
		}}
}
