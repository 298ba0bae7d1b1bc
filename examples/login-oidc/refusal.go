package main

import (
	"errors"
	"html/template"
	"net/http"

	"github.com/egosaar/ozg/account/oidc"
)

// refusal is what the citizen reads when a login is refused: what
// happened in plain words and what to do next, never the technical error.
type refusal struct {
	Title, Text string
}

// refusalFor picks the explanation for a FinishLogin error.
func refusalFor(err error) refusal {
	var pe *oidc.ProviderError
	switch {
	case errors.As(err, &pe) && pe.LoginRequired():
		return refusal{"Anmeldung abgebrochen",
			"Die Anmeldung beim Servicekonto wurde abgebrochen oder nicht abgeschlossen. Sie können es gleich noch einmal versuchen."}
	case errors.Is(err, oidc.ErrLevel):
		return refusal{"Stärkere Anmeldung nötig",
			"Für diesen Dienst brauchen Sie mindestens das Vertrauensniveau „substanziell“, zum Beispiel mit der Online-Ausweisfunktion. Bitte melden Sie sich damit erneut an."}
	case errors.Is(err, oidc.ErrState):
		return refusal{"Anmeldung abgelaufen",
			"Die Anmeldung wurde in einem anderen Browserfenster begonnen, hat zu lange gedauert oder wurde schon verwendet. Bitte starten Sie die Anmeldung hier neu."}
	}
	return refusal{"Anmeldung nicht möglich",
		"Die Anmeldung konnte nicht geprüft werden. Bitte versuchen Sie es später noch einmal; wenn es wieder nicht klappt, wenden Sie sich an die Stadtverwaltung."}
}

var refusalPage = template.Must(template.New("refusal").Parse(`<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>{{.Title}}</title></head><body>
<h1 id="title">{{.Title}}</h1>
<p id="text">{{.Text}}</p>
<form method="post" action="/login"><button id="login" type="submit">Erneut anmelden</button></form>
<p><a href="/">Zur Startseite</a></p>
</body></html>`))

// refuse writes the refusal page with 403 (the login was not accepted).
func refuse(w http.ResponseWriter, err error) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusForbidden)
	_ = refusalPage.Execute(w, refusalFor(err))
}
