// Command verify-webhook receives notify webhooks and prints each
// verified event. It shows the receiver side a municipality or connected
// system runs: the Standard Webhooks signature check with a ±5 minute
// tolerance, rotation-ready secrets and redelivery deduplication.
//
// Usage:
//
//	WEBHOOK_SECRETS="whsec_... whsec_..." verify-webhook -addr 127.0.0.1:8080
//
// Answers: 204 for a new verified event, 200 for a redelivered one, 400,
// 401 or 413 otherwise.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/egosaar/ozg/notify/webhook"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *addr, os.Getenv("WEBHOOK_SECRETS"), os.Stdout, nil); err != nil {
		fmt.Fprintln(os.Stderr, "verify-webhook:", err)
		os.Exit(1)
	}
}

// run serves until ctx ends. ready, if not nil, receives the bound address.
func run(ctx context.Context, addr, secrets string, out io.Writer, ready chan<- string) error {
	var keys []webhook.Secret
	for _, s := range strings.Fields(secrets) {
		k, err := webhook.ParseSecret(s)
		if err != nil {
			return err
		}
		keys = append(keys, k)
	}
	v, err := webhook.NewVerifier(webhook.VerifierConfig{Secrets: keys})
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("POST /webhook", v.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		msg, _ := webhook.MessageFromContext(r.Context())
		p, err := webhook.DecodeNotification(msg.Body)
		if err != nil {
			http.Error(w, "bad payload", http.StatusBadRequest)
			return
		}
		fmt.Fprintf(out, "verified %s %s application=%s status=%s\n", msg.ID, p.Type, p.Data.ApplicationID, p.Data.Status)
		w.WriteHeader(http.StatusNoContent)
	})))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	if ready != nil {
		ready <- ln.Addr().String()
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 15 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
