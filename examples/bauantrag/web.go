package main

import (
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/base64"
	"errors"
	"html/template"
	"net/http"
	"sync"
	"time"
	_ "time/tzdata" // Europe/Berlin everywhere

	"github.com/egosaar/ozg/account"
	"github.com/egosaar/ozg/account/saml"
	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/payment/paytype"
)

//go:embed templates/*.html
var templateFS embed.FS

type pages map[string]*template.Template

func parsePages() (pages, error) {
	p := pages{}
	for _, name := range []string{"start", "antrag", "status", "fehler"} {
		t, err := template.New(name).Funcs(template.FuncMap{"zeit": zeit}).ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, err
		}
		p[name] = t
	}
	return p, nil
}

// berlin is the time zone of the authority; the tzdata package embeds
// the zone database so this works on systems without one.
var berlin = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Berlin"); err == nil {
		return l
	}
	return time.FixedZone("MEZ", 3600)
}()

func zeit(t time.Time) string { return t.In(berlin).Format("02.01.2006 15:04:05") }

// view is the data of every page.
type view struct {
	Title      string
	Identity   *identityView
	Error      string
	ErrorField string
	CSRF       string
	Form       antragForm
	Fee        string
	App        *appView
	Deliveries []deliveryView
	// Back is a page to continue at from an error page.
	Back string
}

type identityView struct {
	Name, Level, Provider, Anschrift string
	Email, Postfach                  bool
}

type appView struct {
	ID, Aktenzeichen, Status, StatusLabel, Payment, Grundstueck, Vorhaben string
	Done, HasBescheid, CanPay                                             bool
	Timeline                                                              []verlauf
	Channels                                                              string
}

type deliveryView struct {
	At, Status, Channel, Result, Latency string
	Attempt                              int
	OK                                   bool
}

func (s *service) render(w http.ResponseWriter, status int, name string, v view) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if err := s.pages[name].ExecuteTemplate(w, name+".html", v); err != nil {
		s.log.Error("render", "page", name, "err", err)
	}
}

func (s *service) fail(w http.ResponseWriter, status int, msg string) {
	s.render(w, status, "fehler", view{Title: "Fehler", Error: msg})
}

// session is a logged-in citizen. Sessions live in memory (one instance);
// their lifetime follows the trust level (BSI TR-03160-1 via
// account.Level.SessionLimits).
type session struct {
	identity     *account.Identity
	csrf         string
	limits       account.SessionLimits
	start, event time.Time
}

type sessions struct {
	mu sync.Mutex
	m  map[string]*session
}

const sessionCookie = "bauantrag_sitzung"

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go ≥ 1.24)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (s *service) session(r *http.Request) *session {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil
	}
	now := time.Now()
	s.sessions.mu.Lock()
	defer s.sessions.mu.Unlock()
	ses := s.sessions.m[c.Value]
	if ses == nil {
		return nil
	}
	if ses.limits.Expired(ses.start, ses.event, now) {
		delete(s.sessions.m, c.Value)
		return nil
	}
	ses.event = now
	return ses
}

func (s *service) routes() {
	s.mux.HandleFunc("GET /{$}", s.handleStart)
	s.mux.HandleFunc("GET /login", s.handleLogin)
	s.mux.HandleFunc("POST /saml/acs", s.handleACS)
	s.mux.HandleFunc("GET /saml/metadata", s.handleMetadata)
	s.mux.HandleFunc("GET /antrag", s.handleForm)
	s.mux.HandleFunc("POST /antrag", s.handleSubmit)
	s.mux.HandleFunc("GET /antrag/{id}", s.handleStatus)
	s.mux.HandleFunc("GET /antrag/{id}/zahlung", s.handlePaymentReturn)
	s.mux.HandleFunc("POST /antrag/{id}/bezahlen", s.handlePay)
	s.mux.HandleFunc("GET /antrag/{id}/nachricht.xml", s.handleDocument)
	s.mux.HandleFunc("GET /antrag/{id}/bescheid.pdf", s.handleDocument)
	s.mux.HandleFunc("GET /antrag/{id}/baubeschreibung.txt", s.handleDocument)
	s.mux.HandleFunc("POST /abmelden", s.handleLogout)
	s.operatorRoutes() // operator.go
}

func (s *service) handleStart(w http.ResponseWriter, r *http.Request) {
	v := view{Title: "Antrag auf Baugenehmigung stellen"}
	if ses := s.session(r); ses != nil {
		v.Identity = identityOf(ses.identity)
		v.CSRF = ses.csrf
	}
	s.render(w, http.StatusOK, "start", v)
}

// handleLogin starts the SAML login at the (simulated) BundID with level
// substanziell; the browser carries the signed AuthnRequest there with
// the HTTP-POST binding.
func (s *service) handleLogin(w http.ResponseWriter, r *http.Request) {
	if err := s.sp.StartLogin(r.Context(), w, r, saml.LoginOptions{ReturnTo: "/antrag"}); err != nil {
		s.log.Error("saml start", "err", err)
		s.fail(w, http.StatusInternalServerError, "Die Anmeldung konnte nicht gestartet werden.")
	}
}

// handleACS receives the SAML response. FinishLogin checks the binding
// cookie, the signature against the IdP metadata, decryption, audience,
// timestamps, replay and the level; only then is there an identity.
func (s *service) handleACS(w http.ResponseWriter, r *http.Request) {
	login, err := s.sp.FinishLogin(r.Context(), w, r)
	if err != nil {
		s.log.Warn("saml login refused", "err", err)
		s.fail(w, http.StatusForbidden, "Die Anmeldung ist fehlgeschlagen. Bitte versuchen Sie es erneut.")
		return
	}
	id := login.Identity
	limits, err := id.Level.SessionLimits()
	if err != nil || id.Person == nil || id.Subject == "" {
		s.fail(w, http.StatusForbidden, "Für den Bauantrag ist ein dauerhaftes BundID-Konto einer natürlichen Person nötig.")
		return
	}
	// Narration without personal data: it may end up in a log.
	s.cfg.Say("account/saml: Antwort der BundID geprüft (Signatur gegen die IdP-Metadaten, entschlüsselt, Zielgruppe, Zeitfenster, Einmaligkeit); Vertrauensniveau %s ≥ gefordertem %s; Name mit Attribut-Niveau %s bestätigt; Sitzung höchstens %s",
		id.Level, account.LevelSubstanziell, id.Person.FamilyName.Level, limits.MaxAge)
	token := randomToken()
	now := time.Now()
	s.sessions.mu.Lock()
	for k, old := range s.sessions.m {
		if old.limits.Expired(old.start, old.event, now) {
			delete(s.sessions.m, k)
		}
	}
	s.sessions.m[token] = &session{identity: id, csrf: randomToken(), limits: limits, start: now, event: now}
	s.sessions.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: true,
		SameSite: http.SameSiteLaxMode, MaxAge: int(limits.MaxAge.Seconds())})
	to := login.ReturnTo
	if to == "" {
		to = "/antrag"
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

func (s *service) handleMetadata(w http.ResponseWriter, _ *http.Request) {
	md, err := s.sp.Metadata()
	if err != nil {
		http.Error(w, "metadata unavailable", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/samlmetadata+xml")
	_, _ = w.Write(md)
}

func (s *service) handleLogout(w http.ResponseWriter, r *http.Request) {
	if ses := s.session(r); ses != nil && s.csrfOK(r, ses) {
		c, _ := r.Cookie(sessionCookie)
		s.sessions.mu.Lock()
		delete(s.sessions.m, c.Value)
		s.sessions.mu.Unlock()
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: true})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (s *service) csrfOK(r *http.Request, ses *session) bool {
	return subtle.ConstantTimeCompare([]byte(r.PostFormValue("csrf")), []byte(ses.csrf)) == 1
}

func identityOf(id *account.Identity) *identityView {
	provider := string(id.Provider)
	if id.Provider == account.ProviderBundID {
		provider = "BundID"
	}
	v := &identityView{Level: id.Level.String(), Provider: provider, Email: id.Person != nil && id.Person.Email.Value != "", Postfach: id.MailboxHandle.Value != ""}
	if p := id.Person; p != nil {
		v.Name = p.GivenNames.Value + " " + p.FamilyName.Value
		a := p.Address
		v.Anschrift = a.Street.Value + ", " + a.PostalCode.Value + " " + a.Locality.Value
	}
	return v
}

func (s *service) handleForm(w http.ResponseWriter, r *http.Request) {
	ses := s.session(r)
	if ses == nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	s.render(w, http.StatusOK, "antrag", view{Title: "Antrag auf Baugenehmigung", Identity: identityOf(ses.identity), CSRF: ses.csrf, Fee: euro(fee)})
}

// ownApplication loads the application named in the path and checks that
// it belongs to the logged-in citizen.
func (s *service) ownApplication(w http.ResponseWriter, r *http.Request) (*session, *antrag, bool) {
	ses := s.session(r)
	if ses == nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil, nil, false
	}
	a, err := getAntrag(r.Context(), s.db, r.PathValue("id"))
	if err == nil && subtle.ConstantTimeCompare([]byte(a.Subject), []byte(ses.identity.Subject)) != 1 {
		err = errForbidden
	}
	if err != nil {
		if !errors.Is(err, errNotFound) && !errors.Is(err, errForbidden) {
			s.log.Error("load application", "err", err)
		}
		s.fail(w, http.StatusNotFound, "Dieser Antrag wurde nicht gefunden.")
		return nil, nil, false
	}
	return ses, a, true
}

func (s *service) handleStatus(w http.ResponseWriter, r *http.Request) {
	ses, a, ok := s.ownApplication(w, r)
	if !ok {
		return
	}
	timeline, err := getVerlauf(r.Context(), s.db, a.ID)
	if err != nil {
		s.fail(w, http.StatusInternalServerError, "Der Antrag kann gerade nicht angezeigt werden.")
		return
	}
	attempts, err := s.out.client.Attempts(r.Context(), notify.ForTenant(""), a.ID, 0)
	if err != nil {
		s.log.Warn("delivery log", "err", err)
	}
	statusOf := map[string]string{}
	for _, v := range timeline {
		statusOf[v.EventID] = v.Status
	}
	var deliveries []deliveryView
	for _, at := range attempts {
		res := string(at.Outcome)
		switch at.Outcome {
		case notify.OutcomeDelivered:
			res = "zugestellt"
		case notify.OutcomeRetry:
			res = "fehlgeschlagen, neuer Versuch geplant"
		case notify.OutcomeDead:
			res = "endgültig fehlgeschlagen"
		}
		if at.ErrorClass != "" {
			res += " (" + string(at.ErrorClass) + ")"
		}
		deliveries = append(deliveries, deliveryView{At: at.StartedAt.In(berlin).Format("15:04:05.000"), Status: statusOf[string(at.EventID)], Channel: channelLabel(at.Channel), Attempt: at.Number,
			Result: res, OK: at.Outcome == notify.OutcomeDelivered, Latency: at.Latency.Round(time.Millisecond).String()})
	}
	s.render(w, http.StatusOK, "status", view{
		Title: "Ihr Bauantrag", Identity: identityOf(ses.identity), CSRF: ses.csrf,
		App: &appView{ID: a.ID, Aktenzeichen: a.Aktenzeichen, Status: a.Status, StatusLabel: statusLabel[a.Status], Payment: paymentLabel(a),
			Grundstueck: a.Grundstueck, Vorhaben: a.Vorhaben, Done: a.Status == stCompleted, HasBescheid: len(a.Bescheid) > 0,
			CanPay:   a.Status == stSubmitted && a.Zahlung != string(paytype.StatusPaid),
			Timeline: timeline, Channels: s.channelsText()},
		Deliveries: deliveries,
	})
}

func (s *service) channelsText() string {
	t := ""
	for i, c := range s.out.channels {
		if i > 0 {
			t += ", "
		}
		t += channelLabel(c)
	}
	return t
}

func channelLabel(c string) string {
	switch c {
	case "webhook":
		return "Webhook (Vorgangsmonitor)"
	case "email":
		return "E-Mail"
	case "postfach":
		return "BundID-Postfach"
	}
	return c
}

func paymentLabel(a *antrag) string {
	switch a.Zahlung {
	case "":
		return "offen"
	case "PAYED":
		return "bezahlt (" + euro(fee) + ", Kassenzeichen " + a.Kassenzeichen + ")"
	case "CANCELED":
		return "abgebrochen"
	case "FAILED":
		return "fehlgeschlagen"
	}
	return a.Zahlung
}

func (s *service) handleDocument(w http.ResponseWriter, r *http.Request) {
	_, a, ok := s.ownApplication(w, r)
	if !ok {
		return
	}
	var data []byte
	var ctype, name string
	switch {
	case r.URL.Path == "/antrag/"+a.ID+"/nachricht.xml":
		data, ctype, name = a.Nachricht, "application/xml", "baugenehmigung.antrag.0200-"+a.ID+".xml"
	case r.URL.Path == "/antrag/"+a.ID+"/bescheid.pdf":
		data, ctype, name = a.Bescheid, "application/pdf", "bescheid-"+a.Aktenzeichen+".pdf"
	default:
		data, ctype, name = a.Baubeschreibung, "text/plain; charset=utf-8", "baubeschreibung.txt"
	}
	if len(data) == 0 {
		s.fail(w, http.StatusNotFound, "Dieses Dokument liegt noch nicht vor.")
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `inline; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(data)
}
