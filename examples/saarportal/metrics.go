package main

import (
	"context"
	"fmt"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/otel/attribute"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	"go.opentelemetry.io/otel/metric"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/resource"
)

// The portal's metrics: one OpenTelemetry MeterProvider (sdk/metric) read
// by the Prometheus exporter into a registry of its own, served at
// /metrics on the operator listener (Config.MetricsAddr), never on the
// citizens' one. The same provider is handed to the packages (their
// Config.MeterProvider), so /metrics carries the packages' ozg_* series
// beside the portal's saarportal_* counters. Attributes are fixed labels
// — tenant (ARS), service (LeiKa key), outcome, reason — never personal
// data, IDs or error text.

// metrics are the portal's instruments.
type metrics struct {
	provider     *sdkmetric.MeterProvider
	registry     *prometheus.Registry
	applications metric.Int64Counter
	refusals     metric.Int64Counter
}

const meterName = "github.com/egosaar/ozg/examples/saarportal"

func newMetrics() (*metrics, error) {
	reg := prometheus.NewRegistry()
	exp, err := otelprom.New(otelprom.WithRegisterer(reg))
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	m := &metrics{registry: reg, provider: sdkmetric.NewMeterProvider(sdkmetric.WithReader(exp),
		sdkmetric.WithResource(resource.NewSchemaless(attribute.String("service.name", "saarportal"))))}
	meter := m.provider.Meter(meterName)
	if m.applications, err = meter.Int64Counter("saarportal.applications",
		metric.WithDescription("Application steps by tenant (ARS), service (LeiKa key) and outcome: started, submitted (paid and delivered to the Zustelldienst), failed (paid, submission failed; retried on the next visit), received, rejected, refused_no_destination."),
		metric.WithUnit("{application}")); err != nil {
		return nil, err
	}
	if m.refusals, err = meter.Int64Counter("saarportal.login.refusals",
		metric.WithDescription("Refused BundID logins by reason (portal-wide)."),
		metric.WithUnit("{login}")); err != nil {
		return nil, err
	}
	return m, nil
}

// application counts an application step.
func (m *metrics) application(ctx context.Context, ars, leika, outcome string) {
	if m == nil {
		return
	}
	m.applications.Add(ctx, 1, metric.WithAttributes(attribute.String("tenant", ars),
		attribute.String("service", leika), attribute.String("outcome", outcome)))
}

// loginRefused counts a refused login.
func (m *metrics) loginRefused(ctx context.Context, reason string) {
	if m == nil {
		return
	}
	m.refusals.Add(ctx, 1, metric.WithAttributes(attribute.String("reason", reason)))
}

// handler serves the registry in the Prometheus text format.
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

func (m *metrics) shutdown(ctx context.Context) {
	if m != nil {
		_ = m.provider.Shutdown(ctx)
	}
}
