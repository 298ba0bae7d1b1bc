package saml

import (
	"bytes"
	"compress/flate"
	"crypto"
	"encoding/base64"
	"net/url"

	"github.com/egosaar/ozg/signature"
)

// encodeRedirect builds the query of the HTTP-Redirect binding (bindings
// §3.4.4.1): DEFLATE (RFC 1951) + base64 of the message, RelayState, SigAlg,
// and the signature over the exact octets
// "SAMLRequest=…&RelayState=…&SigAlg=…".
func encodeRedirect(param string, xml []byte, relayState string, signer crypto.Signer, sigAlg string, m signature.Method) (string, error) {
	var buf bytes.Buffer
	fw, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		return "", err
	}
	if _, err := fw.Write(xml); err != nil {
		return "", err
	}
	if err := fw.Close(); err != nil {
		return "", err
	}
	q := param + "=" + url.QueryEscape(base64.StdEncoding.EncodeToString(buf.Bytes()))
	if relayState != "" {
		q += "&RelayState=" + url.QueryEscape(relayState)
	}
	q += "&SigAlg=" + url.QueryEscape(sigAlg)
	sig, err := signature.Sign(signer, m, []byte(q))
	if err != nil {
		return "", err
	}
	return q + "&Signature=" + url.QueryEscape(base64.StdEncoding.EncodeToString(sig)), nil
}
