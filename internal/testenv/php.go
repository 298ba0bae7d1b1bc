package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// PHP returns the path of the php command-line interpreter, or marks the
// test unavailable. Each named extension (as `php -m` lists it, compared
// case-insensitively, e.g. "dom", "mbstring", "curl") must be loaded too.
func PHP(t testing.TB, extensions ...string) string {
	t.Helper()
	p := Command(t, "php", "php-cli")
	if len(extensions) == 0 {
		return p
	}
	out, err := exec.Command(p, "-m").Output()
	if err != nil {
		Unavailable(t, "php", "php -m failed: "+err.Error())
		return ""
	}
	if missing := missingPHPExtensions(string(out), extensions); len(missing) > 0 {
		Unavailable(t, "PHP extensions "+strings.Join(missing, ", "),
			"install the Debian packages that provide them, e.g. apt-get install php-xml php-mbstring php-curl")
	}
	return p
}

// missingPHPExtensions returns the wanted extensions that `php -m` output
// does not list.
func missingPHPExtensions(phpM string, want []string) []string {
	have := map[string]bool{}
	for _, line := range strings.Split(phpM, "\n") {
		have[strings.ToLower(strings.TrimSpace(line))] = true
	}
	var missing []string
	for _, w := range want {
		if !have[strings.ToLower(w)] {
			missing = append(missing, w)
		}
	}
	return missing
}

// SimpleSAMLphpDir is where Debian's simplesamlphp package installs the
// library (its www folder is the document root to serve).
const SimpleSAMLphpDir = "/usr/share/simplesamlphp"

// SimpleSAMLphp returns the installation folder of SimpleSAMLphp (Debian
// package simplesamlphp) after checking that [PHP] with the extensions it
// needs is there, or marks the test unavailable.
func SimpleSAMLphp(t testing.TB) string {
	t.Helper()
	PHP(t, "dom", "mbstring", "curl")
	if _, err := os.Stat(filepath.Join(SimpleSAMLphpDir, "www", "index.php")); err != nil {
		Unavailable(t, "SimpleSAMLphp", fmt.Sprintf("apt-get install --no-install-recommends simplesamlphp (expected %s)", SimpleSAMLphpDir))
	}
	return SimpleSAMLphpDir
}
