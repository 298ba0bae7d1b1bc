// Command login-oidc is a small net/http service that logs citizens in
// through an OpenID Connect provider (a state service account or a
// Keycloak portal), keeps the session with account.Sessions and shows the
// verified identity.
//
// Out of the box it runs against an in-process accounttest OpenID provider
// simulator with an in-memory SQLite database, so it needs no registration
// anywhere:
//
//	go run ./examples/login-oidc -addr 127.0.0.1:8081
//
// then open http://127.0.0.1:8081/ and press the login button. For a real
// provider, set oidc.Config's Issuer, ClientID and ClientKey or
// ClientSecret (see newApp), register RedirectURL, PostLogoutRedirectURL and
// the back-channel logout URL /oidc/backchannel-logout there, and serve
// over https.
package main

import (
	"context"
	"errors"
	"flag"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8081", "listen address")
	db := flag.String("db", "", "SQLite file for sessions (empty: in memory)")
	flag.Parse()
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(*addr, *db, logger); err != nil {
		logger.Error("login-oidc example stopped", "error", err)
		os.Exit(1)
	}
}

func run(addr, db string, logger *slog.Logger) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	app, err := newApp(ctx, appConfig{BaseURL: "http://" + ln.Addr().String(), DBPath: db, Logger: logger})
	if err != nil {
		ln.Close()
		return err
	}
	defer app.Close()
	srv := &http.Server{Handler: app, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	logger.Info("login-oidc example listening", "url", "http://"+ln.Addr().String()+"/")
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
