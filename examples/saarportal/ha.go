package main

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/signaturetest"
)

// HaConfig is how instances of the portal share the work after the
// citizen's action. The zero value is one instance's defaults.
type HaConfig struct {
	// Instance names this process in the leases it takes (logs and
	// operators only; every claim adds a random token). Default: host
	// name and process ID.
	Instance string
	// Lease is how long a claimed application is this instance's alone;
	// another instance takes over after it (a crash). A FIT-Connect send
	// may use half of it. Default 30 s: long above a send, short enough
	// that a crash delays a citizen's application by seconds.
	Lease time.Duration
	// ResumeEvery is how often the resumer looks for due work and how
	// soon it looks again at a submission waiting for its receipt.
	// Default 1 s.
	ResumeEvery time.Duration
	// PaymentPoll is when the resumer first pulls an unpaid fee's status
	// itself (the citizen normally comes back from the pay page first);
	// later polls back off to a minute. Default 30 s.
	PaymentPoll time.Duration
	// RescueAfter is how soon a notice whose delivery was running in a
	// crashed instance is delivered again (notify.Config.RescueAfter;
	// each attempt is bounded by a quarter of it). Default notify's (1 h,
	// attempts 15 s).
	RescueAfter time.Duration
	// Keys are the deployment's keys. Nil: generated at start — fine for
	// one instance, but instances behind one entity ID must share them.
	Keys *Keys
}

// Keys are the key pairs every instance of the portal must share: the
// SAML service provider's (one entity ID at the BundID) and each tenant's
// XÖV signing key (pinned by its authority). A deployment loads them from
// its secret store (signature.LoadPKCS12, signature.LoadPEM, or an HSM
// signer); the demo generates them (GenerateKeys).
type Keys struct {
	SAMLSigning, SAMLEncryption *signature.KeyPair
	// Tenants are the XÖV signing keys by ARS.
	Tenants map[string]*signature.KeyPair
}

// GenerateKeys makes throw-away keys for the tenants (demo and tests).
func GenerateKeys(tenants []Tenant) (*Keys, error) {
	k := &Keys{Tenants: map[string]*signature.KeyPair{}}
	var err error
	if k.SAMLSigning, err = signaturetest.SelfSigned(signaturetest.Options{CommonName: "Saarland-Portal SAML-Signatur", UniqueKey: true}); err != nil {
		return nil, err
	}
	if k.SAMLEncryption, err = signaturetest.SelfSigned(signaturetest.Options{CommonName: "Saarland-Portal SAML-Verschlüsselung", UniqueKey: true}); err != nil {
		return nil, err
	}
	for _, t := range tenants {
		if k.Tenants[t.ARS], err = signaturetest.SelfSigned(signaturetest.Options{CommonName: t.Name + " – XÖV-Signatur", UniqueKey: true}); err != nil {
			return nil, err
		}
	}
	return k, nil
}

func (h *HaConfig) defaults(tenants []Tenant) error {
	if h.Instance == "" {
		host, _ := os.Hostname()
		h.Instance = host + "-" + strconv.Itoa(os.Getpid())
	}
	if h.Lease == 0 {
		h.Lease = 30 * time.Second
	}
	if h.ResumeEvery == 0 {
		h.ResumeEvery = time.Second
	}
	if h.PaymentPoll == 0 {
		h.PaymentPoll = 30 * time.Second
	}
	if h.Lease < 0 || h.ResumeEvery < 0 || h.PaymentPoll < 0 || h.RescueAfter < 0 {
		return fmt.Errorf("%w: negative lease, interval or rescue time", ErrInvalidConfig)
	}
	if h.Keys == nil {
		var err error
		if h.Keys, err = GenerateKeys(tenants); err != nil {
			return err
		}
	}
	if h.Keys.SAMLSigning == nil || h.Keys.SAMLEncryption == nil {
		return fmt.Errorf("%w: SAML keys missing", ErrInvalidConfig)
	}
	return nil
}
