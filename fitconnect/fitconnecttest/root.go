package fitconnecttest

import "crypto/x509"

// RootCertificate returns the root of the simulator's test PKI, which
// every Sim's destination and Zustelldienst keys chain to: the trust
// anchor of a sender in another process (Sim.Config builds the same
// trust store in-process). Never trust it outside tests.
func RootCertificate() (*x509.Certificate, error) { return rootCert() }
