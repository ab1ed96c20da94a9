package http

import (
	"net/http"
	"net/url"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/registry"
	"github.com/waymark-org/waymark/internal/web"
)

func (s *Server) networkRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /network", s.signedIn(s.networkSearch))
	mux.HandleFunc("GET /children/{id}/network", s.signedIn(s.networkPage))
	mux.HandleFunc("GET /children/{id}/open", s.signedIn(func(w http.ResponseWriter, r *http.Request) {
		s.render(w, r, "open_reason", &web.View{Title: "Give a reason to open this record", Form: url.Values{}, Data: reasonData(r.PathValue("id"))})
	}))
}

func (s *Server) linkForm() careForm {
	return careForm{path: "links", page: "link_form", title: "Record a link",
		data: func(r *http.Request) map[string]any {
			return map[string]any{"ChildID": r.PathValue("id"), "KindOptions": web.Options("Choose", waymark.EntityKinds...),
				"RoleOptions": web.Options("Choose", waymark.LinkRoles...), "SourceOptions": web.Options("Choose", waymark.LinkSources...),
				"ConfidenceOptions": web.Options("Choose", waymark.Confidences...)}
		},
		start: func(r *http.Request) url.Values {
			return url.Values{"from": {s.today()}, "kind": {r.URL.Query().Get("kind")}, "entity_id": {r.URL.Query().Get("entity")}}
		},
		save: func(r *http.Request, fr *formReader) (string, error) {
			f := fr.f
			l := &waymark.Link{ChildID: r.PathValue("id"), EntityID: f.Get("entity_id"), Role: f.Get("role"), From: f.Get("from"), To: f.Get("to"),
				Source: f.Get("source"), Confidence: f.Get("confidence"), Note: f.Get("note")}
			if l.EntityID == "" {
				l.Entity = &waymark.Entity{Kind: f.Get("kind"), Value: f.Get("value"), Details: f.Get("details")}
			}
			return "/children/" + l.ChildID + "?saved=1#network", s.Registry.AddLink(r.Context(), actor(r), l)
		}}
}

func (s *Server) linkEndForm() careForm {
	return careForm{path: "link-end", page: "link_end", title: "End a link",
		data: func(r *http.Request) map[string]any { return map[string]any{"ChildID": r.PathValue("id")} },
		start: func(r *http.Request) url.Values {
			return url.Values{"link": {r.URL.Query().Get("link")}, "to": {s.today()}}
		},
		save: func(r *http.Request, fr *formReader) (string, error) {
			_, err := s.Registry.EndLink(r.Context(), actor(r), fr.f.Get("link"), fr.f.Get("to"))
			return "/children/" + r.PathValue("id") + "?saved=1#network", err
		}}
}

func networkQuery(q url.Values) waymark.EntitySearch {
	return waymark.EntitySearch{Phone: q.Get("phone"), VRM: q.Get("vrm"), Address: q.Get("address"), Handle: q.Get("handle"), Entity: q.Get("entity")}
}

// networkSearch is the search page and, when something is asked, its answer.
func (s *Server) networkSearch(w http.ResponseWriter, r *http.Request) {
	a := actor(r)
	if err := waymark.Can(a, waymark.SearchNetwork, waymark.Scope{}); err != nil {
		s.fail(w, r, err)
		return
	}
	const title = "Search the network"
	q := r.URL.Query()
	data := map[string]any{"Categories": reasonData("")["Categories"]}
	if q.Get("phone")+q.Get("vrm")+q.Get("address")+q.Get("handle")+q.Get("entity") == "" {
		s.render(w, r, "network_search", &web.View{Title: title, Form: q, Data: data})
		return
	}
	ans, err := s.Registry.SearchNetwork(r.Context(), a, networkQuery(q))
	if waymark.ErrorCode(err) == waymark.EINVALID {
		s.formError(w, r, "network_search", title, q, waymark.ErrorFields(err), data)
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	data["Answer"] = ans
	s.render(w, r, "network_search", &web.View{Title: title, Form: q, Data: data})
}

// networkPage draws a child's network, with the same as a table.
func (s *Server) networkPage(w http.ResponseWriter, r *http.Request) {
	g, err := s.Registry.Network(r.Context(), actor(r), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	type shown struct {
		registry.Node
		Href string
	}
	nodes := map[string]shown{}
	for _, n := range g.Nodes {
		nodes[n.ID] = shown{n, web.NodeHref(n)}
	}
	s.render(w, r, "network", &web.View{Title: "Network of " + g.Nodes[0].Label, Data: map[string]any{"Graph": g, "Nodes": nodes, "Picture": web.NetworkSVG(g)}})
}

// apiNetworkSVG is the picture alone, for other systems.
func (s *Server) apiNetworkSVG(w http.ResponseWriter, r *http.Request) {
	g, err := s.Registry.Network(r.Context(), actor(r), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + string(web.NetworkSVG(g))))
}

func (s *Server) networkAPIRoutes() []Route {
	return []Route{
		{"GET", "/api/v1/children/{id}/links", s.apiRecord(func(rec *registry.ChildRecord) any {
			return map[string]any{"links": list(rec.Care.Links)}
		})},
		{"POST", "/api/v1/children/{id}/links", apiSave(s, http.StatusCreated, func(r *http.Request, l *waymark.Link) error {
			l.ChildID = r.PathValue("id")
			return s.Registry.AddLink(r.Context(), actor(r), l)
		})},
		{"POST", "/api/v1/links/{id}/end", apiStep(s, http.StatusOK, func(r *http.Request, id string, b *struct {
			To string `json:"to"`
		}) (*waymark.Link, error) {
			return s.Registry.EndLink(r.Context(), actor(r), id, b.To)
		})},
		{"POST", "/api/v1/entities", s.apiAddEntity},
		{"GET", "/api/v1/entities/search", s.apiSearchNetwork},
		{"GET", "/api/v1/children/{id}/network", func(w http.ResponseWriter, r *http.Request) {
			g, err := s.Registry.Network(r.Context(), actor(r), r.PathValue("id"))
			if err != nil {
				s.fail(w, r, err)
				return
			}
			writeJSON(w, http.StatusOK, g)
		}},
		{"GET", "/api/v1/children/{id}/network.svg", s.apiNetworkSVG},
	}
}

func (s *Server) apiAddEntity(w http.ResponseWriter, r *http.Request) {
	var e waymark.Entity
	if err := decodeJSON(w, r, &e); err != nil {
		s.fail(w, r, err)
		return
	}
	found, created, err := s.Registry.AddEntity(r.Context(), actor(r), &e)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, found)
}

// apiSearchNetwork answers with the entities found and the children linked, each with its
// reference, owner and links; a child's name only where the reader may see the child.
func (s *Server) apiSearchNetwork(w http.ResponseWriter, r *http.Request) {
	ans, err := s.Registry.SearchNetwork(r.Context(), actor(r), networkQuery(r.URL.Query()))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	type child struct {
		ChildID  string          `json:"child_id"`
		Ref      string          `json:"ref"`
		OrgID    string          `json:"org_id"`
		Owner    string          `json:"owner"`
		Visible  bool            `json:"visible"`
		Name     string          `json:"name,omitempty"`
		OwnPhone string          `json:"own_phone,omitempty"`
		Links    []*waymark.Link `json:"links"`
	}
	out := make([]child, len(ans.Children))
	for i, c := range ans.Children {
		out[i] = child{ChildID: c.ChildID, Ref: c.Ref, OrgID: c.Owner.ID, Owner: c.Owner.Name, Visible: c.Visible, OwnPhone: c.OwnPhone, Links: list(c.Links)}
		if c.Visible {
			out[i].Name = c.Child.Name()
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"entities": list(ans.Entities), "children": out, "more": ans.More})
}
