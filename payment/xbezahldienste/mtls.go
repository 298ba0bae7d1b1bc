package xbezahldienste

import (
	"crypto/tls"
	"fmt"

	"github.com/egosaar/ozg/signature"
)

// LoadClientCertificate loads an mTLS client certificate from PKCS#12
// (.p12/.pfx, as ePayBL konnektor installations hand them out) through
// signature.LoadPKCS12. The password is not kept.
func LoadClientCertificate(p12 []byte, password string) (tls.Certificate, error) {
	kp, err := signature.LoadPKCS12(p12, password)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("xbezahldienste: client certificate: %w", err)
	}
	return kp.TLSCertificate(), nil
}

// LoadClientCertificatePEM loads an mTLS client certificate from a PEM
// private key and certificate chain through signature.LoadPEM.
func LoadClientCertificatePEM(keyPEM, certPEM []byte) (tls.Certificate, error) {
	kp, err := signature.LoadPEM(keyPEM, certPEM)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("xbezahldienste: client certificate: %w", err)
	}
	return kp.TLSCertificate(), nil
}
