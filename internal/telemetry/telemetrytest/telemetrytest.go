package telemetrytest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/egosaar/ozg/internal/telemetry"
)

// Recorder holds an SDK tracer and meter provider that record in memory.
type Recorder struct {
	TracerProvider *sdktrace.TracerProvider
	MeterProvider  *sdkmetric.MeterProvider
	spans          *tracetest.SpanRecorder
	reader         *sdkmetric.ManualReader
}

// New returns a Recorder whose providers are shut down at the end of t.
func New(t testing.TB) *Recorder {
	sr := tracetest.NewSpanRecorder()
	rd := sdkmetric.NewManualReader()
	r := &Recorder{
		TracerProvider: sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sr)),
		MeterProvider:  sdkmetric.NewMeterProvider(sdkmetric.WithReader(rd)),
		spans:          sr,
		reader:         rd,
	}
	t.Cleanup(func() {
		_ = r.TracerProvider.Shutdown(context.Background())
		_ = r.MeterProvider.Shutdown(context.Background())
	})
	return r
}

// Spans returns the ended spans.
func (r *Recorder) Spans() []sdktrace.ReadOnlySpan { return r.spans.Ended() }

// SpansNamed returns the ended spans called name.
func (r *Recorder) SpansNamed(name string) []sdktrace.ReadOnlySpan {
	var out []sdktrace.ReadOnlySpan
	for _, s := range r.spans.Ended() {
		if s.Name() == name {
			out = append(out, s)
		}
	}
	return out
}

// Metrics collects the current metrics.
func (r *Recorder) Metrics(t testing.TB) metricdata.ResourceMetrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, r.reader.Collect(context.Background(), &rm))
	return rm
}

// Point is one data point of a counter or histogram: its attributes and
// its value (a histogram's count).
type Point struct {
	Attrs map[string]string
	Value int64
	Scope string
}

// Points returns the data points of the metric called name.
func (r *Recorder) Points(t testing.TB, name string) []Point {
	t.Helper()
	var out []Point
	for _, sm := range r.Metrics(t).ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != name {
				continue
			}
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					out = append(out, Point{Attrs: attrMap(p.Attributes.ToSlice()), Value: p.Value, Scope: sm.Scope.Name})
				}
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					out = append(out, Point{Attrs: attrMap(p.Attributes.ToSlice()), Value: int64(p.Count), Scope: sm.Scope.Name})
				}
			}
		}
	}
	return out
}

// Sum adds the values of the points of name whose attributes include
// every pair of match.
func (r *Recorder) Sum(t testing.TB, name string, match map[string]string) int64 {
	t.Helper()
	var n int64
	for _, p := range r.Points(t, name) {
		ok := true
		for k, v := range match {
			if p.Attrs[k] != v {
				ok = false
			}
		}
		if ok {
			n += p.Value
		}
	}
	return n
}

// SpanAttrs returns a span's attributes as strings.
func SpanAttrs(s sdktrace.ReadOnlySpan) map[string]string { return attrMap(s.Attributes()) }

func attrMap(kvs []attribute.KeyValue) map[string]string {
	m := make(map[string]string, len(kvs))
	for _, kv := range kvs {
		m[string(kv.Key)] = kv.Value.String()
	}
	return m
}

// Allowed is the attribute allow-list of the module's own scopes
// (docs/observability.md).
var Allowed = []attribute.Key{
	telemetry.KeyOperation, telemetry.KeyOutcome, telemetry.KeyTenant, telemetry.KeyProvider,
	telemetry.KeyService, telemetry.KeyChannel, telemetry.KeyReason, telemetry.KeyErrorType,
}

// Texts returns every recorded string a backend would receive: span
// names, status descriptions, attribute keys and values, event names and
// attributes, link attributes, metric names and data-point attributes —
// of all scopes, river's middleware included.
func (r *Recorder) Texts(t testing.TB) []string {
	t.Helper()
	var out []string
	kv := func(kvs []attribute.KeyValue) {
		for _, a := range kvs {
			out = append(out, string(a.Key), a.Value.String())
		}
	}
	for _, s := range r.Spans() {
		out = append(out, s.Name(), s.Status().Description)
		kv(s.Attributes())
		for _, e := range s.Events() {
			out = append(out, e.Name)
			kv(e.Attributes)
		}
		for _, l := range s.Links() {
			kv(l.Attributes)
		}
	}
	for _, sm := range r.Metrics(t).ScopeMetrics {
		for _, m := range sm.Metrics {
			out = append(out, m.Name)
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					kv(p.Attributes.ToSlice())
				}
			case metricdata.Sum[float64]:
				for _, p := range d.DataPoints {
					kv(p.Attributes.ToSlice())
				}
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					kv(p.Attributes.ToSlice())
				}
			case metricdata.Histogram[int64]:
				for _, p := range d.DataPoints {
					kv(p.Attributes.ToSlice())
				}
			case metricdata.Gauge[float64]:
				for _, p := range d.DataPoints {
					kv(p.Attributes.ToSlice())
				}
			case metricdata.Gauge[int64]:
				for _, p := range d.DataPoints {
					kv(p.Attributes.ToSlice())
				}
			}
		}
	}
	return out
}

// AssertNoPersonalData fails t if any recorded text (Texts) contains one
// of pii (case-insensitive), and if nothing was recorded at all.
func (r *Recorder) AssertNoPersonalData(t testing.TB, pii ...string) {
	t.Helper()
	texts := r.Texts(t)
	require.NotEmpty(t, r.Spans(), "no span recorded: the scan would prove nothing")
	for _, s := range texts {
		for _, p := range pii {
			require.NotEmpty(t, p)
			require.NotContains(t, strings.ToLower(s), strings.ToLower(p), "recorded telemetry carries personal data")
		}
	}
}

// AssertAllowedKeys fails t if a span or data point of the module's own
// scopes (ModulePath/...) carries an attribute key outside Allowed.
func (r *Recorder) AssertAllowedKeys(t testing.TB) {
	t.Helper()
	check := func(where string, kvs []attribute.KeyValue) {
		for _, a := range kvs {
			require.True(t, slices.Contains(Allowed, a.Key), "%s: attribute %q is not on the allow-list", where, a.Key)
		}
	}
	own := func(scope string) bool { return strings.HasPrefix(scope, telemetry.ModulePath+"/") }
	for _, s := range r.Spans() {
		if own(s.InstrumentationScope().Name) {
			check("span "+s.Name(), s.Attributes())
			require.Empty(t, s.Events(), "span %s: events (they could carry error texts)", s.Name())
		}
	}
	for _, sm := range r.Metrics(t).ScopeMetrics {
		if !own(sm.Scope.Name) {
			continue
		}
		for _, m := range sm.Metrics {
			for _, p := range r.Points(t, m.Name) {
				for k := range p.Attrs {
					require.True(t, slices.Contains(Allowed, attribute.Key(k)), "metric %s: attribute %q is not on the allow-list", m.Name, k)
				}
			}
		}
	}
}

// String describes the recorder (for failure messages).
func (r *Recorder) String() string {
	return fmt.Sprintf("telemetrytest.Recorder(%d spans)", len(r.Spans()))
}
