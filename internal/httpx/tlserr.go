package httpx

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
)

// IsCertificateError reports whether err comes from verifying the server's
// certificate during the TLS handshake: an unknown authority, a host name
// that does not match, an expired or otherwise invalid certificate, or a
// failed custom VerifyPeerCertificate/VerifyConnection check. Such errors
// are permanent: repeating the request meets the same certificate, and a
// create must not be re-sent because of them. Retryable never retries them;
// clients report them as their package's typed certificate error.
func IsCertificateError(err error) bool {
	if err == nil {
		return false
	}
	var (
		verr *tls.CertificateVerificationError
		uerr x509.UnknownAuthorityError
		herr x509.HostnameError
		cerr x509.CertificateInvalidError
		aerr tls.AlertError
	)
	switch {
	case errors.As(err, &verr), errors.As(err, &uerr), errors.As(err, &herr), errors.As(err, &cerr):
		return true
	case errors.As(err, &aerr):
		// The peer refused our client certificate (mutual TLS) or our
		// handshake parameters: also permanent for this configuration.
		switch aerr {
		case 42, 43, 44, 45, 46, 48, 49, 116: // bad/unsupported/revoked/expired/unknown certificate, unknown CA, access denied, certificate required (RFC 8446 §6.2)
			return true
		}
	}
	return false
}
