//go:build !race

package xmldsig_test

const raceEnabled = false
