package xsd

import (
	"encoding/json"
	"io/fs"
	"os"
	"testing"
)

// testBundle mirrors schemas.Bundle for this package's internal tests,
// which cannot import package schemas (it imports xsd). The files are the
// same on disk; XWasser's catalog is read from the same catalog.json.
type testBundle struct {
	Name    string
	FS      fs.FS
	Entry   string
	Catalog map[string]string
}

func diskBundle(tb testing.TB, name, dir, entry string) testBundle {
	tb.Helper()
	b := testBundle{Name: name, FS: os.DirFS("schemas/" + dir), Entry: entry, Catalog: map[string]string{}}
	if data, err := os.ReadFile("schemas/" + dir + "/catalog.json"); err == nil {
		if err := json.Unmarshal(data, &b.Catalog); err != nil {
			tb.Fatal(err)
		}
	}
	return b
}

func xbau26(tb testing.TB) testBundle {
	return diskBundle(tb, "XBau 2.6", "xbau-2.6", "xbau-nachrichten-baugenehmigung.xsd")
}

func xwasser100(tb testing.TB) testBundle {
	return diskBundle(tb, "XWasser 1.0.0", "xwasser-1.0.0", "xwasser.xsd")
}

func xdomea300(tb testing.TB) testBundle {
	return diskBundle(tb, "xdomea 3.0.0", "xdomea-3.0.0", "schemes/xdomea_3.0.0/xdomea.xsd")
}

func allBundles(tb testing.TB) []testBundle {
	return []testBundle{xbau26(tb), xwasser100(tb), xdomea300(tb)}
}
