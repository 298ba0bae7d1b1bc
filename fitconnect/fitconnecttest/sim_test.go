package fitconnecttest_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/egosaar/ozg/fitconnect/fitconnecttest"
)

// The simulator enforces what the Zustelldienst enforces, so that a
// client's defects show in tests.
func TestSimulatorRefuses(t *testing.T) {
	t.Parallel()
	sim := fitconnecttest.Start(t)
	base := sim.URL + "/submission-api/v2"
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {fitconnecttest.ClientID}, "client_secret": {fitconnecttest.ClientSecret}}
	resp, err := http.PostForm(sim.URL+"/token", form)
	require.NoError(t, err)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&tok))
	resp.Body.Close()
	do := func(method, u, body, token string) int {
		req, _ := http.NewRequest(method, u, strings.NewReader(body))
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	announce := func(ids ...string) string {
		b, _ := json.Marshal(map[string]any{"destinationId": fitconnecttest.DestinationID, "announcedAttachments": ids,
			"publicService": map[string]string{"name": "x", "identifier": fitconnecttest.ServiceIdentifier}})
		req, _ := http.NewRequest(http.MethodPost, base+"/submissions", bytes.NewReader(b))
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var a struct{ SubmissionID string }
		_ = json.NewDecoder(resp.Body).Decode(&a)
		return a.SubmissionID
	}
	// No token, wrong client secret.
	assert.Equal(t, http.StatusUnauthorized, do(http.MethodGet, base+"/destinations/"+fitconnecttest.DestinationID, "", ""))
	assert.Equal(t, http.StatusUnauthorized, do(http.MethodGet, base+"/destinations/"+fitconnecttest.DestinationID, "", "guessed"))
	form.Set("client_secret", "wrong")
	resp, err = http.PostForm(sim.URL+"/token", form)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	// Duplicate attachment IDs.
	id := uuid.NewString()
	assert.Empty(t, announce(id, id))
	// Submit without cty: 422.
	sub := announce()
	require.NotEmpty(t, sub)
	noCty := `{"encryptedMetadata":"eyJhbGciOiJSU0EtT0FFUC0yNTYiLCJlbmMiOiJBMjU2R0NNIn0.a.b.c.d","encryptedData":"eyJhbGciOiJSU0EtT0FFUC0yNTYiLCJlbmMiOiJBMjU2R0NNIn0.a.b.c.d"}`
	assert.Equal(t, http.StatusUnprocessableEntity, do(http.MethodPut, base+"/submissions/"+sub, noCty, tok.AccessToken))
	// Upload of an attachment that was not announced.
	assert.Equal(t, http.StatusNotFound, do(http.MethodPut, base+"/submissions/"+sub+"/attachments/"+uuid.NewString(), "a.b.c.d.e", tok.AccessToken))
}
