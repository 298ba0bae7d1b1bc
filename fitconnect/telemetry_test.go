package fitconnect_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/fitconnect"
	"github.com/egosaar/ozg/fitconnect/fitconnecttest"
	"github.com/egosaar/ozg/internal/telemetry/telemetrytest"
)

func recordedClient(t *testing.T, sim *fitconnecttest.Sim) (*fitconnect.Client, *telemetrytest.Recorder) {
	rec := telemetrytest.New(t)
	return newClient(t, sim, func(c *fitconnect.Config) {
		c.TracerProvider, c.MeterProvider = rec.TracerProvider, rec.MeterProvider
	}), rec
}

func TestTelemetrySenderAndSubscriber(t *testing.T) {
	t.Parallel()
	sim := fitconnecttest.Start(t)
	c, rec := recordedClient(t, sim)
	ctx := context.Background()
	routes, err := c.Route(ctx, fitconnect.RouteQuery{LeikaKey: fitconnecttest.LeikaKey, ARS: fitconnecttest.ARS})
	require.NoError(t, err)
	s := bauantrag()
	s.DestinationID = routes[0].DestinationID
	sent, err := c.Send(ctx, s)
	require.NoError(t, err)
	_, err = c.Status(ctx, sent)
	require.NoError(t, err)
	_, err = c.ListSubmissions(ctx, fitconnecttest.DestinationID, 0, 10)
	require.NoError(t, err)
	ref := fitconnect.SubmissionRef{DestinationID: sent.DestinationID, SubmissionID: sent.SubmissionID, CaseID: sent.CaseID}
	out, err := c.Process(ctx, openStore(t), ref, func(context.Context, *fitconnect.ReceivedSubmission) error { return nil })
	require.NoError(t, err)
	require.Equal(t, fitconnect.Accepted, out)

	for _, tc := range []struct{ op, outcome, service string }{
		{"route", "ok", fitconnecttest.LeikaKey},
		{"send", "ok", fitconnecttest.LeikaKey},
		{"status", "ok", ""},
		{"list", "ok", ""},
		{"receive", "ok", ""},
		{"accept", "ok", ""},
		{"process", "accepted", ""},
	} {
		spans := rec.SpansNamed("fitconnect." + tc.op)
		require.Len(t, spans, 1, tc.op)
		a := telemetrytest.SpanAttrs(spans[0])
		assert.Equal(t, tc.outcome, a["ozg.outcome"], tc.op)
		assert.Equal(t, tc.service, a["ozg.service"], tc.op)
		assert.Equal(t, int64(1), rec.Sum(t, "ozg.fitconnect.operations", map[string]string{"ozg.operation": tc.op, "ozg.outcome": tc.outcome}), tc.op)
		assert.Equal(t, int64(1), rec.Sum(t, "ozg.fitconnect.operation.duration", map[string]string{"ozg.operation": tc.op}), tc.op)
	}
	// receive and accept run inside process.
	proc := rec.SpansNamed("fitconnect.process")[0]
	assert.Equal(t, proc.SpanContext().SpanID(), rec.SpansNamed("fitconnect.accept")[0].Parent().SpanID())
	rec.AssertAllowedKeys(t)
}

func TestTelemetryOutcomes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, op, outcome string
		run               func(ctx context.Context, sim *fitconnecttest.Sim, c *fitconnect.Client) error
	}{
		{"invalid submission argument", "send", "invalid", func(ctx context.Context, _ *fitconnecttest.Sim, c *fitconnect.Client) error {
			s := bauantrag()
			s.ServiceName = ""
			_, err := c.Send(ctx, s)
			return err
		}},
		{"tampered route", "route", "refused", func(ctx context.Context, sim *fitconnecttest.Sim, c *fitconnect.Client) error {
			sim.Inject(fitconnecttest.FaultRouteTampered)
			_, err := c.Route(ctx, fitconnect.RouteQuery{LeikaKey: fitconnecttest.LeikaKey, ARS: fitconnecttest.ARS})
			return err
		}},
		{"bad leika key", "route", "invalid", func(ctx context.Context, _ *fitconnecttest.Sim, c *fitconnect.Client) error {
			_, err := c.Route(ctx, fitconnect.RouteQuery{LeikaKey: "12345", ARS: fitconnecttest.ARS})
			return err
		}},
		{"untrusted destination key", "send", "refused", func(ctx context.Context, sim *fitconnecttest.Sim, c *fitconnect.Client) error {
			sim.Inject(fitconnecttest.FaultWeakKey)
			_, err := c.Send(ctx, bauantrag())
			return err
		}},
		{"lost announce", "send", "unknown", func(ctx context.Context, sim *fitconnecttest.Sim, c *fitconnect.Client) error {
			sim.Inject(fitconnecttest.FaultLostAnnounce)
			_, err := c.Send(ctx, bauantrag())
			return err
		}},
		{"reject, canceled", "reject", "canceled", func(ctx context.Context, _ *fitconnecttest.Sim, c *fitconnect.Client) error {
			ctx, cancel := context.WithCancel(ctx)
			cancel()
			id := uuid.NewString()
			return c.Reject(ctx, fitconnect.SubmissionRef{DestinationID: fitconnecttest.DestinationID, SubmissionID: id, CaseID: id},
				fitconnect.Problem{Type: fitconnect.ProblemTechnicalError, Title: "x", Instance: "data"})
		}},
		{"canceled", "send", "canceled", func(ctx context.Context, _ *fitconnecttest.Sim, c *fitconnect.Client) error {
			ctx, cancel := context.WithCancel(ctx)
			cancel()
			_, err := c.Send(ctx, bauantrag())
			return err
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sim := fitconnecttest.Start(t)
			c, rec := recordedClient(t, sim)
			require.Error(t, tc.run(context.Background(), sim, c))
			assert.Equal(t, int64(1), rec.Sum(t, "ozg.fitconnect.operations", map[string]string{"ozg.operation": tc.op, "ozg.outcome": tc.outcome}))
			rec.AssertAllowedKeys(t)
		})
	}
}

// TestTelemetryCarriesNoPersonalData sends, lists, processes and rejects
// submissions full of recognisable personal data and scans every recorded
// name and attribute value.
func TestTelemetryCarriesNoPersonalData(t *testing.T) {
	t.Parallel()
	sim := fitconnecttest.Start(t)
	c, rec := recordedClient(t, sim)
	ctx := context.Background()
	s := bauantrag()
	s.Data = []byte(`<antrag><name>Erika Mustermann</name><kassenzeichen>4299887766554</kassenzeichen></antrag>`)
	s.Attachments[0].Filename = "Mustermann_Erika_Bauzeichnung.pdf"
	s.ReplyChannel = &fitconnect.ReplyChannel{EMail: &fitconnect.EMailChannel{Address: "erika.mustermann@example.org"}}
	sent, err := c.Send(ctx, s)
	require.NoError(t, err)
	ref := fitconnect.SubmissionRef{DestinationID: sent.DestinationID, SubmissionID: sent.SubmissionID, CaseID: sent.CaseID}
	_, err = c.Process(ctx, openStore(t), ref, func(context.Context, *fitconnect.ReceivedSubmission) error {
		return fitconnect.NewProblem(fitconnect.ProblemSchemaViolation, "data", "Name Erika Mustermann unzulaessig", nil)
	})
	require.NoError(t, err)
	_, err = c.Status(ctx, sent)
	require.NoError(t, err)
	s.ServiceName = ""
	_, err = c.Send(ctx, s)
	require.Error(t, err)
	pii := []string{"Mustermann", "Erika", "4299887766554", "example.org", sent.SubmissionID, sent.CaseID, sent.DestinationID}
	rec.AssertNoPersonalData(t, pii...)
	rec.AssertAllowedKeys(t)
}
