package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"slices"

	"github.com/egosaar/ozg/account/accounttest"
	"github.com/egosaar/ozg/fitconnect"
	"github.com/egosaar/ozg/fitconnect/fitconnecttest"
	"github.com/egosaar/ozg/payment/paymenttest"
	"github.com/egosaar/ozg/payment/xbezahldienste"
)

// world is the simulated outside of the portal: the BundID, each
// tenant's Bezahldienst (its Mandant) and one FIT-Connect Zustelldienst
// with a destination per tenant and service.
type world struct {
	IdP *accounttest.Server
	Pay map[string]*paymenttest.XBezahldienste // by ARS
	FIT *fitconnecttest.Sim
}

// destinations are the tenants' authorities' FIT-Connect destinations:
// one per tenant and service, listed in the Routing API for the service's
// LeiKa key and the tenant's ARS, accepting XBau 2.6.
func destinations(tenants []Tenant) []fitconnecttest.DestinationConfig {
	var out []fitconnecttest.DestinationConfig
	for _, t := range tenants {
		for _, svc := range t.Services {
			out = append(out, fitconnecttest.DestinationConfig{Name: t.Authority.Name + ": " + svc.Name,
				Services: []fitconnecttest.ServiceConfig{{LeikaKey: svc.Leika, Name: svc.Name}}, Regions: []string{t.ARS}})
		}
	}
	return out
}

// inboxes returns the subscriber configurations of the tenant's
// destinations, by destination ID: what its authority receives with.
func (w *world) inboxes(ars string) map[string]fitconnect.Config {
	out := map[string]fitconnect.Config{}
	for _, d := range w.FIT.Destinations() {
		if slices.Contains(d.Regions, ars) {
			out[d.ID] = w.FIT.SubscriberConfig(d.ID)
		}
	}
	return out
}

// destination returns the ID of the tenant's destination for the
// service, or "".
func (w *world) destination(ars, leika string) string {
	for _, d := range w.FIT.Destinations() {
		if slices.Contains(d.Regions, ars) && d.Services[0].LeikaKey == leika {
			return d.ID
		}
	}
	return ""
}

// mandant is the simulator settings of a tenant's Bezahldienst account.
// Each simulator numbers its transactions TX00000001, TX00000002, …: the
// same transaction IDs at every tenant, which the payment store keeps
// apart by tenant.
func mandant(t *Tenant) paymenttest.XConfig {
	return paymenttest.XConfig{OriginatorID: t.Mandant.OriginatorID, EndpointID: t.Mandant.EndpointID,
		RequiredBookingKeys: t.Mandant.BookingKeys}
}

// counterparts are the SDK-side configurations wired to w.
func (w *world) counterparts() Counterparts {
	// The portal only sends: the sender client, no subscriber keys.
	c := Counterparts{IdP: w.IdP, Payment: map[string]xbezahldienste.Config{}, FITConnect: w.FIT.SenderConfig()}
	for ars, s := range w.Pay {
		c.Payment[ars] = s.Config()
	}
	return c
}

// lifetime lets the program start the test siblings' simulators outside
// a test: it is the fitconnecttest.TB a program provides.
type lifetime struct {
	cleanups []func()
	err      error
}

var _ fitconnecttest.TB = (*lifetime)(nil)

func (l *lifetime) Helper()                   {}
func (l *lifetime) Cleanup(f func())          { l.cleanups = append(l.cleanups, f) }
func (l *lifetime) Fatalf(f string, a ...any) { l.err = fmt.Errorf(f, a...) }
func (l *lifetime) close() {
	for i := len(l.cleanups) - 1; i >= 0; i-- {
		l.cleanups[i]()
	}
}

// newWorld starts the simulators for the tenants with their non-test
// constructors; close stops them.
func newWorld(tenants []Tenant) (w *world, close func(), err error) {
	life := &lifetime{}
	w = &world{Pay: map[string]*paymenttest.XBezahldienste{}}
	if w.IdP, err = accounttest.NewServer(accounttest.Config{}); err != nil {
		return nil, nil, err
	}
	life.Cleanup(w.IdP.Close)
	for i := range tenants {
		t := &tenants[i]
		w.Pay[t.ARS] = paymenttest.NewXBezahldienste(mandant(t))
		life.Cleanup(w.Pay[t.ARS].Close)
	}
	if w.FIT = fitconnecttest.StartWith(life, fitconnecttest.SimConfig{Destinations: destinations(tenants)}); life.err != nil {
		life.close()
		return nil, nil, life.err
	}
	return w, life.close, nil
}

// site is the portal behind its HTTPS server, with the authorities that
// receive its submissions.
type site struct {
	*Portal
	srv   *httptest.Server
	world *world
	auth  map[string]*authority // by ARS
	ops   siteOps               // operator logins and the metrics listener (site_ops.go)
}

// startSite serves a portal on addr ("" = any loopback port) over HTTPS
// with a throw-away certificate for 127.0.0.1 (the Bezahldienst only
// redirects to https; a deployment uses its own certificate).
func startSite(ctx context.Context, addr, dir string, tenants []Tenant, w *world, opts ...func(*Config)) (_ *site, err error) {
	s := &site{world: w, auth: map[string]*authority{}}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { s.Portal.ServeHTTP(rw, r) }))
	if addr != "" {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return nil, err
		}
		s.srv.Listener.Close()
		s.srv.Listener = ln
	}
	s.srv.StartTLS()
	defer func() {
		if err != nil {
			s.Close()
		}
	}()
	cfg := Config{Tenants: tenants, BaseURL: s.srv.URL, Dir: dir, Counterparts: w.counterparts()}
	if cfg.Operators, s.ops.passwords, err = demoOperators(tenants); err != nil {
		return nil, err
	}
	for _, o := range opts {
		o(&cfg)
	}
	if s.Portal, err = New(ctx, cfg); err != nil {
		return nil, err
	}
	s.ops.metrics = httptest.NewServer(s.MetricsHandler())
	for _, t := range s.Tenants() {
		trust, err := s.tenants[t.ARS].trust()
		if err != nil {
			return nil, err
		}
		if s.auth[t.ARS], err = newAuthority(ctx, dir, t, w.inboxes(t.ARS), trust); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// browser returns a client with its own cookie jar that trusts the
// site's certificate: one citizen's browser.
func (s *site) browser() *http.Client {
	jar, _ := cookiejar.New(nil) // never fails without options
	tr := s.srv.Client().Transport.(*http.Transport).Clone()
	tr.TLSClientConfig.MinVersion = tls.VersionTLS12
	return &http.Client{Jar: jar, Transport: tr}
}

func (s *site) Close() {
	s.srv.Close()
	if s.ops.metrics != nil {
		s.ops.metrics.Close()
	}
	for _, a := range s.auth {
		a.close()
	}
	if s.Portal != nil {
		s.Portal.Close()
	}
}
