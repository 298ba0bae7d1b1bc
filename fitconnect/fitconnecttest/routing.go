package fitconnecttest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/google/uuid"

	"github.com/egosaar/ozg/signature/jose"
)

// Routing test data: the destination serves LeikaKey in ARS.
const (
	LeikaKey = "99010003001006"
	ARS      = "100410100100"
	sspKeyID = "ssp-sig-1"
)

// Routing faults.
const (
	// FaultRouteTampered lists the route under another destination ID
	// than the signed one.
	FaultRouteTampered Fault = iota + 100
	// FaultRouteForeignKey signs the addressing information with a key
	// that is not the SSP's (under the SSP's kid).
	FaultRouteForeignKey
)

func (s *Sim) routingRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /ssp/.well-known/jwks.json", func(w http.ResponseWriter, _ *http.Request) {
		k, err := s.ssp.jwkJSON(sspKeyID, jose.PS512, "verify")
		if err != nil {
			problem(w, http.StatusInternalServerError, "internal")
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"keys": []json.RawMessage{k}})
	})
	mux.HandleFunc("GET /routing-api/v2/routes", s.routes2)
}

func (s *Sim) routes2(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("leikaKey") != LeikaKey || (q.Get("ars") != ARS && q.Get("ags") != ARS[:5]+ARS[9:]) {
		writeJSON(w, http.StatusOK, map[string]any{"count": 0, "offset": 0, "totalCount": 0, "routes": []any{}})
		return
	}
	u, _ := url.Parse(s.URL)
	claims := map[string]any{
		"submissionHost": u.Host, "iss": s.URL + "/ssp", "destinationId": DestinationID,
		"iat": time.Now().Unix(), "jti": uuid.NewString(),
		"services": []map[string]any{{
			"gebietIDs":   []string{"urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:rs:" + ARS, "urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:ags:" + ARS[:5] + ARS[9:]},
			"leistungIDs": []string{"urn:de:fim:leika:leistung:" + LeikaKey},
		}},
	}
	key := s.ssp.priv
	routeID := DestinationID
	if f, ok := s.take(FaultRouteTampered, FaultRouteForeignKey); ok {
		if f == FaultRouteTampered {
			routeID = uuid.NewString()
		} else {
			key = s.zd.priv
		}
	}
	signer, err := jose.NewSigner(jose.SignerConfig{Key: key, Algorithm: jose.PS512, KeyID: sspKeyID, Type: "JWT"})
	if err != nil {
		problem(w, http.StatusInternalServerError, "internal")
		return
	}
	payload, _ := json.Marshal(claims)
	sig, err := signer.Sign(payload)
	if err != nil {
		problem(w, http.StatusInternalServerError, "internal")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"count": 1, "offset": 0, "totalCount": 1, "routes": []map[string]any{{
		"destinationId": routeID, "destinationSignature": sig, "destinationName": "Untere Bauaufsichtsbehörde (Test)",
	}}})
}
