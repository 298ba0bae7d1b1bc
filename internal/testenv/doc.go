// Package testenv lets tests that need a real counterpart (xmlsec1,
// xmllint, the JDK, PostgreSQL, an SMTP server, Chromium, Node.js with npm
// packages, PHP with SimpleSAMLphp) skip with a clear
// message on a developer machine where it is missing, and fail when the
// environment variable CI is "true", so a CI run can never pass by skipping.
//
// Environment:
//
//	CI=true                   missing counterparts fail instead of skip
//	OZG_TEST_POSTGRES_DSN     PostgreSQL DSN (a database the tests may create databases beside)
//	OZG_TEST_SMTP_ADDR        host:port of an SMTP sink (mailpit)
//	OZG_TEST_MAILPIT_URL      base URL of that mailpit's HTTP API
//
// .ci/run sets all of them.
//
// Node.js counterparts (npm jose, oidc-provider) live in a package folder
// of their own with a committed package-lock.json; .ci/run installs it with
// `npm ci --prefix DIR`, and a test calls NodeModules(t, DIR) before it runs
// `node` there. PHP counterparts (SimpleSAMLphp) call PHP(t, extensions...)
// or SimpleSAMLphp(t).
//
// # Security
//
// For tests only; never import it from library code. PostgresDatabase
// creates and drops (WITH FORCE) databases named ozgtest_<random> next to
// the one in OZG_TEST_POSTGRES_DSN: point that DSN at a throw-away server,
// never at one holding data.
package testenv
