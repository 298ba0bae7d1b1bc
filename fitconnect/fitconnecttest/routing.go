package fitconnecttest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/google/uuid"

	"github.com/egosaar/ozg/signature/jose"
)

// Routing test data: the default destination serves LeikaKey in ARS.
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

// routes2 lists every destination that offers the LeiKa key in the area
// (ARS or AGS), each with addressing information the SSP signs: the
// destination's services and regions.
func (s *Sim) routes2(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	routes := []map[string]any{}
	for _, d := range s.dests {
		if !d.serves(q.Get("leikaKey"), q.Get("ars"), q.Get("ags")) {
			continue
		}
		route, err := s.route(d)
		if err != nil {
			problem(w, http.StatusInternalServerError, "internal")
			return
		}
		routes = append(routes, route)
	}
	writeJSON(w, http.StatusOK, map[string]any{"count": len(routes), "offset": 0, "totalCount": len(routes), "routes": routes})
}

func (s *Sim) route(d *destination) (map[string]any, error) {
	u, _ := url.Parse(s.URL)
	var gebiete, leistungen []string
	for _, ars := range d.cfg.Regions {
		gebiete = append(gebiete, "urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:rs:"+ars,
			"urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:ags:"+agsOf(ars))
	}
	for _, c := range d.cfg.Services {
		leistungen = append(leistungen, c.Identifier())
	}
	claims := map[string]any{
		"submissionHost": u.Host, "iss": s.URL + "/ssp", "destinationId": d.cfg.ID,
		"iat": time.Now().Unix(), "jti": uuid.NewString(),
		"services": []map[string]any{{"gebietIDs": gebiete, "leistungIDs": leistungen}},
	}
	key := s.ssp.priv
	routeID := d.cfg.ID
	if f, ok := s.take(FaultRouteTampered, FaultRouteForeignKey); ok {
		if f == FaultRouteTampered {
			routeID = uuid.NewString()
		} else {
			key = s.zd.priv
		}
	}
	signer, err := jose.NewSigner(jose.SignerConfig{Key: key, Algorithm: jose.PS512, KeyID: sspKeyID, Type: "JWT"})
	if err != nil {
		return nil, err
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return nil, err
	}
	sig, err := signer.Sign(payload)
	if err != nil {
		return nil, err
	}
	return map[string]any{"destinationId": routeID, "destinationSignature": sig, "destinationName": d.cfg.Name}, nil
}
