package fitconnect

import (
	"encoding/json"
	"fmt"

	"github.com/egosaar/ozg/internal/uuidfmt"
)

// isUUID reports whether s is a canonical UUID (IDs are placed in paths).
func isUUID(s string) bool { return uuidfmt.Valid(s) }

func jsonMarshal(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("fitconnect: encode: %w", err)
	}
	return b, nil
}
