package http

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/waymark-org/waymark"
	"github.com/waymark-org/waymark/internal/identify"
	"github.com/waymark-org/waymark/internal/photo"
	"github.com/waymark-org/waymark/internal/registry"
	"github.com/waymark-org/waymark/internal/sqlstore"
)

// Route is one API endpoint; the OpenAPI document must describe exactly these.
type Route struct {
	Method, Pattern string
	Handler         http.HandlerFunc
}

func (s *Server) apiRoutes() []Route {
	return append([]Route{
		{"GET", "/api/v1/openapi.json", serveOpenAPI},
		{"POST", "/api/v1/children", s.apiCreateChild},
		{"GET", "/api/v1/children", s.apiListChildren},
		{"GET", "/api/v1/children/{id}", s.apiGetChild},
		{"PATCH", "/api/v1/children/{id}", s.apiPatchChild},
		{"GET", "/api/v1/children/{id}/encounters", s.apiRecord(func(rec *registry.ChildRecord) any {
			return map[string]any{"encounters": list(rec.Encounters)}
		})},
		{"POST", "/api/v1/children/{id}/encounters", s.apiCreateEncounter},
		{"GET", "/api/v1/encounters/{id}", s.apiGetEncounter},
		{"PATCH", "/api/v1/encounters/{id}", s.apiPatchEncounter},
		{"GET", "/api/v1/children/{id}/handovers", s.apiRecord(func(rec *registry.ChildRecord) any {
			return map[string]any{"handovers": list(rec.Handovers)}
		})},
		{"POST", "/api/v1/children/{id}/handovers", s.apiRequestHandover},
		{"GET", "/api/v1/children/{id}/profile", s.apiRecord(func(rec *registry.ChildRecord) any { return nilIfNone(rec.Profile) })},
		{"PUT", "/api/v1/children/{id}/profile", apiSave(s, http.StatusOK, func(r *http.Request, p *waymark.Profile) error {
			p.ChildID = r.PathValue("id")
			return s.Registry.SaveProfile(r.Context(), actor(r), p)
		})},
		{"GET", "/api/v1/children/{id}/safety-plan", s.apiRecord(func(rec *registry.ChildRecord) any { return nilIfNone(rec.SafetyPlan) })},
		{"PUT", "/api/v1/children/{id}/safety-plan", apiSave(s, http.StatusOK, func(r *http.Request, p *waymark.SafetyPlan) error {
			p.ChildID = r.PathValue("id")
			return s.Registry.SaveSafetyPlan(r.Context(), actor(r), p)
		})},
		{"GET", "/api/v1/children/{id}/strategy-discussions", s.apiRecord(func(rec *registry.ChildRecord) any {
			return map[string]any{"strategy_discussions": list(rec.Strategies)}
		})},
		{"POST", "/api/v1/children/{id}/strategy-discussions", apiSave(s, http.StatusCreated, func(r *http.Request, st *waymark.Strategy) error {
			st.ChildID = r.PathValue("id")
			return s.Registry.RecordStrategy(r.Context(), actor(r), st)
		})},
		{"POST", "/api/v1/strategy-actions/{id}/done", s.apiActionDone},
		{"PUT", "/api/v1/children/{id}/nrm-referral", apiSave(s, http.StatusOK, func(r *http.Request, n *waymark.NRMReferral) error {
			return s.Registry.RecordNRM(r.Context(), actor(r), r.PathValue("id"), n)
		})},
		{"GET", "/api/v1/children/{id}/first-72-hours", s.apiRecord(func(rec *registry.ChildRecord) any {
			return map[string]any{"checklist": rec.Checklist(s.Registry.Now())}
		})},
		{"GET", "/api/v1/children/{id}/team", s.apiRecord(func(rec *registry.ChildRecord) any { return map[string]any{"team": list(rec.Team)} })},
		{"POST", "/api/v1/children/{id}/team", apiSave(s, http.StatusCreated, func(r *http.Request, m *waymark.Member) error {
			m.ChildID = r.PathValue("id")
			return s.Registry.AddTeamMember(r.Context(), actor(r), m)
		})},
		{"POST", "/api/v1/children/{id}/team/{member}/end", s.apiEndTeamMember},
		{"POST", "/api/v1/children/{id}/merges", apiSave(s, http.StatusCreated, func(r *http.Request, m *waymark.Merge) error {
			m.SurvivorID = r.PathValue("id")
			return s.Registry.RequestMerge(r.Context(), actor(r), m)
		})},
		{"GET", "/api/v1/merges", s.apiMerges},
		{"POST", "/api/v1/merges/{id}/agree", s.apiMergeStep("agree")},
		{"POST", "/api/v1/merges/{id}/decline", s.apiMergeStep("decline")},
		{"POST", "/api/v1/merges/{id}/undo", s.apiMergeStep("undo")},
		{"GET", "/api/v1/handovers", s.apiListHandovers},
		{"POST", "/api/v1/handovers/{id}/accept", s.apiDecideHandover(true)},
		{"POST", "/api/v1/handovers/{id}/decline", s.apiDecideHandover(false)},
		{"POST", "/api/v1/identify", s.apiIdentify},
		{"GET", "/api/v1/offline/key", s.apiOfflineKey},
		{"POST", "/api/v1/offline/records", s.apiOfflineRecord},
		{"GET", "/api/v1/stats", s.apiStats},
	}, append(s.careAPIRoutes(), s.networkAPIRoutes()...)...)
}

// APIRoutes lists the API's method and pattern pairs (for the OpenAPI check).
func APIRoutes() [][2]string {
	var out [][2]string
	for _, r := range (&Server{}).apiRoutes() {
		out = append(out, [2]string{r.Method, r.Pattern})
	}
	return out
}

//go:embed openapi.json
var openAPI []byte

// OpenAPI returns the API's OpenAPI document.
func OpenAPI() []byte { return openAPI }

func serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write(openAPI)
}

// apiRecord answers with what pick takes from the record of the child in the path (nil: not found).
func (s *Server) apiRecord(pick func(*registry.ChildRecord) any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rec, err := s.Registry.Child(r.Context(), actor(r), r.PathValue("id"))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v := pick(rec)
		if v == nil {
			s.fail(w, r, waymark.Errorf(waymark.ENOTFOUND, "This child's record holds none yet."))
			return
		}
		writeJSON(w, http.StatusOK, v)
	}
}

// apiSave decodes the body into a new T, has save store it (for the path's id), and answers with
// it as saved, with status.
func apiSave[T any](s *Server, status int, save func(r *http.Request, v *T) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v := new(T)
		if err := decodeJSON(w, r, v); err != nil {
			s.fail(w, r, err)
			return
		}
		if err := save(r, v); err != nil {
			s.fail(w, r, err)
			return
		}
		writeJSON(w, status, v)
	}
}

// reason reads the optional {"reason"} body of a decision.
func reason(w http.ResponseWriter, r *http.Request) (string, error) {
	var body struct {
		Reason string `json:"reason"`
	}
	if r.ContentLength == 0 {
		return "", nil
	}
	err := decodeJSON(w, r, &body)
	return body.Reason, err
}

// list is s, or an empty list rather than JSON's null.
func list[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// nilIfNone is v, or an untyped nil when v is a nil pointer (for apiRecord's not found).
func nilIfNone[T any](v *T) any {
	if v == nil {
		return nil
	}
	return v
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	enc.Encode(v)
}

const maxJSON = 1 << 20

// decodeJSON reads one JSON object into v, strictly, naming the field at fault when it can.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	return decodeJSONUpTo(w, r, v, maxJSON)
}

// decodeJSONUpTo is decodeJSON for a body of at most limit bytes.
func decodeJSONUpTo(w http.ResponseWriter, r *http.Request, v any, limit int64) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return waymark.Errorf(waymark.EINVALID, "Send the body as application/json, not %s.", ct)
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, limit))
	dec.DisallowUnknownFields()
	return JSONError(dec.Decode(v), dec.More())
}

// JSONError turns a decoding error into a user-facing one that names the field and the problem.
func JSONError(err error, trailing bool) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	var maxErr *http.MaxBytesError
	switch {
	case err == nil && trailing:
		return waymark.Errorf(waymark.EINVALID, "The body must hold one JSON object, with nothing after it.")
	case err == nil:
		return nil
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			field = "body"
		}
		return &waymark.Error{Code: waymark.EINVALID, Message: "A field has the wrong type.",
			Fields: []waymark.FieldError{{Field: field, Message: fmt.Sprintf("must be %s, not JSON %s", jsonKind(typeErr.Type.Kind().String()), typeErr.Value)}}}
	case errors.As(err, &syntaxErr):
		return waymark.Errorf(waymark.EINVALID, "The body is not valid JSON (error at byte %d).", syntaxErr.Offset)
	case errors.As(err, &maxErr):
		return waymark.Errorf(waymark.EINVALID, "The body is larger than %d bytes.", maxErr.Limit)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return waymark.Errorf(waymark.EINVALID, "The body is empty or cut short; send a JSON object.")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &waymark.Error{Code: waymark.EINVALID, Message: "The body has a field Waymark does not know.",
			Fields: []waymark.FieldError{{Field: name, Message: "is not a known field"}}}
	}
	return waymark.Errorf(waymark.EINVALID, "The body could not be read as JSON.")
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice":
		return "a list"
	case "struct", "map":
		return "an object"
	}
	return "a number"
}

func (s *Server) apiCreateChild(w http.ResponseWriter, r *http.Request) {
	var c waymark.Child
	if err := decodeJSON(w, r, &c); err != nil {
		s.fail(w, r, err)
		return
	}
	c.Photos = nil
	created, err := s.Registry.CreateChildOnce(r.Context(), actor(r), &c, nil, r.Header.Get("Idempotency-Key"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !created { // the first answer again: a resend never makes a second child
		w.Header().Set("Idempotent-Replayed", "true")
	}
	w.Header().Set("Location", "/api/v1/children/"+c.ID)
	writeJSON(w, http.StatusCreated, &c)
}

func (s *Server) apiGetChild(w http.ResponseWriter, r *http.Request) {
	rec, err := s.Registry.Child(r.Context(), actor(r), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rec.Child)
}

// apiPatchChild applies a partial update: fields present in the body replace the stored ones.
func (s *Server) apiPatchChild(w http.ResponseWriter, r *http.Request) {
	rec, err := s.Registry.Child(r.Context(), actor(r), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c := rec.Child
	id, org := c.ID, c.OrgID
	if err := decodeJSON(w, r, c); err != nil {
		s.fail(w, r, err)
		return
	}
	c.ID, c.OrgID = id, org
	if err := s.Registry.UpdateChild(r.Context(), actor(r), c); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (s *Server) apiListChildren(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, err := queryInt(q, "limit", 50, 1, 500)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	offset, err := queryInt(q, "offset", 0, 0, math.MaxInt32)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, total, err := s.Registry.Caseload(r.Context(), actor(r), sqlstore.ChildFilter{
		Query: q.Get("q"), Lacking: q.Get("lacking"), Limit: limit, Offset: offset})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	type row struct {
		ID           string   `json:"child_id"`
		Ref          string   `json:"ref"`
		GivenNames   string   `json:"given_names"`
		FamilyName   string   `json:"family_name"`
		Sex          string   `json:"sex"`
		DateOfBirth  string   `json:"date_of_birth,omitempty"`
		DOBEstimated bool     `json:"dob_estimated"`
		Nationality  string   `json:"nationality,omitempty"`
		Lacking      []string `json:"lacking"`
	}
	rows := make([]row, len(list))
	for i, c := range list {
		rows[i] = row{c.ID, c.Ref, c.GivenNames, c.FamilyName, c.Sex, c.DateOfBirth, c.DOBEstimated, c.Nationality, c.Lacks}
		if rows[i].Lacking == nil {
			rows[i].Lacking = []string{}
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"children": rows, "total": total})
}

func (s *Server) apiCreateEncounter(w http.ResponseWriter, r *http.Request) {
	var e waymark.Encounter
	if err := decodeJSON(w, r, &e); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.Registry.AddEncounter(r.Context(), actor(r), r.PathValue("id"), &e); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, &e)
}

func (s *Server) apiGetEncounter(w http.ResponseWriter, r *http.Request) {
	e, err := s.Registry.Encounter(r.Context(), actor(r), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}

func (s *Server) apiPatchEncounter(w http.ResponseWriter, r *http.Request) {
	e, err := s.Registry.Encounter(r.Context(), actor(r), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	id := e.ID
	if err := decodeJSON(w, r, e); err != nil {
		s.fail(w, r, err)
		return
	}
	e.ID = id
	if err := s.Registry.UpdateEncounter(r.Context(), actor(r), e); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}

func (s *Server) apiIdentify(w http.ResponseWriter, r *http.Request) {
	q, err := s.identifyQuery(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	limit, err := queryInt(r.URL.Query(), "limit", 10, 1, registry.MaxLimit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	found, err := s.Registry.Identify(r.Context(), actor(r), q, limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if found.Candidates == nil {
		found.Candidates = []identify.Candidate{}
	}
	out := map[string]any{"candidates": found.Candidates}
	if found.Tied > 0 {
		out["tied_beyond_limit"], out["tied_differ_in"] = found.Tied, append([]string{}, found.Apart...)
	}
	if found.Crowded > 0 {
		out["crowded"] = found.Crowded
	}
	writeJSON(w, http.StatusOK, out)
}

// identifyQuery reads what a found child gives, with the photo of their face if one is sent: as
// JSON (the photo base64 in "photo"), or as a multipart form of a "query" part (that JSON,
// without the photo) and a "photo" file.
func (s *Server) identifyQuery(w http.ResponseWriter, r *http.Request) (*waymark.Child, error) {
	var q struct {
		waymark.Child
		Photo []byte `json:"photo,omitempty"`
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		upload, err := readForm(w, r)
		if err != nil {
			return nil, err
		}
		if v := r.PostForm.Get("query"); v != "" {
			dec := json.NewDecoder(strings.NewReader(v))
			dec.DisallowUnknownFields()
			if err := JSONError(dec.Decode(&q.Child), dec.More()); err != nil {
				return nil, err
			}
		}
		q.Photo = upload
	} else if err := decodeJSONUpTo(w, r, &q, maxJSON+photo.MaxBytes*4/3); err != nil {
		return nil, err
	}
	return &q.Child, s.withFace(r, &q.Child, q.Photo)
}

// withFace adds the face in a found child's photo to what they give; none when there is no photo.
// Only one who may search has a photo looked at: each look takes a core for a moment.
func (s *Server) withFace(r *http.Request, q *waymark.Child, data []byte) error {
	if len(data) == 0 {
		return nil
	}
	a := actor(r)
	if err := s.Registry.Check(r.Context(), a, waymark.SearchRegistry, waymark.Scope{OrgID: a.OrgID}); err != nil {
		return err
	}
	f, err := s.Registry.QueryFace(data)
	if err != nil {
		return err
	}
	q.Photos = []waymark.Photo{{Face: f, CreatedAt: s.Registry.Now()}}
	return nil
}

// queryInt reads the whole number a query parameter gives, def when it is absent; anything else
// than a number from least to most is refused, naming the parameter.
func queryInt(q url.Values, name string, def, least, most int) (int, error) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < least || n > most {
		return 0, waymark.Invalid(name, fmt.Sprintf("Give a whole number from %d to %d.", least, most))
	}
	return n, nil
}
