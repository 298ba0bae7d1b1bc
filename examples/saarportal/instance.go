package main

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"

	"github.com/egosaar/ozg/account/saml"
	"github.com/egosaar/ozg/fitconnect"
	"github.com/egosaar/ozg/fitconnect/fitconnecttest"
	"github.com/egosaar/ozg/payment/xbezahldienste"
	"github.com/egosaar/ozg/signature"
)

// IdP is the BundID as the portal needs it: its metadata and profile,
// and the registration of the portal's service provider.
type IdP interface {
	Metadata() []byte
	Profile() saml.Profile
	RegisterSP(metadata []byte) error
}

// remoteIdP is the BundID simulator of the simulator process.
type remoteIdP struct {
	info     simInfo
	metadata []byte
}

func (r *remoteIdP) Metadata() []byte { return r.metadata }

func (r *remoteIdP) Profile() saml.Profile {
	p := saml.BundIDIntegration()
	p.IdPEntityID, p.Production = r.info.IdPEntityID, false
	return p
}

func (r *remoteIdP) RegisterSP(md []byte) error {
	resp, err := http.Post(r.info.Admin+"/sp", "application/samlmetadata+xml", bytes.NewReader(md))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		return fmt.Errorf("register SP: status %d", resp.StatusCode)
	}
	return nil
}

// instanceOptions are the flags of one portal process (-instance).
type instanceOptions struct {
	Sims     string // path of the simulator process's JSON line
	Postgres string
	Addr     string // listen address
	Base     string // public base URL (the load balancer); "" = own URL
	Ha       HaConfig
}

// remoteCounterparts builds the portal's view of the simulator process.
func remoteCounterparts(ctx context.Context, info simInfo, tenants []Tenant) (Counterparts, error) {
	c := Counterparts{Payment: map[string]xbezahldienste.Config{}, MailRelay: info.Mail}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, info.IdPMetadata, nil)
	if err != nil {
		return c, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return c, err
	}
	md, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if err != nil {
		return c, err
	}
	c.IdP = &remoteIdP{info: info, metadata: md}
	root, err := fitconnecttest.RootCertificate()
	if err != nil {
		return c, err
	}
	trust, err := signature.NewTrustStore(signature.TrustConfig{Anchors: []*x509.Certificate{root}, KeyUsage: fitconnect.TrustKeyUsage})
	if err != nil {
		return c, err
	}
	for _, t := range tenants {
		c.Payment[t.ARS] = xbezahldienste.Config{BaseURL: info.Payment[t.ARS], OriginatorID: t.Mandant.OriginatorID,
			EndpointID: t.Mandant.EndpointID, InsecureDevelopment: true}
	}
	u := info.FITConnect
	c.FITConnect = fitconnect.Config{
		Environment: fitconnect.Environment{Name: "fitconnecttest", TokenURL: u + "/token", SubmissionAPI: u + "/submission-api",
			RoutingAPI: u + "/routing-api", SSPKeysURL: u + "/ssp/.well-known/jwks.json"},
		ClientID: fitconnecttest.ClientID, ClientSecret: fitconnecttest.ClientSecret, InsecureDevelopment: true, TrustStore: trust,
	}
	return c, nil
}

// runInstance runs one portal process against the simulator process: it
// serves HTTPS on o.Addr, prints {"url": …} as one JSON line once it
// serves, and runs until ctx ends (or the process is killed).
func runInstance(ctx context.Context, out io.Writer, o instanceOptions) error {
	raw, err := os.ReadFile(o.Sims)
	if err != nil {
		return err
	}
	var info simInfo
	if err := json.Unmarshal(raw, &info); err != nil {
		return fmt.Errorf("%w: simulator info: %w", ErrInvalidConfig, err)
	}
	tenants, err := LoadTenants(defaultTenants)
	if err != nil {
		return err
	}
	if o.Ha.Keys, err = readKeys(filepath.Join(info.State, "keys"), tenants); err != nil {
		return err
	}
	cp, err := remoteCounterparts(ctx, info, tenants)
	if err != nil {
		return err
	}
	var p *Portal
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { p.ServeHTTP(w, r) }))
	if o.Addr != "" {
		ln, err := net.Listen("tcp", o.Addr)
		if err != nil {
			return err
		}
		srv.Listener.Close()
		srv.Listener = ln
	}
	srv.StartTLS()
	defer srv.Close()
	base := o.Base
	if base == "" {
		base = srv.URL
	}
	if p, err = New(ctx, Config{Tenants: tenants, BaseURL: base, Dir: info.State, Counterparts: cp, Postgres: o.Postgres, Ha: o.Ha}); err != nil {
		return err
	}
	defer p.Close()
	if err := json.NewEncoder(out).Encode(map[string]string{"url": srv.URL}); err != nil {
		return err
	}
	<-ctx.Done()
	return nil
}
