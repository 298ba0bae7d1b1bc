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

	"github.com/egosaar/ozg/internal/xmlsafe"
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
// separately by the CPU time of the benchmark's (locked) thread, so that
// neither load changes nor other processes on a shared machine skew the
// ratios. It reports the subject's CPU time as ns/op (and MB/s if SetBytes was
// called) and returns the mean times. Allocation is measured separately
// on a few subject-only runs (B/docbyte).
func interleave(b *testing.B, docSize int, subject func(), anchors ...func()) (float64, []float64) {
	b.Helper()
	return interleavePrepared(b, docSize, nil, subject, anchors...)
}

// interleavePrepared is interleave with prepare (if not nil) run before
// each run of subject, outside its timing: for a subject that consumes its
// input.
func interleavePrepared(b *testing.B, docSize int, prepare, subject func(), anchors ...func()) (float64, []float64) {
	b.Helper()
	if prepare == nil {
		prepare = func() {}
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var subj time.Duration
	an := make([]time.Duration, len(anchors))
	b.ResetTimer()
	for b.Loop() {
		prepare()
		t := threadCPU()
		subject()
		subj += threadCPU() - t
		for j, a := range anchors {
			t = threadCPU()
			a()
			an[j] += threadCPU() - t
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
	var prepared uint64
	for range runs {
		var p0, p1 runtime.MemStats
		runtime.ReadMemStats(&p0)
		prepare()
		runtime.ReadMemStats(&p1)
		prepared += p1.TotalAlloc - p0.TotalAlloc
		subject()
	}
	runtime.ReadMemStats(&m1)
	m1.TotalAlloc -= prepared
	b.ReportMetric(float64(m1.TotalAlloc-m0.TotalAlloc)/float64(runs)/float64(docSize), "B/docbyte")
	return subjNs, out
}

// BenchmarkVerify2KB: a 2.5 KB RSA-2048 document against raw
// rsa.VerifyPKCS1v15 and goxmldsig's Validate on the same content, and
// against the floor of any XML-DSig verification: parsing the bytes
// (internal/xmlsafe, "bytes" only), canonicalizing the document without its
// Signature and the SignedInfo into two SHA-256 digests, and the raw RSA
// verification. floor-µs is that sum measured in the same run; x-floor is
// our time ÷ the floor. Sub-benchmarks: "bytes" (Verify), "tree"
// (VerifyDocument on a parsed tree, which it copies) and "tree-inplace"
// (VerifyDocumentInPlace on a fresh parsed tree each time, parsed outside
// the timing) with the certificate pinned, and
// "anchored" (Verify, certificate chained to an anchor through an
// intermediate carried in KeyInfo).
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
	parse := func() {
		if _, err := xmlsafe.Parse(ours, xmlsafe.Limits{}); err != nil {
			b.Fatal(err)
		}
	}
	parsed := etree.NewDocument()
	if err := parsed.ReadFromBytes(ours); err != nil {
		b.Fatal(err)
	}
	unsigned := parsed.Copy()
	sig := unsigned.FindElement("//Signature")
	sig.Parent().RemoveChild(sig)
	signedInfo := parsed.FindElement("//Signature/SignedInfo")
	c14n := func() {
		h := sha256.New()
		if err := xmldsig.CanonicalizeDocument(h, unsigned, xmldsig.ExcC14N); err != nil {
			b.Fatal(err)
		}
		h.Sum(nil)
		h = sha256.New()
		if err := xmldsig.Canonicalize(h, signedInfo, xmldsig.ExcC14N); err != nil {
			b.Fatal(err)
		}
		h.Sum(nil)
	}
	report := func(b *testing.B, ns float64, an []float64, withParse bool) {
		floor := an[0] + an[2]
		if withParse {
			floor += an[3]
		}
		b.ReportMetric(ns/an[0], "x-raw")
		b.ReportMetric(ns/an[1], "x-goxmldsig")
		b.ReportMetric(floor/1e3, "floor-µs")
		b.ReportMetric(ns/floor, "x-floor")
		b.ReportMetric(floor/an[0], "floor-x-raw")
	}
	b.Run("bytes", func(b *testing.B) {
		ns, an := interleave(b, len(ours), func() {
			if _, err := e.v.Verify(ctx, ours); err != nil {
				b.Fatal(err)
			}
		}, raw, gox, c14n, parse)
		report(b, ns, an, true)
	})
	b.Run("tree", func(b *testing.B) {
		ns, an := interleave(b, len(ours), func() {
			if _, err := e.v.VerifyDocument(ctx, parsed); err != nil {
				b.Fatal(err)
			}
		}, raw, gox, c14n)
		report(b, ns, an, false)
	})
	b.Run("tree-inplace", func(b *testing.B) {
		var fresh *etree.Document
		ns, an := interleavePrepared(b, len(ours), func() {
			fresh = etree.NewDocument()
			if err := fresh.ReadFromBytes(ours); err != nil {
				b.Fatal(err)
			}
		}, func() {
			if _, err := e.v.VerifyDocumentInPlace(ctx, fresh); err != nil {
				b.Fatal(err)
			}
		}, raw, gox, c14n)
		report(b, ns, an, false)
	})
	b.Run("anchored", func(b *testing.B) {
		kp, ca := issue(b, signaturetest.RSA2048)
		anchored, err := newSigner(b, xmldsig.SignerConfig{Key: kp}).Sign(doc)
		if err != nil {
			b.Fatal(err)
		}
		v := newVerifier(b, xmldsig.VerifierConfig{Trust: trustAnchors(b, ca.Certificate)})
		ns, an := interleave(b, len(anchored), func() {
			if _, err := v.Verify(ctx, anchored); err != nil {
				b.Fatal(err)
			}
		}, raw, gox, c14n, parse)
		report(b, ns, an, true)
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

// largeLimits admits the 20 MB documents of largeDocs, which exceed the
// default limits (16 MiB, 250,000 elements) on purpose: an application
// that signs or verifies such documents sets explicit limits like these.
var largeLimits = xmldsig.Limits{MaxBytes: 64 << 20, MaxElements: 2_000_000}

// newLargeBenchEnv is newBenchEnv with largeLimits on both sides.
func newLargeBenchEnv(b *testing.B) *benchEnv {
	b.Helper()
	e := newBenchEnv(b, signaturetest.RSA2048)
	e.v = newVerifier(b, xmldsig.VerifierConfig{Trust: trustPinned(b, e.kp.Certificate), Limits: largeLimits})
	e.s = newSigner(b, xmldsig.SignerConfig{Key: e.kp, Limits: largeLimits})
	return e
}

// BenchmarkLargeSign and BenchmarkLargeVerify: throughput and allocation
// on 1 MB and 20 MB structured documents and a 20 MB single-base64-node
// document, side by side with goxmldsig (one anchor run per measurement).
func BenchmarkLargeSign(b *testing.B) {
	e := newLargeBenchEnv(b)
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
	e := newLargeBenchEnv(b)
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
