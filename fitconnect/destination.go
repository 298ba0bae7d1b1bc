package fitconnect

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"

	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/egosaar/ozg/signature/jose"
)

// Destination is the public information of a destination (Zustellpunkt).
type Destination struct {
	// DestinationID is the destination's UUID.
	DestinationID string
	// Status is "active" when it accepts submissions.
	Status string
	// EncryptionKeyID is the kid of its current encryption key.
	EncryptionKeyID string
	// MetadataVersions are the metadata schema versions it accepts.
	MetadataVersions []string
	// Services are the public services it offers.
	Services []DestinationService
}

// DestinationService is one service a destination offers.
type DestinationService struct {
	// Identifier is the service URN (urn:de:fim:leika:leistung:…).
	Identifier string
	// SubmissionSchemas are the data schemas accepted for it.
	SubmissionSchemas []SchemaRef
	// Regions are the regional keys it serves (v2).
	Regions []string
}

// SchemaRef names a data (Fachdaten) schema.
type SchemaRef struct {
	SchemaURI string `json:"schemaUri"`
	MimeType  string `json:"mimeType"`
}

// wireDestination covers v1 (services) and v2 (publicServices).
type wireDestination struct {
	DestinationID    string        `json:"destinationId"`
	Status           string        `json:"status"`
	EncryptionKid    string        `json:"encryptionKid"`
	MetadataVersions []string      `json:"metadataVersions"`
	Services         []wireService `json:"services"`
	PublicServices   []wireService `json:"publicServices"`
}

type wireService struct {
	Identifier        string      `json:"identifier"`
	SubmissionSchemas []SchemaRef `json:"submissionSchemas"`
	Regions           []string    `json:"regions"`
}

// Destination fetches a destination's public information.
func (c *Client) Destination(ctx context.Context, destinationID string) (*Destination, error) {
	if !isUUID(destinationID) {
		return nil, fmt.Errorf("%w: destination ID is not a UUID", ErrDestination)
	}
	var w wireDestination
	if err := c.getJSON(ctx, c.prefix+"/destinations/"+destinationID, true, &w); err != nil {
		return nil, err
	}
	if w.DestinationID != destinationID {
		return nil, fmt.Errorf("%w: destination answer names another destination", ErrMalformedResponse)
	}
	d := &Destination{DestinationID: w.DestinationID, Status: w.Status, EncryptionKeyID: w.EncryptionKid, MetadataVersions: w.MetadataVersions}
	for _, s := range append(w.Services, w.PublicServices...) {
		d.Services = append(d.Services, DestinationService(s))
	}
	return d, nil
}

// service returns the offered service with identifier, or nil.
func (d *Destination) service(identifier string) *DestinationService {
	for i := range d.Services {
		if d.Services[i].Identifier == identifier {
			return &d.Services[i]
		}
	}
	return nil
}

// destinationKey fetches key kid of a destination and validates it for
// use (jose.FITConnectEncryptionKeyPolicy or
// jose.FITConnectSignatureKeyPolicy): RSA ≥ 4096 bit, e = AQAB, alg,
// key_ops, and the full x5c chain to the TrustStore's anchors (with its
// revocation hook) — or, with InsecureTestKeys, a self-signed x5c leaf.
func (c *Client) destinationKey(ctx context.Context, destinationID, kid string, p jose.JWKPolicy) (jwk.Key, error) {
	if kid == "" || len(kid) > 256 {
		return nil, fmt.Errorf("%w: missing or oversize key ID", ErrUntrustedKey)
	}
	var raw json.RawMessage
	if err := c.getJSON(ctx, c.prefix+"/destinations/"+destinationID+"/keys/"+url.PathEscape(kid), true, &raw); err != nil {
		return nil, err
	}
	key, err := jwk.ParseKey(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: not a JWK", ErrUntrustedKey)
	}
	if key.KeyID() != kid {
		return nil, fmt.Errorf("%w: JWK kid differs from the requested one", ErrUntrustedKey)
	}
	if err := c.checkKey(ctx, key, p); err != nil {
		return nil, err
	}
	return key, nil
}

func (c *Client) checkKey(ctx context.Context, key jwk.Key, p jose.JWKPolicy) error {
	if c.cfg.TrustStore != nil {
		if _, err := jose.VerifyJWK(ctx, key, c.cfg.TrustStore, p); err != nil {
			return fmt.Errorf("%w: %w", ErrUntrustedKey, err)
		}
		return nil
	}
	// InsecureTestKeys: the key rules without the chain.
	if isPriv, err := jwk.IsPrivateKey(key); err != nil || isPriv {
		return fmt.Errorf("%w: not a public key", ErrUntrustedKey)
	}
	var pub rsa.PublicKey
	if err := key.Raw(&pub); err != nil {
		return fmt.Errorf("%w: not an RSA key", ErrUntrustedKey)
	}
	if err := checkRSA4096(&pub); err != nil {
		return fmt.Errorf("%w: %w", ErrUntrustedKey, err)
	}
	if key.Algorithm().String() != p.Algorithm {
		return fmt.Errorf("%w: alg must be %s", ErrUntrustedKey, p.Algorithm)
	}
	if ops := key.KeyOps(); len(ops) > 0 && !slices.Contains(ops, jwk.KeyOperation(p.KeyOp)) {
		return fmt.Errorf("%w: key_ops does not permit %s", ErrUntrustedKey, p.KeyOp)
	}
	chain := key.X509CertChain()
	if chain == nil || chain.Len() == 0 {
		return fmt.Errorf("%w: JWK has no x5c", ErrUntrustedKey)
	}
	b, _ := chain.Get(0)
	der, err := base64.StdEncoding.DecodeString(string(b))
	if err != nil {
		return fmt.Errorf("%w: x5c entry is not base64", ErrUntrustedKey)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil || !pub.Equal(leaf.PublicKey) {
		return fmt.Errorf("%w: x5c leaf does not certify the JWK key", ErrUntrustedKey)
	}
	return nil
}

func checkRSA4096(pub crypto.PublicKey) error {
	k, ok := pub.(*rsa.PublicKey)
	if !ok || k.N.BitLen() < 4096 || k.E != 65537 {
		return errNotRSA4096
	}
	return nil
}
