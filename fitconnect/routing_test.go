package fitconnect_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/fitconnect"
	"github.com/egosaar/ozg/fitconnect/fitconnecttest"
)

func TestRoute(t *testing.T) {
	t.Parallel()
	sim := fitconnecttest.Start(t)
	c := newClient(t, sim)
	ctx := context.Background()
	routes, err := c.Route(ctx, fitconnect.RouteQuery{LeikaKey: fitconnecttest.LeikaKey, ARS: fitconnecttest.ARS})
	require.NoError(t, err)
	require.Len(t, routes, 1)
	assert.Equal(t, fitconnecttest.DestinationID, routes[0].DestinationID)

	// The route leads to a submission.
	s := bauantrag()
	s.DestinationID = routes[0].DestinationID
	_, err = c.Send(ctx, s)
	require.NoError(t, err)

	for name, f := range map[string]fitconnecttest.Fault{"tampered route": fitconnecttest.FaultRouteTampered, "foreign key": fitconnecttest.FaultRouteForeignKey} {
		sim.Inject(f)
		_, err := c.Route(ctx, fitconnect.RouteQuery{LeikaKey: fitconnecttest.LeikaKey, ARS: fitconnecttest.ARS})
		require.ErrorIs(t, err, fitconnect.ErrRouting, name)
		require.NotErrorIs(t, err, fitconnect.ErrInvalidArgument, name+": a refused answer, not the caller's argument")
	}
	bad := map[string]fitconnect.RouteQuery{
		"no area":       {LeikaKey: fitconnecttest.LeikaKey},
		"both areas":    {LeikaKey: fitconnecttest.LeikaKey, ARS: fitconnecttest.ARS, AGS: "10041100"},
		"bad leika":     {LeikaKey: "12345", ARS: fitconnecttest.ARS},
		"ars injection": {LeikaKey: fitconnecttest.LeikaKey, ARS: "10&limit=1"},
	}
	for name, q := range bad {
		_, err := c.Route(ctx, q)
		require.ErrorIs(t, err, fitconnect.ErrInvalidArgument, name)
		require.NotErrorIs(t, err, fitconnect.ErrRouting, name)
	}
	// Another Zustelldienst's client refuses the signed submissionHost.
	other := fitconnecttest.Start(t)
	oc := newClient(t, other, func(cfg *fitconnect.Config) {
		cfg.Environment.RoutingAPI, cfg.Environment.SSPKeysURL = sim.URL+"/routing-api", sim.URL+"/ssp/.well-known/jwks.json"
	})
	_, err = oc.Route(ctx, fitconnect.RouteQuery{LeikaKey: fitconnecttest.LeikaKey, ARS: fitconnecttest.ARS})
	require.ErrorIs(t, err, fitconnect.ErrRouting)
}
