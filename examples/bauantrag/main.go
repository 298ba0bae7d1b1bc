// Command bauantrag is a complete municipal online service built only from
// the public API of the ozg SDK: a building-permit application (XBau 2.6
// baugenehmigung.antrag.0200) from the BundID login to the notice.
//
//	go run ./examples/bauantrag          # headless guided tour, exits non-zero on any failure
//	go run ./examples/bauantrag -serve   # web UI on https://127.0.0.1:8443
//
// Everything runs on embedded defaults in a temporary directory: SQLite,
// the BundID simulator (account/accounttest), the XBezahldienste
// simulator (payment/paymenttest) and local receivers for the
// notifications. See README.md in this directory for what each step does
// and which package it uses.
package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	serve := flag.Bool("serve", false, "start the web UI instead of the headless tour")
	addr := flag.String("addr", "127.0.0.1:8443", "listen address of the web UI (-serve)")
	smtp := flag.String("smtp", os.Getenv("OZG_SMTP_ADDR"), "SMTP server host:port for the e-mails (default $OZG_SMTP_ADDR); empty writes .eml files")
	mailpit := flag.String("mailpit-api", os.Getenv("OZG_MAILPIT_URL"), "HTTP API of a mailpit at -smtp, to check the e-mails arrived (default $OZG_MAILPIT_URL)")
	keep := flag.Bool("keep", false, "keep the temporary directory (database, .eml files, certificate)")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	opts := options{SMTPAddr: *smtp, MailpitAPI: *mailpit, Keep: *keep}
	var err error
	if *serve {
		err = runServe(ctx, os.Stdout, *addr, opts)
	} else {
		err = runTour(ctx, os.Stdout, opts)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bauantrag:", err)
		os.Exit(1)
	}
}

// options are the command-line settings shared by both modes.
type options struct {
	SMTPAddr, MailpitAPI string
	Keep                 bool
	// Dir, if set, is used instead of a new temporary directory.
	Dir string
}

// workDir returns the working directory and its cleanup.
func (o options) workDir(w io.Writer) (string, func(), error) {
	if o.Dir != "" {
		return o.Dir, func() {}, nil
	}
	dir, err := os.MkdirTemp("", "bauantrag-*")
	if err != nil {
		return "", nil, err
	}
	if o.Keep {
		return dir, func() { fmt.Fprintf(w, "Arbeitsverzeichnis bleibt erhalten: %s\n", dir) }, nil
	}
	return dir, func() { os.RemoveAll(dir) }, nil
}

// app is the service behind its HTTPS server.
type app struct {
	*service
	URL  string
	cert *x509.Certificate
	srv  *http.Server
}

// startApp listens on addr, starts the service for that URL and serves
// it over HTTPS with a throw-away certificate for 127.0.0.1.
func startApp(ctx context.Context, addr string, cfg config) (*app, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	cert, leaf, err := localCertificate()
	if err != nil {
		ln.Close()
		return nil, err
	}
	cfg.BaseURL = "https://" + ln.Addr().String()
	svc, err := newService(ctx, cfg)
	if err != nil {
		ln.Close()
		return nil, err
	}
	a := &app{service: svc, URL: cfg.BaseURL, cert: leaf}
	a.srv = &http.Server{
		Handler:           svc,
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
		ReadHeaderTimeout: 10 * time.Second,
		// Browsers that do not know the certificate yet abort handshakes;
		// keep those messages out of the output.
		ErrorLog: slog.NewLogLogger(svc.log.Handler(), slog.LevelDebug),
	}
	go func() { _ = a.srv.ServeTLS(ln, "", "") }()
	return a, nil
}

// Client returns an HTTP client with a cookie jar that trusts the
// service's certificate: the citizen's browser.
func (a *app) Client() *http.Client {
	jar, _ := cookiejar.New(nil) // never fails without options
	pool := x509.NewCertPool()
	pool.AddCert(a.cert)
	return &http.Client{
		Jar:       jar,
		Timeout:   20 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}},
	}
}

func (a *app) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = a.srv.Shutdown(ctx)
	a.service.Close()
}

// localCertificate creates a self-signed ECDSA P-256 server certificate
// for 127.0.0.1, ::1 and localhost, valid for one day. The online service
// must run on https: SAML cookies are Secure and the Bezahldienst only
// redirects to https URLs. A real service uses its own certificate.
func localCertificate() (tls.Certificate, *x509.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "Bauantrag online (lokale Demo)"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, leaf, nil
}

// runServe starts the web UI and blocks until ctx ends.
func runServe(ctx context.Context, w io.Writer, addr string, o options) error {
	dir, cleanup, err := o.workDir(w)
	if err != nil {
		return err
	}
	defer cleanup()
	logger := slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
	a, err := startApp(ctx, addr, config{Dir: dir, SMTPAddr: o.SMTPAddr, MailpitAPI: o.MailpitAPI, Step: 3 * time.Second, Logger: logger})
	if err != nil {
		return err
	}
	defer a.Close()
	fmt.Fprintf(w, "Bauantrag online läuft auf %s/\n", a.URL)
	fmt.Fprintf(w, "Das Zertifikat ist selbst signiert (nur für 127.0.0.1): bestätigen Sie die Warnung des Browsers einmal.\n")
	fmt.Fprintf(w, "E-Mails: %s\n", a.out.mail.Describe())
	if a.out.zbp != nil {
		fmt.Fprintf(w, "Postfach: %s\n", a.out.zbp.Describe())
	}
	fmt.Fprintf(w, "Beenden mit Strg+C.\n")
	<-ctx.Done()
	return nil
}
