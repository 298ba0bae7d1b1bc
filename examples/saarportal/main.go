// Command saarportal is one portal for many municipalities, built only
// from the SDK's public API: one BundID login for all of them; each
// application routed to the competent authority through FIT-Connect,
// signed with its municipality's key, its fee booked to that
// municipality's Mandant and its notice sent in that municipality's
// name, on one shared database.
//
//	go run ./examples/saarportal          # headless tour, exits non-zero on any failure
//	go run ./examples/saarportal -serve   # web UI on https://127.0.0.1:8444
//	go run ./examples/saarportal -postgres postgres://…  # every store on PostgreSQL
//
// Several instances on one PostgreSQL database (the SIGKILL test):
//
//	saarportal -simulators -state DIR > sims.json   # the counterparts, in a process of their own
//	saarportal -instance sims.json -postgres DSN -addr 127.0.0.1:0 -base https://lb.example
//
// Everything runs on embedded defaults (tenants.json) in a temporary
// directory against the SDK's simulators. See doc.go for what is modelled.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	serve := flag.Bool("serve", false, "start the web UI instead of the headless tour")
	addr := flag.String("addr", "127.0.0.1:8444", "listen address of the web UI (-serve)")
	keep := flag.Bool("keep", false, "keep the temporary directory (database, e-mails)")
	pg := flag.String("postgres", "", "PostgreSQL DSN of the database all instances share (default: embedded SQLite)")
	sims := flag.Bool("simulators", false, "run only the simulated counterparts (print their URLs as JSON; see -state)")
	state := flag.String("state", "", "state directory of -simulators (keys, authorities)")
	inst := flag.String("instance", "", "run one portal instance against the simulator process whose JSON line is in this file")
	base := flag.String("base", "", "public base URL of -instance (the load balancer in front of all instances)")
	var ha HaConfig
	flag.DurationVar(&ha.Lease, "lease", 0, "lease of a claimed application (-instance; default 30s)")
	flag.DurationVar(&ha.ResumeEvery, "resume-every", 0, "resumer interval (-instance; default 1s)")
	flag.DurationVar(&ha.PaymentPoll, "payment-poll", 0, "first resumer poll of an unpaid fee (-instance; default 30s)")
	flag.DurationVar(&ha.RescueAfter, "rescue-after", 0, "redeliver a notice whose delivery died with its instance after this (-instance; default 1h)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch {
	case *sims:
		err = runSimulators(ctx, os.Stdout, *state)
	case *inst != "":
		err = runInstance(ctx, os.Stdout, instanceOptions{Sims: *inst, Postgres: *pg, Addr: *addr, Base: *base, Ha: ha})
	default:
		err = run(ctx, os.Stdout, *serve, *addr, *keep, *pg)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "saarportal:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer, serve bool, addr string, keep bool, pg string) error {
	dir, err := os.MkdirTemp("", "saarportal-*")
	if err != nil {
		return err
	}
	if keep {
		defer fmt.Fprintf(w, "Arbeitsverzeichnis bleibt erhalten: %s\n", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelWarn})))
	tenants, err := LoadTenants(defaultTenants)
	if err != nil {
		return err
	}
	world, stopWorld, err := newWorld(tenants)
	if err != nil {
		return err
	}
	defer stopWorld()
	if !serve {
		addr = ""
	}
	s, err := startSite(ctx, addr, dir, tenants, world, func(c *Config) { c.Postgres = pg })
	if err != nil {
		return err
	}
	defer s.Close()
	if serve {
		fmt.Fprintf(w, "Saarland-Portal läuft auf %s/ (selbst signiertes Zertifikat für 127.0.0.1). Beenden mit Strg+C.\n", s.srv.URL)
		fmt.Fprintf(w, "Bezahlen: die Bezahlseite des simulierten Bezahldienstes; Eingang: die Behörden nehmen Einreichungen alle 2 s an.\n")
		s.printOperators(w)
		s.authoritiesLoop(ctx, 2*time.Second)
		return nil
	}
	start := time.Now()
	say := func(format string, args ...any) { fmt.Fprintf(w, "  "+format+"\n", args...) }
	// One citizen, one login, an application for every service of every
	// municipality.
	var visits []visit
	for _, t := range s.Tenants() {
		for _, svc := range t.Services {
			visits = append(visits, visit{ARS: t.ARS, Leika: svc.Leika})
		}
	}
	if _, err := s.tour(ctx, say, []citizen{{User: citizenOf("ERIKA", "erika.mustermann@example.org", "1af2e3a5b0c64a0a9c0b5e2e6b2f8d7c4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d"), Visits: visits}}); err != nil {
		return err
	}
	fmt.Fprintf(w, "Alle Schritte erfolgreich (%.1f s). Im Browser: go run ./examples/saarportal -serve\n", time.Since(start).Seconds())
	return nil
}

// authoritiesLoop lets every tenant's authority accept its submissions
// every interval until ctx ends (-serve).
func (s *site) authoritiesLoop(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			for _, a := range s.auth {
				if _, err := a.poll(ctx); err != nil && ctx.Err() == nil {
					s.log.Warn("authority poll failed", "tenant", a.tenant.ARS, "err", err)
				}
			}
		}
	}
}
