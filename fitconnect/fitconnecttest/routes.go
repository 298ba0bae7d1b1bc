package fitconnecttest

import (
	"context"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/egosaar/ozg/signature/jose"
)

const maxBody = 256 << 20

func (s *Sim) routes(mux *http.ServeMux) {
	mux.HandleFunc("POST /token", s.token)
	mux.HandleFunc("GET /submission-api/.well-known/jwks.json", s.jwks)
	for _, v := range []string{"v1", "v2"} {
		p := "/submission-api/" + v
		mux.HandleFunc("GET "+p+"/destinations/{id}", s.auth(s.destination(v)))
		mux.HandleFunc("GET "+p+"/destinations/{id}/keys/{kid}", s.auth(s.key))
		mux.HandleFunc("POST "+p+"/submissions", s.auth(s.announce(v)))
		mux.HandleFunc("GET "+p+"/submissions", s.auth(s.list))
		mux.HandleFunc("PUT "+p+"/submissions/{id}/attachments/{aid}", s.auth(s.upload))
		mux.HandleFunc("GET "+p+"/submissions/{id}/attachments/{aid}", s.auth(s.attachment))
		mux.HandleFunc("PUT "+p+"/submissions/{id}", s.auth(s.submit))
		mux.HandleFunc("GET "+p+"/submissions/{id}", s.auth(s.get(v)))
		mux.HandleFunc("GET "+p+"/cases/{id}/events", s.auth(s.caseEvents))
		mux.HandleFunc("POST "+p+"/cases/{id}/events", s.auth(s.postEvent))
	}
}

func (s *Sim) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "client_credentials" {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
		return
	}
	client, ok := s.client(r.PostForm.Get("client_id"), r.PostForm.Get("client_secret"))
	if !ok {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
		return
	}
	tok := randomToken()
	s.mu.Lock()
	s.requests[r.Pattern]++
	s.tokens[tok] = client
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": 1800})
}

func (s *Sim) auth(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if _, ok := s.take(FaultExpireTokens); ok {
			s.mu.Lock()
			clear(s.tokens)
			s.mu.Unlock()
		}
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		s.mu.Lock()
		client := s.tokens[tok]
		s.requests[r.Pattern]++
		s.mu.Unlock()
		if !ok || client == "" {
			problem(w, http.StatusUnauthorized, "unauthorized")
			return
		}
		next(w, r.WithContext(context.WithValue(r.Context(), clientKey{}, client)))
	}
}

// clientKey carries the authenticated API client in the request context.
type clientKey struct{}

func clientOf(r *http.Request) string { c, _ := r.Context().Value(clientKey{}).(string); return c }

func (s *Sim) jwks(w http.ResponseWriter, _ *http.Request) {
	k, err := s.zd.jwkJSON(zdKeyID, jose.PS512, "verify")
	if err != nil {
		problem(w, http.StatusInternalServerError, "internal")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"keys": []json.RawMessage{k}})
}

func (s *Sim) destination(version string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		dst := s.dest(r.PathValue("id"))
		if dst == nil {
			problem(w, http.StatusNotFound, "destination-not-found")
			return
		}
		s.mu.Lock()
		kid := dst.current
		s.mu.Unlock()
		var svcs []any
		for _, c := range dst.cfg.Services {
			svcs = append(svcs, map[string]any{"identifier": c.Identifier(), "name": c.Name,
				"submissionSchemas": []map[string]string{{"schemaUri": c.SchemaURI, "mimeType": "application/xml"}, {"schemaUri": c.SchemaURI, "mimeType": "application/json"}},
				"regions":           []string{"DE"}})
		}
		d := map[string]any{"destinationId": dst.cfg.ID, "status": "active", "encryptionKid": kid,
			"metadataVersions": []string{"1.0.0"}}
		if version == "v1" {
			d["services"] = svcs
		} else {
			d["publicServices"] = svcs
		}
		writeJSON(w, http.StatusOK, d)
	}
}

func (s *Sim) key(w http.ResponseWriter, r *http.Request) {
	var k json.RawMessage
	d := s.dest(r.PathValue("id"))
	switch kid := r.PathValue("kid"); {
	case d == nil:
	case kid == d.encKid:
		k = d.encJWK
		if f, ok := s.take(FaultSelfSignedKey, FaultWeakKey, FaultKeyWrongAlg, FaultKeyMismatch); ok {
			var err error
			if k, err = s.faultyKey(d, f); err != nil {
				problem(w, http.StatusInternalServerError, "internal")
				return
			}
		}
	case kid == d.nextKid && d.nextJWK != nil:
		k = d.nextJWK
	case kid == d.sigKid:
		k = d.sigJWK
	}
	if k == nil {
		problem(w, http.StatusNotFound, "key-not-found")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(k)
}

func (s *Sim) announce(version string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			DestinationID        string   `json:"destinationId"`
			AnnouncedAttachments []string `json:"announcedAttachments"`
			PublicService        *struct {
				Name, Identifier string
			} `json:"publicService"`
			ServiceType *struct {
				Name, Identifier string
			} `json:"serviceType"`
		}
		if json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&req) != nil {
			problem(w, http.StatusBadRequest, "invalid-request")
			return
		}
		svc := req.PublicService
		if version == "v1" {
			svc = req.ServiceType
		}
		d := s.dest(req.DestinationID)
		if d == nil {
			problem(w, http.StatusNotFound, "destination-not-found")
			return
		}
		if svc == nil || hasDuplicates(req.AnnouncedAttachments) {
			problem(w, http.StatusUnprocessableEntity, "invalid-request")
			return
		}
		if _, ok := d.service(svc.Identifier); !ok {
			problem(w, http.StatusUnprocessableEntity, "invalid-request")
			return
		}
		sub := &submission{ID: newID(), CaseID: newID(), Destination: req.DestinationID, Service: svc.Identifier,
			Announced: req.AnnouncedAttachments, Attachments: map[string]string{}}
		s.mu.Lock()
		s.submissions[sub.ID] = sub
		s.cases[sub.CaseID] = sub
		s.mu.Unlock()
		s.logEvent(sub, "create-submission", nil)
		if _, ok := s.take(FaultLostAnnounce); ok {
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					_ = conn.Close()
					return
				}
			}
		}
		writeJSON(w, http.StatusCreated, map[string]string{"submissionId": sub.ID, "caseId": sub.CaseID, "destinationId": sub.Destination})
	}
}

func hasDuplicates(ids []string) bool {
	c := slices.Clone(ids)
	slices.Sort(c)
	return len(slices.Compact(c)) != len(ids)
}

func (s *Sim) lookup(w http.ResponseWriter, r *http.Request) *submission {
	s.mu.Lock()
	sub := s.submissions[r.PathValue("id")]
	s.mu.Unlock()
	if sub == nil {
		problem(w, http.StatusNotFound, "submission-not-found")
	}
	return sub
}

// lookupOwn returns the submission when the request's client is its
// destination's subscriber: another destination's subscriber (and the
// sender) get 403.
func (s *Sim) lookupOwn(w http.ResponseWriter, r *http.Request) *submission {
	sub := s.lookup(w, r)
	if sub == nil {
		return nil
	}
	if !s.subscribes(clientOf(r), s.dest(sub.Destination)) {
		problem(w, http.StatusForbidden, "forbidden")
		return nil
	}
	return sub
}

func (s *Sim) upload(w http.ResponseWriter, r *http.Request) {
	sub := s.lookup(w, r)
	if sub == nil {
		return
	}
	aid := r.PathValue("aid")
	if !slices.Contains(sub.Announced, aid) {
		problem(w, http.StatusNotFound, "attachment-not-announced")
		return
	}
	if s.cfg.DiscardAttachments {
		h := sha512.New()
		n, err := io.Copy(h, io.LimitReader(r.Body, maxBody))
		if err != nil || n == 0 {
			problem(w, http.StatusUnprocessableEntity, "invalid-jwe")
			return
		}
		s.mu.Lock()
		sub.Attachments[aid] = "discarded." + hex.EncodeToString(h.Sum(nil))
		s.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil || strings.Count(string(body), ".") != 4 {
		problem(w, http.StatusUnprocessableEntity, "invalid-jwe")
		return
	}
	tok := string(body)
	if f, ok := s.take(FaultTamperAttachment, FaultHashMismatch); ok {
		tok = s.corrupt(s.dest(sub.Destination), tok, f)
	}
	s.mu.Lock()
	sub.Attachments[aid] = tok
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// corrupt applies an attachment fault.
func (s *Sim) corrupt(d *destination, tok string, f Fault) string {
	if f == FaultHashMismatch {
		// A valid JWE for the destination, of other bytes.
		kid, pub := s.encPublic(d)
		other, err := jose.Encrypt([]byte("ausgetauschte Anlage"), pub, jose.EncryptOptions{KeyID: kid, ContentType: "application/pdf"})
		if err == nil {
			return other
		}
	}
	parts := strings.Split(tok, ".")
	ct, _ := base64.RawURLEncoding.DecodeString(parts[3])
	if len(ct) > 0 {
		ct[0] ^= 1
	}
	parts[3] = base64.RawURLEncoding.EncodeToString(ct)
	return strings.Join(parts, ".")
}

// encPublic returns the destination's current encryption key and kid.
func (s *Sim) encPublic(d *destination) (string, any) {
	s.mu.Lock()
	kid := d.current
	s.mu.Unlock()
	if kid == d.nextKid && d.encNext != nil {
		return kid, &d.encNext.priv.PublicKey
	}
	return d.encKid, &d.enc.priv.PublicKey
}

func (s *Sim) submit(w http.ResponseWriter, r *http.Request) {
	sub := s.lookup(w, r)
	if sub == nil {
		return
	}
	var req struct {
		EncryptedMetadata string `json:"encryptedMetadata"`
		EncryptedData     string `json:"encryptedData"`
	}
	if json.NewDecoder(io.LimitReader(r.Body, maxBody)).Decode(&req) != nil || req.EncryptedMetadata == "" {
		problem(w, http.StatusBadRequest, "invalid-request")
		return
	}
	// FIT-Connect answers 422 when the metadata or data JWE lacks cty.
	if !hasCty(req.EncryptedMetadata) || (req.EncryptedData != "" && !hasCty(req.EncryptedData)) {
		problem(w, http.StatusUnprocessableEntity, "missing-content-type")
		return
	}
	s.mu.Lock()
	missing := false
	for _, a := range sub.Announced {
		if _, ok := sub.Attachments[a]; !ok {
			missing = true
		}
	}
	already := sub.Submitted || sub.submitting
	if !missing && !already {
		sub.Metadata, sub.Data, sub.submitting = req.EncryptedMetadata, req.EncryptedData, true
	}
	s.mu.Unlock()
	if missing {
		problem(w, http.StatusUnprocessableEntity, "missing-attachments")
		return
	}
	if !already {
		// The event first, then the submission becomes visible to the
		// subscriber: its accept must follow submit-submission in the
		// case's event log, as at the real Zustelldienst.
		tags := map[string]any{"metadata": lastSegment(sub.Metadata), "data": lastSegment(sub.Data), "attachments": s.attachmentTags(sub)}
		s.logEvent(sub, "submit-submission", map[string]any{"authenticationTags": tags})
		s.mu.Lock()
		sub.Submitted = true
		s.mu.Unlock()
		defer s.callback(sub)
	}
	writeJSON(w, http.StatusOK, map[string]string{"submissionId": sub.ID, "caseId": sub.CaseID})
}

func (s *Sim) attachmentTags(sub *submission) map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]string{}
	for id, tok := range sub.Attachments {
		out[id] = lastSegment(tok)
	}
	return out
}

func lastSegment(tok string) string { return tok[strings.LastIndexByte(tok, '.')+1:] }

func hasCty(tok string) bool {
	i := strings.IndexByte(tok, '.')
	if i < 0 {
		return false
	}
	raw, err := base64.RawURLEncoding.DecodeString(tok[:i])
	var h struct {
		Cty string `json:"cty"`
	}
	return err == nil && json.Unmarshal(raw, &h) == nil && h.Cty != ""
}

func (s *Sim) get(version string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sub := s.lookupOwn(w, r)
		if sub == nil {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if !sub.Submitted {
			problem(w, http.StatusNotFound, "submission-not-found")
			return
		}
		svcKey := "publicService"
		if version == "v1" {
			svcKey = "serviceType"
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"submissionId": sub.ID, "caseId": sub.CaseID, "destinationId": sub.Destination,
			"encryptedMetadata": sub.Metadata, "encryptedData": sub.Data, "attachments": sub.Announced,
			svcKey: map[string]string{"identifier": sub.Service, "name": s.serviceName(sub)},
		})
	}
}

// serviceName is the name the submission's destination gives its
// service; s.mu may be held.
func (s *Sim) serviceName(sub *submission) string {
	c, _ := s.dest(sub.Destination).service(sub.Service)
	return c.Name
}

func (s *Sim) attachment(w http.ResponseWriter, r *http.Request) {
	sub := s.lookupOwn(w, r)
	if sub == nil {
		return
	}
	s.mu.Lock()
	tok, ok := sub.Attachments[r.PathValue("aid")]
	s.mu.Unlock()
	if !ok {
		problem(w, http.StatusNotFound, "attachment-not-found")
		return
	}
	w.Header().Set("Content-Type", "application/jose")
	w.Header().Set("Content-Length", strconv.Itoa(len(tok)))
	_, _ = io.WriteString(w, tok)
}

func (s *Sim) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	offset, _ := strconv.Atoi(q.Get("offset"))
	limit, err := strconv.Atoi(q.Get("limit"))
	if err != nil || limit < 1 || limit > 500 || offset < 0 {
		problem(w, http.StatusBadRequest, "invalid-paging")
		return
	}
	if !s.subscribes(clientOf(r), s.dest(q.Get("destinationId"))) {
		problem(w, http.StatusForbidden, "forbidden")
		return
	}
	s.mu.Lock()
	var all []map[string]string
	for _, sub := range s.submissions {
		if sub.Submitted && sub.Destination == q.Get("destinationId") && !s.resolved(sub.CaseID) {
			all = append(all, map[string]string{"destinationId": sub.Destination, "submissionId": sub.ID, "caseId": sub.CaseID})
		}
	}
	s.mu.Unlock()
	slices.SortFunc(all, func(a, b map[string]string) int { return strings.Compare(a["submissionId"], b["submissionId"]) })
	page := all[min(offset, len(all)):min(offset+limit, len(all))]
	writeJSON(w, http.StatusOK, map[string]any{"submissions": page, "totalCount": len(all), "offset": offset, "count": len(page)})
}

// resolved reports whether a case has an accept or reject event; s.mu
// held.
func (s *Sim) resolved(caseID string) bool {
	for _, tok := range s.events[caseID] {
		if strings.Contains(decodePayload(tok), "accept-submission") || strings.Contains(decodePayload(tok), "reject-submission") {
			return true
		}
	}
	return false
}

func decodePayload(tok string) string {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return ""
	}
	b, _ := base64.RawURLEncoding.DecodeString(parts[1])
	return string(b)
}

// caseEvents serves a case's event log to the sender and to the case's
// destination's subscriber; another destination's subscriber gets 403.
func (s *Sim) caseEvents(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	sub := s.cases[r.PathValue("id")]
	log := slices.Clone(s.events[r.PathValue("id")])
	s.mu.Unlock()
	if c := clientOf(r); sub != nil && c != ClientID && !s.subscribes(c, s.dest(sub.Destination)) {
		problem(w, http.StatusForbidden, "forbidden")
		return
	}
	if log == nil {
		log = []string{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"eventLog": log})
}

// postEvent stores a subscriber's SET after checking its signature with
// the destination's signature key, as the Zustelldienst does.
func (s *Sim) postEvent(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		problem(w, http.StatusBadRequest, "invalid-request")
		return
	}
	caseID := r.PathValue("id")
	s.mu.Lock()
	sub := s.cases[caseID]
	s.mu.Unlock()
	if sub == nil {
		problem(w, http.StatusNotFound, "case-not-found")
		return
	}
	d := s.dest(sub.Destination)
	if !s.subscribes(clientOf(r), d) {
		problem(w, http.StatusForbidden, "forbidden")
		return
	}
	v, err := jose.NewSETVerifier(jose.SETVerifierConfig{Key: &d.sig.priv.PublicKey, KeyID: d.sigKid, Issuer: d.cfg.ID, SingleEvent: true, TransactionID: "case:" + caseID, MinRSABits: 4096})
	if err == nil {
		_, err = v.Verify(string(body))
	}
	if err != nil {
		problem(w, http.StatusUnprocessableEntity, "invalid-event")
		return
	}
	s.mu.Lock()
	if _, ok := s.events[caseID]; ok && !slices.Contains(s.events[caseID], string(body)) {
		s.events[caseID] = append(s.events[caseID], string(body))
	}
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// logEvent appends a SET signed by the simulator, applying SET faults.
func (s *Sim) logEvent(sub *submission, event string, payload any) {
	set := jose.SET{Issuer: s.URL, Subject: "submission:" + sub.ID, TransactionID: "case:" + sub.CaseID}
	_ = set.SetEvent("https://schema.fitko.de/fit-connect/events/"+event, payload)
	signer := s.zdSigner
	if f, ok := s.take(FaultSETWrongAlg, FaultSETWrongTyp, FaultSETWrongKid, FaultSETTwoEvents); ok {
		switch f {
		case FaultSETWrongAlg:
			signer = s.wrongAlgSigner
		case FaultSETTwoEvents:
			_ = set.SetEvent("https://schema.fitko.de/fit-connect/events/notify-submission", nil)
		case FaultSETWrongKid:
			signer, _ = jose.NewSETSigner(jose.SETSignerConfig{Key: s.zd.priv, KeyID: "unknown-kid", Issuer: s.URL})
		case FaultSETWrongTyp:
			tok, _ := signTyped(s.zd.priv, zdKeyID, set)
			s.appendEvent(sub.CaseID, tok)
			return
		}
	}
	tok, err := signer.Sign(set)
	if err != nil {
		return // cannot happen with the committed keys; the event log then lacks the entry
	}
	s.appendEvent(sub.CaseID, tok)
}

func (s *Sim) appendEvent(caseID, tok string) {
	s.mu.Lock()
	s.events[caseID] = append(s.events[caseID], tok)
	s.mu.Unlock()
}
