package fitconnecttest

import (
	"crypto/rsa"
	"encoding/json"
	"time"

	"github.com/egosaar/ozg/signature/jose"
)

// signTyped signs set as a JWS with typ "JWT" instead of secevent+jwt.
func signTyped(key *rsa.PrivateKey, kid string, set jose.SET) (string, error) {
	signer, err := jose.NewSigner(jose.SignerConfig{Key: key, Algorithm: jose.PS512, KeyID: kid, Type: "JWT"})
	if err != nil {
		return "", err
	}
	claims := map[string]any{"iss": set.Issuer, "iat": time.Now().Unix(), "jti": "wrong-typ", "sub": set.Subject, "txn": set.TransactionID, "events": set.Events}
	b, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	return signer.Sign(b)
}
