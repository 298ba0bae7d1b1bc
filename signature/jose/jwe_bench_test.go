package jose_test

import (
	"bytes"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"testing"
	"time"

	"github.com/egosaar/ozg/signature/jose"
	"github.com/egosaar/ozg/signature/signaturetest"
)

// BenchmarkJWE10MB compares encrypt + compact serialization + decrypt of a
// 10 MB attachment (RSA-4096, RSA-OAEP-256 + A256GCM) with the format's
// floor in the same run: raw AES-256-GCM seal and open in place, base64url
// encode and decode of the same bytes, and one RSA-OAEP-4096 unwrap.
// Rounds are interleaved so that load on the shared machine hits both.
func BenchmarkJWE10MB(b *testing.B) {
	k, err := signaturetest.NewKey(signaturetest.RSA4096, false)
	if err != nil {
		b.Fatal(err)
	}
	key := k.(*rsa.PrivateKey)
	d, err := jose.NewDecrypter(jose.DecrypterConfig{Key: key})
	if err != nil {
		b.Fatal(err)
	}
	plain := make([]byte, 10<<20)
	_, _ = rand.Read(plain)
	buf := make([]byte, len(plain), len(plain)+16)

	cek := make([]byte, 32)
	_, _ = rand.Read(cek)
	block, _ := aes.NewCipher(cek)
	gcm, _ := cipher.NewGCM(block)
	iv := make([]byte, 12)
	wrapped, _ := rsa.EncryptOAEP(sha256.New(), rand.Reader, &key.PublicKey, cek, nil)
	enc := base64.RawURLEncoding
	b64buf := make([]byte, enc.EncodedLen(len(plain)+16))
	decBuf := make([]byte, len(plain)+16)

	floorOp := func() {
		copy(buf, plain)
		ct := gcm.Seal(buf[:0], iv, buf, nil)
		enc.Encode(b64buf, ct)
		n, _ := enc.Decode(decBuf, b64buf)
		if _, err := gcm.Open(decBuf[:0], iv, decBuf[:n], nil); err != nil {
			b.Fatal(err)
		}
		if _, err := key.Decrypt(rand.Reader, wrapped, &rsa.OAEPOptions{Hash: crypto.SHA256}); err != nil {
			b.Fatal(err)
		}
	}
	// The SDK's path for large attachments: encrypt in place, stream the
	// compact form into the transport buffer (a request body; reused like
	// the floor's buffers), decrypt the received bytes in place.
	var wire bytes.Buffer
	wire.Grow(len(b64buf) + 1024)
	oursOp := func() {
		copy(buf, plain)
		j, err := jose.EncryptInPlace(buf, &key.PublicKey, jose.EncryptOptions{ContentType: "application/pdf"})
		if err != nil {
			b.Fatal(err)
		}
		wire.Reset()
		if _, err := j.WriteTo(&wire); err != nil {
			b.Fatal(err)
		}
		if _, err := d.DecryptInPlace(wire.Bytes()); err != nil {
			b.Fatal(err)
		}
	}
	// The string path (JWE.String, Decrypt): a fresh 13 MB string per
	// call, for comparison.
	stringOp := func() {
		copy(buf, plain)
		j, err := jose.EncryptInPlace(buf, &key.PublicKey, jose.EncryptOptions{ContentType: "application/pdf"})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := d.Decrypt(j.String()); err != nil {
			b.Fatal(err)
		}
	}
	var tFloor, tOurs, tString time.Duration
	b.SetBytes(int64(len(plain)))
	b.ResetTimer()
	for range b.N {
		t1 := time.Now()
		floorOp()
		t2 := time.Now()
		oursOp()
		t3 := time.Now()
		stringOp()
		tFloor += t2.Sub(t1)
		tOurs += t3.Sub(t2)
		tString += time.Since(t3)
	}
	n := float64(b.N)
	b.ReportMetric(float64(tOurs)/n, "ours-ns/op")
	b.ReportMetric(float64(tFloor)/n, "floor-ns/op")
	b.ReportMetric(float64(tOurs)/float64(tFloor), "ratio-floor")
	b.ReportMetric(float64(tString)/float64(tFloor), "string-ratio-floor")
}
