package fitconnecttest

import (
	"crypto/x509"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"

	"github.com/google/uuid"

	"github.com/egosaar/ozg/fitconnect"
	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/jose"
)

// MaxDestinations is how many destinations one simulator hosts: one key
// set per destination is committed under testdata (RSA-4096 keys are too
// slow to generate per test).
const MaxDestinations = 8

// DestinationConfig is one destination (Zustellpunkt) of a simulator that
// hosts several behind one token endpoint, Submission API and Routing API,
// as one Zustelldienst serves every authority. Each destination has its
// own encryption and signature keys (from the committed test PKI) and its
// own subscriber API client (SubscriberConfig): a submission to one
// destination is never visible to another destination's subscriber.
// ClientID is then the sender only (SenderConfig): it announces to every
// destination and reads the event log of every case, but no content.
type DestinationConfig struct {
	// ID is the destination ID (a lower-case UUID); "" generates one.
	// Read the IDs back with Sim.Destinations.
	ID string
	// Name is the destinationName the Routing API lists; "" means
	// "Zustellpunkt n (Test)".
	Name string
	// Services are the services the destination offers (at least one).
	Services []ServiceConfig
	// Regions are the 12-digit Amtliche Regionalschlüssel (ARS) for which
	// the Routing API lists the destination, for each of its services;
	// a query by the AGS within one of them matches too. Nil: the
	// destination is reachable by ID only.
	Regions []string
}

// ServiceConfig is a service a destination offers.
type ServiceConfig struct {
	// LeikaKey is the 14-digit LeiKa key (99…).
	LeikaKey string
	// Name is the service name; "" means the LeiKa key.
	Name string
	// SchemaURI is the data schema the destination accepts (as
	// application/xml and application/json); "" means DataSchemaURI.
	SchemaURI string
}

// Identifier is the service's identifier URN.
func (c ServiceConfig) Identifier() string { return "urn:de:fim:leika:leistung:" + c.LeikaKey }

// defaultDestination is the single destination of Start and of a
// SimConfig without Destinations.
func defaultDestination() DestinationConfig {
	return DestinationConfig{ID: DestinationID, Name: "Untere Bauaufsichtsbehörde (Test)",
		Services: []ServiceConfig{{LeikaKey: LeikaKey, Name: ServiceName, SchemaURI: DataSchemaURI}}, Regions: []string{ARS}}
}

// destination is a hosted destination with its keys.
type destination struct {
	cfg                     DestinationConfig
	n                       int // 1-based position: key set and client
	enc, encNext, sig       *testKey
	encKid, nextKid, sigKid string
	encJWK, nextJWK, sigJWK json.RawMessage
	clientID, clientSecret  string // the subscriber's API client
	callbackURL             string
	callbackSecret          []byte
	current                 string // current encryption kid; Sim.mu
}

var (
	reDestUUID = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	reLeika    = regexp.MustCompile(`^99[0-9]{12}$`)
	reARS      = regexp.MustCompile(`^[0-9]{12}$`)
)

// newDestination checks cfg and loads the n-th key set (n from 1). The
// first destination keeps the package's key constants and a rotation
// key; in the default single-destination simulator its subscriber is
// ClientID (sender and subscriber, as Start always was), otherwise each
// destination has a subscriber client of its own.
func newDestination(n int, cfg DestinationConfig, root *x509.Certificate, ownClient bool) (*destination, error) {
	if cfg.ID == "" {
		cfg.ID = uuid.NewString()
	}
	if cfg.Name == "" {
		cfg.Name = fmt.Sprintf("Zustellpunkt %d (Test)", n)
	}
	if !reDestUUID.MatchString(cfg.ID) {
		return nil, fmt.Errorf("destination %d: ID %q is not a lower-case UUID", n, cfg.ID)
	}
	if len(cfg.Services) == 0 {
		return nil, fmt.Errorf("destination %d: no services", n)
	}
	cfg.Services = slices.Clone(cfg.Services)
	for i, s := range cfg.Services {
		if !reLeika.MatchString(s.LeikaKey) {
			return nil, fmt.Errorf("destination %d: LeiKa key %q is not 14 digits starting with 99", n, s.LeikaKey)
		}
		if s.Name == "" {
			cfg.Services[i].Name = s.LeikaKey
		}
		if s.SchemaURI == "" {
			cfg.Services[i].SchemaURI = DataSchemaURI
		}
	}
	for _, r := range cfg.Regions {
		if !reARS.MatchString(r) {
			return nil, fmt.Errorf("destination %d: region %q is not a 12-digit ARS", n, r)
		}
	}
	cfg.Regions = slices.Clone(cfg.Regions)
	d := &destination{cfg: cfg, n: n}
	err := d.loadKeys(root)
	if err != nil {
		return nil, err
	}
	if d.encJWK, err = d.enc.jwkJSON(d.encKid, jose.RSAOAEP256, "wrapKey"); err != nil {
		return nil, err
	}
	if d.sigJWK, err = d.sig.jwkJSON(d.sigKid, jose.PS512, "verify"); err != nil {
		return nil, err
	}
	if d.encNext != nil {
		if d.nextJWK, err = d.encNext.jwkJSON(d.nextKid, jose.RSAOAEP256, "wrapKey"); err != nil {
			return nil, err
		}
	}
	d.current = d.encKid
	d.clientID, d.clientSecret = ClientID, ClientSecret
	if ownClient {
		d.clientID, d.clientSecret = fmt.Sprintf("ozg-test-subscriber-%d", n), fmt.Sprintf("ozg-test-secret-%d", n)
	}
	return d, nil
}

func (d *destination) loadKeys(root *x509.Certificate) (err error) {
	if d.n == 1 {
		d.encKid, d.nextKid, d.sigKid = EncryptionKeyID, NextEncryptionKey, SignatureKeyID
		for name, dst := range map[string]**testKey{"destination-enc": &d.enc, "destination-enc-next": &d.encNext, "destination-sig": &d.sig} {
			if *dst, err = loadKey(name, root); err != nil {
				return err
			}
		}
		return nil
	}
	prefix := fmt.Sprintf("destination%d", d.n)
	d.encKid, d.sigKid = prefix+"-enc-1", prefix+"-sig-1"
	if d.enc, err = loadKey(prefix+"-enc", root); err != nil {
		return err
	}
	d.sig, err = loadKey(prefix+"-sig", root)
	return err
}

// service returns the destination's service with the identifier URN.
func (d *destination) service(identifier string) (ServiceConfig, bool) {
	for _, s := range d.cfg.Services {
		if s.Identifier() == identifier {
			return s, true
		}
	}
	return ServiceConfig{}, false
}

// serves reports whether the Routing API lists d for leika in the area
// (an ARS, or an AGS within one of d's regions).
func (d *destination) serves(leika, ars, ags string) bool {
	if !slices.ContainsFunc(d.cfg.Services, func(s ServiceConfig) bool { return s.LeikaKey == leika }) {
		return false
	}
	return slices.ContainsFunc(d.cfg.Regions, func(r string) bool {
		return (ars != "" && r == ars) || (ags != "" && agsOf(r) == ags)
	})
}

// agsOf is the Amtlicher Gemeindeschlüssel within an ARS: Land,
// Regierungsbezirk, Kreis and Gemeinde, without the Gemeindeverband.
func agsOf(ars string) string { return ars[:5] + ars[9:] }

// dest returns the destination with the ID, or nil.
func (s *Sim) dest(id string) *destination {
	for _, d := range s.dests {
		if d.cfg.ID == id {
			return d
		}
	}
	return nil
}

// Destinations returns the hosted destinations in configuration order,
// with generated IDs and default names filled in.
func (s *Sim) Destinations() []DestinationConfig {
	out := make([]DestinationConfig, len(s.dests))
	for i, d := range s.dests {
		out[i] = d.cfg
		out[i].Services, out[i].Regions = slices.Clone(d.cfg.Services), slices.Clone(d.cfg.Regions)
	}
	return out
}

// SubscriberConfig returns the fitconnect.Config of the destination's
// subscriber (the authority's side): its own API client, its decryption
// key(s) and its signing key. Another destination's submissions are
// forbidden to this client. An unknown ID fails the test.
func (s *Sim) SubscriberConfig(destinationID string) fitconnect.Config {
	d := s.dest(destinationID)
	if d == nil {
		s.t.Fatalf("fitconnecttest: unknown destination %s", destinationID)
		return fitconnect.Config{}
	}
	cfg := s.SenderConfig()
	cfg.ClientID, cfg.ClientSecret = d.clientID, d.clientSecret
	cfg.DecryptionKeys = []jose.DecryptionKey{{KeyID: d.encKid, Key: d.enc.priv}}
	if d.encNext != nil {
		cfg.DecryptionKeys = append(cfg.DecryptionKeys, jose.DecryptionKey{KeyID: d.nextKid, Key: d.encNext.priv})
	}
	cfg.SigningKey, cfg.SigningKeyID = d.sig.priv, d.sigKid
	return cfg
}

// SenderConfig returns a send-only fitconnect.Config wired to the
// simulator (the portal's side): the sender client, no subscriber keys.
// The sender client may announce to every destination but reads no
// submission's content.
func (s *Sim) SenderConfig() fitconnect.Config {
	ts, err := signature.NewTrustStore(signature.TrustConfig{Anchors: []*x509.Certificate{s.root}, KeyUsage: fitconnect.TrustKeyUsage})
	if err != nil {
		s.t.Fatalf("fitconnecttest: trust store: %v", err)
	}
	return fitconnect.Config{
		Environment: fitconnect.Environment{
			Name: "fitconnecttest", TokenURL: s.URL + "/token", SubmissionAPI: s.URL + "/submission-api",
			RoutingAPI: s.URL + "/routing-api", SSPKeysURL: s.URL + "/ssp/.well-known/jwks.json",
		},
		ClientID: ClientID, ClientSecret: ClientSecret, InsecureDevelopment: true, TrustStore: ts,
	}
}

// SubmissionsTo returns how many submissions were announced to the
// destination.
func (s *Sim) SubmissionsTo(destinationID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, sub := range s.submissions {
		if sub.Destination == destinationID {
			n++
		}
	}
	return n
}

// SetCallbackFor makes the simulator POST a new-submissions callback for
// each submission to the destination, as SetCallback does for the first.
// An unknown ID fails the test.
func (s *Sim) SetCallbackFor(destinationID, url string, secret []byte) {
	d := s.dest(destinationID)
	if d == nil {
		s.t.Fatalf("fitconnecttest: unknown destination %s", destinationID)
		return
	}
	s.mu.Lock()
	d.callbackURL, d.callbackSecret = url, append([]byte(nil), secret...)
	s.mu.Unlock()
}

// subscribes reports whether the API client reads the destination's
// submissions (its subscriber client).
func (s *Sim) subscribes(client string, d *destination) bool {
	return d != nil && client == d.clientID
}

// client returns the API client id with the secret: the sender
// (ClientID) or a destination's subscriber.
func (s *Sim) client(id, secret string) (string, bool) {
	if equalSecret(id, ClientID) && equalSecret(secret, ClientSecret) {
		return ClientID, true
	}
	for _, d := range s.dests {
		if equalSecret(id, d.clientID) && equalSecret(secret, d.clientSecret) {
			return d.clientID, true
		}
	}
	return "", false
}
