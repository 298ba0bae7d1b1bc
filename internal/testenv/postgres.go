package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// PostgresDSN returns OZG_TEST_POSTGRES_DSN or marks the test unavailable.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("OZG_TEST_POSTGRES_DSN")
	if dsn == "" {
		Unavailable(t, "PostgreSQL", "set OZG_TEST_POSTGRES_DSN=postgres://user@host:port/db?sslmode=disable, see README")
	}
	return dsn
}

// PostgresDatabase creates a fresh, empty database next to the one in
// OZG_TEST_POSTGRES_DSN, returns its DSN (URL form) and drops it when the
// test ends. Tests in different packages run in parallel; a database each
// keeps their schemas and river tables apart.
func PostgresDatabase(t testing.TB) string {
	t.Helper()
	base := PostgresDSN(t)
	u, err := url.Parse(base)
	if err != nil || u.Scheme == "" {
		t.Fatalf("testenv: OZG_TEST_POSTGRES_DSN must be a postgres:// URL: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		Unavailable(t, "PostgreSQL", "cannot connect to OZG_TEST_POSTGRES_DSN: "+err.Error())
	}
	defer conn.Close(ctx)
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	name := "ozgtest_" + hex.EncodeToString(rnd[:])
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("testenv: create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Logf("testenv: drop database %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("testenv: drop database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}
