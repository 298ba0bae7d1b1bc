package xmldsig_test

// Benchmarks with their anchors in the same run:
//
//	go test ./signature/xmldsig -run '^$' -bench Verify2KB -benchmem
//	go test ./signature/xmldsig -run '^$' -bench 'Large' -benchtime 3x -benchmem
//
// Subject and anchors run interleaved in one loop (see interleave).
// Reported metrics: ns/op and MB/s of our code only; x-raw and x-goxmldsig
// (our time ÷ anchor time, lower is better); speedup-vs-goxmldsig (anchor
// time ÷ our time); B/docbyte (bytes allocated per document byte).

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"runtime"
	"testing"
	"time"

	"github.com/beevik/etree"
	dsig "github.com/russellhaering/goxmldsig"

	"github.com/egosaar/ozg/signature"
	"github.com/egosaar/ozg/signature/signaturetest"
	"github.com/egosaar/ozg/signature/xmldsig"
)

type benchEnv struct {
	kp  *signature.KeyPair
	v   *xmldsig.Verifier
	s   *xmldsig.Signer
	gox *dsig.SigningContext
}

func newBenchEnv(b *testing.B, kt signaturetest.KeyType) *benchEnv {
	b.Helper()
	kp, err := signaturetest.SelfSigned(signaturetest.Options{Key: kt})
	if err != nil {
		b.Fatal(err)
	}
	gox, err := dsig.NewSigningContext(kp.Signer, [][]byte{kp.Certificate.Raw})
	if err != nil {
		b.Fatal(err)
	}
	gox.Canonicalizer = dsig.MakeC14N10ExclusiveCanonicalizerWithPrefixList("")
	if err := gox.SetSignatureMethod(dsig.RSASHA256SignatureMethod); err != nil {
		b.Fatal(err)
	}
	return &benchEnv{
		kp:  kp,
		v:   newVerifier(b, xmldsig.VerifierConfig{Trust: trustPinned(b, kp.Certificate)}),
		s:   newSigner(b, xmldsig.SignerConfig{Key: kp}),
		gox: gox,
	}
}

// goxSign is goxmldsig's sign path: parse, ConstructSignature, insert as
// first child (its verifier fails on late signatures), serialize.
func (e *benchEnv) goxSign(b *testing.B, data []byte) []byte {
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(data); err != nil {
		b.Fatal(err)
	}
	sig, err := e.gox.ConstructSignature(doc.Root(), true)
	if err != nil {
		b.Fatal(err)
	}
	doc.Root().InsertChildAt(0, sig)
	out, err := doc.WriteToBytes()
	if err != nil {
		b.Fatal(err)
	}
	return out
}

func (e *benchEnv) goxVerify(b *testing.B, data []byte) {
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(data); err != nil {
		b.Fatal(err)
	}
	vctx := dsig.NewDefaultValidationContext(&dsig.MemoryX509CertificateStore{Roots: []*x509.Certificate{e.kp.Certificate}})
	if _, err := vctx.Validate(doc.Root()); err != nil {
		b.Fatal(err)
	}
}

// interleave runs subject and each anchor once per iteration, timing each
// separately, so that load changes on a shared machine hit both sides
// alike. It reports the subject's time as ns/op (and MB/s if SetBytes was
// called) and returns the mean times. Allocation is measured separately
// on a few subject-only runs (B/docbyte).
func interleave(b *testing.B, docSize int, subject func(), anchors ...func()) (float64, []float64) {
	b.Helper()
	var subj time.Duration
	an := make([]time.Duration, len(anchors))
	b.ResetTimer()
	for b.Loop() {
		t := time.Now()
		subject()
		subj += time.Since(t)
		for j, a := range anchors {
			t = time.Now()
			a()
			an[j] += time.Since(t)
		}
	}
	b.StopTimer()
	n := float64(b.N)
	subjNs := float64(subj.Nanoseconds()) / n
	out := make([]float64, len(an))
	for j := range an {
		out[j] = float64(an[j].Nanoseconds()) / n
	}
	b.ReportMetric(subjNs, "ns/op")
	b.ReportMetric(float64(docSize)/subjNs*1e3, "MB/s")
	runs := min(b.N, 5)
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	for range runs {
		subject()
	}
	runtime.ReadMemStats(&m1)
	b.ReportMetric(float64(m1.TotalAlloc-m0.TotalAlloc)/float64(runs)/float64(docSize), "B/docbyte")
	return subjNs, out
}

// BenchmarkVerify2KB: a 2.5 KB RSA-2048 document against raw
// rsa.VerifyPKCS1v15 and goxmldsig's Validate on the same content.
func BenchmarkVerify2KB(b *testing.B) {
	ctx := context.Background()
	e := newBenchEnv(b, signaturetest.RSA2048)
	doc := bigDoc(5)
	ours, err := e.s.Sign(doc)
	if err != nil {
		b.Fatal(err)
	}
	theirs := e.goxSign(b, doc)
	digest := sha256.Sum256(ours[:600])
	rawSig, err := e.kp.Signer.Sign(nil, digest[:], crypto.SHA256)
	if err != nil {
		b.Fatal(err)
	}
	pub := e.kp.Certificate.PublicKey.(*rsa.PublicKey)
	raw := func() {
		d := sha256.Sum256(ours[:600]) // a SignedInfo-sized input
		if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, d[:], rawSig); err != nil {
			b.Fatal(err)
		}
	}
	gox := func() { e.goxVerify(b, theirs) }
	b.Run("bytes", func(b *testing.B) {
		ns, an := interleave(b, len(ours), func() {
			if _, err := e.v.Verify(ctx, ours); err != nil {
				b.Fatal(err)
			}
		}, raw, gox)
		b.ReportMetric(ns/an[0], "x-raw")
		b.ReportMetric(ns/an[1], "x-goxmldsig")
	})
	b.Run("tree", func(b *testing.B) {
		parsed := etree.NewDocument()
		if err := parsed.ReadFromBytes(ours); err != nil {
			b.Fatal(err)
		}
		ns, an := interleave(b, len(ours), func() {
			if _, err := e.v.VerifyDocument(ctx, parsed); err != nil {
				b.Fatal(err)
			}
		}, raw, gox)
		b.ReportMetric(ns/an[0], "x-raw")
		b.ReportMetric(ns/an[1], "x-goxmldsig")
	})
}

func largeDocs() []struct {
	name string
	data func() []byte
} {
	return []struct {
		name string
		data func() []byte
	}{
		{"s1m", func() []byte { return docOfSize(1 << 20) }},
		{"s20m", func() []byte { return docOfSize(20 << 20) }},
		{"a20m", func() []byte { return attachmentDoc(20 << 20) }},
	}
}

// BenchmarkLargeSign and BenchmarkLargeVerify: throughput and allocation
// on 1 MB and 20 MB structured documents and a 20 MB single-base64-node
// document, side by side with goxmldsig (one anchor run per measurement).
func BenchmarkLargeSign(b *testing.B) {
	e := newBenchEnv(b, signaturetest.RSA2048)
	for _, d := range largeDocs() {
		b.Run(d.name, func(b *testing.B) {
			data := d.data()
			ns, an := interleave(b, len(data), func() {
				if _, err := e.s.Sign(data); err != nil {
					b.Fatal(err)
				}
			}, func() { e.goxSign(b, data) })
			b.ReportMetric(an[0]/ns, "speedup-vs-goxmldsig")
		})
	}
}

func BenchmarkLargeVerify(b *testing.B) {
	ctx := context.Background()
	e := newBenchEnv(b, signaturetest.RSA2048)
	for _, d := range largeDocs() {
		b.Run(d.name, func(b *testing.B) {
			data := d.data()
			ours, err := e.s.Sign(data)
			if err != nil {
				b.Fatal(err)
			}
			theirs := e.goxSign(b, data)
			ns, an := interleave(b, len(ours), func() {
				if _, err := e.v.Verify(ctx, ours); err != nil {
					b.Fatal(err)
				}
			}, func() { e.goxVerify(b, theirs) })
			b.ReportMetric(an[0]/ns, "speedup-vs-goxmldsig")
		})
	}
}
