package jose

import (
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"unsafe"

	"github.com/lestrrat-go/jwx/v2/jwk"

	"github.com/egosaar/ozg/signature"
)

// JWE algorithm names (RFC 7518 §4.3, §5.3).
const (
	RSAOAEP256 = "RSA-OAEP-256"
	A128GCM    = "A128GCM"
	A192GCM    = "A192GCM"
	A256GCM    = "A256GCM"
)

// FITConnectMinRSABits is the key size FIT-Connect requires for
// destination encryption keys ("Vorgaben für kryptographische Verfahren":
// 4096-bit RSA).
const FITConnectMinRSABits = 4096

// DefaultMaxJWEBytes bounds a compact JWE when a config leaves it zero
// (FIT-Connect Fachdaten are limited to about 10 MB; attachments may be
// larger, raise the limit for them).
const DefaultMaxJWEBytes = 64 << 20

// maxJWEHeaderBytes bounds the encoded protected header.
const maxJWEHeaderBytes = 8 << 10

const gcmIVSize, gcmTagSize = 12, 16

// EncryptOptions are per-message JWE options.
type EncryptOptions struct {
	// ContentType (cty), e.g. "application/json" for FIT-Connect metadata
	// and data; FIT-Connect rejects metadata and data JWEs without it.
	ContentType string
	// KeyID (kid); "" means the recipient JWK's kid, else none.
	KeyID string
	// ContentEncryption (enc); "" means A256GCM (FIT-Connect).
	ContentEncryption string
	// MinRSABits; zero means [FITConnectMinRSABits] (4096). Set 2048 or
	// more to encrypt for other recipients.
	MinRSABits int
}

// JWE is an encrypted message in the parts of the compact serialization
// (RFC 7516 §7.1). It is written out with [JWE.WriteTo] or read as a
// request body with [JWE.Reader] without building the compact string, so
// a large attachment exists once as ciphertext and is base64url-encoded
// while it is sent.
type JWE struct {
	header     string // base64url of the protected header (the AAD)
	encKey     []byte
	iv         []byte
	ciphertext []byte
	tag        []byte
}

// Encrypt returns the compact JWE (RFC 7516 §7.1) of payload for
// recipient (a *rsa.PublicKey or an RSA jwk.Key) with RSA-OAEP-256 key
// encryption and A256GCM content encryption, without compression. A JWK
// whose alg is set must say RSA-OAEP-256 and whose key_ops is set must
// permit wrapKey or encrypt. Validate a counterpart's JWK with [VerifyJWK]
// first. payload is not modified; use [EncryptInPlace] for large payloads.
func Encrypt(payload []byte, recipient any, opts EncryptOptions) (string, error) {
	j, err := EncryptInPlace(slices.Grow(slices.Clip(payload), gcmTagSize), recipient, opts)
	if err != nil {
		return "", err
	}
	return j.String(), nil
}

// EncryptInPlace encrypts payload like [Encrypt] but overwrites payload
// with the ciphertext instead of copying it: afterwards payload's bytes
// are ciphertext and must not be used as plaintext. When cap(payload) is
// at least len(payload)+16 the authentication tag fits as well and no
// buffer of the payload's size is allocated.
func EncryptInPlace(payload []byte, recipient any, opts EncryptOptions) (*JWE, error) {
	pub, kid, err := recipientKey(recipient, opts)
	if err != nil {
		return nil, err
	}
	enc := opts.ContentEncryption
	if enc == "" {
		enc = A256GCM
	}
	keyLen, ok := gcmKeyLen(enc)
	if !ok {
		return nil, &signature.AlgorithmError{URI: enc}
	}
	hdr, err := json.Marshal(jweHeader{Alg: RSAOAEP256, Enc: enc, Kid: kid, Cty: opts.ContentType})
	if err != nil {
		return nil, fmt.Errorf("jose: encrypt: %w", err)
	}
	cek := make([]byte, keyLen)
	iv := make([]byte, gcmIVSize)
	rand.Read(cek)
	rand.Read(iv)
	encKey, err := rsa.EncryptOAEP(sha256.New(), rand.Reader, pub, cek, nil)
	if err != nil {
		return nil, fmt.Errorf("jose: encrypt: wrap key: %w", err)
	}
	gcm, err := newGCM(cek)
	if err != nil {
		return nil, err
	}
	j := &JWE{header: b64.EncodeToString(hdr), encKey: encKey, iv: iv}
	sealed := gcm.Seal(payload[:0], iv, payload, []byte(j.header))
	n := len(sealed) - gcmTagSize
	j.ciphertext, j.tag = sealed[:n:n], sealed[n:]
	return j, nil
}

type jweHeader struct {
	Alg string `json:"alg"`
	Enc string `json:"enc"`
	Kid string `json:"kid,omitempty"`
	Cty string `json:"cty,omitempty"`
}

func recipientKey(recipient any, opts EncryptOptions) (*rsa.PublicKey, string, error) {
	kid := opts.KeyID
	if k, ok := recipient.(jwk.Key); ok {
		if a := k.Algorithm().String(); a != "" && a != RSAOAEP256 {
			return nil, "", &signature.AlgorithmError{URI: a}
		}
		if ops := k.KeyOps(); len(ops) > 0 && !slices.Contains(ops, jwk.KeyOpWrapKey) && !slices.Contains(ops, jwk.KeyOpEncrypt) {
			return nil, "", &signature.KeyError{Op: "encrypt", Err: signature.ErrInvalidKey, Detail: "key_ops does not permit wrapKey"}
		}
		if kid == "" {
			kid = k.KeyID()
		}
	}
	raw, err := rawPublicKey(recipient)
	if err != nil {
		return nil, "", err
	}
	pub, ok := raw.(*rsa.PublicKey)
	if !ok {
		return nil, "", &signature.KeyError{Op: "encrypt", Err: signature.ErrInvalidKey, Detail: "RSA key required"}
	}
	minBits := opts.MinRSABits
	if minBits == 0 {
		minBits = FITConnectMinRSABits
	}
	if err := (signature.Policy{MinRSABits: minBits}).CheckPublicKey(pub); err != nil {
		return nil, "", err
	}
	return pub, kid, nil
}

func gcmKeyLen(enc string) (int, bool) {
	switch enc {
	case A128GCM:
		return 16, true
	case A192GCM:
		return 24, true
	case A256GCM:
		return 32, true
	}
	return 0, false
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("jose: content key: %w", err)
	}
	return cipher.NewGCM(block)
}

// AuthenticationTag returns the fifth compact segment (base64url), which
// FIT-Connect's accept-submission event lists per part ("SET Erzeugung",
// authenticationTags).
func (j *JWE) AuthenticationTag() string { return b64.EncodeToString(j.tag) }

// Len returns the length of the compact serialization in bytes.
func (j *JWE) Len() int64 {
	return int64(len(j.header)) + 4 + int64(b64.EncodedLen(len(j.encKey))+b64.EncodedLen(len(j.iv))+
		b64.EncodedLen(len(j.ciphertext))+b64.EncodedLen(len(j.tag)))
}

// String returns the compact serialization. The ciphertext is encoded
// straight into the string's memory.
func (j *JWE) String() string {
	buf := make([]byte, j.Len())
	n := copy(buf, j.prefix())
	b64.Encode(buf[n:], j.ciphertext)
	n += b64.EncodedLen(len(j.ciphertext))
	n += copy(buf[n:], ".")
	b64.Encode(buf[n:], j.tag)
	return unsafe.String(unsafe.SliceData(buf), len(buf))
}

func (j *JWE) prefix() string {
	return j.header + "." + b64.EncodeToString(j.encKey) + "." + b64.EncodeToString(j.iv) + "."
}

// WriteTo writes the compact serialization to w, encoding the ciphertext
// in bounded chunks.
func (j *JWE) WriteTo(w io.Writer) (int64, error) {
	return io.Copy(w, j.Reader())
}

// Reader returns a reader of the compact serialization (e.g. as an HTTP
// request body with ContentLength [JWE.Len]); each call starts anew.
func (j *JWE) Reader() io.Reader {
	return io.MultiReader(strings.NewReader(j.prefix()), &b64Reader{src: j.ciphertext},
		strings.NewReader("."+j.AuthenticationTag()))
}

// b64Chunk is the number of ciphertext bytes b64Reader encodes at a time
// (a multiple of 3, so chunks concatenate without padding).
const b64Chunk = 3 * 16 << 10

// b64Reader encodes src as unpadded base64url in chunks of b64Chunk bytes.
type b64Reader struct {
	src []byte
	buf []byte
	out []byte
}

func (r *b64Reader) Read(p []byte) (int, error) {
	if len(r.out) == 0 {
		if len(r.src) == 0 {
			return 0, io.EOF
		}
		n := min(len(r.src), b64Chunk)
		if r.buf == nil {
			r.buf = make([]byte, b64.EncodedLen(b64Chunk))
		}
		m := b64.EncodedLen(n)
		b64.Encode(r.buf[:m], r.src[:n])
		r.src, r.out = r.src[n:], r.buf[:m]
	}
	n := copy(p, r.out)
	r.out = r.out[n:]
	return n, nil
}

// DecryptionKey is one private key of a [Decrypter].
type DecryptionKey struct {
	// KeyID is the key's kid. A JWE carrying a kid is decrypted only with
	// the key of that kid; a JWE without kid is tried with every key.
	KeyID string
	// Key is the RSA private key: *rsa.PrivateKey or any crypto.Decrypter
	// (HSM, KMS) whose Public is an *rsa.PublicKey and that accepts
	// *rsa.OAEPOptions.
	Key crypto.Decrypter
}

// DecrypterConfig configures a JWE [Decrypter].
type DecrypterConfig struct {
	// Key is the recipient's RSA private key (*rsa.PrivateKey or an HSM's
	// crypto.Decrypter) with KeyID as its kid; use Keys for several keys
	// (rotation). At least one of Key and Keys is required.
	Key crypto.Decrypter
	// KeyID, if set, must equal the JWE's kid when the JWE has one.
	KeyID string
	// Keys are further keys, e.g. the previous key during a rotation.
	Keys []DecryptionKey
	// ContentEncryptions allow-lists enc; nil means A256GCM only.
	ContentEncryptions []string
	// MinRSABits for the keys; zero means [FITConnectMinRSABits] (4096),
	// the FIT-Connect profile. Set 2048 for other senders.
	MinRSABits int
	// MaxBytes bounds the compact JWE; zero means [DefaultMaxJWEBytes].
	MaxBytes int
}

// Decrypter decrypts compact JWEs. It is safe for concurrent use.
type Decrypter struct {
	keys []decKey
	encs []string
	max  int
}

type decKey struct {
	kid  string
	key  crypto.Decrypter
	size int // modulus bytes
}

// NewDecrypter validates cfg and returns a Decrypter.
func NewDecrypter(cfg DecrypterConfig) (*Decrypter, error) {
	all := slices.Clone(cfg.Keys)
	if cfg.Key != nil {
		all = append([]DecryptionKey{{KeyID: cfg.KeyID, Key: cfg.Key}}, all...)
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("%w: decrypter: no key", ErrInvalidConfig)
	}
	if cfg.MaxBytes < 0 {
		return nil, fmt.Errorf("%w: decrypter: negative MaxBytes", ErrInvalidConfig)
	}
	minBits := cfg.MinRSABits
	if minBits == 0 {
		minBits = FITConnectMinRSABits
	}
	d := &Decrypter{encs: []string{A256GCM}, max: cfg.MaxBytes}
	for _, k := range all {
		if k.Key == nil {
			return nil, fmt.Errorf("%w: decrypter: nil key", ErrInvalidConfig)
		}
		pub, ok := k.Key.Public().(*rsa.PublicKey)
		if !ok {
			return nil, &signature.KeyError{Op: "decrypt", Err: signature.ErrInvalidKey, Detail: "RSA key required"}
		}
		if err := (signature.Policy{MinRSABits: minBits}).CheckPublicKey(pub); err != nil {
			return nil, err
		}
		d.keys = append(d.keys, decKey{kid: k.KeyID, key: k.Key, size: pub.Size()})
	}
	if cfg.ContentEncryptions != nil {
		d.encs = nil
		for _, e := range cfg.ContentEncryptions {
			if _, ok := gcmKeyLen(e); !ok {
				return nil, &signature.AlgorithmError{URI: e}
			}
			d.encs = append(d.encs, e)
		}
	}
	if d.max == 0 {
		d.max = DefaultMaxJWEBytes
	}
	return d, nil
}

// Decrypted is a decrypted JWE.
type Decrypted struct {
	// Payload is the plaintext.
	Payload []byte
	// ContentType is the cty header ("" if absent).
	ContentType string
	// KeyID is the kid header ("" if absent).
	KeyID string
	// AuthenticationTag is the fifth compact segment (base64url).
	AuthenticationTag string
}

// Decrypt checks the compact JWE (five segments of strict base64url; a
// protected header that is a JSON object with alg RSA-OAEP-256, enc in
// the allow-list, no zip, no crit; key-reference headers such as jku, x5u
// or jwk are ignored) before any private-key operation, unwraps the
// content key with the key named by kid (or each key when kid is absent)
// and opens the AES-GCM ciphertext. Every cryptographic failure is the one
// error value [ErrDecrypt]; a failed key unwrap continues with a random
// key (RFC 7516 §11.5), so it is not told apart from a wrong tag.
func (d *Decrypter) Decrypt(compact string) (*Decrypted, error) {
	return d.decrypt(compact, nil)
}

// DecryptInPlace is [Decrypter.Decrypt] for a compact JWE held in a byte
// slice that the caller hands over: the ciphertext is decoded and opened
// in compact's own memory, so a large attachment is decrypted without a
// second buffer. On return compact is overwritten (also on error), and
// the Payload of the result is a part of it.
func (d *Decrypter) DecryptInPlace(compact []byte) (*Decrypted, error) {
	return d.decrypt(unsafe.String(unsafe.SliceData(compact), len(compact)), compact)
}

// decrypt decrypts compact; inPlace, when not nil, is compact's memory,
// which the ciphertext is decoded into.
func (d *Decrypter) decrypt(compact string, inPlace []byte) (*Decrypted, error) {
	if len(compact) > d.max {
		return nil, &LimitError{Limit: "MaxTokenBytes", Max: d.max}
	}
	p, err := parseCompactJWE(compact)
	if err != nil {
		return nil, err
	}
	if p.hdr.Alg != RSAOAEP256 {
		return nil, &signature.AlgorithmError{URI: p.hdr.Alg}
	}
	if !slices.Contains(d.encs, p.hdr.Enc) {
		return nil, &signature.AlgorithmError{URI: p.hdr.Enc}
	}
	keyLen, _ := gcmKeyLen(p.hdr.Enc)
	candidates := d.keys
	if p.hdr.Kid != "" {
		candidates = nil
		for _, k := range d.keys {
			if k.kid == "" || k.kid == p.hdr.Kid {
				candidates = append(candidates, k)
			}
		}
		if len(candidates) == 0 {
			return nil, ErrKeyNotFound
		}
	}
	encKey, err := b64.DecodeString(p.encKey)
	if err != nil {
		return nil, malformed("encrypted key is not base64url")
	}
	iv, err := b64.DecodeString(p.iv)
	if err != nil || len(iv) != gcmIVSize {
		return nil, malformed("iv is not 96 bits")
	}
	tag, err := b64.DecodeString(p.tag)
	if err != nil || len(tag) != gcmTagSize {
		return nil, malformed("authentication tag is not 128 bits")
	}
	// The ciphertext is decoded once into a buffer with room for the tag;
	// AES-GCM then opens it in place.
	var ct []byte
	if inPlace != nil {
		// DecryptInPlace: decode into the compact form's own memory. The
		// tag goes after the decoded ciphertext, which ends at least a
		// quarter of the segment before the segment's end.
		off := len(p.header) + len(p.encKey) + len(p.iv) + 3
		m, err := decodeInPlace(inPlace[off:off+len(p.ciphertext)], p.ciphertext)
		if err != nil {
			return nil, malformed("ciphertext is not base64url")
		}
		ct = inPlace[off : off+m : off+len(p.ciphertext)]
	} else {
		n := len(p.ciphertext)
		ct = make([]byte, b64.DecodedLen(n), b64.DecodedLen(n)+gcmTagSize)
		m, err := b64.Decode(ct, stringBytes(p.ciphertext))
		if err != nil {
			return nil, malformed("ciphertext is not base64url")
		}
		ct = ct[:m]
	}
	ct = append(ct, tag...) // grows only a short in-place segment
	last := len(candidates) - 1
	for i, k := range candidates {
		cek := unwrap(k, encKey, keyLen)
		gcm, err := newGCM(cek)
		if err != nil {
			return nil, ErrDecrypt
		}
		buf := ct
		if i < last {
			buf = slices.Clone(ct) // a failed Open may have clobbered the buffer
		}
		pt, err := gcm.Open(buf[:0], iv, buf, []byte(p.header))
		if err == nil {
			return &Decrypted{Payload: pt, ContentType: p.hdr.Cty, KeyID: p.hdr.Kid, AuthenticationTag: strings.Clone(p.tag)}, nil
		}
	}
	return nil, ErrDecrypt
}

// DecryptBytes is [Decrypter.Decrypt] for a compact JWE held in a byte
// slice (an HTTP body read with a size limit, a buffer the JWE was
// streamed into with [JWE.WriteTo]), without first copying it into a
// string. compact is only read, and only during the call: the result
// does not refer to it.
func (d *Decrypter) DecryptBytes(compact []byte) (*Decrypted, error) {
	return d.decrypt(unsafe.String(unsafe.SliceData(compact), len(compact)), nil)
}

// unwrap returns the content key, or a random key of the right length when
// the RSA-OAEP decryption fails or yields a key of the wrong length.
func unwrap(k decKey, encKey []byte, keyLen int) []byte {
	if len(encKey) == k.size {
		cek, err := k.key.Decrypt(rand.Reader, encKey, &rsa.OAEPOptions{Hash: crypto.SHA256})
		if err == nil && len(cek) == keyLen {
			return cek
		}
	}
	cek := make([]byte, keyLen)
	rand.Read(cek)
	return cek
}

// compactJWE is a split, header-checked compact JWE; the segments stay
// base64url-encoded until used.
type compactJWE struct {
	header, encKey, iv, ciphertext, tag string
	hdr                                 jweHeaderIn
}

type jweHeaderIn struct {
	Alg string `json:"alg"`
	Enc string `json:"enc"`
	Kid string `json:"kid"`
	Cty string `json:"cty"`
}

// parseCompactJWE splits a compact JWE (RFC 7516 §7.1) and checks the
// protected header; refused header parameters are zip (no decompression,
// no decompression bombs) and crit (no extension is understood).
func parseCompactJWE(compact string) (*compactJWE, error) {
	if strings.Count(compact, ".") != 4 {
		return nil, malformed("not a compact JWE")
	}
	s := strings.SplitN(compact, ".", 5)
	for i, seg := range s {
		if (seg == "" && i != 3) || !isB64URL(seg) {
			return nil, malformed("segment is not base64url")
		}
	}
	if len(s[0]) > maxJWEHeaderBytes {
		return nil, malformed("header too large")
	}
	raw, err := b64.DecodeString(s[0])
	if err != nil {
		return nil, malformed("header is not base64url")
	}
	p := &compactJWE{header: s[0], encKey: s[1], iv: s[2], ciphertext: s[3], tag: s[4]}
	fields, err := decodeProtectedHeader(raw, &p.hdr)
	if err != nil {
		return nil, err
	}
	if _, ok := fields["zip"]; ok {
		return nil, malformed("compression (zip) is not accepted")
	}
	return p, nil
}

// isB64URL reports whether s has no CR or LF, which the standard
// decoder would skip; every other character outside the base64url
// alphabet (and padding) is refused by the strict decoder that decodes
// each segment before any private-key operation.
func isB64URL(s string) bool {
	return strings.IndexByte(s, '\n') < 0 && strings.IndexByte(s, '\r') < 0
}

// AuthenticationTag returns the fifth segment of a compact JWE, which
// FIT-Connect's accept-submission event lists per part ("SET Erzeugung",
// authenticationTags).
func AuthenticationTag(compact string) (string, error) {
	if strings.Count(compact, ".") != 4 {
		return "", malformed("not a compact JWE")
	}
	tag := compact[strings.LastIndexByte(compact, '.')+1:]
	if raw, err := b64.DecodeString(tag); err != nil || len(raw) != gcmTagSize || !isB64URL(tag) {
		return "", malformed("authentication tag is not base64url")
	}
	return tag, nil
}

// decodeInPlace decodes the base64url text src, which is the same memory
// as dst, into dst in chunks through a small buffer: chunk k reads
// src[a:a+c] and writes dst[3a/4:3(a+c)/4], which lies before a+c, so no
// byte is overwritten before it is read.
func decodeInPlace(dst []byte, src string) (int, error) {
	const chunk = 64 << 10 // a multiple of 4
	var tmp [chunk / 4 * 3]byte
	n := 0
	for a := 0; a < len(src); a += chunk {
		m, err := b64.Decode(tmp[:], stringBytes(src[a:min(a+chunk, len(src))]))
		if err != nil {
			return 0, err
		}
		n += copy(dst[n:], tmp[:m])
	}
	return n, nil
}

// stringBytes returns a read-only view of s, so that a large ciphertext
// segment is base64url-decoded without first copying the string. The
// result must never be written to.
func stringBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }
