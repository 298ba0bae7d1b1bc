package httpx

import (
	"io"
	"net/http"

	"github.com/egosaar/ozg/internal/boundedio"
)

// DefaultMaxBody caps response bodies read by the module's HTTP clients.
const DefaultMaxBody = 1 << 20 // 1 MiB

// ReadBody reads at most limit bytes of resp.Body and closes it. A longer
// body yields an error wrapping boundedio.ErrTooLarge.
func ReadBody(resp *http.Response, limit int64) ([]byte, error) {
	defer resp.Body.Close()
	if limit <= 0 {
		limit = DefaultMaxBody
	}
	return boundedio.ReadAll(resp.Body, limit)
}

// DrainAndClose discards up to 64 KiB of the body so the connection can be
// reused, then closes it.
func DrainAndClose(resp *http.Response) {
	if resp == nil || resp.Body == nil {
		return
	}
	_, _ = io.CopyN(io.Discard, resp.Body, 64<<10)
	_ = resp.Body.Close()
}
