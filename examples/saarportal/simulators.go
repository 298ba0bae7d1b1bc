package main

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/egosaar/ozg/signature"
)

// The simulated outside world as a process of its own (-simulators): the
// BundID IdP, each tenant's Bezahldienst and FIT-Connect destination,
// each tenant's authority and the mail server the notices go to
// (mailDrop, which records every message it accepts), with the
// deployment's shared keys written to the state directory. Portal
// processes (-instance) use it; when one of them is killed, the world
// keeps its state, so a test can check every application, fee and notice
// against the counterparts' own records.

// simInfo is what the simulator process prints as one JSON line on
// stdout once it serves.
type simInfo struct {
	// Admin is the simulator's control API (loopback, plain http).
	Admin string `json:"admin"`
	// IdPMetadata is the BundID simulator's metadata URL.
	IdPMetadata string `json:"idpMetadata"`
	IdPEntityID string `json:"idpEntityId"`
	// Payment is each tenant's Bezahldienst base URL (by ARS),
	// FITConnect the Zustelldienst's.
	Payment    map[string]string `json:"payment"`
	FITConnect string            `json:"fitConnect"`
	// Mail is the SMTP address (host:port, loopback, clear text) the
	// portal processes send their notices to.
	Mail string `json:"mail"`
	// State holds keys/ (PEM).
	State string `json:"state"`
}

// simRecords are the counterparts' own records (GET /records).
type simRecords struct {
	Tenants map[string]*tenantRecords `json:"tenants"` // by ARS
	// StrayNotices is how many messages came from no tenant's sender.
	StrayNotices int `json:"strayNotices"`
}

type tenantRecords struct {
	// Transactions are the Bezahldienst's transactions; Paid those the
	// citizen paid (each exactly once: a second Pay is refused).
	Transactions []string `json:"transactions"`
	Paid         []string `json:"paid"`
	Creates      int      `json:"creates"`
	// Announced is how many submissions the Zustelldienst saw announced;
	// Received the application IDs the authority accepted, once per
	// submission.
	Announced int      `json:"announced"`
	Received  []string `json:"received"`
	// Notices are the messages the mail server accepted from the
	// tenant's sender address, in arrival order: every delivery,
	// redeliveries included.
	Notices []noticeArrival `json:"notices"`
}

// runSimulators starts the world, prints simInfo and serves until ctx
// ends.
func runSimulators(ctx context.Context, out io.Writer, state string) error {
	tenants, err := LoadTenants(defaultTenants)
	if err != nil {
		return err
	}
	w, stop, err := newWorld(tenants)
	if err != nil {
		return err
	}
	defer stop()
	keys, err := GenerateKeys(tenants)
	if err != nil {
		return err
	}
	if err := writeKeys(filepath.Join(state, "keys"), keys); err != nil {
		return err
	}
	auth := map[string]*authority{}
	for i := range tenants {
		t := &tenants[i]
		trust, err := signature.NewTrustStore(signature.TrustConfig{Pinned: []*x509.Certificate{keys.Tenants[t.ARS].Certificate}})
		if err != nil {
			return err
		}
		if auth[t.ARS], err = newAuthority(ctx, state, t, w.inboxes(t.ARS), trust); err != nil {
			return err
		}
		defer auth[t.ARS].close()
	}
	drop, err := newMailDrop(tenants)
	if err != nil {
		return err
	}
	defer drop.close()
	admin := &simAdmin{world: w, auth: auth, mail: drop, paid: map[string][]string{}}
	srv := httptest.NewServer(admin.routes())
	defer srv.Close()
	info := simInfo{Admin: srv.URL, IdPMetadata: w.IdP.URL + "/idp/metadata", IdPEntityID: w.IdP.EntityID,
		Payment: map[string]string{}, FITConnect: w.FIT.URL, Mail: drop.Addr(), State: state}
	for ars, p := range w.Pay {
		info.Payment[ars] = p.URL
	}
	if err := json.NewEncoder(out).Encode(info); err != nil {
		return err
	}
	// The authorities accept their submissions every 50 ms.
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
			for _, a := range auth {
				if _, err := a.poll(ctx); err != nil && ctx.Err() == nil {
					fmt.Fprintln(os.Stderr, "simulators: authority poll:", err)
				}
			}
		}
	}
}

// announced is how many submissions the Zustelldienst saw announced to
// the tenant's destinations.
func (w *world) announced(ars string) int {
	n := 0
	for dest := range w.inboxes(ars) {
		n += w.FIT.SubmissionsTo(dest)
	}
	return n
}

// simAdmin is the control API the test (the citizens' side) uses.
type simAdmin struct {
	world *world
	auth  map[string]*authority
	mail  *mailDrop

	mu   sync.Mutex
	paid map[string][]string // by ARS
}

func (a *simAdmin) routes() http.Handler {
	mux := http.NewServeMux()
	// POST /sp: register the portal's SAML metadata (every instance
	// registers the same).
	mux.HandleFunc("POST /sp", func(w http.ResponseWriter, r *http.Request) {
		md, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err == nil {
			err = a.world.IdP.RegisterSP(md)
		}
		reply(w, err)
	})
	// POST /user?given=&mail=&bpk2=: who logs in next.
	mux.HandleFunc("POST /user", func(w http.ResponseWriter, r *http.Request) {
		a.world.IdP.SetUser(citizenOf(r.FormValue("given"), r.FormValue("mail"), r.FormValue("bpk2")))
		reply(w, nil)
	})
	// POST /pay?ars=&tx=: the citizen pays on the pay page.
	mux.HandleFunc("POST /pay", func(w http.ResponseWriter, r *http.Request) {
		ars, tx := r.FormValue("ars"), r.FormValue("tx")
		p, ok := a.world.Pay[ars]
		if !ok {
			reply(w, errors.New("unknown tenant"))
			return
		}
		err := p.Pay(tx)
		if err == nil {
			a.mu.Lock()
			a.paid[ars] = append(a.paid[ars], tx)
			a.mu.Unlock()
		}
		reply(w, err)
	})
	mux.HandleFunc("GET /records", func(w http.ResponseWriter, _ *http.Request) {
		rec := simRecords{Tenants: map[string]*tenantRecords{}}
		a.mu.Lock()
		defer a.mu.Unlock()
		for ars, p := range a.world.Pay {
			rec.Tenants[ars] = &tenantRecords{Transactions: p.TransactionIDs(), Paid: append([]string(nil), a.paid[ars]...),
				Creates: p.Calls("create"), Announced: a.world.announced(ars), Received: a.auth[ars].Received(),
				Notices: a.mail.notices(ars)}
		}
		rec.StrayNotices = a.mail.strays()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(rec)
	})
	// GET /notice?app=: 204 once a notice naming the application
	// arrived, else 404 (cheap; the load test asks often).
	mux.HandleFunc("GET /notice", func(w http.ResponseWriter, r *http.Request) {
		if a.mail.has(r.FormValue("app")) {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.WriteHeader(http.StatusNotFound)
	})
	return mux
}

func reply(w http.ResponseWriter, err error) {
	if err != nil {
		http.Error(w, err.Error(), http.StatusConflict)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// writeKeys stores the shared keys as PEM (private key, then
// certificate): saml-signing, saml-encryption, tenant-<ARS>.
func writeKeys(dir string, k *Keys) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	write := func(name string, kp *signature.KeyPair) error {
		der, err := x509.MarshalPKCS8PrivateKey(kp.Signer)
		if err != nil {
			return err
		}
		data := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
		data = append(data, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: kp.Certificate.Raw})...)
		return os.WriteFile(filepath.Join(dir, name+".pem"), data, 0o600)
	}
	if err := write("saml-signing", k.SAMLSigning); err != nil {
		return err
	}
	if err := write("saml-encryption", k.SAMLEncryption); err != nil {
		return err
	}
	for ars, kp := range k.Tenants {
		if err := write("tenant-"+ars, kp); err != nil {
			return err
		}
	}
	return nil
}

// readKeys loads what writeKeys stored (signature.LoadPEM).
func readKeys(dir string, tenants []Tenant) (*Keys, error) {
	read := func(name string) (*signature.KeyPair, error) {
		data, err := os.ReadFile(filepath.Join(dir, name+".pem"))
		if err != nil {
			return nil, err
		}
		i := strings.Index(string(data), "-----BEGIN CERTIFICATE-----")
		if i < 0 {
			return nil, fmt.Errorf("%w: %s has no certificate", ErrInvalidConfig, name)
		}
		return signature.LoadPEM(data[:i], data[i:])
	}
	k := &Keys{Tenants: map[string]*signature.KeyPair{}}
	var err error
	if k.SAMLSigning, err = read("saml-signing"); err != nil {
		return nil, err
	}
	if k.SAMLEncryption, err = read("saml-encryption"); err != nil {
		return nil, err
	}
	for _, t := range tenants {
		if k.Tenants[t.ARS], err = read("tenant-" + t.ARS); err != nil {
			return nil, err
		}
	}
	return k, nil
}
