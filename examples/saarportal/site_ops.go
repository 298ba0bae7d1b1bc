package main

import (
	"fmt"
	"io"
	"net/http/httptest"

	"golang.org/x/crypto/bcrypt"
)

// siteOps is the operator side of a demo site: the operators' generated
// passwords (by login name) and the metrics listener, a plain-http
// loopback server of its own beside the citizens' HTTPS one.
type siteOps struct {
	passwords map[string]string
	metrics   *httptest.Server
}

// stateOperator is the login name of the demo's state-wide operator; each
// municipality's operator logs in with the tenant's slug.
const stateOperator = "land"

// demoOperators returns a state-wide operator and one per tenant, each
// with a password generated at start (a deployment configures bcrypt
// hashes from its secret store).
func demoOperators(tenants []Tenant) ([]Operator, map[string]string, error) {
	pw := map[string]string{}
	var ops []Operator
	add := func(name, tenant string) error {
		pw[name] = newToken()[:16]
		h, err := bcrypt.GenerateFromPassword([]byte(pw[name]), bcrypt.DefaultCost)
		ops = append(ops, Operator{Name: name, PasswordHash: h, Tenant: tenant})
		return err
	}
	if err := add(stateOperator, ""); err != nil {
		return nil, nil, err
	}
	for _, t := range tenants {
		if err := add(t.Slug, t.ARS); err != nil {
			return nil, nil, err
		}
	}
	return ops, pw, nil
}

// printOperators tells the -serve user where the operator page and the
// metrics are and the generated operator logins.
func (s *site) printOperators(w io.Writer) {
	fmt.Fprintf(w, "Betrieb: %s/operator (Kennung %s für alle Gemeinden, Passwort %s", s.srv.URL, stateOperator, s.ops.passwords[stateOperator])
	for _, t := range s.Tenants() {
		fmt.Fprintf(w, "; %s: %s", t.Slug, s.ops.passwords[t.Slug])
	}
	fmt.Fprintf(w, "). Metriken: %s/metrics\n", s.ops.metrics.URL)
}
