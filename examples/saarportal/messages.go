package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/beevik/etree"

	"github.com/egosaar/ozg/xoev"
)

// messages builds the XBau 2.6 application messages (XBau-Hochbau 2.6,
// xbau-nachrichten-baugenehmigung.xsd) with the XÖV header (xoev) for
// every tenant; each tenant signs with its own key (tenantRuntime.signer).
type messages struct {
	builder *xoev.Builder
	berlin  *time.Location
}

// portalAuthor is the autor of every message: the portal as the online
// service (an illustrative DVDV identifier).
var portalAuthor = xoev.Behoerde{
	Verzeichnisdienst: xoev.Code{Code: xoev.VerzeichnisdienstDVDV, ListVersionID: "1"},
	Kennung:           "psw:10000001",
	Name:              "Saarland-Portal (Online-Dienste der Saar-Kommunen)",
	Erreichbarkeit:    []xoev.Kommunikation{{Kanal: xoev.Code{Code: "01", ListVersionID: "4"}, Kennung: "onlinedienste@saarland.example"}},
}

func newMessages() (*messages, error) {
	profiles, err := xoev.StandardProfiles()
	if err != nil {
		return nil, err
	}
	profile, ok := profiles.ByName("xbau-2.6")
	if !ok {
		return nil, errors.New("saarportal: no xbau-2.6 profile")
	}
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		berlin = time.FixedZone("CET", 3600)
	}
	b, err := xoev.NewBuilder(xoev.BuilderConfig{
		Profile: profile, Produkt: "ozg Saarland-Portal (Beispiel)", Produkthersteller: "egosaar", Produktversion: "1.0",
		Now: func() time.Time { return time.Now().In(berlin) },
	})
	if err != nil {
		return nil, err
	}
	return &messages{builder: b, berlin: berlin}, nil
}

// build returns the unsigned message for an application of service s to
// tenant t's authority, and its nachrichtenUUID. The body carries the
// portal's reference (referenzAntragsservice) and the applicant's name;
// the full XBau form is examples/bauantrag's subject, not this one's.
func (m *messages) build(ctx context.Context, t *Tenant, s *Service, appID, given, family string) ([]byte, string, error) {
	ref := etree.NewElement("xbau:referenzAntragsservice")
	ref.CreateElement("referenzAntragsservice").SetText(appID)
	applicant := etree.NewElement("xbau:antragsteller")
	person := applicant.CreateElement("natuerlichePerson")
	person.CreateElement("id").SetText(appID)
	name := person.CreateElement("name")
	name.CreateElement("familienname").CreateElement("name").SetText(family)
	name.CreateElement("vorname").CreateElement("name").SetText(given)
	leser := xoev.Behoerde{
		Verzeichnisdienst: xoev.Code{Code: xoev.VerzeichnisdienstDVDV, ListVersionID: "1"},
		Kennung:           t.Authority.Kennung, Name: t.Authority.Name,
		Erreichbarkeit: []xoev.Kommunikation{{Kanal: xoev.Code{Code: "01", ListVersionID: "4"}, Kennung: t.Authority.Email}},
	}
	msg, err := m.builder.Build(ctx, xoev.Draft{Root: s.Message, Leser: leser, Autor: portalAuthor, Body: []*etree.Element{ref, applicant}})
	if err != nil {
		return nil, "", fmt.Errorf("build %s: %w", s.Message, err)
	}
	data, err := msg.Bytes()
	if err != nil {
		return nil, "", err
	}
	return data, msg.Kopf.IdentifikationNachricht.NachrichtenUUID, nil
}
