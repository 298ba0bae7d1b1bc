package fitconnecttest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"math/big"
	"time"

	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/jose"
)

// faultyKey returns the encryption JWK a key fault serves.
func (s *Sim) faultyKey(d *destination, f Fault) (json.RawMessage, error) {
	switch f {
	case FaultSelfSignedKey:
		k, err := loadKey("weak-untrusted")
		if err != nil {
			return nil, err
		}
		return k.jwkJSON(d.encKid, jose.RSAOAEP256, "wrapKey")
	case FaultWeakKey:
		priv, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, err
		}
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "weak"},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
		if err != nil {
			return nil, err
		}
		cert, _ := x509.ParseCertificate(der)
		kp, err := signature.NewKeyPair(priv, cert)
		if err != nil {
			return nil, err
		}
		return (&testKey{kp: kp, priv: priv}).jwkJSON(d.encKid, jose.RSAOAEP256, "wrapKey")
	case FaultKeyWrongAlg:
		return d.enc.jwkJSON(d.encKid, jose.PS512, "wrapKey")
	}
	// FaultKeyMismatch: the encryption key's members with the signature
	// key's certificate chain.
	var enc, sig map[string]any
	if err := json.Unmarshal(d.encJWK, &enc); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(d.sigJWK, &sig); err != nil {
		return nil, err
	}
	enc["x5c"] = sig["x5c"]
	return json.Marshal(enc)
}
