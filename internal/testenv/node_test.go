package testenv

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNodeMajor(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int{"v20.20.2\n": 20, "v18.19.0": 18, "22.1.0": 22} {
		got, err := nodeMajor(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"", "v", "vx.1", "node", "v-1.0", "v0.12.0"} {
		_, err := nodeMajor(bad)
		assert.Error(t, err, "%q", bad)
	}
}

// npmDir writes a package directory as npm ci would leave it; mutate
// breaks it in one way.
func npmDir(t *testing.T, mutate func(dir string)) string {
	t.Helper()
	dir := t.TempDir()
	old := time.Now().Add(-time.Hour)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "package.json"),
		[]byte(`{"dependencies":{"jose":"6.2.17"},"devDependencies":{"@scope/pkg":"1.0.0"}}`), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "package-lock.json"), []byte(`{}`), 0o600))
	require.NoError(t, os.Chtimes(filepath.Join(dir, "package-lock.json"), old, old))
	for _, p := range []string{"jose", "@scope/pkg"} {
		require.NoError(t, os.MkdirAll(filepath.Join(dir, "node_modules", p), 0o700))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "node_modules", p, "package.json"), []byte(`{}`), 0o600))
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "node_modules", ".package-lock.json"), []byte(`{}`), 0o600))
	if mutate != nil {
		mutate(dir)
	}
	return dir
}

func TestNodeModulesProblem(t *testing.T) {
	t.Parallel()
	require.NoError(t, nodeModulesProblem(npmDir(t, nil)))
	cases := map[string]struct {
		mutate func(dir string)
		want   string
	}{
		"no lock file":    {func(d string) { _ = os.Remove(filepath.Join(d, "package-lock.json")) }, "no package-lock.json"},
		"never installed": {func(d string) { _ = os.RemoveAll(filepath.Join(d, "node_modules")) }, "node_modules missing"},
		"no hidden lock":  {func(d string) { _ = os.Remove(filepath.Join(d, "node_modules", ".package-lock.json")) }, "node_modules missing"},
		"stale install": {func(d string) {
			_ = os.Chtimes(filepath.Join(d, "package-lock.json"), time.Now().Add(time.Hour), time.Now().Add(time.Hour))
		}, "changed after"},
		"dependency gone":   {func(d string) { _ = os.RemoveAll(filepath.Join(d, "node_modules", "jose")) }, "not installed: jose"},
		"dev dependency":    {func(d string) { _ = os.RemoveAll(filepath.Join(d, "node_modules", "@scope")) }, "not installed: @scope/pkg"},
		"no package.json":   {func(d string) { _ = os.Remove(filepath.Join(d, "package.json")) }, "no package.json"},
		"broken package.js": {func(d string) { _ = os.WriteFile(filepath.Join(d, "package.json"), []byte(`{`), 0o600) }, "package.json:"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			err := nodeModulesProblem(npmDir(t, c.mutate))
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

func TestMissingPHPExtensions(t *testing.T) {
	t.Parallel()
	phpM := "[PHP Modules]\nCore\ndom\nmbstring\n\n[Zend Modules]\nZend OPcache\n"
	assert.Empty(t, missingPHPExtensions(phpM, []string{"dom", "MBSTRING", "Zend OPcache"}))
	assert.Equal(t, []string{"curl", "xml"}, missingPHPExtensions(phpM, []string{"dom", "curl", "xml"}))
	assert.Equal(t, []string{"do"}, missingPHPExtensions(phpM, []string{"do"}), "a prefix is not an extension")
}
