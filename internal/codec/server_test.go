package codec

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/encoding/protojson"
)

const uiOrigin = "http://localhost:8233"

func codecServer(t *testing.T, token string) (*Codec, *httptest.Server) {
	t.Helper()
	k, _ := newKey(t, "k1")
	c := mustNew(t, k)
	srv := httptest.NewServer(Handler(c, ServerOptions{Origins: []string{"http://127.0.0.1:8233", uiOrigin}, Token: token}))
	t.Cleanup(srv.Close)
	return c, srv
}

func post(t *testing.T, url, token string, body string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", uiOrigin)
	req.Header.Set("X-Namespace", "default")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func TestServerDecodesForTheUI(t *testing.T) {
	c, srv := codecServer(t, "s3cret")
	sealed, err := c.Encode([]*commonpb.Payload{payload(t, person)})
	require.NoError(t, err)
	body, err := protojson.Marshal(&commonpb.Payloads{Payloads: sealed})
	require.NoError(t, err)

	// The browser's preflight: no credentials, answered with the UI's origin.
	pre, err := http.NewRequest(http.MethodOptions, srv.URL+"/decode", nil)
	require.NoError(t, err)
	pre.Header.Set("Origin", uiOrigin)
	pre.Header.Set("Access-Control-Request-Method", "POST")
	pre.Header.Set("Access-Control-Request-Headers", "authorization,content-type,x-namespace")
	resp, err := http.DefaultClient.Do(pre)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	assert.Equal(t, uiOrigin, resp.Header.Get("Access-Control-Allow-Origin"))
	assert.Equal(t, "true", resp.Header.Get("Access-Control-Allow-Credentials"))
	for _, h := range []string{"Authorization", "Content-Type", "X-Namespace"} {
		assert.Contains(t, resp.Header.Get("Access-Control-Allow-Headers"), h)
	}

	resp = post(t, srv.URL+"/decode", "", string(body))
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Equal(t, uiOrigin, resp.Header.Get("Access-Control-Allow-Origin"), "the UI can read the refusal")
	resp = post(t, srv.URL+"/decode", "wrong", string(body))
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)

	resp = post(t, srv.URL+"/decode", "s3cret", string(body))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, uiOrigin, resp.Header.Get("Access-Control-Allow-Origin"))
	out, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var decoded commonpb.Payloads
	require.NoError(t, protojson.Unmarshal(out, &decoded))
	require.Len(t, decoded.Payloads, 1)
	var got string
	require.NoError(t, converter.GetDefaultDataConverter().FromPayload(decoded.Payloads[0], &got))
	assert.Equal(t, person, got)
}

func TestServerEncodesAndRefusesOtherPaths(t *testing.T) {
	c, srv := codecServer(t, "")
	body, err := protojson.Marshal(&commonpb.Payloads{Payloads: []*commonpb.Payload{payload(t, person)}})
	require.NoError(t, err)

	resp := post(t, srv.URL+"/encode", "", string(body))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var raw struct {
		Payloads []json.RawMessage `json:"payloads"`
	}
	out, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(out, &raw))
	require.Len(t, raw.Payloads, 1)
	assert.NotContains(t, string(out), "Lovelace")
	var sealed commonpb.Payloads
	require.NoError(t, protojson.Unmarshal(out, &sealed))
	dec, err := c.Decode(sealed.Payloads)
	require.NoError(t, err)
	var got string
	require.NoError(t, converter.GetDefaultDataConverter().FromPayload(dec[0], &got))
	assert.Equal(t, person, got)

	assert.Equal(t, http.StatusNotFound, post(t, srv.URL+"/other/decode", "", string(body)).StatusCode)

	other, err := http.NewRequest(http.MethodOptions, srv.URL+"/decode", nil)
	require.NoError(t, err)
	other.Header.Set("Origin", "http://evil.example")
	resp, err = http.DefaultClient.Do(other)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Empty(t, resp.Header.Get("Access-Control-Allow-Origin"), "another origin is not allowed")
	get, err := http.Get(srv.URL + "/decode")
	require.NoError(t, err)
	get.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, get.StatusCode)
}

// GET /healthz answers without the token (container health checks carry none); nothing else
// does.
func TestServerHealthNeedsNoToken(t *testing.T) {
	_, srv := codecServer(t, "codec-token-1234567890")
	resp, err := http.Get(srv.URL + "/healthz")
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "ok\n", string(body))

	resp = post(t, srv.URL+"/decode", "", `{"payloads": []}`)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "the codec itself still wants the token")
	resp, err = http.Get(srv.URL + "/healthz/../decode")
	require.NoError(t, err)
	resp.Body.Close()
	assert.NotEqual(t, http.StatusOK, resp.StatusCode)
}
