package webhook_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/notify"
	"github.com/egosaar/ozg/notify/webhook"
)

func TestSignRefuses(t *testing.T) {
	s := mustSecret(t)
	body := []byte("{}")
	cases := []struct {
		name string
		id   string
		ts   time.Time
		secs []webhook.Secret
		want error
	}{
		{"no secrets", "msg_1", t0, nil, webhook.ErrInvalidSecret},
		{"zero secret", "msg_1", t0, []webhook.Secret{{}}, webhook.ErrInvalidSecret},
		{"zero secret in rotation slot", "msg_1", t0, []webhook.Secret{s, {}}, webhook.ErrInvalidSecret},
		{"negative timestamp", "msg_1", time.Unix(-1, 0), []webhook.Secret{s}, webhook.ErrInvalidHeaders},
		{"dot in id", "msg.1", t0, []webhook.Secret{s}, webhook.ErrInvalidHeaders},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sig, err := webhook.Sign(tc.id, tc.ts, body, tc.secs...)
			assert.ErrorIs(t, err, tc.want)
			assert.Empty(t, sig)
		})
	}
	_, err := webhook.SignFITConnect(t0, body, webhook.Secret{})
	assert.ErrorIs(t, err, webhook.ErrInvalidSecret)
	_, err = webhook.SignFITConnect(time.Unix(-5, 0), body, s)
	assert.ErrorIs(t, err, webhook.ErrInvalidHeaders)
	// A timestamp of 0 is what the verifier accepts at the epoch.
	_, err = webhook.Sign("msg_1", time.Unix(0, 0), body, s)
	assert.NoError(t, err)
}

func TestValidateRoute(t *testing.T) {
	s := mustSecret(t)
	eps := webhook.StaticEndpoints{
		"ok":         {ID: "ok", URL: "https://hooks.example.org/x", Secrets: []webhook.Secret{s}},
		"loopback":   {ID: "loopback", URL: "http://127.0.0.1:8080/x", Secrets: []webhook.Secret{s}},
		"http":       {ID: "http", URL: "http://hooks.example.org/x", Secrets: []webhook.Secret{s}},
		"userinfo":   {ID: "userinfo", URL: "https://u:p@hooks.example.org/x", Secrets: []webhook.Secret{s}},
		"no secrets": {ID: "no secrets", URL: "https://hooks.example.org/x"},
		"zero slot":  {ID: "zero slot", URL: "https://hooks.example.org/x", Secrets: []webhook.Secret{s, {}}},
		"zero first": {ID: "zero first", URL: "https://hooks.example.org/x", Secrets: []webhook.Secret{{}, s}},
	}
	prod, err := webhook.NewSender(webhook.SenderConfig{Endpoints: eps})
	require.NoError(t, err)
	dev, err := webhook.NewSender(webhook.SenderConfig{Endpoints: eps, InsecureDevelopment: true})
	require.NoError(t, err)
	ctx := context.Background()
	ev := notify.Event{ID: "01950a6e-0000-7000-8000-000000000001", ApplicationID: "A", Transition: "T", Status: notify.StatusReceived}

	require.NoError(t, prod.ValidateRoute(ctx, ev, "ok"))
	require.NoError(t, dev.ValidateRoute(ctx, ev, "loopback"), "development switch allows loopback http")
	bad := []struct {
		sender         *webhook.Sender
		target, field  string
		want           error
		deliverChecked bool
	}{
		{prod, "unknown", "endpoint", webhook.ErrUnknownEndpoint, true},
		{prod, "loopback", "url", webhook.ErrInsecureURL, true},
		{dev, "http", "url", webhook.ErrInsecureURL, true},
		{dev, "userinfo", "url", webhook.ErrInsecureURL, true},
		{prod, "no secrets", "secrets", webhook.ErrInvalidSecret, true},
		{prod, "zero slot", "secrets", webhook.ErrInvalidSecret, true},
		{prod, "zero first", "secrets", webhook.ErrInvalidSecret, true},
	}
	for _, tc := range bad {
		t.Run(tc.target, func(t *testing.T) {
			err := tc.sender.ValidateRoute(ctx, ev, tc.target)
			require.ErrorIs(t, err, tc.want)
			var fe *notify.FieldError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tc.field, fe.Field)
			// Deliver refuses the same endpoint, permanently, before any request.
			derr := tc.sender.Deliver(ctx, notify.Delivery{Event: ev, Target: tc.target, Attempt: 1})
			var de *notify.DeliveryError
			require.ErrorAs(t, derr, &de)
			assert.True(t, de.Permanent)
			assert.ErrorIs(t, derr, tc.want)
		})
	}
	_, err = webhook.NewSender(webhook.SenderConfig{})
	assert.ErrorIs(t, err, webhook.ErrInvalidConfig)
	_, err = webhook.NewVerifier(webhook.VerifierConfig{})
	assert.ErrorIs(t, err, webhook.ErrInvalidConfig)
}
