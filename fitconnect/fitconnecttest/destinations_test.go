package fitconnecttest_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/fitconnect"
	"github.com/egosaar/ozg/fitconnect/fitconnecttest"
)

// Two municipalities, each with two services, one service shared: four
// destinations in one Zustelldienst.
const (
	arsA   = "100410100100" // Saarbrücken
	arsB   = "100410519519" // Völklingen
	leikaX = "99010003001006"
	leikaY = "99010004001006"
)

func multi(t *testing.T) (*fitconnecttest.Sim, map[string]string) {
	t.Helper()
	sim := fitconnecttest.StartWith(t, fitconnecttest.SimConfig{Destinations: []fitconnecttest.DestinationConfig{
		{Name: "A X", Services: []fitconnecttest.ServiceConfig{{LeikaKey: leikaX, Name: "Baugenehmigung"}}, Regions: []string{arsA}},
		{Name: "A Y", Services: []fitconnecttest.ServiceConfig{{LeikaKey: leikaY, Name: "Bauvorbescheid", SchemaURI: "urn:xoev-de:bmk:standard:xbau_2.5"}}, Regions: []string{arsA}},
		{Name: "B X", Services: []fitconnecttest.ServiceConfig{{LeikaKey: leikaX}}, Regions: []string{arsB}},
		{Name: "B Y", Services: []fitconnecttest.ServiceConfig{{LeikaKey: leikaY}}, Regions: []string{arsB}},
	}})
	ids := map[string]string{}
	for _, d := range sim.Destinations() {
		require.NotEmpty(t, d.ID)
		ids[d.Name] = d.ID
	}
	require.Len(t, ids, 4, "distinct IDs")
	return sim, ids
}

func newClient(t *testing.T, cfg fitconnect.Config) *fitconnect.Client {
	t.Helper()
	c, err := fitconnect.New(cfg)
	require.NoError(t, err)
	return c
}

// TestRoutingByServiceAndRegion: the Routing API lists exactly the
// destination for (LeiKa key, ARS or AGS), with a verified signature and
// the destination's own services; an unknown region or service has no
// route.
func TestRoutingByServiceAndRegion(t *testing.T) {
	t.Parallel()
	sim, ids := multi(t)
	sender := newClient(t, sim.SenderConfig())
	cases := []struct {
		name string
		q    fitconnect.RouteQuery
		want string // destination name; "" = no route
	}{
		{"A, X by ARS", fitconnect.RouteQuery{LeikaKey: leikaX, ARS: arsA}, "A X"},
		{"A, Y by ARS", fitconnect.RouteQuery{LeikaKey: leikaY, ARS: arsA}, "A Y"},
		{"B, X by ARS", fitconnect.RouteQuery{LeikaKey: leikaX, ARS: arsB}, "B X"},
		{"B, Y by AGS", fitconnect.RouteQuery{LeikaKey: leikaY, AGS: "10041519"}, "B Y"},
		{"unknown region", fitconnect.RouteQuery{LeikaKey: leikaX, ARS: "100450116116"}, ""},
		{"unknown AGS", fitconnect.RouteQuery{LeikaKey: leikaX, AGS: "10045116"}, ""},
		{"unknown service", fitconnect.RouteQuery{LeikaKey: "99010099001006", ARS: arsA}, ""},
		{"Kreis only, not a region", fitconnect.RouteQuery{LeikaKey: leikaX, ARS: "10041"}, ""},
		{"another Land", fitconnect.RouteQuery{LeikaKey: leikaX, ARS: "091620000000"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			routes, err := sender.Route(t.Context(), c.q)
			require.NoError(t, err)
			if c.want == "" {
				assert.Empty(t, routes)
				return
			}
			require.Len(t, routes, 1)
			assert.Equal(t, ids[c.want], routes[0].DestinationID)
			assert.Equal(t, c.want, routes[0].DestinationName)
			d, err := sender.Destination(t.Context(), routes[0].DestinationID)
			require.NoError(t, err)
			require.Len(t, d.Services, 1)
			assert.Equal(t, "urn:de:fim:leika:leistung:"+c.q.LeikaKey, d.Services[0].Identifier)
		})
	}
	d, err := sender.Destination(t.Context(), ids["A Y"])
	require.NoError(t, err)
	assert.Equal(t, "urn:xoev-de:bmk:standard:xbau_2.5", d.Services[0].SubmissionSchemas[0].SchemaURI)
	assert.Equal(t, "destination2-enc-1", d.EncryptionKeyID, "own keys")
}

func sendTo(t *testing.T, c *fitconnect.Client, dest, leika string) *fitconnect.SentSubmission {
	t.Helper()
	s, err := c.Send(t.Context(), fitconnect.Submission{DestinationID: dest, ServiceName: "Test",
		ServiceIdentifier: "urn:de:fim:leika:leistung:" + leika, Data: []byte("<antrag/>"), DataMimeType: "application/xml",
		DataSchemaURI: fitconnecttest.DataSchemaURI})
	require.NoError(t, err)
	return s
}

// TestDestinationIsolation: a submission to one destination is received
// and accepted by its own subscriber only; every other destination's
// subscriber neither lists nor fetches nor answers it, nor reads its
// events, and the sender reads no content.
func TestDestinationIsolation(t *testing.T) {
	t.Parallel()
	sim, ids := multi(t)
	ctx := t.Context()
	sender := newClient(t, sim.SenderConfig())
	sent := sendTo(t, sender, ids["B X"], leikaX)
	ref := fitconnect.SubmissionRef{DestinationID: ids["B X"], SubmissionID: sent.SubmissionID, CaseID: sent.CaseID}
	assert.Equal(t, 1, sim.SubmissionsTo(ids["B X"]))
	assert.Zero(t, sim.SubmissionsTo(ids["A X"]))

	forbidden := func(t *testing.T, err error) {
		t.Helper()
		var pe *fitconnect.ProblemError
		require.True(t, errors.As(err, &pe), "%+v", err)
		assert.Equal(t, 403, pe.Status)
	}
	for _, other := range []string{"A X", "A Y", "B Y"} {
		t.Run(other, func(t *testing.T) {
			c := newClient(t, sim.SubscriberConfig(ids[other]))
			page, err := c.ListSubmissions(ctx, ids[other], 0, 100)
			require.NoError(t, err)
			assert.Empty(t, page.Submissions, "own list is empty")
			_, err = c.ListSubmissions(ctx, ids["B X"], 0, 100)
			forbidden(t, err)
			_, err = c.Receive(ctx, ref)
			forbidden(t, err)
			forbidden(t, c.Reject(ctx, ref, fitconnect.Problem{Type: fitconnect.ProblemServiceMismatch, Title: "x", Detail: "x", Instance: "data"}))
			_, err = c.Status(ctx, sent)
			forbidden(t, err)
		})
	}
	t.Run("sender", func(t *testing.T) {
		_, err := sender.ListSubmissions(ctx, ids["B X"], 0, 100)
		forbidden(t, err)
	})
	own := newClient(t, sim.SubscriberConfig(ids["B X"]))
	page, err := own.ListSubmissions(ctx, ids["B X"], 0, 100)
	require.NoError(t, err)
	require.Len(t, page.Submissions, 1)
	got, err := own.Receive(ctx, page.Submissions[0])
	require.NoError(t, err, "decrypted with its own key")
	assert.Equal(t, "<antrag/>", string(got.Data))
	require.NoError(t, own.Accept(ctx, got))
	st, err := sender.Status(ctx, sent)
	require.NoError(t, err)
	assert.Equal(t, "accepted", st.State)
}

// TestDestinationKeysAreOwn: a subscriber with another destination's
// keys cannot decrypt, and the Zustelldienst refuses an event signed with
// another destination's key.
func TestDestinationKeysAreOwn(t *testing.T) {
	t.Parallel()
	sim, ids := multi(t)
	ctx := t.Context()
	sent := sendTo(t, newClient(t, sim.SenderConfig()), ids["B X"], leikaX)
	cfg := sim.SubscriberConfig(ids["B X"])
	alien := sim.SubscriberConfig(ids["A X"])
	cfg.DecryptionKeys, cfg.SigningKey, cfg.SigningKeyID = alien.DecryptionKeys, alien.SigningKey, alien.SigningKeyID
	c := newClient(t, cfg)
	ref := fitconnect.SubmissionRef{DestinationID: ids["B X"], SubmissionID: sent.SubmissionID, CaseID: sent.CaseID}
	_, err := c.Receive(ctx, ref)
	require.Error(t, err, "another destination's decryption key")
	err = c.Reject(ctx, ref, fitconnect.Problem{Type: fitconnect.ProblemServiceMismatch, Title: "x", Detail: "x", Instance: "data"})
	var pe *fitconnect.ProblemError
	require.ErrorAs(t, err, &pe, "an event signed with another destination's key")
	assert.Equal(t, 422, pe.Status)
}

// TestAnnounceChecksDestinationService: a destination accepts only its
// own services; an unknown destination is 404.
func TestAnnounceChecksDestinationService(t *testing.T) {
	t.Parallel()
	sim, ids := multi(t)
	sender := newClient(t, sim.SenderConfig())
	for _, c := range []struct{ dest, leika string }{{ids["A X"], leikaY}, {ids["B Y"], leikaX}, {"00000000-0000-4000-8000-000000000000", leikaX}} {
		_, err := sender.Send(t.Context(), fitconnect.Submission{DestinationID: c.dest, ServiceName: "Test",
			ServiceIdentifier: "urn:de:fim:leika:leistung:" + c.leika, Data: []byte("<a/>"), DataMimeType: "application/xml",
			DataSchemaURI: fitconnecttest.DataSchemaURI})
		require.Error(t, err, "%s %s", c.dest, c.leika)
	}
	assert.Zero(t, sim.Submissions())
}

// fatal records Fatalf instead of failing, to test StartWith's refusals.
type fatal struct {
	msg      string
	cleanups []func()
}

func (f *fatal) Helper()                        {}
func (f *fatal) Cleanup(fn func())              { f.cleanups = append(f.cleanups, fn) }
func (f *fatal) Fatalf(format string, a ...any) { f.msg = fmt.Sprintf(format, a...) }

// TestStartWithRefusesDestinations: every malformed destination table
// fails the test with a message naming the fault.
func TestStartWithRefusesDestinations(t *testing.T) {
	t.Parallel()
	svc := []fitconnecttest.ServiceConfig{{LeikaKey: leikaX}}
	many := make([]fitconnecttest.DestinationConfig, fitconnecttest.MaxDestinations+1)
	for i := range many {
		many[i].Services = svc
	}
	cases := map[string]struct {
		ds   []fitconnecttest.DestinationConfig
		want string
	}{
		"too many":      {many, "at most"},
		"no services":   {[]fitconnecttest.DestinationConfig{{}}, "no services"},
		"bad leika":     {[]fitconnecttest.DestinationConfig{{Services: []fitconnecttest.ServiceConfig{{LeikaKey: "123"}}}}, "LeiKa"},
		"bad region":    {[]fitconnecttest.DestinationConfig{{Services: svc, Regions: []string{"10041"}}}, "region"},
		"bad id":        {[]fitconnecttest.DestinationConfig{{ID: "X", Services: svc}}, "UUID"},
		"upper-case id": {[]fitconnecttest.DestinationConfig{{ID: strings.ToUpper(fitconnecttest.DestinationID), Services: svc}}, "UUID"},
		"duplicate id":  {[]fitconnecttest.DestinationConfig{{ID: fitconnecttest.DestinationID, Services: svc}, {ID: fitconnecttest.DestinationID, Services: svc}}, "twice"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			f := &fatal{}
			_ = fitconnecttest.StartWith(f, fitconnecttest.SimConfig{Destinations: c.ds})
			for _, fn := range f.cleanups {
				fn()
			}
			assert.Contains(t, f.msg, c.want)
		})
	}
}

// TestStartUnchanged: Start's single destination still serves LeikaKey
// in ARS through ClientID's sender-and-subscriber Config.
func TestStartUnchanged(t *testing.T) {
	t.Parallel()
	sim := fitconnecttest.Start(t)
	ds := sim.Destinations()
	require.Len(t, ds, 1)
	assert.Equal(t, fitconnecttest.DestinationID, ds[0].ID)
	c := newClient(t, sim.Config())
	routes, err := c.Route(context.Background(), fitconnect.RouteQuery{LeikaKey: fitconnecttest.LeikaKey, ARS: fitconnecttest.ARS})
	require.NoError(t, err)
	require.Len(t, routes, 1)
	assert.Equal(t, fitconnecttest.DestinationID, routes[0].DestinationID)
	sent := sendTo(t, c, fitconnecttest.DestinationID, fitconnecttest.LeikaKey)
	page, err := c.ListSubmissions(t.Context(), fitconnecttest.DestinationID, 0, 10)
	require.NoError(t, err)
	require.Len(t, page.Submissions, 1)
	assert.Equal(t, sent.SubmissionID, page.Submissions[0].SubmissionID)
}
