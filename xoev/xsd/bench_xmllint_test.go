//go:build unix

package xsd

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/egosaar/ozg/internal/testenv"
)

// selfCPU is the CPU time (user+system) used by this process so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func median(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

// BenchmarkXMLLint compares with libxml2 in the same run, on the same
// files. CPU time (user+system) is reported next to wall time because it
// is robust against other load on the machine.
//
//   - process/…: our CLI (examples/xsdvalidate, one document per process,
//     the bundle loaded from its precompiled form at start-up) against
//     `xmllint --noout --schema` (the target: small, a 4–5 KB
//     message, cpu-ratio = ours ÷ xmllint ≤ 0.5);
//   - process-batch20/…: 20 documents per process for both;
//   - inprocess/…: our Validate against libxml2's own parse+validate cost,
//     taken as the CPU time of `xmllint --schema doc` minus that of the same
//     command on a tiny document (start-up and schema compilation cancel).
func BenchmarkXMLLint(b *testing.B) {
	xmllint := testenv.XMLLint(b)
	bu := xbau26(b)
	s, err := Compile(bu.FS, bu.Entry, Config{Catalog: bu.Catalog})
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	entry, catalog := writeBundle(b, bu, filepath.Join(dir, "schema"))
	cli := filepath.Join(dir, "xsdvalidate")
	build := exec.Command("go", "build", "-o", cli, "../../examples/xsdvalidate")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	tiny := filepath.Join(dir, "tiny.xml")
	if err := os.WriteFile(tiny, []byte(`<a/>`), 0o644); err != nil {
		b.Fatal(err)
	}
	// runCmd returns wall and CPU time of one process.
	runCmd := func(mustSucceed bool, name string, args ...string) (time.Duration, time.Duration) {
		cmd := exec.Command(name, args...)
		cmd.Env = append(os.Environ(), "XML_CATALOG_FILES="+catalog)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		t0 := time.Now()
		err := cmd.Run()
		wall := time.Since(t0)
		if err != nil && mustSucceed {
			b.Fatalf("%s: %v\n%s", name, err, stderr.String())
		}
		return wall, cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	report := func(b *testing.B, n int, oursW, oursC, theirsW, theirsC time.Duration) {
		f := float64(n)
		b.ReportMetric(float64(oursW.Microseconds())/1000/f, "ours-ms/doc")
		b.ReportMetric(float64(theirsW.Microseconds())/1000/f, "xmllint-ms/doc")
		b.ReportMetric(float64(oursC.Microseconds())/1000/f, "ours-cpu-ms/doc")
		b.ReportMetric(float64(theirsC.Microseconds())/1000/f, "xmllint-cpu-ms/doc")
		if oursC > 0 {
			b.ReportMetric(float64(theirsC)/float64(oursC), "cpu-speedup")
		}
		if theirsC > 0 && theirsW > 0 {
			b.ReportMetric(float64(oursC)/float64(theirsC), "cpu-ratio")
			b.ReportMetric(float64(oursW)/float64(theirsW), "wall-ratio")
		}
	}
	for _, size := range []struct {
		name string
		n    int
	}{{"small", 4 << 10}, {"typical", 20 << 10}, {"5MB", 5 << 20}} {
		data := benchDoc(b, s, size.n)
		file := filepath.Join(dir, size.name+".xml")
		if err := os.WriteFile(file, data, 0o644); err != nil {
			b.Fatal(err)
		}
		b.Run("process/"+size.name, func(b *testing.B) {
			var oursW, oursC, theirsW, theirsC time.Duration
			for i := 0; i < b.N; i++ {
				w, c := runCmd(true, cli, "-q", "-bundle", "xbau-2.6", file)
				oursW, oursC = oursW+w, oursC+c
				w, c = runCmd(true, xmllint, "--noout", "--nonet", "--schema", entry, file)
				theirsW, theirsC = theirsW+w, theirsC+c
			}
			report(b, b.N, oursW, oursC, theirsW, theirsC)
		})
		if size.name == "typical" {
			batch := make([]string, 20)
			for i := range batch {
				batch[i] = filepath.Join(dir, "batch-"+strconv.Itoa(i)+".xml")
				if err := os.WriteFile(batch[i], data, 0o644); err != nil {
					b.Fatal(err)
				}
			}
			b.Run("process-batch20/"+size.name, func(b *testing.B) {
				var oursW, oursC, theirsW, theirsC time.Duration
				for i := 0; i < b.N; i++ {
					w, c := runCmd(true, cli, append([]string{"-q", "-bundle", "xbau-2.6"}, batch...)...)
					oursW, oursC = oursW+w, oursC+c
					w, c = runCmd(true, xmllint, append([]string{"--noout", "--nonet", "--schema", entry}, batch...)...)
					theirsW, theirsC = theirsW+w, theirsC+c
				}
				report(b, b.N*len(batch), oursW, oursC, theirsW, theirsC)
			})
		}
		if size.name == "small" {
			continue
		}
		b.Run("inprocess/"+size.name, func(b *testing.B) {
			var libxml []time.Duration
			for i := 0; i < 5; i++ {
				_, full := runCmd(true, xmllint, "--noout", "--nonet", "--schema", entry, file)
				_, base := runCmd(false, xmllint, "--noout", "--nonet", "--schema", entry, tiny)
				libxml = append(libxml, full-base)
			}
			libxmlCPU := median(libxml)
			ctx := context.Background()
			b.SetBytes(int64(len(data)))
			b.ResetTimer()
			c0 := selfCPU()
			for i := 0; i < b.N; i++ {
				if err := s.ValidateBytes(ctx, data); err != nil {
					b.Fatal(err)
				}
			}
			oursCPU := (selfCPU() - c0) / time.Duration(b.N)
			b.ReportMetric(float64(oursCPU.Microseconds())/1000, "ours-cpu-ms/doc")
			b.ReportMetric(float64(libxmlCPU.Microseconds())/1000, "libxml2-cpu-ms/doc")
			if oursCPU > 0 && libxmlCPU > 0 {
				b.ReportMetric(float64(libxmlCPU)/float64(oursCPU), "ratio-vs-libxml2")
			}
		})
	}
}
