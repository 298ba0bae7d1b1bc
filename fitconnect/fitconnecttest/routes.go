package fitconnecttest

import (
	"crypto/sha512"
	"crypto/subtle"
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
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "client_credentials" ||
		subtle.ConstantTimeCompare([]byte(r.PostForm.Get("client_id")), []byte(ClientID)) != 1 ||
		subtle.ConstantTimeCompare([]byte(r.PostForm.Get("client_secret")), []byte(ClientSecret)) != 1 {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
		return
	}
	tok := randomToken()
	s.mu.Lock()
	s.requests[r.Pattern]++
	s.tokens[tok] = true
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
		valid := ok && s.tokens[tok]
		s.requests[r.Pattern]++
		s.mu.Unlock()
		if !valid {
			problem(w, http.StatusUnauthorized, "unauthorized")
			return
		}
		next(w, r)
	}
}

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
		if r.PathValue("id") != DestinationID {
			problem(w, http.StatusNotFound, "destination-not-found")
			return
		}
		s.mu.Lock()
		kid := s.encKid
		s.mu.Unlock()
		svc := map[string]any{"identifier": ServiceIdentifier, "name": ServiceName,
			"submissionSchemas": []map[string]string{{"schemaUri": DataSchemaURI, "mimeType": "application/xml"}, {"schemaUri": DataSchemaURI, "mimeType": "application/json"}},
			"regions":           []string{"DE"}}
		d := map[string]any{"destinationId": DestinationID, "status": "active", "encryptionKid": kid,
			"metadataVersions": []string{"1.0.0"}}
		if version == "v1" {
			d["services"] = []any{svc}
		} else {
			d["publicServices"] = []any{svc}
		}
		writeJSON(w, http.StatusOK, d)
	}
}

func (s *Sim) key(w http.ResponseWriter, r *http.Request) {
	var k json.RawMessage
	switch r.PathValue("kid") {
	case EncryptionKeyID:
		k = s.encJWK
		if f, ok := s.take(FaultSelfSignedKey, FaultWeakKey, FaultKeyWrongAlg, FaultKeyMismatch); ok {
			var err error
			if k, err = s.faultyKey(f); err != nil {
				problem(w, http.StatusInternalServerError, "internal")
				return
			}
		}
	case NextEncryptionKey:
		k = s.encNextJWK
	case SignatureKeyID:
		k = s.sigJWK
	}
	if r.PathValue("id") != DestinationID || k == nil {
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
		if req.DestinationID != DestinationID {
			problem(w, http.StatusNotFound, "destination-not-found")
			return
		}
		if svc == nil || svc.Identifier != ServiceIdentifier || hasDuplicates(req.AnnouncedAttachments) {
			problem(w, http.StatusUnprocessableEntity, "invalid-request")
			return
		}
		sub := &submission{ID: newID(), CaseID: newID(), Destination: req.DestinationID, Service: svc.Identifier,
			Announced: req.AnnouncedAttachments, Attachments: map[string]string{}}
		s.mu.Lock()
		s.submissions[sub.ID] = sub
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
		tok = s.corrupt(tok, f)
	}
	s.mu.Lock()
	sub.Attachments[aid] = tok
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// corrupt applies an attachment fault.
func (s *Sim) corrupt(tok string, f Fault) string {
	if f == FaultHashMismatch {
		// A valid JWE for the destination, of other bytes.
		other, err := jose.Encrypt([]byte("ausgetauschte Anlage"), s.encPublic(), jose.EncryptOptions{KeyID: s.currentKid(), ContentType: "application/pdf"})
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

func (s *Sim) currentKid() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.encKid
}

func (s *Sim) encPublic() any {
	if s.currentKid() == NextEncryptionKey {
		return &s.encNext.priv.PublicKey
	}
	return &s.enc.priv.PublicKey
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
	already := sub.Submitted
	if !missing {
		sub.Metadata, sub.Data, sub.Submitted = req.EncryptedMetadata, req.EncryptedData, true
	}
	s.mu.Unlock()
	if missing {
		problem(w, http.StatusUnprocessableEntity, "missing-attachments")
		return
	}
	if !already {
		tags := map[string]any{"metadata": lastSegment(sub.Metadata), "data": lastSegment(sub.Data), "attachments": s.attachmentTags(sub)}
		s.logEvent(sub, "submit-submission", map[string]any{"authenticationTags": tags})
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
		sub := s.lookup(w, r)
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
			svcKey: map[string]string{"identifier": sub.Service, "name": ServiceName},
		})
	}
}

func (s *Sim) attachment(w http.ResponseWriter, r *http.Request) {
	sub := s.lookup(w, r)
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

func (s *Sim) caseEvents(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	log := slices.Clone(s.events[r.PathValue("id")])
	s.mu.Unlock()
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
	v, err := jose.NewSETVerifier(jose.SETVerifierConfig{Key: &s.sig.priv.PublicKey, KeyID: SignatureKeyID, Issuer: DestinationID, SingleEvent: true, TransactionID: "case:" + caseID, MinRSABits: 4096})
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
