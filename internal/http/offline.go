package http

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"

	"github.com/waymark-org/waymark/internal/photo"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/registry"
	"github.com/waymark-org/waymark/internal/web"
)

// Offline first contact: the one page with script (same-origin files only). It and its files are
// kept by a service worker under /offline/; what is typed is kept on the device, encrypted, and
// sent to /api/v1/offline/records when the signal returns.

// offlineCSP is the strict policy with this page's own script, its worker, its manifest and its
// fetches allowed, and photos previewed from the device.
const offlineCSP = "default-src 'none'; script-src 'self'; connect-src 'self'; worker-src 'self'; manifest-src 'self'; " +
	"style-src 'self'; img-src 'self' blob:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

func (s *Server) offlineRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /offline/", s.signedIn(s.offlinePage))
	for _, name := range []string{"app.js", "sw.js", "manifest.webmanifest", "icon.svg"} {
		mux.HandleFunc("GET /offline/"+name, offlineFile(name))
	}
}

// offlineHeaders let the worker keep the page (it must not be no-store) and let its script run.
func offlineHeaders(w http.ResponseWriter) {
	w.Header().Set("Content-Security-Policy", offlineCSP)
	w.Header().Set("Cache-Control", "no-cache, private")
}

func (s *Server) offlinePage(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/offline/" {
		http.NotFound(w, r)
		return
	}
	form, ok := s.firstContactForm(w, r)
	if !ok {
		return
	}
	form.Del("at") // the device's clock, when the record is kept
	offlineHeaders(w)
	s.render(w, r, "offline", &web.View{Title: "First contact, offline", Form: form, Data: s.childFormData(true, ""), Script: true})
}

func offlineFile(name string) http.HandlerFunc {
	types := map[string]string{"app.js": "text/javascript; charset=utf-8", "sw.js": "text/javascript; charset=utf-8",
		"manifest.webmanifest": "application/manifest+json", "icon.svg": "image/svg+xml"}
	return func(w http.ResponseWriter, r *http.Request) {
		data, err := web.OfflineFile(name)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		offlineHeaders(w)
		w.Header().Set("Content-Type", types[name])
		w.Write(data)
	}
}

// apiOfflineKey gives the signed-in user's device the key it keeps offline records with.
func (s *Server) apiOfflineKey(w http.ResponseWriter, r *http.Request) {
	key, err := s.Registry.OfflineKey(r.Context(), actor(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"key": base64.StdEncoding.EncodeToString(key), "user": actor(r).UserID})
}

// offlineRecord is a record as the device sends it: the first-contact form's fields as typed
// (read as the form is read, so that they are checked alike), the photo, and the officer's
// decision on possible matches found the first time it was sent.
type offlineRecord struct {
	Fields   url.Values `json:"fields"`
	Photo    []byte     `json:"photo,omitempty"`
	Decision string     `json:"decision,omitempty"`
}

// apiOfflineRecord takes a record made offline under its Idempotency-Key: 201 with the child
// recorded, 200 with the child the key made before, or 200 with possible matches and nothing made.
func (s *Server) apiOfflineRecord(w http.ResponseWriter, r *http.Request) {
	var in offlineRecord
	if err := decodeJSONUpTo(w, r, &in, maxJSON+photo.MaxBytes*4/3); err != nil {
		s.fail(w, r, err)
		return
	}
	c, bad := childFromForm(in.Fields, s.Registry.Now().In(s.Location))
	e, badE := encounterFromForm(in.Fields, s.Location)
	if bad = append(bad, badE...); len(bad) > 0 {
		s.fail(w, r, &waymark.Error{Code: waymark.EINVALID, Message: "The record has a problem: correct it and keep it again.", Fields: bad})
		return
	}
	out, err := s.Registry.Arrive(r.Context(), actor(r), &registry.Arrival{Child: *c, Contact: *e, Photo: in.Photo,
		Key: r.Header.Get("Idempotency-Key"), Decision: strings.TrimSpace(in.Decision)})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	matches := []map[string]any{}
	for _, m := range out.Matches {
		mm := map[string]any{"child_id": m.ChildID, "ref": m.Ref, "band": m.Band, "probability": m.Probability, "owner": m.Owner.Name}
		if m.Visible {
			mm["name"] = m.Child.Name()
		}
		matches = append(matches, mm)
	}
	status := http.StatusOK
	if out.Created {
		status = http.StatusCreated
	}
	if out.Again {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	writeJSON(w, status, map[string]any{"child_id": out.ChildID, "created": out.Created, "again": out.Again, "matches": matches})
}
