package fitconnect

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"
	"go.opentelemetry.io/otel/trace"

	"github.com/egosaar/ozg/signature/jose"
)

// ErrRouting reports a route whose signed addressing information
// (destinationSignature) does not verify or does not match the query.
var ErrRouting = errors.New("fitconnect: route does not verify")

// RouteQuery asks the Routing API for the destination of a service in an
// area: LeikaKey and exactly one of ARS and AGS.
type RouteQuery struct {
	// LeikaKey is the 14-digit service key (Leistungsschlüssel, 99…).
	LeikaKey string
	// ARS is the regional key (Amtlicher Regionalschlüssel), AGS the
	// municipality key (Amtlicher Gemeindeschlüssel).
	ARS, AGS string
}

// Route is a verified route to a destination.
type Route struct {
	DestinationID   string
	DestinationName string
	// SubmissionHost is the Zustelldienst named in the signed addressing
	// information; it equals the configured Submission API host.
	SubmissionHost string
}

var (
	leikaPattern = regexp.MustCompile(`^99\d{12}$`)
	arsPattern   = regexp.MustCompile(`^(\d{2}|\d{3}|\d{5}|\d{9}|\d{12})$`)
	agsPattern   = regexp.MustCompile(`^(\d{2}|\d{3}|\d{5}|\d{8})$`)
)

// Route finds the competent destinations through the Routing API
// (GET /v2/routes, Routing API 2.0.0) and verifies each route's
// destinationSignature, a JWT the Self-Service-Portal signs with PS512:
// against the portal's published key set (Environment.SSPKeysURL), and
// its claims destinationId (= the route's), submissionHost (= the
// configured Submission API host) and services (a leistungIDs entry for
// the LeiKa key and a gebietIDs entry for the area). A route that does not
// verify fails the call with [ErrRouting].
func (c *Client) Route(ctx context.Context, q RouteQuery) (_ []Route, err error) {
	ctx, op := c.startOp(ctx, opRoute, trace.SpanKindClient, q.LeikaKey)
	defer op.End(&err)
	if c.cfg.Environment.RoutingAPI == "" || c.cfg.Environment.SSPKeysURL == "" {
		return nil, fmt.Errorf("%w: environment %s has no Routing API", ErrInvalidConfig, c.cfg.Environment.Name)
	}
	v := url.Values{"leikaKey": {q.LeikaKey}, "offset": {"0"}, "limit": {"100"}}
	area := ""
	switch {
	case !leikaPattern.MatchString(q.LeikaKey):
		return nil, fmt.Errorf("%w: route: LeikaKey must be 14 digits starting with 99", ErrInvalidArgument)
	case q.ARS != "" && q.AGS == "" && arsPattern.MatchString(q.ARS):
		v.Set("ars", q.ARS)
		area = q.ARS
	case q.AGS != "" && q.ARS == "" && agsPattern.MatchString(q.AGS):
		v.Set("ags", q.AGS)
		area = q.AGS
	default:
		return nil, fmt.Errorf("%w: route: exactly one well-formed ARS or AGS is required", ErrInvalidArgument)
	}
	var w struct {
		Routes []struct {
			DestinationID        string `json:"destinationId"`
			DestinationSignature string `json:"destinationSignature"`
			DestinationName      string `json:"destinationName"`
		} `json:"routes"`
	}
	if err := c.callJSON(ctx, request{method: "GET", path: strings.TrimRight(c.cfg.Environment.RoutingAPI, "/") + "/v2/routes?" + v.Encode(), absolute: true, idempotent: true}, &w); err != nil {
		return nil, err
	}
	keys, err := c.fetchJWKS(ctx, "SSP", c.cfg.Environment.SSPKeysURL, true)
	if err != nil {
		return nil, err
	}
	verifier, err := jose.NewVerifier(jose.VerifierConfig{KeySet: keys, Algorithms: []string{jose.PS512}, Type: "jwt", MinRSABits: 4096, MaxTokenBytes: 64 << 10})
	if err != nil {
		return nil, err
	}
	out := make([]Route, 0, len(w.Routes))
	for _, r := range w.Routes {
		host, err := c.verifyRoute(verifier, r.DestinationID, r.DestinationSignature, q.LeikaKey, area)
		if err != nil {
			return nil, err
		}
		out = append(out, Route{DestinationID: r.DestinationID, DestinationName: r.DestinationName, SubmissionHost: host})
	}
	return out, nil
}

type addressing struct {
	SubmissionHost string `json:"submissionHost"`
	Issuer         string `json:"iss"`
	DestinationID  string `json:"destinationId"`
	IssuedAt       int64  `json:"iat"`
	Services       []struct {
		GebietIDs   []string `json:"gebietIDs"`
		LeistungIDs []string `json:"leistungIDs"`
	} `json:"services"`
}

func (c *Client) verifyRoute(v *jose.Verifier, destinationID, sig, leika, area string) (string, error) {
	if !isUUID(destinationID) {
		return "", fmt.Errorf("%w: destination ID is not a UUID", ErrRouting)
	}
	ver, err := v.Verify(sig)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrRouting, err)
	}
	var a addressing
	if err := json.Unmarshal(ver.Payload, &a); err != nil {
		return "", fmt.Errorf("%w: addressing information is not JSON", ErrRouting)
	}
	if a.DestinationID != destinationID {
		return "", fmt.Errorf("%w: signed destinationId differs from the route", ErrRouting)
	}
	sub, _ := url.Parse(c.cfg.Environment.SubmissionAPI)
	if !sameHost(a.SubmissionHost, sub.Host) {
		return "", fmt.Errorf("%w: signed submissionHost is not the configured Zustelldienst", ErrRouting)
	}
	if a.IssuedAt <= 0 || time.Unix(a.IssuedAt, 0).After(c.cfg.Now().Add(time.Minute)) {
		return "", fmt.Errorf("%w: bad iat", ErrRouting)
	}
	for _, s := range a.Services {
		if slices.ContainsFunc(s.LeistungIDs, idEndsWith(leika)) && slices.ContainsFunc(s.GebietIDs, idEndsWith(area)) {
			return a.SubmissionHost, nil
		}
	}
	return "", fmt.Errorf("%w: signed services do not cover the service and area", ErrRouting)
}

// sameHost compares a signed submissionHost (a host, or a URL) with host.
func sameHost(signed, host string) bool {
	if u, err := url.Parse(signed); err == nil && u.Host != "" {
		signed = u.Host
	}
	return strings.EqualFold(signed, host)
}

// idEndsWith matches an identifier URN whose last ':'-separated part is
// key (e.g. urn:de:fim:leika:leistung:99… or a regional key URN).
func idEndsWith(key string) func(string) bool {
	return func(id string) bool {
		return id == key || strings.HasSuffix(id, ":"+key)
	}
}

// fetchJWKS fetches a key set (a full URL when absolute, else a path of
// the Submission API); every key must be RSA 4096 with e = AQAB.
func (c *Client) fetchJWKS(ctx context.Context, what, path string, absolute bool) (jwk.Set, error) {
	var raw json.RawMessage
	if err := c.callJSON(ctx, request{method: "GET", path: path, absolute: absolute, idempotent: true}, &raw); err != nil {
		return nil, err
	}
	set, err := jwk.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %s key set is not a JWKS", ErrMalformedResponse, what)
	}
	for i := range set.Len() {
		k, _ := set.Key(i)
		var pub any
		if k.Raw(&pub) != nil || checkRSA4096(pub) != nil {
			return nil, fmt.Errorf("%w: %s key is not RSA 4096", ErrUntrustedKey, what)
		}
	}
	return set, nil
}
