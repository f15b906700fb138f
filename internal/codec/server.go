package codec

import (
	"crypto/subtle"
	"io"
	"net/http"
	"slices"
	"strings"

	"go.temporal.io/sdk/converter"
)

// maxRequestBytes bounds a request's body: a page of history's payloads, each under the
// server's payload limit, encoded as JSON.
const maxRequestBytes = 64 << 20

// ServerOptions configures the codec server's HTTP handler.
type ServerOptions struct {
	// Origins are the Web UI's origins (scheme://host:port), the ones CORS lets call: a
	// browser's Origin is a string, so http://localhost:8233 and http://127.0.0.1:8233 differ.
	Origins []string
	// Token, when set, must come as `Authorization: Bearer TOKEN` on every POST.
	Token string
}

// Handler is the codec server the Temporal Web UI and CLI call (--codec-endpoint): POST
// /encode and /decode with `{"payloads": […]}`, answered by the SDK's handler over c, behind
// CORS for opts.Origins and an optional bearer check; GET /healthz answers "ok" to anyone.
func Handler(c *Codec, opts ServerOptions) http.Handler {
	codec := converter.NewPayloadCodecHTTPHandler(c)
	mux := http.NewServeMux()
	mux.Handle("POST /encode", codec)
	mux.Handle("POST /decode", codec)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Vary", "Origin")
		if origin := r.Header.Get("Origin"); slices.Contains(opts.Origins, origin) {
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Allow-Credentials", "true")
			h.Set("Access-Control-Allow-Methods", "POST, OPTIONS")
			h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Namespace")
		}
		if r.Method == http.MethodGet && r.URL.Path == "/healthz" {
			// For container health checks: says only that the server runs, so no token.
			_, _ = io.WriteString(w, "ok\n")
			return
		}
		if r.Method == http.MethodOptions {
			// A preflight carries no credentials: it is answered before the bearer check.
			w.WriteHeader(http.StatusNoContent)
			return
		}
		if opts.Token != "" && !bearer(r, opts.Token) {
			h.Set("WWW-Authenticate", "Bearer")
			http.Error(w, http.StatusText(http.StatusUnauthorized), http.StatusUnauthorized)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxRequestBytes)
		mux.ServeHTTP(w, r)
	})
}

// bearer says whether the request carries the token, compared in constant time.
func bearer(r *http.Request, token string) bool {
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(got), []byte(token)) == 1
}
