package signaturetest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"sync"
	"time"

	"github.com/egosaar/ozg/signature"
	"software.sslmate.com/src/go-pkcs12"
)

// KeyType selects the key algorithm and size.
type KeyType int

const (
	// RSA2048 is a 2048-bit RSA key (the zero value of Options.Key means
	// RSA2048 as well).
	RSA2048 KeyType = iota + 1
	// RSA3072 is a 3072-bit RSA key.
	RSA3072
	// P256 is an ECDSA key on NIST P-256.
	P256
	// P384 is an ECDSA key on NIST P-384.
	P384
	// P521 is an ECDSA key on NIST P-521.
	P521
	// RSA4096 is a 4096-bit RSA key (FIT-Connect requires 4096 bits; slow
	// to generate, pooled like the other RSA sizes).
	RSA4096
	// RSA1024 is a deliberately weak 1024-bit RSA key for negative tests.
	RSA1024
)

// PoolSize is the number of distinct RSA keys kept per size.
const PoolSize = 16

type rsaPool struct {
	mu   sync.Mutex
	keys []*rsa.PrivateKey
	next int
}

var pools sync.Map // int bits → *rsaPool

func pooledRSA(bits int) (*rsa.PrivateKey, error) {
	v, _ := pools.LoadOrStore(bits, &rsaPool{})
	p := v.(*rsaPool)
	p.mu.Lock()
	defer p.mu.Unlock()
	i := p.next % PoolSize
	p.next++
	if i < len(p.keys) {
		return p.keys[i], nil
	}
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		return nil, err
	}
	p.keys = append(p.keys, k)
	return k, nil
}

// NewKey returns a private key of type kt (pooled for RSA unless unique).
func NewKey(kt KeyType, unique bool) (crypto.Signer, error) {
	rsaKey := func(bits int) (crypto.Signer, error) {
		if unique {
			return rsa.GenerateKey(rand.Reader, bits)
		}
		return pooledRSA(bits)
	}
	switch kt {
	case 0, RSA2048:
		return rsaKey(2048)
	case RSA3072:
		return rsaKey(3072)
	case RSA4096:
		return rsaKey(4096)
	case RSA1024:
		return rsaKey(1024) //nolint:gosec // deliberately weak, for negative tests
	case P256:
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case P384:
		return ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	case P521:
		return ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	}
	return nil, fmt.Errorf("%w: unknown key type %d", ErrInvalidConfig, int(kt))
}

// CA is a test certificate authority.
type CA struct {
	// Certificate is the CA certificate.
	Certificate *x509.Certificate
	// Key is the CA's private key.
	Key crypto.Signer
	// SignatureAlgorithm signs the certificates this CA issues from now on
	// (e.g. x509.SHA512WithRSAPSS as the Verwaltungs-PKI and FIT-Connect
	// use); zero lets crypto/x509 choose (SHA-256 with the key's scheme).
	SignatureAlgorithm x509.SignatureAlgorithm

	keyType KeyType
	parents []*x509.Certificate // issuers of Certificate toward the root
}

// Options describe a certificate to issue.
type Options struct {
	// CommonName is the subject CN; "" means "Test Leaf".
	CommonName string
	// Key is the key type; zero means RSA2048.
	Key KeyType
	// NotBefore; zero means time.Now minus one hour.
	NotBefore time.Time
	// NotAfter; zero means NotBefore plus one year.
	NotAfter time.Time
	// ExtKeyUsage; nil means none (certificates without EKU, as common for
	// document signing).
	ExtKeyUsage []x509.ExtKeyUsage
	// KeyUsage; zero means digitalSignature | contentCommitment (and
	// keyEncipherment for RSA keys).
	KeyUsage x509.KeyUsage
	// NoKeyUsage omits the key usage extension (as many self-signed SAML
	// metadata certificates do); KeyUsage is ignored then.
	NoKeyUsage bool
	// UniqueKey forces a freshly generated key instead of a pooled one.
	// Pooled RSA keys repeat after PoolSize draws in the process, which
	// tests running in parallel reach: a key that must differ from
	// another one (the "other key" of a negative test) is unique.
	UniqueKey bool
	// Signer uses this key instead of generating one (e.g. to issue a
	// second certificate for the same key, or for an HSM test double).
	Signer crypto.Signer
	// OCSPServer is written into the Authority Information Access
	// extension (e.g. an [OCSPResponder]'s URL).
	OCSPServer []string
}

func serial() (*big.Int, error) {
	return rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
}

// NewCA creates a self-signed root CA valid from one hour ago for ten
// years.
func NewCA(cn string, kt KeyType) (*CA, error) {
	key, err := NewKey(kt, false)
	if err != nil {
		return nil, invalidConfig(err)
	}
	ca, err := newCA(cn, kt, key, nil)
	if err != nil {
		return nil, invalidConfig(err)
	}
	return ca, nil
}

func newCA(cn string, kt KeyType, key crypto.Signer, parent *CA) (*CA, error) {
	sn, err := serial()
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          sn,
		Subject:               pkix.Name{CommonName: cn, Organization: []string{"ozg signaturetest"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	issuer, issuerKey := tmpl, key
	var parents []*x509.Certificate
	if parent != nil {
		issuer, issuerKey = parent.Certificate, parent.Key
		parents = append([]*x509.Certificate{parent.Certificate}, parent.parents...)
		tmpl.SignatureAlgorithm = parent.SignatureAlgorithm
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, issuer, key.Public(), issuerKey)
	if err != nil {
		return nil, fmt.Errorf("signaturetest: create CA: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &CA{Certificate: cert, Key: key, keyType: kt, parents: parents}, nil
}

// NewIntermediate creates an intermediate CA signed by ca, with the same
// key type.
func (ca *CA) NewIntermediate(cn string) (*CA, error) {
	key, err := NewKey(ca.keyType, false)
	if err != nil {
		return nil, err
	}
	inter, err := newCA(cn, ca.keyType, key, ca)
	if err != nil {
		return nil, err
	}
	inter.SignatureAlgorithm = ca.SignatureAlgorithm
	return inter, nil
}

// Chain returns the CA's certificate followed by its issuers up to and
// excluding the root (empty for a root); it is the chain of a leaf it
// issues.
func (ca *CA) Chain() []*x509.Certificate {
	if len(ca.parents) == 0 {
		return nil
	}
	// The root is the last parent; exclude it.
	out := append([]*x509.Certificate{ca.Certificate}, ca.parents[:len(ca.parents)-1]...)
	return out
}

// Issue creates a leaf key pair certified by ca. Its Chain holds the
// intermediates between the leaf and the root (root excluded).
func (ca *CA) Issue(opts Options) (*signature.KeyPair, error) {
	key, err := optsKey(opts)
	if err != nil {
		return nil, err
	}
	tmpl, err := leafTemplate(opts, key)
	if err != nil {
		return nil, err
	}
	tmpl.SignatureAlgorithm = ca.SignatureAlgorithm
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Certificate, key.Public(), ca.Key)
	if err != nil {
		return nil, fmt.Errorf("signaturetest: issue: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	var chain []*x509.Certificate
	if len(ca.parents) > 0 {
		chain = ca.Chain()
	}
	return signature.NewKeyPair(key, cert, chain...)
}

// SelfSigned creates a self-signed leaf key pair (no CA flag), the usual
// shape of SAML metadata and pinned certificates.
func SelfSigned(opts Options) (*signature.KeyPair, error) {
	key, err := optsKey(opts)
	if err != nil {
		return nil, err
	}
	tmpl, err := leafTemplate(opts, key)
	if err != nil {
		return nil, err
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("signaturetest: self-signed: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return signature.NewKeyPair(key, cert)
}

func optsKey(opts Options) (crypto.Signer, error) {
	if opts.Signer != nil {
		return opts.Signer, nil
	}
	return NewKey(opts.Key, opts.UniqueKey)
}

func leafTemplate(opts Options, key crypto.Signer) (*x509.Certificate, error) {
	sn, err := serial()
	if err != nil {
		return nil, err
	}
	cn := opts.CommonName
	if cn == "" {
		cn = "Test Leaf"
	}
	nb := opts.NotBefore
	if nb.IsZero() {
		nb = time.Now().Add(-time.Hour)
	}
	na := opts.NotAfter
	if na.IsZero() {
		na = nb.AddDate(1, 0, 0)
	}
	ku := opts.KeyUsage
	if ku == 0 {
		ku = x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment
		if _, ok := key.Public().(*rsa.PublicKey); ok {
			ku |= x509.KeyUsageKeyEncipherment
		}
	}
	if opts.NoKeyUsage {
		ku = 0 // crypto/x509 omits the extension
	}
	return &x509.Certificate{
		SerialNumber:          sn,
		Subject:               pkix.Name{CommonName: cn, Organization: []string{"ozg signaturetest"}},
		NotBefore:             nb,
		NotAfter:              na,
		KeyUsage:              ku,
		ExtKeyUsage:           opts.ExtKeyUsage,
		OCSPServer:            opts.OCSPServer,
		BasicConstraintsValid: true,
	}, nil
}

// EncodePKCS12 encodes kp (software key required) as PKCS#12 with the
// modern OpenSSL 3 profile (PBES2, AES-256-CBC, SHA-256 MAC).
func EncodePKCS12(kp *signature.KeyPair, password string) ([]byte, error) {
	if kp == nil || kp.Signer == nil || kp.Certificate == nil {
		return nil, fmt.Errorf("signaturetest: incomplete key pair: %w", signature.ErrInvalidKey)
	}
	return pkcs12.Modern.Encode(kp.Signer, kp.Certificate, kp.Chain, password)
}

// EncodePEM returns the PKCS#8 private key and the certificates (leaf
// first, then the chain) as PEM.
func EncodePEM(kp *signature.KeyPair) (keyPEM, certPEM []byte, err error) {
	if kp == nil || kp.Signer == nil || kp.Certificate == nil {
		return nil, nil, fmt.Errorf("signaturetest: incomplete key pair: %w", signature.ErrInvalidKey)
	}
	der, err := x509.MarshalPKCS8PrivateKey(kp.Signer)
	if err != nil {
		return nil, nil, fmt.Errorf("signaturetest: marshal key: %w", err)
	}
	keyPEM = pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	for _, c := range kp.Certificates() {
		certPEM = append(certPEM, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	return keyPEM, certPEM, nil
}

// CertificatePEM encodes certificates as PEM.
func CertificatePEM(certs ...*x509.Certificate) []byte {
	var out []byte
	for _, c := range certs {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	return out
}
